// Create (/products/new) and edit (/products/:id/edit) form of a catalogue product: SKU, name,
// series, unit, description, list price, prices in other currencies (rows added and removed),
// cost, tax rate, active, the options editor, tags and custom fields. Submits a POST, or a
// PATCH of the changed fields with If-Match; the server's messages land at the field, price
// row or option cell they name.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { createRecord, getRecord, updateRecord } from '../api.js';
import { ChipsInput } from '../components/ChipsInput.js';
import { CustomFieldInput } from '../components/CustomFields.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { MoneyInput } from '../components/MoneyInput.js';
import { OptionsEditor, groupsFromOptions, optionsClaim, optionsFromGroups } from '../components/OptionsEditor.js';
import { forgetProduct } from '../components/catalog.js';
import { CellErrors, cleanDecimal, messagesAt, pathErrors, within } from '../components/pathErrors.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { useTitle } from './title.js';

const FIELDS = ['sku', 'name', 'series', 'unit', 'description', 'price', 'cost', 'tax_rate', 'active', 'tags'];

let lastKey = 0;
const money = (m) => (m && typeof m === 'object' ? { amount: String(m.amount ?? ''), currency: m.currency } : null);

function toValues(r) {
    const text = (k) => (r && r[k] !== null && r[k] !== undefined ? String(r[k]) : '');
    return {
        sku: text('sku'),
        name: text('name'),
        series: text('series'),
        unit: text('unit'),
        description: text('description'),
        price: money(r && r.price),
        prices: (r && Array.isArray(r.prices) ? r.prices : []).map((m) => ({ key: ++lastKey, money: money(m) })),
        cost: money(r && r.cost),
        tax_rate: text('tax_rate'),
        active: r ? r.active !== false : true,
        options: groupsFromOptions(r && r.options),
        tags: r && Array.isArray(r.tags) ? r.tags : [],
        custom: r && r.custom ? { ...r.custom } : {},
    };
}

/* {body, pricesRows}: pricesRows[k] is the row of body.prices[k] (empty rows are left out). */
function toBody(v) {
    const text = (s) => (s && s.trim() ? s.trim() : null);
    const filled = (m) => (m && String(m.amount).trim() !== '' ? m : null);
    const rows = v.prices.map((row, i) => [filled(row.money), i]).filter(([m]) => m);
    return {
        body: {
            sku: v.sku.trim(),
            name: v.name.trim(),
            series: text(v.series),
            unit: text(v.unit),
            description: text(v.description),
            price: filled(v.price),
            prices: rows.map(([m]) => m),
            cost: filled(v.cost),
            tax_rate: text(v.tax_rate),
            active: v.active,
            options: optionsFromGroups(v.options),
            tags: v.tags,
            custom: v.custom,
        },
        pricesRows: rows.map(([, i]) => i),
    };
}

const isEmpty = (x) => x === null || x === undefined || x === '' || (Array.isArray(x) && !x.length);
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/* A create: empty values left out (the server fills its defaults). */
function createBody(body) {
    const out = {};
    for (const [k, x] of Object.entries(body)) {
        if (k === 'custom') {
            const custom = Object.fromEntries(Object.entries(x || {}).filter(([, c]) => !isEmpty(c)));
            if (Object.keys(custom).length) out.custom = custom;
        } else if (!isEmpty(x)) {
            out[k] = x;
        }
    }
    return out;
}

/* A PATCH: the changed fields (custom whole when any of it changed). */
function patchBody(before, after) {
    const out = {};
    for (const [k, x] of Object.entries(after)) if (!same(before[k], x)) out[k] = x;
    return out;
}

/* Paths a control of the form shows. */
function claimed(path, defs) {
    if (FIELDS.some((f) => within(path, f)) || within(path, 'prices') || optionsClaim(path)) return true;
    return defs.some((d) => within(path, `custom.${d.name}`));
}

