// The lines table of the quote editor: per line a product (picked from /products) or a free
// name, the product's options (a select for a group that takes one choice, checkboxes
// otherwise), quantity, unit price, discount (percent or amount), tax rate, delivery date and
// terms, and the net, tax and total the server computed for it. Holds no money arithmetic:
// the editor sends the lines and shows the server's numbers. Read-only when the quote is.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { RecordPicker } from './RecordPicker.js';
import { deltaText, useProducts } from './catalog.js';
import { CellErrors, cellAttrs, cleanDecimal, messagesAt } from './pathErrors.js';
import { formatAmount } from './sales.js';

let lastKey = 0;

/** A new, empty line of the editor. */
export function emptyLine() {
    return {
        key: `l${++lastKey}`, product: null, name: '', options: {}, quantity: '1', price: '', priceSet: false,
        discountKind: 'percent', discount: '', tax_rate: '', taxSet: false, delivery_date: '', delivery_terms: '',
    };
}

/* "0", "0.00", "-0" (no arithmetic on money). */
const isZero = (amount) => /^-?0*(\.0*)?$/.test(String(amount ?? '0'));

const text = (v) => (v === null || v === undefined ? '' : String(v));

/** The editor line of a quote's line (its price and tax rate count as chosen). */
export function lineFromQuote(l) {
    const options = {};
    for (const o of l.options || []) (options[o.option] = options[o.option] || []).push(o.choice);
    const amount = l.discount_amount !== null && l.discount_amount !== undefined && l.discount_amount !== '';
    return {
        ...emptyLine(),
        product: l.product_id != null ? { id: l.product_id, name: l.name || `#${l.product_id}` } : null,
        name: text(l.name),
        options,
        quantity: text(l.quantity),
        price: text(l.price),
        priceSet: l.price !== null && l.price !== undefined,
        discountKind: amount ? 'amount' : 'percent',
        discount: amount ? text(l.discount_amount) : text(l.discount_percent),
        tax_rate: text(l.tax_rate),
        taxSet: l.tax_rate !== null && l.tax_rate !== undefined,
        delivery_date: text(l.delivery_date),
        delivery_terms: text(l.delivery_terms),
    };
}

/** A line with neither product nor name is not sent (an "Add line" not filled in yet). */
export function isBlankLine(l) {
    return !l.product && !l.name.trim();
}

/**
 * The API's line. The price and the tax rate go only when the user gave them: otherwise the
 * server fills the product's (with the option deltas) and answers them.
 */
export function lineBody(l) {
    const out = {};
    if (l.product) out.product_id = l.product.id;
    if (l.name.trim()) out.name = l.name.trim();
    const options = Object.entries(l.options).flatMap(([option, choices]) => choices.map((choice) => ({ option, choice })));
    if (options.length) out.options = options;
    out.quantity = l.quantity.trim();
    if (l.priceSet && l.price.trim() !== '') out.price = l.price.trim();
    if (l.discount.trim() !== '') out[l.discountKind === 'amount' ? 'discount_amount' : 'discount_percent'] = l.discount.trim();
    if (l.taxSet && l.tax_rate.trim() !== '') out.tax_rate = l.tax_rate.trim();
    if (l.delivery_date) out.delivery_date = l.delivery_date;
    if (l.delivery_terms.trim()) out.delivery_terms = l.delivery_terms.trim();
    return out;
}

/** The line after the server answered it: the price, tax rate and name it filled in shown. */
export function absorbLine(l, server) {
    if (!server) return l;
    const next = { ...l };
    if (!l.priceSet && server.price !== null && server.price !== undefined) next.price = String(server.price);
    if (!l.taxSet && server.tax_rate !== null && server.tax_rate !== undefined) next.tax_rate = String(server.tax_rate);
    if (!l.name.trim() && server.name) next.name = server.name;
    return next;
}

const LINE_FIELDS = ['product_id', 'name', 'options', 'quantity', 'price', 'discount_percent', 'discount_amount',
                     'tax_rate', 'delivery_date', 'delivery_terms'];
const LINE_CLAIM = new RegExp(`^lines\\.[^.\\[]+(\\.(${LINE_FIELDS.join('|')})(\\[\\d+\\].*)?)?$`);

/** Whether the table shows a message of this (renamed: "lines.<key>.quantity") path. */
export function linesClaim(path) {
    return path === 'lines' || LINE_CLAIM.test(path);
}

