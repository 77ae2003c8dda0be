// A card's timeline (GET /{entity}/{id}/timeline): calls, meetings, e-mails, notes, tasks,
// stage moves, quotes and changes, newest first with "load more" by next_cursor, narrowed by
// kind chips. Each item: an icon per kind, its local time, summary and detail (a call's
// direction, duration and outcome; a body excerpt; a change old → new per field; a stage from →
// to) and a link to the activity, task or record. The quick-add bar
// above it logs a call, note, meeting or task on the card and refreshes the list.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { formatDateTime, has, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { errorText } from './errors.js';
import { QuickAdd } from './QuickAdd.js';
import { UserName, formatAmount, formatDuration } from './sales.js';
import { useCursorList } from './useCursorList.js';

/** The kind chips and the timeline kinds each stands for. */
export const KIND_GROUPS = [
    ['calls', ['call']],
    ['meetings', ['meeting']],
    ['emails', ['email']],
    ['notes', ['note']],
    ['tasks', ['task']],
    ['stages', ['stage']],
    ['quotes', ['quote']],
    ['changes', ['change', 'created']],
    ['other', ['claim', 'order', 'sms', 'chat']],
];

export const KIND_ICONS = {
    call: '☎', meeting: '◷', email: '✉', note: '✎', claim: '⚠', order: '▣', sms: '✆', chat: '✍',
    task: '☑', stage: '➜', quote: '▤', change: '✐', created: '✚',
};

const RECORD_PAGES = new Set(['activities', 'contacts', 'companies', 'deals', 'leads', 'quotes', 'tasks']);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

function isEmpty(v) {
    return v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)
        || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);
}

function plain(v) {
    if (isEmpty(v)) return '—';
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (typeof v === 'string' && ISO_TIME.test(v)) return formatDateTime(v);
    if (Array.isArray(v)) return v.map(plain).join(', ');
    if (typeof v === 'object') {
        if (v.amount !== undefined && v.currency !== undefined) return formatAmount(v);
        if (v.id !== undefined) return [v.name || `#${v.id}`, v.role].filter(Boolean).join(' — ');
        if (v.text !== undefined) return `${v.done ? '☑' : '☐'} ${v.text}`;
        return Object.entries(v).map(([k, x]) => `${k}: ${plain(x)}`).join(', ');
    }
    return String(v);
}

function fieldLabel(name) {
    if (name.startsWith('custom.')) return name.slice(7);
    if (has(`timeline.field.${name}`)) return t(`timeline.field.${name}`);
    return has(`field.${name}`) ? t(`field.${name}`) : name;
}

/* [field, old, new] of a change's {field: [old, new]}; custom fields one by one. */
function changeList(changes) {
    const out = [];
    for (const [field, pair] of Object.entries(changes || {})) {
        const [before, after] = Array.isArray(pair) ? pair : [undefined, pair];
        const objects = (x) => isEmpty(x) || (typeof x === 'object' && !Array.isArray(x));
        if (field === 'custom' && objects(before) && objects(after)) {
            const b = before || {};
            const a = after || {};
            for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
                if (JSON.stringify(b[key] ?? null) !== JSON.stringify(a[key] ?? null)) out.push([`custom.${key}`, b[key], a[key]]);
            }
        } else {
            out.push([field, before, after]);
        }
    }
    return out;
}

function enumText(prefix, value) {
    if (value === null || value === undefined || value === '') return null;
    return has(`${prefix}.${value}`) ? t(`${prefix}.${value}`) : String(value);
}

/** The detail line(s) of an item, by kind. */
function Detail({ item }) {
    const d = item.detail && typeof item.detail === 'object' ? item.detail : {};
    const line = (parts) => {
        const list = parts.filter((p) => p !== null && p !== undefined && p !== '');
        return list.length ? html`<p class="timeline-detail" data-testid="timeline-detail">${list.map((p, i) => html`${i ? ' · ' : ''}${p}`)}</p>` : null;
    };
    const body = d.body ? html`<p class="timeline-body pre" data-testid="timeline-excerpt">${d.body}${d.body.length >= 300 ? '…' : ''}</p>` : null;
    switch (item.kind) {
    case 'call':
        return html`${line([
            enumText('timeline.direction', d.direction),
            d.duration_s != null ? html`<span data-testid="timeline-duration">${formatDuration(d.duration_s)}</span>` : null,
            d.outcome ? html`<span data-testid="timeline-outcome">${d.outcome}</span>` : null,
        ])}${body}`;
    case 'meeting':
        return html`${line([
            d.at && d.end_at ? `${formatDateTime(d.at)} – ${formatDateTime(d.end_at)}` : null,
            d.place ? `⚲ ${d.place}` : null,
        ])}${body}`;
    case 'task':
        return line([
            enumText('task.status', d.status),
            d.due_at ? t('task.dueOn', { when: formatDateTime(d.due_at) }) : null,
            d.priority && d.priority !== 'normal' ? enumText('task.priority', d.priority) : null,
        ]);
    case 'stage':
        return html`<p class="timeline-detail" data-testid="timeline-detail">
            <span class="change-old">${d.from || '—'}</span><span class="change-arrow" aria-label=${t('audit.changedTo')}> → </span>
            <span class="change-new">${d.to || '—'}</span></p>`;
    case 'quote':
        return line([
            d.number != null ? `#${d.number}` : null,
            enumText('quote.status', d.status),
            d.total && typeof d.total === 'object' ? formatAmount(d.total) : null,
        ]);
    case 'change': {
        const changes = changeList(d.changes);
        if (!changes.length) return null;
        return html`<ul class="changes" data-testid="timeline-changes">
            ${changes.map(([field, before, after]) => html`<li key=${field} data-testid="timeline-change" data-field=${field}>
                <span class="change-field">${fieldLabel(field)}:</span>
                ${' '}<span class="change-old">${plain(before)}</span>
                <span class="change-arrow" aria-label=${t('audit.changedTo')}> → </span>
                <span class="change-new">${plain(after)}</span>
            </li>`)}
        </ul>`;
    }
    case 'created':
        return null;
    default:
        return html`${line([enumText('timeline.activityStatus', d.status), d.amount ? formatAmount(d.amount) : null])}${body}`;
    }
}

