// Edits a list of strings as chips: type and press Enter or comma (or leave the box) to add,
// × to remove, Backspace in an empty box removes the last one. Pasted comma lists split.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

export function ChipsInput({ id, value, onChange, type = 'text', placeholder, invalid, describedBy,
                             suggestions }) {
    const items = Array.isArray(value) ? value : [];
    const [text, setText] = useState('');

    function add(raw) {
        const parts = String(raw).split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);
        const next = [...items];
        for (const p of parts) if (!next.includes(p)) next.push(p);
        if (next.length !== items.length) onChange(next);
        setText('');
    }

    function remove(index) {
        onChange(items.filter((_, i) => i !== index));
    }

    function onKeyDown(e) {
        if (e.key === 'Enter' || e.key === ',') {
            if (text.trim()) {
                e.preventDefault();
                add(text);
            } else if (e.key === ',') {
                e.preventDefault();
            }
        } else if (e.key === 'Backspace' && !text && items.length) {
            remove(items.length - 1);
        }
    }

    function onInput(e) {
        const v = e.currentTarget.value;
        if (/[,;\n]/.test(v)) add(v);
        else setText(v);
    }

    const listId = suggestions && suggestions.length ? `${id}-suggestions` : undefined;
    return html`<div class=${`chips${invalid ? ' invalid' : ''}`} data-testid=${`chips-${id}`}>
        ${items.map((item, i) => html`<span class="chip" key=${item}>
            <span class="chip-text">${item}</span>
            <button type="button" class="chip-remove" aria-label=${t('action.removeItem', { item })}
                onClick=${() => remove(i)}>×</button>
        </span>`)}
        <input id=${id} type="text" inputmode=${type === 'text' ? undefined : type} value=${text} placeholder=${items.length ? '' : placeholder}
            onInput=${onInput} onKeyDown=${onKeyDown} onBlur=${() => text.trim() && add(text)}
            aria-invalid=${invalid ? 'true' : undefined} aria-describedby=${describedBy}
            list=${listId} autocomplete="off" />
        ${listId && html`<datalist id=${listId}>${suggestions.map((s) => html`<option value=${s} />`)}</datalist>`}
    </div>`;
}
