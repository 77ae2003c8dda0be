// The history of one record (GET /audit?entity=&id=): who, when, what action and each field
// change old → new (custom fields labelled by their definitions), newest first with "load
// more"; and the Details / History tabs of a record card.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { formatDateTime, has, t } from '../i18n/index.js';
import { CustomValue } from './CustomFields.js';
import { errorText } from './errors.js';
import { useCursorList } from './useCursorList.js';

const FIELD_KEYS = { company_ids: 'field.companies', parent_id: 'field.parent' };

function fieldLabel(name, defs) {
    if (name.startsWith('custom.')) {
        const def = defs.find((d) => `custom.${d.name}` === name);
        return def ? def.label || def.name : name.slice(7);
    }
    const key = FIELD_KEYS[name] || `field.${name}`;
    return has(key) ? t(key) : name;
}

function isEmpty(v) {
    return v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)
        || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);
}

function plain(v) {
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (Array.isArray(v)) return v.map(plain).join(', ');
    if (v && typeof v === 'object') {
        if (v.amount !== undefined && v.currency !== undefined) return `${v.amount} ${v.currency}`;
        if (v.id !== undefined) return [v.name || `#${v.id}`, v.role].filter(Boolean).join(' — ');
        return Object.entries(v).map(([k, x]) => `${k}: ${plain(x)}`).join(', ');
    }
    return String(v);
}

function Value({ name, value, defs }) {
    if (isEmpty(value)) return html`<span class="muted">—</span>`;
    if (name.startsWith('custom.')) {
        const def = defs.find((d) => `custom.${d.name}` === name);
        if (def) return html`<${CustomValue} def=${def} value=${value} />`;
    }
    return plain(value);
}

/** The changes of an entry as [field, old, new], a "custom" pair split into its fields. */
function changeList(changes) {
    if (!changes || typeof changes !== 'object') return [];
    const out = [];
    for (const [field, pair] of Object.entries(changes)) {
        const [before, after] = Array.isArray(pair) ? pair : [undefined, pair];
        if (field === 'custom' && (isEmpty(before) || typeof before === 'object')
                && (isEmpty(after) || typeof after === 'object')) {
            const b = before || {};
            const a = after || {};
            for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
                if (JSON.stringify(b[key] ?? null) !== JSON.stringify(a[key] ?? null)) {
                    out.push([`custom.${key}`, b[key], a[key]]);
                }
            }
        } else {
            out.push([field, before, after]);
        }
    }
    return out;
}

function detailText(detail) {
    if (!detail || typeof detail !== 'object') return detail ? String(detail) : '';
    return Object.entries(detail).map(([k, v]) => `${k}: ${plain(v)}`).join(' · ');
}

function Entry({ entry, defs }) {
    const changes = changeList(entry.changes);
    const action = has(`audit.action.${entry.action}`) ? t(`audit.action.${entry.action}`) : entry.action;
    const who = entry.user_name || (entry.user_id != null ? `#${entry.user_id}` : t('audit.system'));
    const detail = detailText(entry.detail);
    return html`<li class="history-item" data-testid="history-item" data-action=${entry.action}>
        <div class="history-head">
            <strong class="history-action">${action}</strong>
            <span class="history-who" data-testid="history-user">${who}</span>
            <time class="muted" datetime=${entry.at}>${formatDateTime(entry.at)}</time>
        </div>
        ${changes.length > 0 && html`<ul class="changes">
            ${changes.map(([field, before, after]) => html`<li key=${field} data-testid="history-change" data-field=${field}>
                <span class="change-field">${fieldLabel(field, defs)}:</span>
                ${' '}<span class="change-old"><${Value} name=${field} value=${before} defs=${defs} /></span>
                <span class="change-arrow" aria-label=${t('audit.changedTo')}> → </span>
                <span class="change-new"><${Value} name=${field} value=${after} defs=${defs} /></span>
            </li>`)}
        </ul>`}
        ${detail && html`<p class="history-detail muted">${detail}</p>`}
    </li>`;
}

export function History({ entity, id, defs = [] }) {
    const list = useCursorList('/audit', { entity, id }, { pageSize: 25 });
    return html`<section class="card-section history" data-testid="history">
        <h2 class="visually-hidden">${t('audit.history')}</h2>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="muted" data-testid="history-empty">
            ${t('audit.noHistory')}</p>`}
        ${list.items.length > 0 && html`<ol class="history-list" data-testid="history-list">
            ${list.items.map((e) => html`<${Entry} key=${e.id} entry=${e} defs=${defs} />`)}
        </ol>`}
        ${list.loading && html`<p class="muted">${t('common.loading')}</p>`}
        ${!list.done && !list.loading && html`<div class="sentinel"><button type="button" class="btn btn-small"
            onClick=${list.loadMore} data-testid="history-load-more">${t('list.loadMore')}</button></div>`}
    </section>`;
}

/** Details / History tabs under a record card's header; details are the card's sections. */
export function CardTabs({ entity, id, defs, children }) {
    const [tab, setTab] = useState('details');
    const tabButton = (name, key) => html`<button type="button" role="tab" id=${`card-tab-${name}`}
        aria-selected=${tab === name ? 'true' : 'false'} aria-controls=${tab === name ? 'card-panel' : undefined}
        class=${`tab${tab === name ? ' active' : ''}`} onClick=${() => setTab(name)}
        data-testid=${`${name}-tab`}>${t(key)}</button>`;
    return html`<div class="tabs" role="tablist" aria-label=${t('audit.cardTabs')}>
            ${tabButton('details', 'audit.details')}
            ${tabButton('history', 'audit.history')}
        </div>
        <div role="tabpanel" id="card-panel" aria-labelledby=${`card-tab-${tab}`}>
            ${tab === 'details' ? children : html`<${History} entity=${entity} id=${id} defs=${defs} />`}
        </div>`;
}
