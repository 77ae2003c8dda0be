// Cells of the deal list (/deals): the title linking to the card, the amount in the user's
// locale with its currency, the stage and owner names, the expected close date.
import { html } from 'htm/preact';
import { formatDate } from '../i18n/index.js';
import { Link } from '../router.js';
import { StageName, UserName, formatAmount } from './sales.js';

const none = () => html`<span class="muted">—</span>`;

export const DEAL_COLUMNS = [
    { key: 'title', sort: 'title',
      render: (r) => html`<${Link} href=${`/deals/${r.id}`} class="record-link">${r.title || `#${r.id}`}<//>` },
    { key: 'amount', sort: 'amount',
      render: (r) => (r.amount ? html`<span class="amount" data-testid="deal-amount">${formatAmount(r.amount)}</span>`
          : none()) },
    { key: 'stage_id', render: (r) => html`<${StageName} id=${r.stage_id} />` },
    { key: 'expected_close', sort: 'expected_close',
      render: (r) => (r.expected_close ? html`<time datetime=${r.expected_close}>${formatDate(r.expected_close)}</time>`
          : none()) },
    { key: 'owner_id', render: (r) => html`<${UserName} id=${r.owner_id} />` },
];
