// Price lists (/settings/price-lists): the named lists of prices in one currency (name,
// currency, active, how many products they price), with Edit and Delete (to the trash) and the
// deleted ones with Restore; and the create (/settings/price-lists/new) and edit
// (/settings/price-lists/:id) form: name, currency, active, notes and the items, a product
// picked from /products and its price per row (added and removed). Submits a POST, or a PATCH
// of the changed fields with If-Match; the server's messages land at the cell they name
// ("items[2].price"). A quote that takes a list gets its prices as the lines' defaults.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { createRecord, deleteRecord, getRecord, listAll, restoreRecord, updateRecord } from '../api.js';
import { RecordPicker } from '../components/RecordPicker.js';
import { useProducts } from '../components/catalog.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { CellErrors, cellAttrs, cleanDecimal, messagesAt, pathErrors, within } from '../components/pathErrors.js';
import { formatAmount, useCurrencies } from '../components/sales.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const ENTITY = 'price-lists';
const HOME = '/settings/price-lists';
const FIELDS = ['name', 'currency', 'active', 'notes', 'items'];
const FALLBACK_CURRENCIES = ['EUR', 'USD', 'RUB', 'GBP', 'CNY', 'JPY', 'CHF', 'KZT', 'BYN', 'TRY'];

let lastKey = 0;

const itemRow = (item) => ({
    key: ++lastKey,
    productId: item && item.product_id != null ? Number(item.product_id) : null,
    price: item && item.price != null ? String(item.price) : '',
});

function toValues(r, currency) {
    return {
        name: r ? r.name || '' : '',
        currency: r ? r.currency || '' : currency || '',
        active: r ? r.active !== false : true,
        notes: r && r.notes ? r.notes : '',
        items: (r && Array.isArray(r.items) ? r.items : []).map(itemRow),
    };
}

