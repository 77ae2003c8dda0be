// A task's checklist in its form: items ({text, done}) to tick, edit and remove, and a new
// item added with the button or Enter.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

export function ChecklistEditor({ id, value, onChange, disabled }) {
    const items = Array.isArray(value) ? value : [];
    const [text, setText] = useState('');
    const change = (i, patch) => onChange(items.map((x, j) => (j === i ? { ...x, ...patch } : x)));
    function add() {
        const s = text.trim();
        if (!s) return;
        onChange([...items, { text: s, done: false }]);
        setText('');
    }
    const done = items.filter((x) => x.done).length;
    return html`<div class="checklist" data-testid="checklist">
        ${items.length > 0 && html`<p class="hint" data-testid="checklist-progress">${t('task.checklistProgress', { done, n: items.length })}</p>`}
        <ul class="checklist-items">
            ${items.map((item, i) => html`<li key=${i} class=${`checklist-item${item.done ? ' done' : ''}`} data-testid="checklist-item">
                <input type="checkbox" checked=${Boolean(item.done)} disabled=${disabled} data-testid="checklist-done"
                    aria-label=${t('task.checklistTick', { item: item.text || String(i + 1) })}
                    onChange=${(e) => change(i, { done: e.currentTarget.checked })} />
                <input type="text" value=${item.text} maxlength="500" disabled=${disabled} data-testid="checklist-text"
                    aria-label=${t('task.checklistItem', { n: i + 1 })}
                    onInput=${(e) => change(i, { text: e.currentTarget.value })} />
                <button type="button" class="chip-remove" disabled=${disabled} data-testid="checklist-remove"
                    aria-label=${t('action.removeItem', { item: item.text || String(i + 1) })}
                    onClick=${() => onChange(items.filter((_, j) => j !== i))}>×</button>
            </li>`)}
        </ul>
        ${!disabled && html`<div class="checklist-add">
            <input id=${id} type="text" value=${text} maxlength="500" placeholder=${t('task.checklistNew')}
                data-testid="checklist-new" onInput=${(e) => setText(e.currentTarget.value)}
                onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }} />
            <button type="button" class="btn btn-small" onClick=${add} data-testid="checklist-add">${t('task.checklistAdd')}</button>
        </div>`}
    </div>`;
}
