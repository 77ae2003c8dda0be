// Quote editor: /quotes/new?deal=ID and /quotes/:id. The header (title, currency, price list
// (the active lists in the quote's currency, or none), prices include tax, rounding per line or
// on the total, a quote discount in percent or as an amount, valid until, notes) and the lines
// table; every change is sent to the server after a short
// pause (POST for a new quote, then PATCH with If-Match) and the editor shows the per-line and
// quote totals the server computed, and its messages at the cell they name ("lines[2].quantity").
// A status bar acts by status: Send, Revise, Accept (optionally setting the deal's amount to the
// total), Decline; a sent, accepted, declined or expired quote is read-only. Tabs: the quote, its
// sent versions (GET /quotes/{id}/versions) and its record history.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { DeleteButton, Timestamps } from '../components/Card.js';
import { FormField } from '../components/FormField.js';
import { History } from '../components/History.js';
import { QuoteLines, absorbLine, emptyLine, isBlankLine, lineBody, lineFromQuote, linesClaim } from '../components/QuoteLines.js';
import { QuoteStatus, quoteTitle } from '../components/catalog.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { CellErrors, cellAttrs, cleanDecimal, messagesAt, pathErrors } from '../components/pathErrors.js';
import { UserName, formatAmount, useCurrencies } from '../components/sales.js';
import { formatDate, formatDateTime, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const SAVE_DELAY_MS = 400;
const HEADER_FIELDS = ['title', 'currency', 'price_list_id', 'prices_include_tax', 'rounding', 'discount_percent', 'discount_amount',
                       'valid_until', 'notes'];

/*
 * The router's key of an editor. The editor of a new quote stays mounted when its first save
 * moves the page to /quotes/:id (what is being typed and the focus survive): the created quote
 * keeps the key of that editor, and the next new quote gets a new one.
 */
let newGeneration = 0;
const createdKeys = new Map();

export function quoteEditorKey(id) {
    if (id === null || id === undefined) return `quote-new-${newGeneration}`;
    return createdKeys.get(String(id)) || `quote-${id}`;
}

const text = (v) => (v === null || v === undefined ? '' : String(v));

function newDraft(currency) {
    return {
        title: '', currency: currency || '', price_list_id: null, prices_include_tax: false, rounding: 'line', discountKind: 'percent',
        discount: '', valid_until: '', notes: '', lines: [],
    };
}

function draftFromQuote(q) {
    const amount = q.discount_amount !== null && q.discount_amount !== undefined && q.discount_amount !== '';
    return {
        title: text(q.title),
        currency: text(q.currency),
        price_list_id: q.price_list_id != null ? Number(q.price_list_id) : null,
        prices_include_tax: Boolean(q.prices_include_tax),
        rounding: q.rounding || 'line',
        discountKind: amount ? 'amount' : 'percent',
        discount: amount ? text(q.discount_amount) : text(q.discount_percent),
        valid_until: text(q.valid_until),
        notes: text(q.notes),
        lines: (q.lines || []).map(lineFromQuote),
    };
}

/* {body, keys}: the API's quote of a draft; keys[i] names the editor line of body.lines[i]. */
function draftBody(d) {
    const lines = d.lines.filter((l) => !isBlankLine(l));
    const discount = d.discount.trim();
    const body = {
        title: d.title.trim() || null,
        price_list_id: d.price_list_id,
        prices_include_tax: d.prices_include_tax,
        rounding: d.rounding,
        discount_percent: d.discountKind === 'percent' && discount !== '' ? discount : null,
        discount_amount: d.discountKind === 'amount' && discount !== '' ? discount : null,
        valid_until: d.valid_until || null,
        notes: d.notes.trim() ? d.notes : null,
        lines: lines.map(lineBody),
    };
    if (d.currency) body.currency = d.currency;
    return { body, keys: lines.map((l) => l.key) };
}

/* The draft once the server answered: prices, tax rates and the currency it chose shown. */
function absorb(d, answer, keys) {
    const byKey = new Map(keys.map((k, i) => [k, answer.lines && answer.lines[i]]));
    return {
        ...d,
        currency: d.currency || text(answer.currency),
        lines: d.lines.map((l) => absorbLine(l, byKey.get(l.key))),
    };
}

function createBody(dealId, body) {
    const out = { deal_id: dealId };
    for (const [k, v] of Object.entries(body)) if (v !== null && v !== undefined) out[k] = v;
    return out;
}

function patchBody(before, after) {
    const out = {};
    for (const [k, v] of Object.entries(after)) {
        if (JSON.stringify(before[k] ?? null) !== JSON.stringify(v ?? null)) out[k] = v;
    }
    return out;
}

/*
 * The price lists a quote may take: {lists: [{id, name, currency, active}] | null, error}, read
 * once per editor (inactive ones too, to name a quote's list that was switched off since).
 */
function usePriceLists() {
    const [state, setState] = useState({ lists: null, error: null });
    useEffect(() => {
        let live = true;
        listAll('/price-lists', { sort: 'name', fields: 'id,name,currency,active' }).then(
            (lists) => live && setState({ lists, error: null }),
            (error) => live && setState({ lists: [], error }));
        return () => {
            live = false;
        };
    }, []);
    return state;
}

/** The select's lists: the active ones in currency, and the chosen one whatever it is. */
function priceListChoices(lists, currency, chosenId) {
    const offered = (lists || []).filter((l) => l.active !== false && l.currency === currency);
    if (chosenId != null && !offered.some((l) => l.id === chosenId)) {
        const chosen = (lists || []).find((l) => l.id === chosenId);
        /* while the lists load it is only a number; after, one switched off, deleted or in another currency */
        offered.unshift(chosen ? { ...chosen, unavailable: true }
            : { id: chosenId, name: `#${chosenId}`, unavailable: lists !== null });
    }
    return offered;
}

/* Lines with a product take the price the server gives (the list's or the product's) again. */
const repriced = (lines) => lines.map((l) => (l.product ? { ...l, priceSet: false } : l));

const claimHeader = (path) => HEADER_FIELDS.some((f) => path === f || path.startsWith(`${f}.`));

/** The sent versions of a quote, newest first, each with its lines folded away. */
function QuoteVersions({ id }) {
    const [list, setList] = useState({ items: [], loading: true, error: null });
    useEffect(() => {
        let live = true;
        api.get(`/quotes/${id}/versions`).then(
            (page) => live && setList({ items: (page && page.data) || [], loading: false, error: null }),
            (error) => live && setList({ items: [], loading: false, error }));
        return () => {
            live = false;
        };
    }, [id]);
    return html`<section class="card-section" data-testid="quote-versions">
        <h2 class="visually-hidden">${t('quote.versions')}</h2>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="muted">${t('quote.noVersions')}</p>`}
        ${list.items.length > 0 && html`<ul class="version-list">
            ${list.items.map((v) => {
                const q = v.quote || {};
                return html`<li key=${v.number} class="version" data-testid="quote-version" data-number=${v.number}>
                    <details>
                        <summary>
                            <strong>${t('quote.versionN', { n: v.number })}</strong>
                            ${' · '}<time datetime=${v.sent_at}>${formatDateTime(v.sent_at)}</time>
                            ${' · '}<${UserName} id=${v.sent_by} />
                            ${q.total && html` · <span data-testid="quote-version-total">${formatAmount(q.total)}</span>`}
                        </summary>
                        <div class="table-wrap"><table class="records">
                            <thead><tr>
                                <th scope="col">${t('quote.product')}</th>
                                <th scope="col">${t('quote.quantity')}</th>
                                <th scope="col">${t('quote.unitPrice')}</th>
                                <th scope="col">${t('quote.total')}</th>
                            </tr></thead>
                            <tbody>${(q.lines || []).map((l, i) => html`<tr key=${i}>
                                <td data-label=${t('quote.product')}>${l.name}</td>
                                <td data-label=${t('quote.quantity')}>${l.quantity}</td>
                                <td data-label=${t('quote.unitPrice')}>${l.price}</td>
                                <td data-label=${t('quote.total')}>${l.total ? formatAmount(l.total) : ''}</td>
                            </tr>`)}</tbody>
                        </table></div>
                    </details>
                </li>`;
            })}
        </ul>`}
        ${list.loading && html`<p class="muted">${t('common.loading')}</p>`}
    </section>`;
}

/** Status, version, dates and the actions the status allows. */
function StatusBar({ quote, busy, canAct, ready, onAction }) {
    const [updateDeal, setUpdateDeal] = useState(true);
    const s = quote.status;
    const button = (action, key, cls = 'btn', body) => html`<button type="button" class=${cls}
        disabled=${busy || !ready} data-testid=${`quote-${action}`} onClick=${() => onAction(action, body)}>${t(key)}</button>`;
    return html`<div class="quote-status-bar" data-testid="quote-status-bar">
        <div class="quote-status-info">
            <${QuoteStatus} status=${s} />
            <span data-testid="quote-number">${t('quote.versionN', { n: quote.number || 1 })}</span>
            ${quote.sent_at && html`<span class="muted">${t('quote.sentAt')} <time datetime=${quote.sent_at}>
                ${formatDateTime(quote.sent_at)}</time></span>`}
            ${quote.decided_at && html`<span class="muted">${t('quote.decidedAt')} <time datetime=${quote.decided_at}>
                ${formatDateTime(quote.decided_at)}</time></span>`}
            ${quote.valid_until && html`<span class="muted">${t('quote.validUntilShort')} <time datetime=${quote.valid_until}>
                ${formatDate(quote.valid_until)}</time></span>`}
        </div>
        ${canAct && html`<div class="quote-actions">
            ${s === 'draft' && button('send', 'quote.send', 'btn btn-primary')}
            ${s === 'sent' && html`<label class="option quote-update-deal">
                <input type="checkbox" checked=${updateDeal} data-testid="quote-update-deal"
                    onChange=${(e) => setUpdateDeal(e.currentTarget.checked)} /> ${t('quote.updateDealAmount')}</label>`}
            ${s === 'sent' && button('accept', 'quote.accept', 'btn btn-primary', { update_deal_amount: updateDeal })}
            ${s === 'sent' && button('decline', 'quote.decline', 'btn btn-danger')}
            ${['sent', 'declined', 'expired'].includes(s) && button('revise', 'quote.revise')}
        </div>`}
    </div>`;
}

function Totals({ quote, fresh }) {
    const row = (key, value, testid, strong) => html`<div class=${`total-row${strong ? ' grand' : ''}`}>
        <dt>${t(key)}</dt>
        <dd data-testid=${testid}>${value ? formatAmount(value) : html`<span class="muted">—</span>`}</dd>
    </div>`;
    const q = quote || {};
    const quoteDiscount = q.quote_discount && !/^-?0*(\.0*)?$/.test(String(q.quote_discount.amount));
    return html`<section class=${`quote-totals${fresh ? '' : ' stale'}`} data-testid="quote-totals"
            aria-live="polite" aria-busy=${fresh ? 'false' : 'true'}>
        <h2 class="visually-hidden">${t('quote.totals')}</h2>
        <dl>
            ${row('quote.subtotal', q.subtotal, 'quote-subtotal')}
            ${quoteDiscount && row('quote.quoteDiscount', q.quote_discount, 'quote-quote-discount')}
            ${row('quote.discountTotal', q.discount_total, 'quote-discount-total')}
            ${row('quote.taxTotal', q.tax_total, 'quote-tax-total')}
            ${row('quote.grandTotal', q.total, 'quote-total', true)}
        </dl>
        <p class="hint">${t('quote.serverComputes')}</p>
    </section>`;
}

function SaveState({ state }) {
    return html`<p class=${`save-state state-${state}`} data-testid="save-state" data-state=${state} aria-live="polite">
        ${t(`quote.save.${state}`)}</p>`;
}

function Tabs({ tab, setTab }) {
    const button = (name, key) => html`<button type="button" role="tab" id=${`card-tab-${name}`}
        aria-selected=${tab === name ? 'true' : 'false'} aria-controls="card-panel"
        class=${`tab${tab === name ? ' active' : ''}`} onClick=${() => setTab(name)}
        data-testid=${`${name}-tab`}>${t(key)}</button>`;
    return html`<div class="tabs" role="tablist" aria-label=${t('audit.cardTabs')}>
        ${button('quote', 'quote.tab')}
        ${button('versions', 'quote.versions')}
        ${button('history', 'audit.history')}
    </div>`;
}

export function QuoteEditor({ id }) {
    const me = useMe();
    const { currencies, error: currenciesError } = useCurrencies();
    const { lists: priceLists, error: priceListsError } = usePriceLists();
    const [dealParam] = useState(() => (id ? null : new URLSearchParams(window.location.search).get('deal')));
    const [saved, setSaved] = useState({ quote: null, keys: [] });
    const [draft, setDraft] = useState(null);
    const [deal, setDeal] = useState(null);
    const [loadError, setLoadError] = useState(null);
    const [saveState, setSaveState] = useState('idle');
    const [saveError, setSaveError] = useState(null); /* {error, keys} of the last failed save */
    const [actionError, setActionError] = useState(null);
    const [busy, setBusy] = useState(false);
    const [tab, setTab] = useState('quote');
    const baseline = useRef(null); /* JSON of the body the server has */
    const lastTried = useRef(null); /* JSON of a body the server refused */
    const inflight = useRef(false);
    const again = useRef(false);
    const gone = useRef(false);
    const latest = useRef(null);
    latest.current = { draft, quote: saved.quote, deal };
    const quote = saved.quote;
    useTitle(quote ? quoteTitle(quote) : t('quote.new'));

    useEffect(() => () => {
        gone.current = true;
    }, []);

    /* Takes a quote as the server has it: draft, baseline and totals from it. */
    function adopt(q) {
        const d = draftFromQuote(q);
        const { body, keys } = draftBody(d);
        baseline.current = JSON.stringify(body);
        lastTried.current = null;
        latest.current = { ...latest.current, quote: q, draft: d };
        setSaved({ quote: q, keys });
        setDraft(d);
        setSaveError(null);
        setSaveState('saved');
    }

    async function reload() {
        setActionError(null);
        try {
            adopt(await api.get(`/quotes/${quote ? quote.id : id}`));
        } catch (e) {
            setActionError(e);
        }
    }

    useEffect(() => {
        /* the quote this editor just created: nothing to load */
        const own = latest.current.quote;
        if (own && String(own.id) === String(id)) return undefined;
        let live = true;
        (async () => {
            try {
                if (id) {
                    const q = await api.get(`/quotes/${id}`);
                    if (!live) return;
                    adopt(q);
                    api.get(`/deals/${q.deal_id}`).then((d) => live && setDeal(d), () => {});
                } else if (dealParam && /^\d+$/.test(dealParam)) {
                    const d = await api.get(`/deals/${dealParam}`);
                    if (live) setDeal(d);
                } else {
                    setLoadError({ noDeal: true });
                }
            } catch (e) {
                if (live) setLoadError(e);
            }
        })();
        return () => {
            live = false;
        };
    }, [id]);

    /* A new quote starts in the deal's currency, else the base currency. */
    useEffect(() => {
        if (id || draft || !deal || (!currencies && !currenciesError)) return;
        const d = newDraft((deal.amount && deal.amount.currency) || (currencies && currencies.base) || '');
        baseline.current = JSON.stringify(draftBody(d).body);
        setDraft(d);
    }, [id, deal, currencies, currenciesError]);

    const editable = quote ? quote.status === 'draft' && can(me, 'quotes', 'update', quote) : can(me, 'quotes', 'create');

    async function flush() {
        if (gone.current) return;
        if (inflight.current) {
            again.current = true;
            return;
        }
        const { draft: d, quote: q, deal: dl } = latest.current;
        if (!d || (!dl && !q)) return;
        const { body, keys } = draftBody(d);
        const json = JSON.stringify(body);
        if (json === baseline.current) {
            setSaveState(q ? 'saved' : 'idle');
            return;
        }
        inflight.current = true;
        setSaveState('saving');
        try {
            const answer = q
                ? await api.patch(`/quotes/${q.id}`, patchBody(JSON.parse(baseline.current), body), q.version)
                : await api.post('/quotes', createBody(dl.id, body));
            baseline.current = json;
            lastTried.current = null;
            if (gone.current) return;
            latest.current = { ...latest.current, quote: answer };
            setSaved({ quote: answer, keys });
            setDraft((cur) => absorb(cur, answer, keys));
            setSaveError(null);
            setSaveState('saved');
            if (!q) {
                /* the page becomes the new quote's, in this same editor */
                createdKeys.set(String(answer.id), quoteEditorKey(null));
                newGeneration += 1;
                navigate(`/quotes/${answer.id}`, { replace: true });
            }
        } catch (e) {
            if (gone.current) return;
            if (e.status >= 400 && e.status < 500) lastTried.current = json;
            setSaveError({ error: e, keys });
            setSaveState('error');
        } finally {
            inflight.current = false;
            if (again.current && !gone.current) {
                again.current = false;
                flush();
            }
        }
    }

    /* Every change goes to the server after a pause. */
    useEffect(() => {
        if (!draft || !editable) return undefined;
        const json = JSON.stringify(draftBody(draft).body);
        if (json === baseline.current) {
            if (!inflight.current) {
                setSaveState(latest.current.quote ? 'saved' : 'idle');
                setSaveError(null);
            }
            return undefined;
        }
        if (json === lastTried.current) return undefined;
        setSaveState('pending');
        const timer = setTimeout(flush, SAVE_DELAY_MS);
        return () => clearTimeout(timer);
    }, [draft, editable]);

    async function act(action, body) {
        setBusy(true);
        setActionError(null);
        try {
            const answer = await api.post(`/quotes/${quote.id}/${action}`, body, {
                headers: quote.version != null ? { 'If-Match': `"${quote.version}"` } : undefined,
            });
            adopt(answer);
        } catch (e) {
            setActionError(e);
            /* e.g. accepting past valid_until: the quote is now expired */
            if (e.status === 409) {
                try {
                    adopt(await api.get(`/quotes/${quote.id}`));
                } catch {
                    /* the error above stays */
                }
            }
        } finally {
            setBusy(false);
        }
    }

    if (loadError && loadError.noDeal) {
        return html`<section class="page"><h1>${t('quote.new')}</h1>
            <p data-testid="quote-no-deal">${t('quote.noDeal')}</p>
            <p><${Link} href="/deals" class="btn">${t('nav.deals')}<//></p></section>`;
    }
    if (loadError) {
        return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(loadError)}</div>`;
    }
    if (!draft) return html`<p class="muted">${t('common.loading')}</p>`;

    const readOnly = !editable;
    const errKeys = saveError ? saveError.keys : [];
    const rename = (field) => field.replace(/^lines\[(\d+)\]/, (all, i) =>
        (errKeys[Number(i)] !== undefined ? `lines.${errKeys[Number(i)]}` : all));
    const errors = pathErrors(saveError && saveError.error, (p) => claimHeader(p) || linesClaim(p), rename);
    const fe = (name) => {
        const list = messagesAt(errors, name);
        return list.length ? list : undefined;
    };
    const computedByKey = new Map(saved.keys.map((k, i) => [k, quote && quote.lines ? quote.lines[i] : null]));
    const set = (part) => setDraft((d) => ({ ...d, ...part }));
    const setLines = (lines) => setDraft((d) => ({ ...d, lines }));
    const codes = currencies ? currencies.codes : [];
    const currencyList = draft.currency && !codes.includes(draft.currency) ? [draft.currency, ...codes] : codes;
    const discountErrors = [...(fe('discount_percent') || []), ...(fe('discount_amount') || [])];
    const dealId = quote ? quote.deal_id : deal && deal.id;
    const fresh = saveState === 'saved';
    const listChoices = priceListChoices(priceLists, draft.currency, draft.price_list_id);
    const listOf = (listId) => (priceLists || []).find((l) => l.id === listId) || null;
    const listLabel = (l) => (l.unavailable ? `${l.name} (${t('priceList.unavailable')})` : l.name);

    const field = (name, control, opts = {}) => html`<${FormField} id=${name} label=${t(opts.label || `field.${name}`)}
        errors=${opts.errors || fe(name)} wide=${opts.wide}>${control}<//>`;

    return html`<article class="page card quote-editor" data-testid="quote-editor"
            data-status=${quote ? quote.status : 'new'} data-quote-id=${quote ? quote.id : ''}>
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/deals">${t('nav.deals')}<//>
                    ${dealId && html`${' · '}<${Link} href=${`/deals/${dealId}`} data-testid="quote-deal-link">
                        ${deal ? deal.title : `#${dealId}`}<//>`}</p>
                <h1 data-testid="record-title">${quote ? quoteTitle(quote) : t('quote.new')}</h1>
            </div>
            <div class="page-actions">
                ${quote && quote.status === 'draft' && can(me, 'quotes', 'delete', quote)
                    && html`<${DeleteButton} entity="quotes" id=${quote.id} name=${quoteTitle(quote)} />`}
            </div>
        </header>
        ${quote && html`<${StatusBar} quote=${quote} busy=${busy} ready=${saveState === 'saved'}
            canAct=${can(me, 'quotes', 'update', quote)} onAction=${act} />`}
        ${actionError && html`<div class="alert alert-error" role="alert" data-testid="action-error">
            ${actionError.status === 412 ? t('error.stale') : errorText(actionError)}
            ${(actionError.errors || []).map((e) => html` <span>${e.field ? `${e.field}: ` : ''}${e.message}</span>`)}
            ${actionError.status === 412 && html` <button type="button" class="btn btn-small" onClick=${reload}>
                ${t('action.reload')}</button>`}
        </div>`}
        ${quote && html`<${Tabs} tab=${tab} setTab=${setTab} />`}
        <div role=${quote ? 'tabpanel' : undefined} id="card-panel" aria-labelledby=${quote ? `card-tab-${tab}` : undefined}>
        ${(!quote || tab === 'quote') && html`
            ${!readOnly && html`<${SaveState} state=${saveState} />`}
            ${readOnly && quote && html`<p class="muted" data-testid="read-only">${t('quote.readOnly')}</p>`}
            <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${reload} />
            <section class="record-form quote-header" data-testid="quote-header">
                <div class="form-grid">
                    ${field('title', html`<input id="title" type="text" value=${draft.title} maxlength="200"
                        disabled=${readOnly} ...${cellAttrs('title', fe('title'))}
                        onInput=${(e) => set({ title: e.currentTarget.value })} />`)}
                    ${field('currency', html`<select id="currency" value=${draft.currency} disabled=${readOnly}
                            data-testid="quote-currency" ...${cellAttrs('currency', fe('currency'))}
                            onChange=${(e) => {
                                const currency = e.currentTarget.value;
                                setDraft((d) => {
                                    /* a list in another currency no longer applies */
                                    const list = d.price_list_id != null ? listOf(d.price_list_id) : null;
                                    const keep = list && list.currency === currency;
                                    return {
                                        ...d, currency, price_list_id: keep ? d.price_list_id : null,
                                        /* prices typed in the old currency give way to the products' */
                                        lines: d.lines.map((l) => ({ ...l, priceSet: false })),
                                    };
                                });
                            }}>
                        ${currencyList.map((c) => html`<option key=${c} value=${c}>${c}</option>`)}
                    </select>`, { label: 'money.currency' })}
                    ${field('price_list_id', html`<select id="price_list_id" disabled=${readOnly}
                            value=${draft.price_list_id != null ? String(draft.price_list_id) : ''}
                            data-testid="quote-price-list" ...${cellAttrs('price_list_id', fe('price_list_id'))}
                            onChange=${(e) => {
                                const value = e.currentTarget.value;
                                setDraft((d) => ({
                                    ...d, price_list_id: value ? Number(value) : null, lines: repriced(d.lines),
                                }));
                            }}>
                        <option value="">${t('priceList.noList')}</option>
                        ${listChoices.map((l) => html`<option key=${l.id} value=${String(l.id)}>${listLabel(l)}</option>`)}
                    </select>${priceListsError && html`<div class="hint" data-testid="price-lists-error">
                        ${errorText(priceListsError)}</div>`}`)}
                    ${field('rounding', html`<select id="rounding" value=${draft.rounding} disabled=${readOnly}
                            data-testid="quote-rounding" onChange=${(e) => set({ rounding: e.currentTarget.value })}>
                        <option value="line">${t('quote.rounding.line')}</option>
                        <option value="total">${t('quote.rounding.total')}</option>
                    </select>`, { label: 'quote.rounding' })}
                    <div class="form-row check" data-field="prices_include_tax">
                        <label><input id="prices_include_tax" type="checkbox" checked=${draft.prices_include_tax}
                            disabled=${readOnly} data-testid="quote-prices-include-tax"
                            onChange=${(e) => set({ prices_include_tax: e.currentTarget.checked })} />
                            ${t('quote.pricesIncludeTax')}</label>
                        <${CellErrors} id="prices_include_tax" messages=${fe('prices_include_tax')} />
                    </div>
                    ${field('discount', html`<div class="discount-input">
                        <input id="discount" type="text" inputmode="decimal" value=${draft.discount} disabled=${readOnly}
                            class="num" data-testid="quote-discount" autocomplete="off" ...${cellAttrs('discount', discountErrors)}
                            onInput=${(e) => set({ discount: cleanDecimal(e.currentTarget.value) })} />
                        <select aria-label=${t('quote.discountKind')} value=${draft.discountKind} disabled=${readOnly}
                            data-testid="quote-discount-kind" onChange=${(e) => set({ discountKind: e.currentTarget.value })}>
                            <option value="percent">%</option>
                            <option value="amount">${draft.currency || t('quote.amountKind')}</option>
                        </select>
                    </div>`, { label: 'quote.quoteDiscountField', errors: discountErrors.length ? discountErrors : undefined })}
                    ${field('valid_until', html`<input id="valid_until" type="date" value=${draft.valid_until}
                        disabled=${readOnly} data-testid="quote-valid-until" ...${cellAttrs('valid_until', fe('valid_until'))}
                        onInput=${(e) => set({ valid_until: e.currentTarget.value })} />`)}
                    ${field('notes', html`<textarea id="notes" rows="2" value=${draft.notes} disabled=${readOnly}
                        data-testid="quote-notes" ...${cellAttrs('notes', fe('notes'))}
                        onInput=${(e) => set({ notes: e.currentTarget.value })}></textarea>`, { wide: true })}
                </div>
            </section>
            <section class="card-section quote-lines-section">
                <div class="section-header">
                    <h2>${t('quote.lines')}</h2>
                    ${!readOnly && html`<button type="button" class="btn btn-small" data-testid="add-line"
                        onClick=${() => setLines([...draft.lines, emptyLine()])}>${t('quote.addLine')}</button>`}
                </div>
                ${!draft.lines.length && html`<p class="muted" data-testid="no-lines">${t('quote.noLines')}</p>`}
                ${draft.lines.length > 0 && html`<${QuoteLines} lines=${draft.lines} onChange=${setLines}
                    computed=${(key) => computedByKey.get(key) || null} errors=${errors} readOnly=${readOnly}
                    currency=${(quote && quote.currency) || draft.currency} fromList=${draft.price_list_id != null} />`}
                <${Totals} quote=${quote} fresh=${fresh} />
            </section>`}
        ${quote && tab === 'versions' && html`<${QuoteVersions} key=${quote.version} id=${quote.id} />`}
        ${quote && tab === 'history' && html`<${History} key=${quote.version} entity="quotes" id=${quote.id} defs=${[]} />`}
        </div>
        ${quote && html`<${Timestamps} record=${quote} />`}
    </article>`;
}
