// Fetch wrapper for the REST API at /api/v1: JSON in and out, problem+json errors turned
// into ApiError (status, detail, field errors), X-CSRF-Token sent on changes once known.

const BASE = '/api/v1';

let csrfToken = null;

/** Remembers the CSRF token given by sign-in; sent with every request that changes data. */
export function setCsrfToken(token) {
    csrfToken = token || null;
}

export class ApiError extends Error {
    constructor(status, problem) {
        const p = problem && typeof problem === 'object' ? problem : {};
        super(p.detail || p.title || `HTTP ${status}`);
        this.name = 'ApiError';
        this.status = status;
        this.type = p.type || null;
        this.title = p.title || null;
        this.detail = p.detail || null;
        this.errors = Array.isArray(p.errors) ? p.errors : [];
    }
}

function buildQuery(query) {
    if (!query) return '';
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
        if (value === undefined || value === null || value === '' || value === false) continue;
        params.set(key, String(value));
    }
    const text = params.toString();
    return text ? `?${text}` : '';
}

async function readBody(response) {
    if (response.status === 204) return null;
    const text = await response.text();
    if (!text) return null;
    try {
        return JSON.parse(text);
    } catch {
        return { detail: text.slice(0, 300) };
    }
}

/**
 * Calls the API. Returns {data, status, headers}; throws ApiError for a non-2xx answer
 * and for network failures (status 0).
 */
export async function request(method, path, { query, body, headers, signal } = {}) {
    const init = { method, headers: { Accept: 'application/json', ...headers }, signal,
                   credentials: 'same-origin' };
    if (body !== undefined) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
    }
    if (method !== 'GET' && method !== 'HEAD' && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
    let response;
    try {
        response = await fetch(BASE + path + buildQuery(query), init);
    } catch (e) {
        if (e && e.name === 'AbortError') throw e;
        throw new ApiError(0, { title: 'Network error', detail: String(e && e.message || e) });
    }
    const data = await readBody(response);
    if (!response.ok) throw new ApiError(response.status, data);
    return { data, status: response.status, headers: response.headers };
}

export const api = {
    get: (path, query, opts) => request('GET', path, { ...opts, query }).then((r) => r.data),
    post: (path, body) => request('POST', path, { body }).then((r) => r.data),
    patch: (path, body, version) =>
        request('PATCH', path, {
            body,
            headers: version != null ? { 'If-Match': `"${version}"` } : undefined,
        }).then((r) => r.data),
    del: (path) => request('DELETE', path).then(() => null),
};

/** One page of a collection: {data, next_cursor, total?}. */
export function listRecords(entity, params, signal) {
    return api.get(`/${entity}`, params, { signal });
}

export function getRecord(entity, id) {
    return api.get(`/${entity}/${id}`);
}

export function createRecord(entity, body) {
    return api.post(`/${entity}`, body);
}

export function updateRecord(entity, id, body, version) {
    return api.patch(`/${entity}/${id}`, body, version);
}

export function deleteRecord(entity, id) {
    return api.del(`/${entity}/${id}`);
}

export function restoreRecord(entity, id) {
    return api.post(`/${entity}/${id}/restore`);
}

/** Custom field definitions of one entity ("companies" or "contacts"). */
export function listFields(entity) {
    return api.get('/fields', { entity }).then((r) => (r && r.data) || []);
}
