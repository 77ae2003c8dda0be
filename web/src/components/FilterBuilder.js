// Filter builder: rows of field / operator / value that write filter-language text into an
// editable "advanced" box; Apply sends the box's text. A bad-filter problem (400) is shown
// under the box.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { OPERATORS, PERIODS, filterText, takesList, takesNoValue } from '../filter.js';
import { t } from '../i18n/index.js';

let nextRowId = 1;

function newRow(field) {
    const ops = OPERATORS[field.type] || OPERATORS.text;
    return { key: nextRowId++, field: field.name, op: ops[0], value: field.type === 'bool' ? 'true' : '' };
}

function ValueInput({ field, row, onChange, index }) {
    const label = t('filter.value');
    const id = `filter-value-${index}`;
    const set = (e) => onChange(e.currentTarget.value);
    if (takesNoValue(row.op)) return html`<span class="filter-novalue"></span>`;
    if (row.op === 'within') {
        return html`<select id=${id} aria-label=${label} value=${row.value} onChange=${set}>
            <option value="">—</option>
            ${PERIODS.map((p) => html`<option value=${p}>${t(`period.${p}`)}</option>`)}
        </select>`;
    }
    if (field.type === 'bool') {
        return html`<select id=${id} aria-label=${label} value=${row.value} onChange=${set}>
            <option value="true">${t('common.yes')}</option>
            <option value="false">${t('common.no')}</option>
        </select>`;
    }
    if ((field.type === 'enum' || field.type === 'multi') && field.options && !takesList(row.op)) {
        return html`<select id=${id} aria-label=${label} value=${row.value} onChange=${set}>
            <option value="">—</option>
            ${field.options.map((o) => html`<option value=${o}>${o}</option>`)}
        </select>`;
    }
    const type = takesList(row.op) ? 'text'
        : { number: 'number', integer: 'number', date: 'date', datetime: 'datetime-local' }[field.type];
    return html`<input id=${id} type=${type || 'text'} aria-label=${label} value=${row.value}
        step=${field.type === 'number' ? 'any' : undefined}
        placeholder=${takesList(row.op) ? t('filter.inHint') : ''} onInput=${set} />`;
}

export function FilterBuilder({ fields, value, onApply, error }) {
    const [rows, setRows] = useState([]);
    const [text, setText] = useState(value || '');
    const [open, setOpen] = useState(Boolean(value));
    const byName = new Map(fields.map((f) => [f.name, f]));

    function update(nextRows) {
        setRows(nextRows);
        setText(filterText(fields, nextRows));
    }

    function changeRow(index, part) {
        update(rows.map((r, i) => {
            if (i !== index) return r;
            const next = { ...r, ...part };
            if (part.op && (part.op === 'within') !== (r.op === 'within')) next.value = '';
            if (part.field) {
                const f = byName.get(part.field);
                const ops = OPERATORS[f.type] || OPERATORS.text;
                if (!ops.includes(next.op)) next.op = ops[0];
                next.value = f.type === 'bool' ? 'true' : '';
            }
            return next;
        }));
    }

    function apply(e) {
        if (e) e.preventDefault();
        onApply(text.trim());
    }

    function clear() {
        setRows([]);
        setText('');
        onApply('');
    }

    if (!open) {
        return html`<button type="button" class="btn btn-link" onClick=${() => setOpen(true)}
            data-testid="filter-open">${value ? t('filter.showActive') : t('filter.show')}</button>`;
    }

    return html`<form class="filter-builder" onSubmit=${apply} data-testid="filter-builder">
        ${rows.map((row, i) => {
            const f = byName.get(row.field) || fields[0];
            const ops = OPERATORS[f.type] || OPERATORS.text;
            return html`<div class="filter-row" key=${row.key} data-testid="filter-row">
                <select aria-label=${t('filter.field')} value=${row.field}
                        onChange=${(e) => changeRow(i, { field: e.currentTarget.value })}>
                    ${fields.map((fd) => html`<option value=${fd.name}>${fd.label}</option>`)}
                </select>
                <select aria-label=${t('filter.operator')} value=${row.op}
                        onChange=${(e) => changeRow(i, { op: e.currentTarget.value })}>
                    ${ops.map((op) => html`<option value=${op}>${t(`op.${op}`)}</option>`)}
                </select>
                <${ValueInput} field=${f} row=${row} index=${i}
                    onChange=${(v) => changeRow(i, { value: v })} />
                <button type="button" class="btn btn-icon" aria-label=${t('filter.removeRow')}
                    onClick=${() => update(rows.filter((_, j) => j !== i))}>×</button>
            </div>`;
        })}
        <div class="filter-actions">
            <button type="button" class="btn btn-small" onClick=${() => update([...rows, newRow(fields[0])])}
                data-testid="filter-add">${t('filter.addCondition')}</button>
        </div>
        <label for="filter-text" class="small-label">${t('filter.advanced')}</label>
        <textarea id="filter-text" class=${`filter-text${error ? ' invalid' : ''}`} rows="2" value=${text}
            spellcheck="false" placeholder=${t('filter.placeholder')}
            aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? 'filter-error' : undefined}
            onInput=${(e) => setText(e.currentTarget.value)}
            onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) apply(e); }}></textarea>
        ${error && html`<div class="field-error" id="filter-error" role="alert" data-testid="filter-error">${error}</div>`}
        <div class="filter-actions">
            <button type="submit" class="btn btn-primary btn-small" data-testid="filter-apply">${t('filter.apply')}</button>
            <button type="button" class="btn btn-small" onClick=${clear}>${t('filter.clear')}</button>
            <button type="button" class="btn btn-link btn-small" onClick=${() => setOpen(false)}>${t('filter.hide')}</button>
        </div>
    </form>`;
}
