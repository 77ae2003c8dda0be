// Currency rates (/settings/currencies): the base currency, the exchange rates by date
// (filtered by currency, paged with "show more"), and for administrators: changing the base
// currency (refused while rates exist), adding and deleting rates, and importing a CSV file of
// rates (all or nothing: the rows with problems are listed). Everyone else reads.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { formatDate, t } from '../i18n/index.js';
import { useMe } from '../session.js';
import { useTitle } from './title.js';

const PAGE_SIZE = 100;

function today() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function CurrencyOptions({ codes, exclude, empty }) {
    return html`${empty && html`<option value="">${empty}</option>`}
        ${codes.filter((c) => c !== exclude).map((c) => html`<option key=${c} value=${c}>${c}</option>`)}`;
}

/** The base currency: shown to everyone, changed by administrators. */
function BaseCurrency({ settings, codes, admin, onChanged }) {
    const [code, setCode] = useState(settings.base_currency);
    const [error, setError] = useState(null);
    const [saved, setSaved] = useState(false);
    const [busy, setBusy] = useState(false);
    useEffect(() => setCode(settings.base_currency), [settings.base_currency]);

    async function save(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        setSaved(false);
        try {
            await api.patch('/settings', { base_currency: code }, settings.version);
            setSaved(true);
            onChanged();
        } catch (err) {
            setError(err.status === 409 ? { detail: t('currencies.baseInUse') } : err);
        } finally {
            setBusy(false);
        }
    }

    if (!admin) {
        return html`<p class="base-currency" data-testid="base-currency">${t('currencies.base')}:
            <strong data-testid="base-currency-code">${settings.base_currency}</strong></p>`;
    }
    const errs = formErrors(error, new Set(['base_currency']), {});
    return html`<form class="record-form" onSubmit=${save} novalidate data-testid="base-currency-form">
        <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${onChanged} />
        ${saved && html`<div class="alert alert-ok" role="status" data-testid="base-currency-saved">
            ${t('currencies.baseSaved', { code: settings.base_currency })}</div>`}
        <div class="form-grid">
            <${FormField} id="base-currency" label=${t('currencies.base')} errors=${errs.fields.base_currency}
                    hint=${t('currencies.baseHint')}>
                <select id="base-currency" value=${code} data-testid="base-currency-select"
                    onChange=${(e) => setCode(e.currentTarget.value)} ...${errorAttrs('base-currency', errs.fields.base_currency)}>
                    <${CurrencyOptions} codes=${codes} />
                </select><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy || code === settings.base_currency}
                data-testid="base-currency-save">${t('currencies.saveBase')}</button>
        </div>
    </form>`;
}

function AddRate({ codes, base, onAdded }) {
    const [v, setV] = useState({ currency: codes.find((c) => c === 'USD' && c !== base) || '', date: today(), rate: '' });
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const errs = formErrors(error, new Set(['currency', 'date', 'rate']), v);

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            await api.post('/exchange-rates', { currency: v.currency, date: v.date, rate: v.rate.trim() });
            setV((s) => ({ ...s, rate: '' }));
            onAdded();
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
        }
    }

    return html`<form class="record-form" onSubmit=${submit} novalidate data-testid="rate-create">
        <h2>${t('rates.create')}</h2>
        <${ErrorBanner} messages=${errs.top} />
        <div class="form-grid">
            <${FormField} id="new-rate-currency" label=${t('rates.currency')} required errors=${errs.fields.currency}>
                <select id="new-rate-currency" value=${v.currency} data-testid="new-rate-currency"
                    onChange=${(e) => set('currency', e.currentTarget.value)} ...${errorAttrs('new-rate-currency', errs.fields.currency)}>
                    <${CurrencyOptions} codes=${codes} exclude=${base} empty="—" />
                </select><//>
            <${FormField} id="new-rate-date" label=${t('rates.date')} required errors=${errs.fields.date}>
                <input id="new-rate-date" type="date" value=${v.date} data-testid="new-rate-date"
                    onInput=${(e) => set('date', e.currentTarget.value)} ...${errorAttrs('new-rate-date', errs.fields.date)} /><//>
            <${FormField} id="new-rate-value" label=${t('rates.rate')} required errors=${errs.fields.rate}
                    hint=${t('rates.rateHint', { base })}>
                <input id="new-rate-value" type="text" inputmode="decimal" autocomplete="off" value=${v.rate}
                    placeholder="92.5" data-testid="new-rate-value"
                    onInput=${(e) => set('rate', e.currentTarget.value)} ...${errorAttrs('new-rate-value', errs.fields.rate)} /><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy || !v.currency || !v.rate.trim()}
                data-testid="new-rate-submit">${t('rates.add')}</button>
        </div>
    </form>`;
}

