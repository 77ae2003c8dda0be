// The messages of a filter-language text box: what the server said (a 400 "at 12: ..." for a
// query, a 422 on the field for a rule) and, when it names a position, the text again with a
// caret under that place. Server positions count UTF-8 bytes; the caret counts characters.
import { html } from 'htm/preact';

/* The character index of a byte offset into text's UTF-8 form. */
function charIndex(text, byteOffset) {
    const bytes = new TextEncoder().encode(text);
    return new TextDecoder().decode(bytes.slice(0, Math.min(byteOffset, bytes.length))).length;
}

/** The position a message names ("at 8: expected a value"), as a character index, or null. */
export function filterErrorAt(message, text) {
    const m = /\bat (\d+)\b/.exec(message || '');
    return m ? charIndex(text || '', Number(m[1])) : null;
}

/** messages: the texts for the box; text: the filter they are about; id names the block. */
export function FilterError({ id, messages, text, testid }) {
    if (!messages || !messages.length) return null;
    const at = messages.map((m) => filterErrorAt(m, text)).find((x) => x !== null);
    return html`<div class="field-error filter-error" id=${`${id}-error`} role="alert"
            data-testid=${testid || `error-${id}`}>
        ${messages.map((m) => html`<div>${m}</div>`)}
        ${at !== null && at !== undefined && html`<pre class="filter-caret" aria-hidden="true"
            data-testid=${`${testid || `error-${id}`}-caret`}>${`${text}\n${' '.repeat(at)}^`}</pre>`}
    </div>`;
}
