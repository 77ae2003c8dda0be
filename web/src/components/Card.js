// Pieces of a record card: loading the record, a property row, list values, the delete
// button (moves to the trash after a confirmation) and the record's timestamps.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { deleteRecord, getRecord } from '../api.js';
import { formatDateTime, t } from '../i18n/index.js';
import { navigate } from '../router.js';
import { errorText } from './errors.js';

/** {record, error, reload} of /entity/id. */
export function useRecord(entity, id) {
    const [state, setState] = useState({ record: null, error: null });
    async function load() {
        setState({ record: null, error: null });
        try {
            setState({ record: await getRecord(entity, id), error: null });
        } catch (e) {
            setState({ record: null, error: e });
        }
    }
    useEffect(() => {
        load();
    }, [entity, id]);
    return { ...state, reload: load };
}

export function Prop({ name, label, children }) {
    const empty = children === null || children === undefined || children === ''
        || (Array.isArray(children) && !children.length);
    return html`<div class="prop" data-testid=${`prop-${name}`}>
        <dt>${label || t(`field.${name}`)}</dt>
        <dd>${empty ? html`<span class="muted">—</span>` : children}</dd>
    </div>`;
}

/** A list of strings as links (mailto:, tel:) or tags. */
export function ValueList({ values, kind }) {
    const list = Array.isArray(values) ? values.filter(Boolean) : [];
    if (!list.length) return null;
    if (kind === 'tags') return html`<span class="tags">${list.map((v) => html`<span class="tag">${v}</span>`)}</span>`;
    const href = kind === 'email' ? (v) => `mailto:${v}` : kind === 'tel' ? (v) => `tel:${v}` : null;
    return html`<ul class="plain-list">${list.map((v) => html`<li>${href ? html`<a href=${href(v)}>${v}</a>` : v}</li>`)}</ul>`;
}

export function ExternalLink({ url }) {
    if (!url) return null;
    return /^https?:\/\//i.test(url)
        ? html`<a href=${url} target="_blank" rel="noopener noreferrer">${url}</a>` : url;
}

export function DeleteButton({ entity, id, name }) {
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    async function onClick() {
        if (!window.confirm(t('card.confirmDelete', { name }))) return;
        setBusy(true);
        try {
            await deleteRecord(entity, id);
            navigate(`/${entity}`);
        } catch (e) {
            setError(e);
            setBusy(false);
        }
    }
    return html`<button type="button" class="btn btn-danger" onClick=${onClick} disabled=${busy}
            data-testid="delete">${t('action.delete')}</button>
        ${error && html`<div class="alert alert-error" role="alert">${errorText(error)}</div>`}`;
}

export function Timestamps({ record }) {
    return html`<p class="timestamps muted">
        ${t('card.created')} <time datetime=${record.created_at}>${formatDateTime(record.created_at)}</time>
        ${' · '}${t('card.updated')} <time datetime=${record.updated_at}>${formatDateTime(record.updated_at)}</time>
        ${' · '}${t('card.version', { n: record.version })}
    </p>`;
}
