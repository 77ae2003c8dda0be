// Loads a {data, next_cursor} collection of any path page by page (users, audit entries):
// the first page, then more on loadMore() while next_cursor is set. Changing path or query
// starts over; answers to stale requests are dropped.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';

export function useCursorList(path, query, { pageSize = 50, enabled = true } = {}) {
    const [state, setState] = useState({ items: [], cursor: null, loading: enabled, error: null,
                                         done: false });
    const generation = useRef(0);
    const key = JSON.stringify([path, query, pageSize]);

    const load = useCallback(async (cursor, gen) => {
        setState((s) => ({ ...s, loading: true, error: cursor ? s.error : null }));
        try {
            const page = await api.get(path, { ...query, limit: pageSize, cursor: cursor || undefined });
            if (gen !== generation.current) return;
            const data = Array.isArray(page) ? page : (page && page.data) || [];
            const next = Array.isArray(page) ? null : (page && page.next_cursor) || null;
            setState((s) => ({
                items: cursor ? [...s.items, ...data] : data,
                cursor: next,
                loading: false,
                error: null,
                done: !next,
            }));
        } catch (e) {
            if (gen !== generation.current) return;
            setState((s) => ({ ...s, items: cursor ? s.items : [], loading: false, error: e, done: true }));
        }
    }, [key]);

    useEffect(() => {
        generation.current += 1;
        if (!enabled) return;
        setState({ items: [], cursor: null, loading: true, error: null, done: false });
        load(null, generation.current);
    }, [key, enabled]);

    const latest = useRef(state);
    latest.current = state;
    const loadMore = useCallback(() => {
        const s = latest.current;
        if (!s.cursor || s.loading || s.done) return;
        load(s.cursor, generation.current);
    }, [load]);

    const reload = useCallback(() => {
        generation.current += 1;
        load(null, generation.current);
    }, [load]);

    return { ...state, loadMore, reload };
}