/* A line's amount: the number only (the column header names the currency). */
function Money({ value, testid }) {
    if (!value) return html`<span class="num" data-testid=${testid}><span class="muted">—</span></span>`;
    return html`<span class="num" data-testid=${testid} data-currency=${value.currency}
        title=${formatAmount(value)}>${formatAmount({ amount: value.amount })}</span>`;
}

/* The chosen options as text: "Size: XL; Extras: Case". */
function optionsText(line, product) {
    const groups = (product && product.options) || [];
    return Object.entries(line.options).map(([code, choices]) => {
        const g = groups.find((x) => x.code === code);
        const names = choices.map((c) => {
            const choice = g && (g.choices || []).find((x) => x.code === c);
            return choice ? choice.name || c : c;
        });
        return `${g ? g.name || code : code}: ${names.join(', ')}`;
    }).join('; ');
}

function OptionsCell({ line, product, n, id, onChange, readOnly, messages }) {
    if (readOnly || !product) {
        const shown = optionsText(line, product);
        return html`<span data-testid="line-options-text">${shown || html`<span class="muted">—</span>`}</span>`;
    }
    const groups = product.options || [];
    if (!groups.length) return html`<span class="muted">—</span>`;
    const currency = product.price && product.price.currency;
    const set = (code, choices) => {
        const next = { ...line.options };
        if (choices.length) next[code] = choices;
        else delete next[code];
        onChange(next);
    };
    return html`<div class="line-options" ...${cellAttrs(id, messages)}>
        ${groups.map((g) => {
            const chosen = line.options[g.code] || [];
            const label = t('quote.lineLabel', { field: g.name || g.code, n });
            if (g.exclusive) {
                return html`<label class="line-option" key=${g.code}>
                    <span class="small-label">${g.name || g.code}${g.required && html`<span class="req" aria-hidden="true"> *</span>`}</span>
                    <select aria-label=${label} value=${chosen[0] || ''} data-testid="line-option" data-option=${g.code}
                        onChange=${(e) => set(g.code, e.currentTarget.value ? [e.currentTarget.value] : [])}>
                        <option value="">—</option>
                        ${(g.choices || []).map((c) => html`<option key=${c.code} value=${c.code}>
                            ${c.name || c.code}${deltaText(c.price_delta, currency) && ` (${deltaText(c.price_delta, currency)})`}</option>`)}
                    </select></label>`;
            }
            return html`<fieldset class="line-option" key=${g.code} data-testid="line-option-group" data-option=${g.code}>
                <legend class="small-label">${g.name || g.code}${g.required && html`<span class="req" aria-hidden="true"> *</span>`}</legend>
                ${(g.choices || []).map((c) => html`<label class="option" key=${c.code}>
                    <input type="checkbox" checked=${chosen.includes(c.code)} data-testid="line-option-choice"
                        data-choice=${c.code} aria-label=${t('quote.lineLabel', { field: `${g.name || g.code}: ${c.name || c.code}`, n })}
                        onChange=${(e) => set(g.code, e.currentTarget.checked ? [...chosen, c.code]
                            : chosen.filter((x) => x !== c.code))} />
                    ${c.name || c.code}${deltaText(c.price_delta, currency) && html` <span class="muted">${deltaText(c.price_delta, currency)}</span>`}
                </label>`)}
            </fieldset>`;
        })}
    </div>`;
}

/**
 * lines: editor lines; onChange(lines); computed(key): the server's line for it (or null);
 * errors: pathErrors with "lines.<key>..." paths; readOnly; currency: the quote's; fromList: the
 * quote has a price list (the server's default prices come from it).
 */
