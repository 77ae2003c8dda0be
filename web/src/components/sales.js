// Shared pieces of the sales screens: the pipelines with their stages, the currencies, user
// and company names (each loaded once per session and cached), moving a deal
// (POST /deals/{id}/move with If-Match), money and duration formatting, and small components
// that show a stage, a user or a company by id.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { getLang, t } from '../i18n/index.js';
import { Link } from '../router.js';

/* A value loaded once and shared: {promise, value}; invalidated by reload. */
function shared(load) {
    let promise = null;
    let value = null;
    const listeners = new Set();
    function get() {
        if (!promise) {
            promise = load().then((v) => {
                value = v;
                for (const fn of listeners) fn(v);
                return v;
            }, (e) => {
                promise = null;
                throw e;
            });
        }
        return promise;
    }
    function use() {
        const [state, setState] = useState({ value, error: null });
        useEffect(() => {
            let live = true;
            const fn = (v) => live && setState({ value: v, error: null });
            listeners.add(fn);
            get().then(fn, (error) => live && setState((s) => ({ ...s, error })));
            return () => {
                live = false;
                listeners.delete(fn);
            };
        }, []);
        return state;
    }
    function reload() {
        promise = null;
        return get();
    }
    return { get, use, reload };
}

/* Pipelines with their stages sorted by position. */
const pipelines = shared(async () => {
    const list = await listAll('/pipelines');
    return list.map((p) => ({
        ...p,
        stages: [...(p.stages || [])].sort((a, b) => a.position - b.position || a.id - b.id),
    }));
});

/** {pipelines: [...] | null, error, stage(id), pipeline(id)}; stages sorted by position. */
export function usePipelines() {
    const { value, error } = pipelines.use();
    const list = value || null;
    return {
        pipelines: list,
        error,
        pipeline: (id) => (list && list.find((p) => p.id === Number(id))) || null,
        stage: (id) => findStage(list, id),
    };
}

export function reloadPipelines() {
    return pipelines.reload();
}

function findStage(list, id) {
    if (!list) return null;
    for (const p of list) {
        const s = p.stages.find((x) => x.id === Number(id));
        if (s) return { ...s, pipeline_id: p.id, pipeline_name: p.name };
    }
    return null;
}

/* {base, codes: [{code, exponent}]} from GET /currencies. */
const currencies = shared(async () => {
    const answer = await api.get('/currencies');
    return { base: answer.base || null, codes: (answer.data || []).map((c) => c.code) };
});

/** {currencies: {base, codes} | null, error}. */
export function useCurrencies() {
    const { value, error } = currencies.use();
    return { currencies: value, error };
}

/* Every user's name by id (small list; a caller who may not list users sees "#id"). */
const users = shared(async () => {
    const list = await listAll('/users');
    return new Map(list.map((u) => [u.id, u.name || u.email || `#${u.id}`]));
});

export function UserName({ id }) {
    const { value } = users.use();
    if (id === null || id === undefined) return html`<span class="muted">—</span>`;
    return (value && value.get(id)) || `#${id}`;
}

/* Company names by id, fetched in batches (GET /companies?filter=id in (...)). */
const companyNames = new Map();
const companyWaiters = new Set();

/** Loads the names of the given company ids not known yet; re-renders users of useCompanyNames. */
export async function loadCompanyNames(ids) {
    const missing = [...new Set(ids.filter((id) => id != null && !companyNames.has(id)))];
    for (let i = 0; i < missing.length; i += 100) {
        const chunk = missing.slice(i, i + 100);
        for (const id of chunk) companyNames.set(id, null);
        try {
            const page = await api.get('/companies', {
                filter: `id in (${chunk.join(', ')})`, fields: 'id,name', limit: chunk.length,
            });
            for (const c of page.data || []) companyNames.set(c.id, c.name);
        } catch {
            /* names stay unknown: shown as #id */
        }
    }
    if (missing.length) for (const fn of companyWaiters) fn();
}

