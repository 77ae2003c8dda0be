// Fetch wrapper for the REST API at /api/v1: JSON in and out, problem+json errors turned
// into ApiError (status, detail, field errors, Retry-After), X-CSRF-Token sent on changes
// once known; a 401 (session gone) or a "change your password first" 403 is reported to the
// handler the session module installs. A FormData body goes as multipart/form-data.

const BASE = '/api/v1';

let csrfToken = null;
let authHandler = null;

/** Remembers the CSRF token given by sign-in; sent with every request that changes data. */
export function setCsrfToken(token) {
    csrfToken = token || null;
}

/**
 * Installs fn(reason) called when an answer says the caller must sign in again
 * (reason "expired", a 401) or change the password first (reason "password", a 403).
 */
export function setAuthHandler(fn) {
    authHandler = fn;
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
        this.retryAfter = null;
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

/* Retry-After in seconds (delta-seconds or an HTTP date), or null. */
function retryAfterSeconds(headers) {
    const value = headers.get('Retry-After');
    if (!value) return null;
    if (/^\d+$/.test(value.trim())) return Number(value.trim());
    const at = Date.parse(value);
    return Number.isNaN(at) ? null : Math.max(0, Math.round((at - Date.now()) / 1000));
}

/**
 * Calls the API. Returns {data, status, headers}; throws ApiError for a non-2xx answer
 * and for network failures (status 0). quiet401: a 401 is the caller's business (sign-in
 * forms, wrong current password) and does not end the session in the UI. file: a File, Blob or
 * FormData sent as the body instead of JSON (a File or Blob with contentType).
 */
export async function request(method, path, { query, body, file, contentType, headers, signal, quiet401 } = {}) {
    const init = { method, headers: { Accept: 'application/json', ...headers }, signal,
                   credentials: 'same-origin' };
    if (typeof FormData !== 'undefined' && file instanceof FormData) {
        /* multipart/form-data: the browser writes the Content-Type with its boundary. */
        init.body = file;
    } else if (file !== undefined) {
        /* A File or Blob goes as its bytes, so the server sees the encoding it really has. */
        init.headers['Content-Type'] = contentType || file.type || 'application/octet-stream';
        init.body = file;
    } else if (body !== undefined) {
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
    if (!response.ok) {
        const error = new ApiError(response.status, data);
        error.retryAfter = retryAfterSeconds(response.headers);
        if (authHandler && response.status === 401 && !quiet401) authHandler('expired');
        if (authHandler && response.status === 403 && /change your password/i.test(error.detail || '')) {
            authHandler('password');
        }
        throw error;
    }
    return { data, status: response.status, headers: response.headers };
}

export const api = {
    get: (path, query, opts) => request('GET', path, { ...opts, query }).then((r) => r.data),
    post: (path, body, opts) => request('POST', path, { ...opts, body }).then((r) => r.data),
    patch: (path, body, version) =>
        request('PATCH', path, {
            body,
            headers: version != null ? { 'If-Match': `"${version}"` } : undefined,
        }).then((r) => r.data),
    del: (path) => request('DELETE', path).then(() => null),
    /** POSTs a file (File or Blob) as the request body with the given content type. */
    upload: (path, file, contentType) => request('POST', path, { file, contentType }).then((r) => r.data),
    /** POSTs a FormData as multipart/form-data. */
    postForm: (path, form) => request('POST', path, { file: form }).then((r) => r.data),
};

/** Every item of a collection, following next_cursor (also accepts a bare array). */
export async function listAll(path, query, { maxPages = 20 } = {}) {
    const items = [];
    let cursor;
    for (let i = 0; i < maxPages; i++) {
        const page = await api.get(path, { ...query, cursor });
        if (Array.isArray(page)) return page;
        items.push(...((page && page.data) || []));
        cursor = page && page.next_cursor;
        if (!cursor) break;
    }
    return items;
}

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
