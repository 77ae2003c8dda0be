// A tiny history-based router: the current location as state, navigate(), a Link that
// keeps clicks inside the app, and match() for "/companies/:id" patterns.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

function current() {
    return { path: window.location.pathname, search: window.location.search };
}

function notify() {
    const loc = current();
    for (const fn of listeners) fn(loc);
}

window.addEventListener('popstate', notify);

/** Goes to url (path plus optional ?query); replace keeps the history entry. */
export function navigate(url, { replace = false } = {}) {
    if (url === window.location.pathname + window.location.search) return;
    if (replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    if (!replace) window.scrollTo(0, 0);
    notify();
}

/** Rewrites the query string of the current page without a new history entry. */
export function setSearchParams(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== '') search.set(key, value);
    }
    const text = search.toString();
    const url = window.location.pathname + (text ? `?${text}` : '');
    if (url !== window.location.pathname + window.location.search) {
        window.history.replaceState(null, '', url);
    }
}

export function useLocation() {
    const [loc, setLoc] = useState(current);
    useEffect(() => {
        listeners.add(setLoc);
        return () => listeners.delete(setLoc);
    }, []);
    return loc;
}

/** Matches "/companies/:id" against a path; returns the params or null. */
export function match(pattern, path) {
    const want = pattern.split('/').filter(Boolean);
    const have = path.split('/').filter(Boolean);
    if (want.length !== have.length) return null;
    const params = {};
    for (let i = 0; i < want.length; i++) {
        if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
        else if (want[i] !== have[i]) return null;
    }
    return params;
}

export function Link({ href, children, ...rest }) {
    function onClick(e) {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
            return;
        }
        e.preventDefault();
        navigate(href);
        if (rest.onNavigate) rest.onNavigate();
    }
    const { onNavigate, ...attrs } = rest;
    return html`<a href=${href} onClick=${onClick} ...${attrs}>${children}</a>`;
}