/** Re-renders the caller when company names arrive; answers name(id). */
export function useCompanyNames(ids) {
    const [, setTick] = useState(0);
    const key = ids.join(',');
    useEffect(() => {
        const fn = () => setTick((n) => n + 1);
        companyWaiters.add(fn);
        loadCompanyNames(ids);
        return () => companyWaiters.delete(fn);
    }, [key]);
    return (id) => companyNames.get(id) || `#${id}`;
}

export function CompanyLink({ id, name }) {
    const nameOf = useCompanyNames(name || id == null ? [] : [id]);
    if (id === null || id === undefined) return html`<span class="muted">—</span>`;
    return html`<${Link} href=${`/companies/${id}`} data-testid="company-link">${name || nameOf(id)}<//>`;
}

/** Name of a stage, by id (its pipeline's name too when withPipeline). */
export function StageName({ id, withPipeline }) {
    const { stage } = usePipelines();
    if (id === null || id === undefined) return html`<span class="muted">—</span>`;
    const s = stage(id);
    if (!s) return `#${id}`;
    return withPipeline ? `${s.pipeline_name} · ${s.name}` : s.name;
}

/** Decimal places of an amount text ("12.50" -> 2). */
function decimals(text) {
    const m = /\.(\d+)$/.exec(String(text));
    return m ? m[1].length : 0;
}

/** {amount: "1234.50", currency: "EUR"} as "1,234.50 EUR" in the user's locale. */
export function formatAmount(money) {
    if (!money || typeof money !== 'object' || money.amount === null || money.amount === undefined) return '';
    const d = decimals(money.amount);
    let number;
    try {
        /* a string keeps every digit (Intl formats decimal strings exactly) */
        number = new Intl.NumberFormat(getLang(), { minimumFractionDigits: d, maximumFractionDigits: d })
            .format(String(money.amount));
    } catch {
        number = String(money.amount);
    }
    return `${number} ${money.currency || ''}`.trim();
}

/** A duration in seconds as "3 days 4 hours", "5 minutes" in the user's language. */
export function formatDuration(seconds) {
    if (seconds === null || seconds === undefined || !Number.isFinite(Number(seconds))) return '';
    const s = Math.max(0, Math.round(Number(seconds)));
    const units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
    const fmt = (n, unit) => new Intl.NumberFormat(getLang(), { style: 'unit', unit, unitDisplay: 'long' })
        .format(n);
    let i = units.findIndex(([, size]) => s >= size);
    if (i < 0) i = units.length - 1;
    const first = Math.floor(s / units[i][1]);
    const parts = [fmt(first, units[i][0])];
    if (i + 1 < units.length) {
        const rest = Math.floor((s - first * units[i][1]) / units[i + 1][1]);
        if (rest > 0) parts.push(fmt(rest, units[i + 1][0]));
    }
    return parts.join(' ');
}

/** Whether a deal has sat in its stage longer than the stage's rot_days. */
export function isRotting(deal, stage) {
    if (typeof deal.rotting === 'boolean') return deal.rotting;
    if (!stage || stage.kind !== 'open' || !stage.rot_days || !deal.stage_entered_at) return false;
    const entered = Date.parse(deal.stage_entered_at);
    return Number.isFinite(entered) && Date.now() - entered > stage.rot_days * 86400 * 1000;
}

/**
 * Moves a deal: POST /deals/{id}/move {stage_id, reason_id?, competitor_id?} with
 * If-Match: "<version>". Answers the deal with its new version; throws ApiError (412 stale).
 */
export function moveDeal(deal, stageId, { reasonId, competitorId } = {}) {
    const body = { stage_id: stageId };
    if (reasonId) body.reason_id = reasonId;
    if (competitorId) body.competitor_id = competitorId;
    return api.post(`/deals/${deal.id}/move`, body, {
        headers: deal.version != null ? { 'If-Match': `"${deal.version}"` } : undefined,
    });
}

/** The text to show for a failed move (412: changed by someone else). */
export function moveErrorText(error) {
    if (!error) return '';
    if (error.status === 412) return t('deal.stale');
    const fields = (error.errors || []).map((e) => e.message).filter(Boolean);
    return [error.detail || error.message, ...fields].filter(Boolean).join(' — ');
}
