// Field errors of a problem+json answer kept with their whole paths ("lines[2].quantity",
// "options[0].choices[1].price_delta") so that an editor of nested rows can show each message
// at the cell it names; what no cell claims goes to the banner at the top.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';

/**
 * {stale, top, list} of an ApiError (or null): list holds {field, message}; top the detail and
 * the messages whose field claimed(field) does not take (shown with their path).
 */
export function pathErrors(error, claimed = () => false, rename = (field) => field) {
    const result = { stale: false, top: [], list: [] };
    if (!error) return result;
    if (error.status === 412) {
        result.stale = true;
        return result;
    }
    result.list = (error.errors || []).map((e) => ({
        field: rename(String(e.field || '')),
        message: e.message || t('error.invalid'),
    }));
    if (error.detail || !result.list.length) result.top.push(error.detail || error.message);
    for (const e of result.list) {
        if (!e.field || !claimed(e.field)) result.top.push(e.field ? `${e.field}: ${e.message}` : e.message);
    }
    return result;
}

/** Whether path is prefix itself or lies inside it ("lines[2].quantity" inside "lines[2]"). */
export function within(path, prefix) {
    return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** The messages at prefix (exact) or at prefix and inside it. */
export function messagesAt(errors, prefix, exact = false) {
    return errors.list.filter((e) => (exact ? e.field === prefix : within(e.field, prefix)))
        .map((e) => e.message);
}

/** The messages under an input; id names them for aria-describedby ("<id>-error"). */
export function CellErrors({ id, messages }) {
    if (!messages || !messages.length) return null;
    return html`<div class="field-error" id=${`${id}-error`} role="alert" data-testid=${`error-${id}`}>
        ${messages.map((m) => html`<div>${m}</div>`)}</div>`;
}

/** aria attributes of an input with messages. */
export function cellAttrs(id, messages) {
    return messages && messages.length ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {};
}

/* "1 234,50" -> "1234.50": spaces dropped, a decimal comma made a point (no arithmetic). */
export function cleanDecimal(text) {
    return String(text).replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
}
