// Custom field definitions of an entity (GET /fields?entity=...), cached for the session and
// refreshed after the admin page changes them.
import { useEffect, useState } from 'preact/hooks';
import { listFields } from '../api.js';

const cache = new Map();
const listeners = new Set();

/** Forgets cached definitions (after a change on the custom fields page). */
export function invalidateFieldDefs(entity) {
    if (entity) cache.delete(entity);
    else cache.clear();
    for (const fn of listeners) fn();
}

export function loadFieldDefs(entity) {
    if (!cache.has(entity)) {
        const p = listFields(entity).catch((e) => {
            cache.delete(entity);
            throw e;
        });
        cache.set(entity, p);
    }
    return cache.get(entity);
}

/** {defs, error, ready} for entity. */
export function useFieldDefs(entity) {
    const [state, setState] = useState({ defs: [], error: null, ready: false });
    const [tick, setTick] = useState(0);
    useEffect(() => {
        const fn = () => setTick((n) => n + 1);
        listeners.add(fn);
        return () => listeners.delete(fn);
    }, []);
    useEffect(() => {
        let live = true;
        loadFieldDefs(entity).then(
            (defs) => live && setState({ defs, error: null, ready: true }),
            (error) => live && setState({ defs: [], error, ready: true }),
        );
        return () => {
            live = false;
        };
    }, [entity, tick]);
    return state;
}
