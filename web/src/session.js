// The signed-in caller: GET /auth/me on start ({user, csrf_token, permissions, fields,
// is_admin}), sign-in and sign-out, the state the app renders from ("loading", "in", "out",
// "error") and the permission checks pages use to hide what the caller may not do.
import { useEffect, useState } from 'preact/hooks';
import { api, setAuthHandler, setCsrfToken } from './api.js';
import { invalidateFieldDefs } from './components/useFieldDefs.js';

let state = { status: 'loading', me: null, error: null };
const listeners = new Set();
let loading = null;

function publish(next) {
    state = next;
    for (const fn of listeners) fn(state);
}

export function getSession() {
    return state;
}

/** {status, me, error}; re-renders the caller when it changes. */
export function useSession() {
    const [value, setValue] = useState(state);
    useEffect(() => {
        listeners.add(setValue);
        setValue(state);
        return () => listeners.delete(setValue);
    }, []);
    return value;
}

/** (Re)reads /auth/me; a 401 means signed out. */
export function loadSession() {
    if (loading) return loading;
    loading = (async () => {
        try {
            const me = await api.get('/auth/me', undefined, { quiet401: true });
            if (me && me.csrf_token) setCsrfToken(me.csrf_token);
            publish({ status: 'in', me, error: null });
        } catch (e) {
            if (e.status === 401) {
                setCsrfToken(null);
                publish({ status: 'out', me: null, error: null });
            } else if (state.me) {
                /* keep working with what is known; the next request will tell */
                publish({ ...state, error: e });
            } else {
                publish({ status: 'error', me: null, error: e });
            }
        } finally {
            loading = null;
        }
    })();
    return loading;
}

/** After a successful POST /auth/login or /auth/totp: keep the token, read permissions. */
export async function completeSignIn(answer) {
    setCsrfToken(answer && answer.csrf_token);
    invalidateFieldDefs();
    await loadSession();
}

/** The session ended on the server (a 401): back to the sign-in page. */
export function expireSession() {
    if (state.status === 'out') return;
    setCsrfToken(null);
    invalidateFieldDefs();
    publish({ status: 'out', me: null, error: null });
}

export async function signOut() {
    try {
        await api.post('/auth/logout', undefined, { quiet401: true });
    } catch {
        /* the session may already be gone; sign-in comes next either way */
    }
    expireSession();
}

setAuthHandler((reason) => {
    if (reason === 'expired') expireSession();
    else if (reason === 'password' && state.status === 'in') loadSession();
});

/** Scope ("none", "own", "team", "all") the caller has for action on entity. */
export function scopeOf(me, entity, action) {
    if (!me) return 'none';
    if (me.is_admin) return 'all';
    const perms = me.permissions && me.permissions[entity];
    if (!perms || perms[action] === undefined) return 'all';
    return perms[action] || 'none';
}

/** Whether the caller may do action on entity at all (or on this record, when given). */
export function can(me, entity, action, record) {
    const scope = scopeOf(me, entity, action);
    if (scope === 'none') return false;
    if (scope === 'own' && record && record.owner_id != null && me.user) {
        return record.owner_id === me.user.id;
    }
    return true;
}

/** The caller's session, for components that only need the permission helpers. */
export function useMe() {
    return useSession().me;
}

/** A safe place to go after sign-in: a path inside the app, never another origin. */
export function safeNext(next) {
    if (!next || typeof next !== 'string') return '/companies';
    if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/companies';
    if (next === '/login' || next.startsWith('/login?')) return '/companies';
    return next;
}