function Item({ item, entity, id }) {
    const self = item.entity === entity && String(item.record_id) === String(id);
    const summary = item.summary && item.summary !== item.kind ? item.summary : '';
    const kindLabel = has(`timeline.kind.${item.kind}`) ? t(`timeline.kind.${item.kind}`) : item.kind;
    return html`<li class=${`timeline-item kind-${item.kind}`} data-testid="timeline-item" data-kind=${item.kind}
            data-entity=${item.entity} data-record-id=${item.record_id}>
        <span class="timeline-icon" aria-hidden="true">${KIND_ICONS[item.kind] || '•'}</span>
        <div class="timeline-main">
            <div class="timeline-head">
                <span class="timeline-kind">${kindLabel}</span>
                ${summary && html`<strong class="timeline-summary" data-testid="timeline-summary">${summary}</strong>`}
                <time class="muted" datetime=${item.at} data-testid="timeline-time">${formatDateTime(item.at)}</time>
                ${item.user_id != null && html`<span class="muted timeline-who">· <${UserName} id=${item.user_id} /></span>`}
            </div>
            <${Detail} item=${item} />
            <div class="timeline-links">
                ${!self && RECORD_PAGES.has(item.entity) && html`<${Link}
                    href=${`/${item.entity}/${item.record_id}`} data-testid="timeline-link">${t(`timeline.open.${item.entity}`)}<//>`}
            </div>
        </div>
    </li>`;
}

/** entity: contacts | companies | deals | leads; id: the card's record. */
export function Timeline({ entity, id }) {
    const [groups, setGroups] = useState([]);
    const kinds = KIND_GROUPS.filter(([g]) => groups.includes(g)).flatMap(([, k]) => k).join(',');
    const list = useCursorList(`/${entity}/${id}/timeline`, kinds ? { kind: kinds } : {}, { pageSize: 20 });
    const toggle = (g) => setGroups(groups.includes(g) ? groups.filter((x) => x !== g) : [...groups, g]);
    return html`<section class="card-section timeline" data-testid="timeline" aria-labelledby="timeline-title">
        <div class="section-header"><h2 id="timeline-title">${t('timeline.title')}</h2></div>
        <${QuickAdd} entity=${entity} id=${id} onAdded=${() => list.reload()} />
        <div class="kind-chips" role="group" aria-label=${t('timeline.kinds')}>
            <button type="button" class="kind-chip" aria-pressed=${groups.length ? 'false' : 'true'}
                onClick=${() => setGroups([])} data-testid="timeline-kind-all">${t('timeline.group.all')}</button>
            ${KIND_GROUPS.map(([g]) => html`<button key=${g} type="button" class="kind-chip"
                aria-pressed=${groups.includes(g) ? 'true' : 'false'} onClick=${() => toggle(g)}
                data-testid=${`timeline-kind-${g}`}>${t(`timeline.group.${g}`)}</button>`)}
        </div>
        ${list.error && html`<div class="alert alert-error" role="alert" data-testid="timeline-error">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="muted" data-testid="timeline-empty">
            ${t('timeline.empty')}</p>`}
        ${list.items.length > 0 && html`<ol class="timeline-list" data-testid="timeline-list">
            ${list.items.map((item) => html`<${Item} key=${item.id} item=${item} entity=${entity} id=${id} />`)}
        </ol>`}
        ${list.loading && html`<p class="muted">${t('common.loading')}</p>`}
        ${!list.done && !list.loading && html`<div class="sentinel"><button type="button" class="btn btn-small"
            onClick=${list.loadMore} data-testid="timeline-load-more">${t('list.loadMore')}</button></div>`}
    </section>`;
}
