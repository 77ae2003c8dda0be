// Maps a problem+json answer onto a form: errors[].field ("name", "emails[0]",
// "custom.region", "companies[1].role") to the input that owns it, the rest to the top.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';

/** The input a field path belongs to: "emails[0]" -> "emails", "custom.region" -> "custom.region". */
export function fieldOwner(path) {
    const p = String(path || '');
    if (p.startsWith('custom.')) return p.replace(/\[.*$/, '');
    return p.replace(/[[.].*$/, '');
}

/** Index inside a list field: "emails[2]" -> 2, otherwise null. */
export function fieldIndex(path) {
    const m = /\[(\d+)\]/.exec(String(path || ''));
    return m ? Number(m[1]) : null;
}

/**
 * Splits an ApiError into {top, fields}: fields maps an owner name to its messages; known
 * is the set of owners the form shows (others are listed at the top with their path).
 */
export function formErrors(error, known, values) {
    const result = { top: [], fields: {} };
    if (!error) return result;
    if (error.status === 412) {
        result.stale = true;
        return result;
    }
    const errors = error.errors || [];
    if (error.detail || !errors.length) result.top.push(error.detail || error.message);
    for (const e of errors) {
        const owner = fieldOwner(e.field);
        const message = e.message || t('error.invalid');
        if (known.has(owner)) {
            const idx = fieldIndex(e.field);
            const list = values && Array.isArray(values[owner]) ? values[owner] : null;
            let text = message;
            if (idx !== null && list && list[idx] !== undefined) {
                const item = list[idx];
                const label = typeof item === 'object' ? item.name || item.id : item;
                text = `${label}: ${message}`;
            }
            (result.fields[owner] = result.fields[owner] || []).push(text);
        } else {
            result.top.push(e.field ? `${e.field}: ${message}` : message);
        }
    }
    return result;
}

/** The banner at the top of a form or page for a general error (or stale version). */
export function ErrorBanner({ messages, stale, onReload }) {
    if (stale) {
        return html`<div class="alert alert-error" role="alert" data-testid="stale-error">
            ${t('error.stale')}
            ${onReload && html` <button type="button" class="btn btn-small" onClick=${onReload}>
                ${t('action.reload')}</button>`}
        </div>`;
    }
    if (!messages || !messages.length) return null;
    return html`<div class="alert alert-error" role="alert" data-testid="form-error">
        ${messages.length === 1 ? messages[0] : html`<ul>${messages.map((m) => html`<li>${m}</li>`)}</ul>`}
    </div>`;
}

/** Text of an error for a page that failed to load. */
export function errorText(error) {
    if (!error) return '';
    if (error.status === 404) return t('error.notFound');
    if (error.status === 0) return t('error.network');
    return error.detail || error.message || t('error.generic');
}