/* {body, itemRows}: itemRows[k] is the row of body.items[k] (rows left empty are not sent). */
function toBody(v) {
    const rows = v.items.map((row, i) => [row, i]).filter(([row]) => row.productId != null || row.price.trim() !== '');
    return {
        body: {
            name: v.name.trim(),
            currency: v.currency.trim().toUpperCase(),
            active: v.active,
            notes: v.notes.trim() ? v.notes : null,
            items: rows.map(([row]) => ({ product_id: row.productId, price: row.price.trim() })),
        },
        itemRows: rows.map(([, i]) => i),
    };
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/* The product's own price in currency (its list price or one of its other prices), or null. */
function catalogPrice(product, currency) {
    if (!product) return null;
    if (product.price && product.price.currency === currency) return product.price;
    return (Array.isArray(product.prices) ? product.prices : []).find((m) => m && m.currency === currency) || null;
}

/** The items table of the form: a product and its price per row. */
function ItemsEditor({ items, onChange, currency, errors, readOnly }) {
    const productOf = useProducts(items.map((row) => row.productId));
    const update = (i, part) => onChange(items.map((row, j) => (j === i ? { ...row, ...part } : row)));
    const taken = items.map((row) => row.productId).filter((id) => id != null);
    return html`<fieldset class="form-row wide price-list-items" data-field="items" data-testid="price-list-items">
        <legend>${t('priceList.items')}</legend>
        <p class="hint">${t('priceList.itemsHint')}</p>
        <${CellErrors} id="items" messages=${messagesAt(errors, 'items', true)} />
        ${!items.length && html`<p class="muted" data-testid="price-list-no-items">${t('priceList.noItems')}</p>`}
        ${items.length > 0 && html`<table class="choices price-list-table">
            <thead><tr>
                <th scope="col" class="col-n">#</th>
                <th scope="col">${t('quote.product')}</th>
                <th scope="col" class="num">${t('priceList.price')}${currency && html`<span class="th-currency">, ${currency}</span>`}</th>
                <th scope="col">${t('priceList.catalogPrice')}</th>
                ${!readOnly && html`<th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>`}
            </tr></thead>
            <tbody>
                ${items.map((row, i) => {
                    const n = i + 1;
                    const id = `item-${i}`;
                    const product = row.productId != null ? productOf(row.productId) : null;
                    const value = row.productId != null
                        ? { id: row.productId, name: product ? recordName('products', product) : `#${row.productId}` } : null;
                    const productErrors = [...messagesAt(errors, `items[${i}]`, true), ...messagesAt(errors, `items[${i}].product_id`)];
                    const priceErrors = messagesAt(errors, `items[${i}].price`);
                    const own = catalogPrice(product, currency);
                    return html`<tr key=${row.key} data-testid="item-row" data-index=${i} data-product-id=${row.productId ?? ''}>
                        <td class="col-n muted">${n}</td>
                        <td>
                            ${readOnly
                                ? html`<span data-testid="item-product">${value
                                    ? html`<${Link} href=${`/products/${value.id}`}>${value.name}<//>` : '—'}</span>`
                                : html`<div data-testid="item-product">
                                    <label for=${`${id}-product`} class="visually-hidden">
                                        ${t('priceList.rowLabel', { field: t('quote.product'), n })}</label>
                                    <${RecordPicker} id=${`${id}-product`} entity="products" value=${value}
                                        excludeIds=${taken} placeholder=${t('quote.pickProduct')}
                                        invalid=${productErrors.length > 0}
                                        describedBy=${productErrors.length ? `${id}-product-error` : undefined}
                                        onChange=${(v) => update(i, { productId: v ? v.id : null })} />
                                </div>`}
                            <${CellErrors} id=${`${id}-product`} messages=${productErrors} />
                        </td>
                        <td class="num">
                            ${readOnly
                                ? html`<span data-testid="item-price">${row.price}</span>`
                                : html`<input id=${`${id}-price`} type="text" inputmode="decimal" autocomplete="off"
                                    class="num" value=${row.price} placeholder="0.00" data-testid="item-price"
                                    aria-label=${t('priceList.rowLabel', { field: t('priceList.price'), n })}
                                    ...${cellAttrs(`${id}-price`, priceErrors)}
                                    onInput=${(e) => update(i, { price: cleanDecimal(e.currentTarget.value) })} />`}
                            <${CellErrors} id=${`${id}-price`} messages=${priceErrors} />
                        </td>
                        <td class="muted" data-testid="item-catalog-price">${own ? formatAmount(own) : '—'}</td>
                        ${!readOnly && html`<td class="col-actions">
                            <button type="button" class="btn btn-icon" data-testid="item-remove"
                                aria-label=${t('priceList.removeItem', { n })}
                                onClick=${() => onChange(items.filter((_, j) => j !== i))}>×</button>
                        </td>`}
                    </tr>`;
                })}
            </tbody>
        </table>`}
        ${!readOnly && html`<div><button type="button" class="btn btn-small" data-testid="item-add"
            onClick=${() => onChange([...items, itemRow(null)])}>${t('priceList.addItem')}</button></div>`}
    </fieldset>`;
}

/** Create (id null) or edit a price list. */
export function PriceListForm({ id }) {
    const me = useMe();
    const { currencies, error: currenciesError } = useCurrencies();
    const [record, setRecord] = useState(null);
    const [values, setValues] = useState(null);
    const [loadError, setLoadError] = useState(null);
    const [saving, setSaving] = useState(false);
    const [error, setError] = useState(null);
    const [itemRows, setItemRows] = useState([]);
    useTitle(id ? (record ? record.name : t('common.loading')) : t('priceList.new'));

    async function load() {
        setLoadError(null);
        setError(null);
        try {
            const r = await getRecord(ENTITY, id);
            setRecord(r);
            setValues(toValues(r));
        } catch (e) {
            setLoadError(e);
        }
    }

    useEffect(() => {
        if (id) load();
    }, [id]);

    /* A new list starts in the base currency. */
    useEffect(() => {
        if (id || values || (!currencies && !currenciesError)) return;
        setValues(toValues(null, (currencies && currencies.base) || 'EUR'));
    }, [id, currencies, currenciesError]);

    const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));

    async function submit(e) {
        e.preventDefault();
        if (saving) return;
        setSaving(true);
        setError(null);
        const { body, itemRows: rows } = toBody(values);
        setItemRows(rows);
        try {
            if (id) {
                const before = toBody(toValues(record)).body;
                const patch = Object.fromEntries(Object.entries(body).filter(([k, x]) => !same(before[k], x)));
                if (Object.keys(patch).length) await updateRecord(ENTITY, id, patch, record.version);
            } else {
                const create = Object.fromEntries(Object.entries(body).filter(([, x]) => x !== null));
                await createRecord(ENTITY, create);
            }
            navigate(HOME);
        } catch (err) {
            setError(err);
            setSaving(false);
            window.requestAnimationFrame(() => {
                const first = document.querySelector('[aria-invalid="true"], .alert-error');
                if (first && first.focus) first.focus({ preventScroll: false });
                if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center' });
            });
        }
    }

    if (loadError) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(loadError)}</div>`;
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    const readOnly = id ? !can(me, ENTITY, 'update', record) : !can(me, ENTITY, 'create');
    /* "items[1]" of the body is the row the user sees at itemRows[1]. */
    const rename = (field) => field.replace(/^items\[(\d+)\]/, (all, k) =>
        (itemRows[Number(k)] !== undefined ? `items[${itemRows[Number(k)]}]` : all));
    const errors = pathErrors(error, (p) => FIELDS.some((f) => within(p, f)), rename);
    const fe = (name) => {
        const list = messagesAt(errors, name);
        return list.length ? list : undefined;
    };
    const codes = currencies ? currencies.codes : FALLBACK_CURRENCIES;
    const listed = !values.currency || codes.includes(values.currency) ? codes : [values.currency, ...codes];

    return html`<section class="page form-page price-list-form">
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href=${HOME}>${t('nav.priceLists')}<//></p>
                <h1 data-testid="record-title">${id ? (record ? record.name : '') : t('priceList.new')}</h1>
            </div>
        </header>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${load} />
        <form class="record-form" onSubmit=${submit} novalidate data-testid="price-list-form">
            <div class="form-grid">
                <${FormField} id="pl-name" label=${t('priceList.name')} required errors=${fe('name')}>
                    <input id="pl-name" type="text" value=${values.name} maxlength="100" autocomplete="off"
                        disabled=${readOnly} data-testid="price-list-name" ...${errorAttrs('pl-name', fe('name'))}
                        onInput=${(e) => set('name', e.currentTarget.value)} /><//>
                <${FormField} id="pl-currency" label=${t('money.currency')} required errors=${fe('currency')}
                        hint=${t('priceList.currencyHint')}>
                    ${currenciesError
                        ? html`<input id="pl-currency" type="text" maxlength="3" value=${values.currency} class="currency"
                            disabled=${readOnly} data-testid="price-list-currency" ...${errorAttrs('pl-currency', fe('currency'))}
                            onInput=${(e) => set('currency', e.currentTarget.value.toUpperCase())} />`
                        : html`<select id="pl-currency" value=${values.currency} disabled=${readOnly}
                                data-testid="price-list-currency" ...${errorAttrs('pl-currency', fe('currency'))}
                                onChange=${(e) => set('currency', e.currentTarget.value)}>
                            ${listed.map((c) => html`<option key=${c} value=${c}>${c}</option>`)}
                        </select>`}<//>
                <div class=${`form-row check${fe('active') ? ' has-error' : ''}`} data-field="active">
                    <label><input id="pl-active" type="checkbox" checked=${values.active} disabled=${readOnly}
                        data-testid="price-list-active" onChange=${(e) => set('active', e.currentTarget.checked)} />
                        ${t('priceList.activeLabel')}</label>
                    <${CellErrors} id="pl-active" messages=${fe('active')} />
                </div>
                <${FormField} id="pl-notes" label=${t('field.notes')} errors=${fe('notes')} wide>
                    <textarea id="pl-notes" rows="2" maxlength="2000" value=${values.notes} disabled=${readOnly}
                        data-testid="price-list-notes" ...${errorAttrs('pl-notes', fe('notes'))}
                        onInput=${(e) => set('notes', e.currentTarget.value)}></textarea><//>
                <${ItemsEditor} items=${values.items} onChange=${(items) => set('items', items)}
                    currency=${values.currency} errors=${errors} readOnly=${readOnly} />
            </div>
            <div class="form-actions">
                ${!readOnly && html`<button type="submit" class="btn btn-primary" disabled=${saving} data-testid="save">
                    ${saving ? t('common.saving') : t('action.save')}</button>`}
                <${Link} href=${HOME} class="btn" data-testid="cancel">${readOnly ? t('action.close') : t('action.cancel')}<//>
            </div>
        </form>
    </section>`;
}

/** The price lists (or the deleted ones), with their actions. */
export function PriceListsPage() {
    const me = useMe();
    const [deleted, setDeleted] = useState(false);
    const [lists, setLists] = useState(null);
    const [error, setError] = useState(null);
    const [message, setMessage] = useState(null);
    useTitle(t('nav.priceLists'));

    async function load() {
        setLists(null);
        try {
            setLists(await listAll(`/${ENTITY}`, { sort: 'name', trash: deleted ? 'true' : undefined }));
        } catch (e) {
            setError(e);
            setLists([]);
        }
    }

    useEffect(() => {
        load();
    }, [deleted]);

    async function remove(l) {
        if (!window.confirm(t('priceList.confirmDelete', { name: l.name }))) return;
        setError(null);
        setMessage(null);
        try {
            await deleteRecord(ENTITY, l.id);
            setMessage(t('priceList.deleted', { name: l.name }));
        } catch (e) {
            setError(e);
        }
        load();
    }

    async function restore(l) {
        setError(null);
        setMessage(null);
        try {
            await restoreRecord(ENTITY, l.id);
            setMessage(t('trash.restored', { name: l.name }));
        } catch (e) {
            setError(e);
        }
        load();
    }

    const count = (l) => (Array.isArray(l.items) ? l.items.length : 0);
    return html`<section class="page price-lists-page" data-testid="price-lists-page">
        <header class="page-header">
            <h1>${t('nav.priceLists')}</h1>
            <div class="page-actions">
                ${!deleted && can(me, ENTITY, 'create') && html`<${Link} href=${`${HOME}/new`} class="btn btn-primary"
                    data-testid="price-list-new">${t('priceList.new')}<//>`}
            </div>
        </header>
        <p class="hint">${t('priceList.intro')}</p>
        <div class="tabs" role="tablist" aria-label=${t('priceList.which')}>
            ${[[false, 'priceList.current'], [true, 'priceList.deletedTab']].map(([kind, key]) => html`<button type="button"
                role="tab" aria-selected=${deleted === kind ? 'true' : 'false'} class=${`tab${deleted === kind ? ' active' : ''}`}
                data-testid=${kind ? 'price-lists-deleted' : 'price-lists-current'}
                onClick=${() => { setMessage(null); setError(null); setDeleted(kind); }}>${t(key)}</button>`)}
        </div>
        ${message && html`<div class="alert alert-ok" role="status" data-testid="price-lists-message">${message}</div>`}
        ${error && html`<div class="alert alert-error" role="alert" data-testid="price-lists-error">${errorText(error)}</div>`}
        ${lists === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${lists && !lists.length && html`<p class="empty" data-testid="price-lists-empty">
            ${deleted ? t('trash.empty') : t('priceList.empty')}</p>`}
        ${lists && lists.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="price-lists-table">
            <thead><tr>
                <th scope="col">${t('priceList.name')}</th>
                <th scope="col">${t('money.currency')}</th>
                <th scope="col">${t('priceList.state')}</th>
                <th scope="col" class="num">${t('priceList.itemCount')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${lists.map((l) => html`<tr key=${l.id} data-testid="price-list-row" data-id=${l.id}
                        class=${l.active === false ? 'revoked' : ''}>
                    <td class="col-name" data-label=${t('priceList.name')}>${deleted ? l.name
                        : html`<${Link} href=${`${HOME}/${l.id}`} class="record-link" data-testid="price-list-link">${l.name}<//>`}</td>
                    <td data-label=${t('money.currency')} data-testid="price-list-currency-cell">${l.currency}</td>
                    <td data-label=${t('priceList.state')}>${l.active === false
                        ? html`<span class="badge badge-off">${t('priceList.inactive')}</span>`
                        : html`<span class="badge badge-on">${t('priceList.active')}</span>`}</td>
                    <td class="num" data-label=${t('priceList.itemCount')} data-testid="price-list-count">
                        ${t('priceList.products', { n: count(l) })}</td>
                    <td class="col-actions">
                        ${deleted
                            ? can(me, ENTITY, 'update', l) && html`<button type="button" class="btn btn-small"
                                onClick=${() => restore(l)} data-testid="restore">${t('action.restore')}</button>`
                            : html`${can(me, ENTITY, 'update', l) && html`<${Link} href=${`${HOME}/${l.id}`} class="btn btn-small"
                                    data-testid="price-list-edit">${t('action.edit')}<//>`}
                                ${can(me, ENTITY, 'delete', l) && html`<button type="button" class="btn btn-small btn-danger"
                                    onClick=${() => remove(l)} data-testid="price-list-delete">${t('action.delete')}</button>`}`}
                    </td>
                </tr>`)}
            </tbody>
        </table></div>`}
    </section>`;
}
