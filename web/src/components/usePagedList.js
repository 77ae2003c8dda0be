// Loads a collection page by page: the first page with count=true (for the total), then
// more on loadMore() while next_cursor is set. Changing params starts over; answers to
// stale requests are dropped.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { listRecords } from '../api.js';

export function usePagedList(entity, params, { pageSize = 50, enabled = true } = {}) {
    const [state, setState] = useState({ items: [], total: null, cursor: null, loading: enabled,
                                         error: null, done: false });
    const generation = useRef(0);
    const busy = useRef(false);
    const key = JSON.stringify([entity, params, pageSize]);

    const load = useCallback(async (cursor, gen) => {
        busy.current = true;
        setState((s) => ({ ...s, loading: true, error: cursor ? s.error : null }));
        try {
            const query = { ...params, limit: pageSize, cursor: cursor || undefined,
                            count: cursor ? undefined : 'true' };
            const page = await listRecords(entity, query);
            if (gen !== generation.current) return;
            setState((s) => ({
                items: cursor ? [...s.items, ...(page.data || [])] : page.data || [],
                total: cursor ? s.total : page.total ?? null,
                cursor: page.next_cursor || null,
                loading: false,
                error: null,
                done: !page.next_cursor,
            }));
        } catch (e) {
            if (gen !== generation.current) return;
            setState((s) => ({ ...s, items: cursor ? s.items : [], loading: false, error: e,
                               done: true }));
        } finally {
            if (gen === generation.current) busy.current = false;
        }
    }, [key]);

    useEffect(() => {
        generation.current += 1;
        busy.current = false;
        if (!enabled) return;
        setState({ items: [], total: null, cursor: null, loading: true, error: null, done: false });
        load(null, generation.current);
    }, [key, enabled]);

    const latest = useRef(state);
    latest.current = state;
    const loadMore = useCallback(() => {
        const s = latest.current;
        if (busy.current || !s.cursor || s.loading || s.done) return;
        load(s.cursor, generation.current);
    }, [load]);

    const reload = useCallback(() => {
        generation.current += 1;
        busy.current = false;
        load(null, generation.current);
    }, [load]);

    return { ...state, loadMore, reload };
}
