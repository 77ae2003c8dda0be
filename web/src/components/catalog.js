// Shared pieces of the product catalogue and the quotes: list cells of products and quotes, a
// quote's status badge, an option choice's price delta as text, and products by id (each read
// once per session, in batches, for the option choices of a quote line and the price lists).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatDate, formatDateTime, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { formatAmount } from './sales.js';

const none = () => html`<span class="muted">—</span>`;

export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'declined', 'expired'];

/** The status of a quote as a badge. */
export function QuoteStatus({ status }) {
    if (!status) return none();
    return html`<span class=${`badge quote-status status-${status}`} data-testid="quote-status"
        data-status=${status}>${t(`quote.status.${status}`)}</span>`;
}

/** Title of a quote: its own, else "Quote #id". */
export function quoteTitle(q) {
    if (!q) return '';
    return q.title || t('quote.numbered', { id: q.id });
}

/** A choice's price delta ("10.00", "-5") as "+10.00 EUR" / "−5 EUR"; empty for none. */
export function deltaText(delta, currency) {
    if (delta === null || delta === undefined || delta === '' || /^-?0*(\.0*)?$/.test(String(delta))) return '';
    const text = String(delta);
    const negative = text.startsWith('-');
    const amount = formatAmount({ amount: negative ? text.slice(1) : text, currency });
    return `${negative ? '−' : '+'}${amount}`;
}

export const PRODUCT_COLUMNS = [
    { key: 'sku', sort: 'sku',
      render: (r) => html`<${Link} href=${`/products/${r.id}`} class="record-link">${r.sku || `#${r.id}`}<//>` },
    { key: 'name', sort: 'name' },
    { key: 'series', sort: 'series' },
    { key: 'price', sort: 'price',
      render: (r) => (r.price ? html`<span class="amount">${formatAmount(r.price)}</span>` : none()) },
    { key: 'tax_rate', sort: 'tax_rate',
      render: (r) => (r.tax_rate !== null && r.tax_rate !== undefined ? `${r.tax_rate} %` : none()) },
    { key: 'active',
      render: (r) => (r.active === false
          ? html`<span class="badge badge-off">${t('product.inactive')}</span>`
          : html`<span class="badge badge-on">${t('product.active')}</span>`) },
];

const quoteLink = (r) => html`<${Link} href=${`/quotes/${r.id}`} class="record-link"
    data-testid="quote-link">${quoteTitle(r)}<//>`;

export const QUOTE_COLUMNS = [
    { key: 'title', sort: 'title', render: quoteLink },
    { key: 'deal_id', sort: 'deal_id',
      render: (r) => (r.deal_id != null ? html`<${Link} href=${`/deals/${r.deal_id}`}>#${r.deal_id}<//>` : none()) },
    { key: 'status', render: (r) => html`<${QuoteStatus} status=${r.status} />` },
    { key: 'number', render: (r) => (r.number != null ? String(r.number) : none()) },
    { key: 'total', render: (r) => (r.total ? html`<span class="amount" data-testid="quote-row-total">
        ${formatAmount(r.total)}</span>` : none()) },
    { key: 'valid_until', sort: 'valid_until',
      render: (r) => (r.valid_until ? html`<time datetime=${r.valid_until}>${formatDate(r.valid_until)}</time>`
          : none()) },
    { key: 'updated_at', sort: 'updated_at',
      render: (r) => html`<time datetime=${r.updated_at}>${formatDateTime(r.updated_at)}</time>` },
];

/* The quotes of one deal: no deal column. */
export const DEAL_QUOTE_COLUMNS = QUOTE_COLUMNS.filter((c) => c.key !== 'deal_id');

/* Products by id: id -> {promise, value}; read in batches of IN_BATCH (the filter's "in" list). */
const products = new Map();
const productWaiters = new Set();
const IN_BATCH = 64;

/* Reads the products of ids not read yet, IN_BATCH at a time; one missing is forgotten (null). */
function loadProducts(ids) {
    const missing = [...new Set(ids.map(Number))].filter((id) => id > 0 && !products.has(id));
    for (let i = 0; i < missing.length; i += IN_BATCH) {
        const chunk = missing.slice(i, i + IN_BATCH);
        const batch = api.get('/products', { filter: `id in (${chunk.join(', ')})`, limit: chunk.length })
            .then((page) => new Map(((page && page.data) || []).map((p) => [p.id, p])), () => new Map());
        for (const id of chunk) {
            const entry = { value: null, promise: null };
            entry.promise = batch.then((found) => {
                const p = found.get(id) || null;
                if (p) entry.value = p;
                else if (products.get(id) === entry) products.delete(id);
                return p;
            });
            products.set(id, entry);
        }
        batch.then(() => {
            for (const fn of productWaiters) fn();
        });
    }
}

/** Forgets a product read before (after it was edited). */
export function forgetProduct(id) {
    products.delete(Number(id));
}

/** product(id) of the given ids, re-rendering the caller as they arrive. */
export function useProducts(ids) {
    const [, setTick] = useState(0);
    const key = [...new Set(ids.filter((id) => id != null))].sort().join(',');
    useEffect(() => {
        const fn = () => setTick((n) => n + 1);
        productWaiters.add(fn);
        loadProducts(key ? key.split(',') : []);
        return () => productWaiters.delete(fn);
    }, [key]);
    return (id) => {
        const entry = products.get(Number(id));
        return entry ? entry.value : null;
    };
}
