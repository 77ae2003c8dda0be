// Custom fields in forms and on cards: the right input per definition type (text, textarea,
// number, integer, money, date, datetime, bool, enum, multi_enum, email, phone, url) and the
// formatted value for display.
import { html } from 'htm/preact';
import { FormField, errorAttrs } from './FormField.js';
import { formatDate, formatDateTime, formatMoney, formatNumber, t } from '../i18n/index.js';

const CURRENCIES = ['EUR', 'USD', 'RUB', 'GBP', 'CNY', 'JPY', 'CHF', 'KZT', 'BYN', 'TRY'];

function pad(n) {
    return String(n).padStart(2, '0');
}

/* ISO instant -> "YYYY-MM-DDTHH:MM" in local time for <input type=datetime-local>. */
function toLocalInput(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(text) {
    if (!text) return null;
    const d = new Date(text);
    return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

/* "" -> null, "12.5" -> 12.5; anything else goes as typed so the server can name the error. */
function numberValue(text) {
    if (text === '' || text === null || text === undefined) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
}

/** The control of one custom field; the whole row with label and errors. */
export function CustomFieldInput({ def, value, onChange, errors }) {
    const id = `custom-${def.name}`;
    const attrs = errorAttrs(id, errors);
    const label = def.label || def.name;
    const row = (control, opts = {}) => html`<${FormField} id=${id} label=${label}
            required=${def.required} errors=${errors} wide=${opts.wide}>${control}<//>`;
    const text = value === null || value === undefined ? '' : value;

    switch (def.type) {
    case 'textarea':
        return row(html`<textarea id=${id} rows="3" value=${text}
            onInput=${(e) => onChange(e.currentTarget.value || null)} ...${attrs}></textarea>`,
        { wide: true });
    case 'number':
    case 'integer':
        return row(html`<input id=${id} type="number" step=${def.type === 'integer' ? '1' : 'any'}
            value=${text} onInput=${(e) => onChange(numberValue(e.currentTarget.value))}
            ...${attrs} />`);
    case 'money': {
        const money = value && typeof value === 'object' ? value : { amount: '', currency: '' };
        const update = (part) => {
            const next = { ...money, ...part };
            onChange(!next.amount && !next.currency ? null : next);
        };
        return html`<fieldset class=${`form-row money${errors && errors.length ? ' has-error' : ''}`}
                data-field=${id}>
            <legend>${label}${def.required && html`<span class="req" aria-hidden="true"> *</span>`}</legend>
            <div class="money-inputs">
                <input id=${id} type="text" inputmode="decimal" aria-label=${t('money.amount')}
                    value=${money.amount} placeholder="0.00"
                    onInput=${(e) => update({ amount: e.currentTarget.value.replace(',', '.') })} ...${attrs} />
                <input id=${`${id}-currency`} type="text" aria-label=${t('money.currency')} maxlength="3"
                    class="currency" list="currency-codes" value=${money.currency} placeholder="EUR"
                    onInput=${(e) => update({ currency: e.currentTarget.value.toUpperCase() })} />
                <datalist id="currency-codes">${CURRENCIES.map((c) => html`<option value=${c} />`)}</datalist>
            </div>
            ${errors && errors.length > 0 && html`<div class="field-error" id=${`${id}-error`} role="alert"
                data-testid=${`error-${id}`}>${errors.map((m) => html`<div>${m}</div>`)}</div>`}
        </fieldset>`;
    }
    case 'date':
        return row(html`<input id=${id} type="date" value=${text}
            onInput=${(e) => onChange(e.currentTarget.value || null)} ...${attrs} />`);
    case 'datetime':
        return row(html`<input id=${id} type="datetime-local" value=${toLocalInput(value)}
            onInput=${(e) => onChange(fromLocalInput(e.currentTarget.value))} ...${attrs} />`);
    case 'bool':
        return html`<div class=${`form-row check${errors && errors.length ? ' has-error' : ''}`} data-field=${id}>
            <label><input id=${id} type="checkbox" checked=${value === true}
                onChange=${(e) => onChange(e.currentTarget.checked)} ...${attrs} /> ${label}</label>
            ${errors && errors.length > 0 && html`<div class="field-error" id=${`${id}-error`} role="alert"
                data-testid=${`error-${id}`}>${errors.map((m) => html`<div>${m}</div>`)}</div>`}
        </div>`;
    case 'enum':
        return row(html`<select id=${id} value=${text}
                onChange=${(e) => onChange(e.currentTarget.value || null)} ...${attrs}>
            <option value="">—</option>
            ${(def.options || []).map((o) => html`<option value=${o}>${o}</option>`)}
        </select>`);
    case 'multi_enum': {
        const chosen = Array.isArray(value) ? value : [];
        const toggle = (o, on) => {
            const next = on ? [...chosen, o] : chosen.filter((x) => x !== o);
            const ordered = (def.options || []).filter((x) => next.includes(x));
            onChange(ordered.length ? ordered : null);
        };
        return html`<fieldset class=${`form-row multi${errors && errors.length ? ' has-error' : ''}`}
                data-field=${id} id=${id}>
            <legend>${label}${def.required && html`<span class="req" aria-hidden="true"> *</span>`}</legend>
            <div class="options">
                ${(def.options || []).map((o, i) => html`<label class="option">
                    <input type="checkbox" id=${`${id}-${i}`} checked=${chosen.includes(o)}
                        onChange=${(e) => toggle(o, e.currentTarget.checked)} /> ${o}</label>`)}
            </div>
            ${errors && errors.length > 0 && html`<div class="field-error" id=${`${id}-error`} role="alert"
                data-testid=${`error-${id}`}>${errors.map((m) => html`<div>${m}</div>`)}</div>`}
        </fieldset>`;
    }
    default: {
        const type = { email: 'email', phone: 'tel', url: 'url' }[def.type] || 'text';
        return row(html`<input id=${id} type=${type} value=${text}
            onInput=${(e) => onChange(e.currentTarget.value || null)} ...${attrs} />`);
    }
    }
}

/** A custom value formatted for a card. */
export function CustomValue({ def, value }) {
    if (value === null || value === undefined || value === '') return html`<span class="muted">—</span>`;
    switch (def.type) {
    case 'number':
    case 'integer':
        return formatNumber(value);
    case 'money':
        return formatMoney(value);
    case 'date':
        return formatDate(value);
    case 'datetime':
        return formatDateTime(value);
    case 'bool':
        return value ? t('common.yes') : t('common.no');
    case 'multi_enum':
        return html`<span class="tags">${(Array.isArray(value) ? value : [value]).map((v) =>
            html`<span class="tag">${v}</span>`)}</span>`;
    case 'email':
        return html`<a href=${`mailto:${value}`}>${value}</a>`;
    case 'phone':
        return html`<a href=${`tel:${value}`}>${value}</a>`;
    case 'url':
        return /^https?:\/\//i.test(value)
            ? html`<a href=${value} target="_blank" rel="noopener noreferrer">${value}</a>` : value;
    case 'textarea':
        return html`<span class="pre">${value}</span>`;
    default:
        return typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
}

/** The custom section of a card: a <dl> of label -> value. */
export function CustomFieldList({ defs, custom }) {
    const values = custom || {};
    if (!defs || !defs.length) return null;
    return html`<section class="card-section" data-testid="custom-fields">
        <h2>${t('card.customFields')}</h2>
        <dl class="props">
            ${defs.map((d) => html`<div class="prop" key=${d.name}>
                <dt>${d.label || d.name}</dt>
                <dd data-testid=${`custom-value-${d.name}`}><${CustomValue} def=${d} value=${values[d.name]} /></dd>
            </div>`)}
        </dl>
    </section>`;
}
