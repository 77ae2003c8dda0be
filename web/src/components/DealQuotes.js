// The Quotes tab of a deal card: the deal's quotes (GET /quotes?filter=deal_id = N&sort=-id)
// with their status and total, and a "New quote" button opening the editor for the deal.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { RecordTable } from './RecordTable.js';
import { DEAL_QUOTE_COLUMNS } from './catalog.js';
import { errorText } from './errors.js';
import { usePagedList } from './usePagedList.js';

export function DealQuotes({ deal }) {
    const me = useMe();
    const list = usePagedList('quotes', { filter: `deal_id = ${deal.id}`, sort: '-id' }, { pageSize: 25 });
    return html`<section class="card-section" data-testid="deal-quotes">
        <div class="section-header">
            <h2>${t('quote.ofDeal')}${list.total !== null && html` <span class="count">${list.total}</span>`}</h2>
            ${can(me, 'quotes', 'create') && html`<${Link} href=${`/quotes/new?deal=${deal.id}`}
                class="btn btn-small btn-primary" data-testid="new-quote">${t('quote.new')}<//>`}
        </div>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="muted" data-testid="no-quotes">
            ${t('quote.none')}</p>`}
        ${list.items.length > 0 && html`<${RecordTable} entity="quotes" columns=${DEAL_QUOTE_COLUMNS} items=${list.items}
            hasMore=${!list.done} loading=${list.loading} onLoadMore=${list.loadMore} testid="deal-quotes-table" />`}
        ${list.loading && !list.items.length && html`<p class="muted">${t('common.loading')}</p>`}
    </section>`;
}
