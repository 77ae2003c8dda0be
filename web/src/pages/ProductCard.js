// Product card (/products/:id): SKU, name, series, unit, description, list price and the
// prices in other currencies, cost, tax rate, active, the option groups with their choices and
// price deltas, tags and custom fields; a History tab; Edit/Delete when the caller may.
import { html } from 'htm/preact';
import { DeleteButton, Prop, Timestamps, ValueList, useRecord } from '../components/Card.js';
import { CustomFieldList } from '../components/CustomFields.js';
import { CardTabs } from '../components/History.js';
import { deltaText } from '../components/catalog.js';
import { errorText } from '../components/errors.js';
import { formatAmount } from '../components/sales.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

function Options({ options, currency }) {
    const list = Array.isArray(options) ? options : [];
    if (!list.length) return html`<p class="muted">${t('product.noOptions')}</p>`;
    return html`<ul class="option-list" data-testid="product-options">
        ${list.map((g) => html`<li key=${g.code} data-testid="product-option" data-code=${g.code}>
            <strong>${g.name || g.code}</strong> <span class="muted">(${g.code})</span>
            ${g.required && html` <span class="badge">${t('product.required')}</span>`}
            ${g.exclusive && html` <span class="badge">${t('product.exclusive')}</span>`}
            <ul class="choice-list">
                ${(g.choices || []).map((c) => html`<li key=${c.code} data-testid="product-choice" data-code=${c.code}>
                    ${c.name || c.code} <span class="muted">(${c.code})</span>
                    ${deltaText(c.price_delta, currency) && html` <span class="delta">${deltaText(c.price_delta, currency)}</span>`}
                </li>`)}
            </ul>
        </li>`)}
    </ul>`;
}

export function ProductCard({ id }) {
    const { record: r, error } = useRecord('products', id);
    const { defs } = useFieldDefs('products');
    const me = useMe();
    useTitle(r ? recordName('products', r) : t('nav.products'));

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(error)}</div>`;
    if (!r) return html`<p class="muted">${t('common.loading')}</p>`;

    const prices = Array.isArray(r.prices) ? r.prices : [];
    return html`<article class="page card" data-testid="product-card">
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/products">${t('nav.products')}<//></p>
                <h1 data-testid="record-title">${r.name}</h1>
                <p class="subtitle"><span data-testid="product-sku">${r.sku}</span>
                    ${r.active === false && html` <span class="badge badge-off" data-testid="product-inactive">
                        ${t('product.inactive')}</span>`}</p>
            </div>
            <div class="page-actions">
                ${can(me, 'products', 'update', r) && html`<${Link} href=${`/products/${r.id}/edit`}
                    class="btn btn-primary" data-testid="edit">${t('action.edit')}<//>`}
                ${can(me, 'products', 'delete', r) && html`<${DeleteButton} entity="products" id=${r.id} name=${r.name} />`}
            </div>
        </header>
        <${CardTabs} entity="products" id=${r.id} defs=${defs}>
            <section class="card-section">
                <dl class="props">
                    <${Prop} name="price">${r.price && html`<span data-testid="product-price">${formatAmount(r.price)}</span>`}<//>
                    <${Prop} name="prices">${prices.length > 0 && html`<ul class="plain-list" data-testid="product-prices">
                        ${prices.map((m) => html`<li key=${m.currency}>${formatAmount(m)}</li>`)}</ul>`}<//>
                    <${Prop} name="cost">${r.cost && formatAmount(r.cost)}<//>
                    <${Prop} name="tax_rate">${r.tax_rate !== null && r.tax_rate !== undefined
                        ? html`<span data-testid="product-tax">${r.tax_rate} %</span>` : null}<//>
                    <${Prop} name="series">${r.series}<//>
                    <${Prop} name="unit">${r.unit}<//>
                    <${Prop} name="active">${r.active === false ? t('common.no') : t('common.yes')}<//>
                    <${Prop} name="tags"><${ValueList} values=${r.tags} kind="tags" /><//>
                    <${Prop} name="description">${r.description && html`<span class="pre">${r.description}</span>`}<//>
                </dl>
            </section>
            <section class="card-section">
                <h2>${t('field.options')}</h2>
                <${Options} options=${r.options} currency=${r.price && r.price.currency} />
            </section>
            <${CustomFieldList} defs=${defs} custom=${r.custom} />
        <//>
        <${Timestamps} record=${r} />
    </article>`;
}