function ImportRates({ onImported }) {
    const [file, setFile] = useState(null);
    const [error, setError] = useState(null);
    const [result, setResult] = useState(null);
    const [busy, setBusy] = useState(false);
    const errs = formErrors(error, new Set(), {});

    async function submit(e) {
        e.preventDefault();
        if (!file) return;
        setBusy(true);
        setError(null);
        setResult(null);
        try {
            setResult(await api.upload('/exchange-rates/import', file, 'text/csv'));
            onImported();
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
        }
    }

    return html`<form class="record-form" onSubmit=${submit} novalidate data-testid="rates-import">
        <h2>${t('rates.import')}</h2>
        <p class="hint">${t('rates.importHint')}</p>
        <div data-testid="rates-import-errors"><${ErrorBanner} messages=${errs.top} /></div>
        ${result && html`<div class="alert alert-ok" role="status" data-testid="rates-import-result">
            ${t('rates.imported', { n: result.imported, replaced: result.replaced })}</div>`}
        <div class="form-grid">
            <${FormField} id="rates-import-file" label=${t('rates.importFile')}>
                <input id="rates-import-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/plain"
                    data-testid="rates-import-file"
                    onChange=${(e) => { setFile(e.currentTarget.files[0] || null); setResult(null); setError(null); }} /><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy || !file}
                data-testid="rates-import-submit">${busy ? t('rates.importing') : t('rates.importSubmit')}</button>
        </div>
    </form>`;
}

export function CurrencyRatesPage() {
    const me = useMe();
    const admin = Boolean(me && me.is_admin);
    const [settings, setSettings] = useState(null);
    const [codes, setCodes] = useState([]);
    const [filter, setFilter] = useState('');
    const [rates, setRates] = useState(null);
    const [cursor, setCursor] = useState(null);
    const [error, setError] = useState(null);
    useTitle(t('nav.currencies'));

    async function loadSettings() {
        try {
            const [s, c] = await Promise.all([api.get('/settings'), api.get('/currencies')]);
            setSettings(s);
            setCodes(c.data.map((x) => x.code));
        } catch (e) {
            setError(e);
        }
    }

    async function loadRates(more) {
        try {
            const page = await api.get('/exchange-rates', { currency: filter, limit: PAGE_SIZE, cursor: more ? cursor : undefined });
            setRates((old) => (more && old ? [...old, ...page.data] : page.data));
            setCursor(page.next_cursor);
        } catch (e) {
            setError(e);
            setRates((old) => old || []);
        }
    }

    useEffect(() => {
        loadSettings();
    }, []);
    useEffect(() => {
        setRates(null);
        loadRates(false);
    }, [filter]);

    async function remove(rate) {
        if (!window.confirm(t('rates.confirmDelete', { currency: rate.currency, date: formatDate(rate.date) }))) return;
        setError(null);
        try {
            await api.del(`/exchange-rates/${rate.currency}/${rate.date}`);
            loadRates(false);
        } catch (e) {
            setError(e);
        }
    }

    const base = settings && settings.base_currency;
    return html`<section class="page currency-page" data-testid="currency-rates-page">
        <header class="page-header"><h1>${t('nav.currencies')}</h1></header>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="rates-error">${errorText(error)}</div>`}
        ${settings && html`<${BaseCurrency} settings=${settings} codes=${codes} admin=${admin} onChanged=${loadSettings} />`}
        <h2>${t('rates.title')}</h2>
        <p class="hint">${t('rates.hint')}</p>
        <div class="form-row">
            <label for="rates-filter">${t('rates.filter')}</label>
            <select id="rates-filter" value=${filter} data-testid="rates-filter-currency" style="max-width: 16rem"
                onChange=${(e) => setFilter(e.currentTarget.value)}>
                <${CurrencyOptions} codes=${codes} exclude=${base} empty=${t('rates.all')} />
            </select>
        </div>
        ${rates === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${rates && !rates.length && html`<p class="empty" data-testid="rates-empty">${t('rates.none')}</p>`}
        ${rates && rates.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="rates-table">
            <thead><tr>
                <th scope="col">${t('rates.currency')}</th><th scope="col">${t('rates.date')}</th>
                <th scope="col">${t('rates.rate')}</th>
                ${admin && html`<th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>`}
            </tr></thead>
            <tbody>
                ${rates.map((r) => html`<tr key=${`${r.currency}/${r.date}`} data-testid="rate-row"
                        data-currency=${r.currency} data-date=${r.date}>
                    <td data-label=${t('rates.currency')}>${r.currency}</td>
                    <td data-label=${t('rates.date')}><time datetime=${r.date}>${formatDate(r.date)}</time></td>
                    <td data-label=${t('rates.rate')} data-testid="rate-value">
                        ${t('rates.oneUnit', { currency: r.currency, rate: r.rate, base })}</td>
                    ${admin && html`<td class="col-actions">
                        <button type="button" class="btn btn-small btn-danger" onClick=${() => remove(r)}
                            data-testid="rate-delete">${t('action.delete')}</button></td>`}
                </tr>`)}
            </tbody>
        </table></div>`}
        ${cursor && html`<button type="button" class="btn" onClick=${() => loadRates(true)}
            data-testid="rates-more">${t('rates.more')}</button>`}
        ${admin && settings && html`<${AddRate} key=${base} codes=${codes} base=${base} onAdded=${() => loadRates(false)} />`}
        ${admin && html`<${ImportRates} onImported=${() => loadRates(false)} />`}
    </section>`;
}
