// Trash (/trash): deleted companies and contacts (?trash=true) in two tabs, each with a
// Restore button.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { restoreRecord } from '../api.js';
import { RecordTable } from '../components/RecordTable.js';
import { errorText } from '../components/errors.js';
import { usePagedList } from '../components/usePagedList.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { useTitle } from './title.js';

const COLUMNS = [{ key: 'name', plain: true }, { key: 'deleted_at' }];

function TrashList({ entity }) {
    const list = usePagedList(entity, { trash: 'true' });
    const [message, setMessage] = useState(null);

    async function restore(r) {
        setMessage(null);
        try {
            await restoreRecord(entity, r.id);
            setMessage({ ok: true, text: t('trash.restored', { name: recordName(entity, r) }) });
            list.reload();
        } catch (e) {
            setMessage({ ok: false, text: errorText(e) });
        }
    }

    return html`<div>
        ${message && html`<div class=${`alert ${message.ok ? 'alert-ok' : 'alert-error'}`} role="status">${message.text}</div>`}
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${list.total !== null && html`<p class="total muted">${t(`list.total.${entity}`, { n: list.total })}</p>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="empty">${t('trash.empty')}</p>`}
        ${list.items.length > 0 && html`<${RecordTable} entity=${entity} columns=${COLUMNS} items=${list.items}
            hasMore=${!list.done} loading=${list.loading} onLoadMore=${list.loadMore} testid="trash-table"
            actions=${(r) => html`<button type="button" class="btn btn-small" onClick=${() => restore(r)}
                data-testid="restore">${t('action.restore')}</button>`} />`}
    </div>`;
}

export function TrashPage() {
    const [entity, setEntity] = useState('companies');
    useTitle(t('nav.trash'));
    return html`<section class="page trash-page" data-testid="trash-page">
        <header class="page-header"><h1>${t('nav.trash')}</h1></header>
        <div class="tabs" role="tablist" aria-label=${t('trash.kind')}>
            ${['companies', 'contacts'].map((e) => html`<button type="button" role="tab" id=${`trash-tab-${e}`}
                aria-selected=${entity === e ? 'true' : 'false'} class=${`tab${entity === e ? ' active' : ''}`}
                onClick=${() => setEntity(e)}>${t(`nav.${e}`)}</button>`)}
        </div>
        <div role="tabpanel" aria-labelledby=${`trash-tab-${entity}`}>
            <${TrashList} key=${entity} entity=${entity} />
        </div>
    </section>`;
}