export function QuoteLines({ lines, onChange, computed, errors, readOnly, currency, fromList }) {
    const productOf = useProducts(lines.map((l) => (l.product ? l.product.id : null)));
    const update = (i, part) => onChange(lines.map((l, j) => (j === i ? { ...l, ...part } : l)));
    const at = (key, field) => messagesAt(errors, `lines.${key}.${field}`);

    const th = (key, cls = '') => html`<th scope="col" class=${cls}>${t(key)}</th>`;
    /* money columns name the quote's currency */
    const thMoney = (key) => html`<th scope="col" class="num">${t(key)}${currency && html`<span class="th-currency">, ${currency}</span>`}</th>`;
    return html`<div class="table-wrap quote-lines-wrap">
        <${CellErrors} id="lines" messages=${messagesAt(errors, 'lines', true)} />
        <table class="quote-lines" data-testid="quote-lines">
            <thead><tr>
                <th scope="col" class="col-n">#</th>
                ${th('quote.product')}
                ${th('quote.options')}
                ${th('quote.quantity', 'num')}
                ${thMoney('quote.unitPrice')}
                ${th('quote.discount', 'num')}
                ${th('quote.taxRate', 'num')}
                ${thMoney('quote.net')}
                ${thMoney('quote.tax')}
                ${thMoney('quote.total')}
                ${!readOnly && html`<th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>`}
            </tr></thead>
            ${lines.map((l, i) => {
                const n = i + 1;
                const id = (field) => `line-${i}-${field}`;
                const label = (key) => t('quote.lineLabel', { field: t(key), n });
                const server = computed(l.key);
                const product = l.product ? productOf(l.product.id) : null;
                const productErrors = [...messagesAt(errors, `lines.${l.key}`, true), ...at(l.key, 'product_id')];
                const discountErrors = [...at(l.key, 'discount_percent'), ...at(l.key, 'discount_amount')];
                const input = (field, key, value, onInput, extra = {}) => (readOnly
                    ? html`<span data-testid=${`line-${field}`}>${value || html`<span class="muted">—</span>`}</span>`
                    : html`<input id=${id(field)} type="text" value=${value} aria-label=${label(key)} autocomplete="off"
                        data-testid=${`line-${field}`} ...${cellAttrs(id(field), at(l.key, extra.api || field))}
                        onInput=${(e) => onInput(e.currentTarget.value)} class=${extra.cls || ''}
                        inputmode=${extra.inputmode} placeholder=${extra.placeholder} />`);
                return html`<tbody key=${l.key} class="quote-line" data-testid="quote-line" data-index=${i}>
                    <tr>
                        <td class="col-n">${n}</td>
                        <td class="col-product" data-label=${t('quote.product')}>
                            ${readOnly
                                ? html`<span data-testid="line-name">${l.product
                                    ? html`<${Link} href=${`/products/${l.product.id}`}>${l.name || l.product.name}<//>`
                                    : l.name}</span>`
                                : html`<div data-testid="line-product">
                                    <label for=${id('product')} class="visually-hidden">${label('quote.product')}</label>
                                    <${RecordPicker} id=${id('product')} entity="products" value=${l.product}
                                        invalid=${at(l.key, 'product_id').length > 0}
                                        describedBy=${productErrors.length ? `${id('product')}-error` : undefined}
                                        placeholder=${t('quote.pickProduct')}
                                        onChange=${(v) => update(i, { product: v, name: v ? v.name : '', options: {},
                                                                       price: '', priceSet: false, tax_rate: '', taxSet: false })} />
                                </div>
                                <input id=${id('name')} type="text" value=${l.name} aria-label=${label('quote.lineName')}
                                    placeholder=${t('quote.lineName')} class="line-name" data-testid="line-name" maxlength="200"
                                    ...${cellAttrs(id('name'), at(l.key, 'name'))}
                                    onInput=${(e) => update(i, { name: e.currentTarget.value })} />`}
                            <${CellErrors} id=${id('product')} messages=${productErrors} />
                            <${CellErrors} id=${id('name')} messages=${at(l.key, 'name')} />
                        </td>
                        <td class="col-options" data-label=${t('quote.options')}>
                            <${OptionsCell} line=${l} product=${product} n=${n} id=${id('options')} readOnly=${readOnly}
                                messages=${at(l.key, 'options')}
                                onChange=${(options) => update(i, { options, priceSet: false })} />
                            <${CellErrors} id=${id('options')} messages=${at(l.key, 'options')} />
                        </td>
                        <td class="num" data-label=${t('quote.quantity')}>
                            ${input('quantity', 'quote.quantity', l.quantity,
                                (v) => update(i, { quantity: cleanDecimal(v) }), { inputmode: 'decimal', cls: 'num short-num' })}
                            <${CellErrors} id=${id('quantity')} messages=${at(l.key, 'quantity')} />
                        </td>
                        <td class="num" data-label=${t('quote.unitPrice')}>
                            ${input('price', 'quote.unitPrice', l.price, (v) => {
                                const price = cleanDecimal(v);
                                update(i, { price, priceSet: price !== '' });
                            }, { inputmode: 'decimal', cls: 'num', placeholder: t(fromList ? 'quote.fromPriceList' : 'quote.fromProduct') })}
                            <${CellErrors} id=${id('price')} messages=${at(l.key, 'price')} />
                        </td>
                        <td class="num" data-label=${t('quote.discount')}>
                            ${readOnly
                                ? html`<span data-testid="line-discount">${l.discount
                                    ? `${l.discount}${l.discountKind === 'percent' ? ' %' : ''}` : html`<span class="muted">—</span>`}</span>`
                                : html`<div class="discount-input">
                                    <input id=${id('discount')} type="text" value=${l.discount} inputmode="decimal"
                                        aria-label=${label('quote.discount')} class="num short-num" data-testid="line-discount"
                                        autocomplete="off" ...${cellAttrs(id('discount'), discountErrors)}
                                        onInput=${(e) => update(i, { discount: cleanDecimal(e.currentTarget.value) })} />
                                    <select aria-label=${label('quote.discountKind')} value=${l.discountKind}
                                        data-testid="line-discount-kind"
                                        onChange=${(e) => update(i, { discountKind: e.currentTarget.value })}>
                                        <option value="percent">%</option>
                                        <option value="amount">${t('quote.amountKind')}</option>
                                    </select>
                                </div>`}
                            <${CellErrors} id=${id('discount')} messages=${discountErrors} />
                        </td>
                        <td class="num" data-label=${t('quote.taxRate')}>
                            ${input('tax', 'quote.taxRate', l.tax_rate, (v) => {
                                const rate = cleanDecimal(v);
                                update(i, { tax_rate: rate, taxSet: rate !== '' });
                            }, { inputmode: 'decimal', cls: 'num short-num', api: 'tax_rate' })}
                            <${CellErrors} id=${id('tax')} messages=${at(l.key, 'tax_rate')} />
                        </td>
                        <td class="num" data-label=${t('quote.net')}><${Money} value=${server && server.net} testid="line-net" /></td>
                        <td class="num" data-label=${t('quote.tax')}><${Money} value=${server && server.tax} testid="line-tax-amount" /></td>
                        <td class="num line-total" data-label=${t('quote.total')}><${Money} value=${server && server.total} testid="line-total" /></td>
                        ${!readOnly && html`<td class="col-actions">
                            <button type="button" class="btn btn-icon" data-testid="line-remove"
                                aria-label=${t('quote.removeLine', { n })}
                                onClick=${() => onChange(lines.filter((_, j) => j !== i))}>×</button>
                        </td>`}
                    </tr>
                    <tr class="line-details">
                        <td class="col-n"></td>
                        <td colspan=${readOnly ? 9 : 10}>
                            <div class="line-delivery">
                                <label class="small-label" for=${id('delivery-date')}>${t('quote.deliveryDate')}</label>
                                ${readOnly
                                    ? html`<span data-testid="line-delivery-date">${l.delivery_date || '—'}</span>`
                                    : html`<input id=${id('delivery-date')} type="date" value=${l.delivery_date}
                                        data-testid="line-delivery-date" ...${cellAttrs(id('delivery-date'), at(l.key, 'delivery_date'))}
                                        onInput=${(e) => update(i, { delivery_date: e.currentTarget.value })} />`}
                                <label class="small-label" for=${id('delivery-terms')}>${t('quote.deliveryTerms')}</label>
                                ${readOnly
                                    ? html`<span data-testid="line-delivery-terms">${l.delivery_terms || '—'}</span>`
                                    : html`<input id=${id('delivery-terms')} type="text" value=${l.delivery_terms}
                                        placeholder="DAP Berlin" maxlength="200" data-testid="line-delivery-terms"
                                        ...${cellAttrs(id('delivery-terms'), at(l.key, 'delivery_terms'))}
                                        onInput=${(e) => update(i, { delivery_terms: e.currentTarget.value })} />`}
                                ${server && server.gross && html`<span class="muted line-gross">${t('quote.gross')}:${' '}<span
                                    data-testid="line-gross">${formatAmount(server.gross)}</span>${server.discount
                                    && !isZero(server.discount.amount) && html` · ${t('quote.lineDiscount')}:${' '}<span
                                        data-testid="line-discount-amount">${formatAmount(server.discount)}</span>`}</span>`}
                            </div>
                            <${CellErrors} id=${id('delivery-date')} messages=${at(l.key, 'delivery_date')} />
                            <${CellErrors} id=${id('delivery-terms')} messages=${at(l.key, 'delivery_terms')} />
                        </td>
                    </tr>
                </tbody>`;
            })}
        </table>
    </div>`;
}