export function ProductForm({ id }) {
    const { defs } = useFieldDefs('products');
    const [record, setRecord] = useState(null);
    const [values, setValues] = useState(() => (id ? null : toValues(null)));
    const [loadError, setLoadError] = useState(null);
    const [saving, setSaving] = useState(false);
    const [error, setError] = useState(null);
    const [pricesRows, setPricesRows] = useState([]);
    useTitle(id ? (record ? recordName('products', record) : t('common.loading')) : t('product.new'));

    async function load() {
        setLoadError(null);
        setError(null);
        try {
            const r = await getRecord('products', id);
            setRecord(r);
            setValues(toValues(r));
        } catch (e) {
            setLoadError(e);
        }
    }

    useEffect(() => {
        if (id) load();
    }, [id]);

    const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));

    async function submit(e) {
        e.preventDefault();
        if (saving) return;
        setSaving(true);
        setError(null);
        const { body, pricesRows: rows } = toBody(values);
        setPricesRows(rows);
        try {
            let saved;
            if (id) {
                const patch = patchBody(toBody(toValues(record)).body, body);
                saved = Object.keys(patch).length ? await updateRecord('products', id, patch, record.version) : record;
                forgetProduct(id);
            } else {
                saved = await createRecord('products', createBody(body));
            }
            navigate(`/products/${saved.id}`);
        } catch (err) {
            setError(err);
            window.requestAnimationFrame(() => {
                const first = document.querySelector('[aria-invalid="true"], .alert-error');
                if (first && first.focus) first.focus({ preventScroll: false });
                if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center' });
            });
        } finally {
            setSaving(false);
        }
    }

    if (loadError) return html`<div class="alert alert-error" role="alert">${errorText(loadError)}</div>`;
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    /* "prices[1]" of the body is the row the user sees at pricesRows[1]. */
    const rename = (field) => field.replace(/^prices\[(\d+)\]/, (all, k) =>
        (pricesRows[Number(k)] !== undefined ? `prices[${pricesRows[Number(k)]}]` : all));
    const errors = pathErrors(error, (p) => claimed(p, defs), rename);
    const fe = (name) => {
        const list = messagesAt(errors, name);
        return list.length ? list : undefined;
    };
    const input = (name, type = 'text', extra = {}) => html`<input id=${name} name=${name} type=${type}
        value=${values[name]} onInput=${(e) => set(name, e.currentTarget.value)}
        ...${errorAttrs(name, fe(name))} ...${extra} />`;
    const currency = values.price && values.price.currency;
    const cancelHref = id ? `/products/${id}` : '/products';

    return html`<section class="page form-page">
        <header class="page-header">
            <h1>${id ? t('product.edit') : t('product.new')}</h1>
        </header>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${load} />
        <form class="record-form" onSubmit=${submit} novalidate data-testid="product-form">
            <div class="form-grid">
                <${FormField} id="sku" label=${t('field.sku')} required errors=${fe('sku')}>
                    ${input('sku', 'text', { maxlength: 64, autocomplete: 'off' })}<//>
                <${FormField} id="name" label=${t('field.name')} required errors=${fe('name')}>
                    ${input('name', 'text', { maxlength: 200, autocomplete: 'off' })}<//>
                <${FormField} id="series" label=${t('field.series')} errors=${fe('series')}>
                    ${input('series', 'text', { maxlength: 100 })}<//>
                <${FormField} id="unit" label=${t('field.unit')} errors=${fe('unit')} hint=${t('product.unitHint')}>
                    ${input('unit', 'text', { maxlength: 20 })}<//>
                <${FormField} id="description" label=${t('field.description')} errors=${fe('description')} wide>
                    <textarea id="description" rows="3" value=${values.description}
                        onInput=${(e) => set('description', e.currentTarget.value)}
                        ...${errorAttrs('description', fe('description'))}></textarea><//>
                <${FormField} id="price" label=${t('field.price')} required errors=${fe('price')}>
                    <${MoneyInput} id="price" value=${values.price} onChange=${(v) => set('price', v)}
                        invalid=${Boolean(fe('price'))} describedBy=${fe('price') ? 'price-error' : undefined} /><//>
                <${FormField} id="tax_rate" label=${t('field.tax_rate')} errors=${fe('tax_rate')} hint=${t('product.taxHint')}>
                    ${input('tax_rate', 'text', { inputmode: 'decimal', autocomplete: 'off', placeholder: '20',
                                                 onInput: (e) => set('tax_rate', cleanDecimal(e.currentTarget.value)) })}<//>
                <fieldset class="form-row wide prices-editor" data-field="prices" data-testid="prices-editor">
                    <legend>${t('field.prices')}</legend>
                    <p class="hint">${t('product.pricesHint')}</p>
                    <${CellErrors} id="prices" messages=${messagesAt(errors, 'prices', true)} />
                    ${values.prices.map((row, i) => html`<div class="price-row" key=${row.key} data-testid="price-row">
                        <${MoneyInput} id=${`prices-${i}`} value=${row.money}
                            invalid=${messagesAt(errors, `prices[${i}]`).length > 0}
                            describedBy=${messagesAt(errors, `prices[${i}]`).length ? `prices-${i}-error` : undefined}
                            onChange=${(m) => set('prices', values.prices.map((x, j) => (j === i ? { ...x, money: m } : x)))} />
                        <button type="button" class="btn btn-icon" data-testid="price-remove"
                            aria-label=${t('action.removeItem', { item: row.money ? row.money.currency : i + 1 })}
                            onClick=${() => set('prices', values.prices.filter((_, j) => j !== i))}>×</button>
                        <${CellErrors} id=${`prices-${i}`} messages=${messagesAt(errors, `prices[${i}]`)} />
                    </div>`)}
                    <div><button type="button" class="btn btn-small" data-testid="price-add"
                        onClick=${() => set('prices', [...values.prices, { key: ++lastKey, money: null }])}>
                        ${t('product.addPrice')}</button></div>
                </fieldset>
                <${FormField} id="cost" label=${t('field.cost')} errors=${fe('cost')}>
                    <${MoneyInput} id="cost" value=${values.cost} onChange=${(v) => set('cost', v)}
                        defaultCurrency=${currency} invalid=${Boolean(fe('cost'))}
                        describedBy=${fe('cost') ? 'cost-error' : undefined} /><//>
                <div class=${`form-row check${fe('active') ? ' has-error' : ''}`} data-field="active">
                    <label><input id="active" type="checkbox" checked=${values.active} data-testid="product-active"
                        onChange=${(e) => set('active', e.currentTarget.checked)} /> ${t('product.activeLabel')}</label>
                    <${CellErrors} id="active" messages=${fe('active')} />
                </div>
                <${OptionsEditor} value=${values.options} onChange=${(v) => set('options', v)} errors=${errors}
                    currency=${currency} />
                <${FormField} id="tags" label=${t('field.tags')} errors=${fe('tags')} hint=${t('chips.hint')}>
                    <${ChipsInput} id="tags" value=${values.tags} onChange=${(v) => set('tags', v)}
                        invalid=${Boolean(fe('tags'))} describedBy=${fe('tags') ? 'tags-error' : undefined} /><//>
                ${defs.map((d) => html`<${CustomFieldInput} key=${d.name} def=${d} value=${values.custom[d.name]}
                    onChange=${(v) => setValues((x) => ({ ...x, custom: { ...x.custom, [d.name]: v } }))}
                    errors=${fe(`custom.${d.name}`)} />`)}
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=${saving} data-testid="save">
                    ${saving ? t('common.saving') : t('action.save')}</button>
                <${Link} href=${cancelHref} class="btn">${t('action.cancel')}<//>
            </div>
        </form>
    </section>`;
}
