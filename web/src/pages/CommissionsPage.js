// Commissions (/commissions): the report for a quarter (GET /commissions?quarter=; the quarter
// picker defaults to the current one and lives in the URL): a row per person with their won
// deals, volume and commission, under it a line per rule that took their deals (deals, volume,
// the tier reached, commission), and the deals no rule covers or no rate converts. Below, the
// commission rules in priority order; administrators add, change and delete them (name,
// pipeline or any, product series or any, tiers of from / percent, position, active).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { CellErrors, cellAttrs, cleanDecimal, messagesAt, pathErrors, within } from '../components/pathErrors.js';
import { formatAmount, usePipelines } from '../components/sales.js';
import { formatDate, t } from '../i18n/index.js';
import { setSearchParams } from '../router.js';
import { useMe } from '../session.js';
import { useTitle } from './title.js';

const YEARS_BACK = 3;

/** The quarter a date falls in (UTC), as "2026-Q4". */
export function quarterOf(date) {
    return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/* The quarters offered: this year's and the years before, newest first. */
function quarterChoices(now) {
    const year = now.getUTCFullYear();
    const list = [];
    for (let y = year; y >= year - YEARS_BACK; y--) for (let q = 4; q >= 1; q--) list.push(`${y}-Q${q}`);
    return list;
}

/* Adds decimal strings exactly ("504.00" + "30.00" -> "534.00"). */
function addDecimals(values) {
    const places = Math.max(0, ...values.map((v) => (String(v).split('.')[1] || '').length));
    let sum = 0n;
    for (const v of values) {
        const [whole, frac = ''] = String(v).split('.');
        const negative = whole.startsWith('-');
        const digits = BigInt(`${whole.replace('-', '') || '0'}${frac.padEnd(places, '0')}`);
        sum += negative ? -digits : digits;
    }
    const negative = sum < 0n;
    const text = (negative ? -sum : sum).toString().padStart(places + 1, '0');
    const out = places ? `${text.slice(0, -places)}.${text.slice(-places)}` : text;
    return negative ? `-${out}` : out;
}

function tierText(tier, currency) {
    if (!tier) return '—';
    return t('commissions.tier', { from: formatAmount({ amount: tier.from, currency }), percent: tier.percent });
}

const dash = () => html`<span class="muted">—</span>`;

/** The report table of one quarter. */
function Report({ report }) {
    const base = report.base_currency;
    const rows = report.data || [];
    if (!rows.length) return html`<p class="empty" data-testid="commissions-empty">${t('commissions.none')}</p>`;
    const total = { amount: addDecimals(rows.map((r) => (r.commission ? r.commission.amount : '0'))), currency: base };
    return html`<div class="table-wrap"><table class="records commission-report" data-testid="commission-report">
        <thead><tr>
            <th scope="col">${t('commissions.person')}</th>
            <th scope="col" class="num">${t('commissions.won')}</th>
            <th scope="col" class="num">${t('commissions.volume')}</th>
            <th scope="col">${t('commissions.tierReached')}</th>
            <th scope="col" class="num">${t('commissions.commission')}</th>
            <th scope="col" class="num">${t('commissions.uncovered')}</th>
            <th scope="col" class="num">${t('commissions.unconverted')}</th>
        </tr></thead>
        ${rows.map((p) => html`<tbody key=${p.user_id} class="commission-person" data-testid="commission-person"
                data-user-id=${p.user_id}>
            <tr class="person-row" data-testid="commission-row">
                <th scope="row" class="col-name" data-label=${t('commissions.person')} data-testid="commission-user">
                    ${p.user_name || `#${p.user_id}`}</th>
                <td class="num" data-label=${t('commissions.won')} data-testid="commission-won">${p.won_count}</td>
                <td class="num" data-label=${t('commissions.volume')} data-testid="commission-volume">${formatAmount(p.volume)}</td>
                <td data-label=${t('commissions.tierReached')}></td>
                <td class="num" data-label=${t('commissions.commission')}><strong data-testid="commission-total">
                    ${formatAmount(p.commission)}</strong></td>
                <td class="num" data-label=${t('commissions.uncovered')} data-testid="commission-uncovered">
                    ${p.uncovered_count ? html`${p.uncovered_count}
                        <span class="muted">(${formatAmount(p.uncovered_volume)})</span>` : '0'}</td>
                <td class="num" data-label=${t('commissions.unconverted')} data-testid="commission-unconverted">
                    ${p.unconverted_count || 0}</td>
            </tr>
            ${(p.rules || []).map((r) => html`<tr key=${r.rule_id} class="rule-line" data-testid="commission-rule"
                    data-rule-id=${r.rule_id}>
                <td class="col-rule" data-label=${t('commissions.rule')}><span aria-hidden="true">↳ </span>${r.name}</td>
                <td class="num" data-label=${t('commissions.won')}>${r.won_count}</td>
                <td class="num" data-label=${t('commissions.volume')} data-testid="commission-rule-volume">
                    ${formatAmount(r.volume)}</td>
                <td data-label=${t('commissions.tierReached')} data-testid="commission-rule-tier">
                    ${tierText(r.tier, r.volume ? r.volume.currency : base)}</td>
                <td class="num" data-label=${t('commissions.commission')} data-testid="commission-rule-amount">
                    ${formatAmount(r.commission)}</td>
                <td class="num" data-label=${t('commissions.uncovered')}>${dash()}</td>
                <td class="num" data-label=${t('commissions.unconverted')}>${r.unconverted_count || 0}</td>
            </tr>`)}
        </tbody>`)}
        ${rows.length > 1 && html`<tfoot><tr>
            <th scope="row">${t('commissions.sum')}</th>
            <td class="num">${rows.reduce((n, r) => n + (r.won_count || 0), 0)}</td>
            <td></td><td></td>
            <td class="num"><strong data-testid="commissions-sum">${formatAmount(total)}</strong></td>
            <td></td><td></td>
        </tr></tfoot>`}
    </table></div>`;
}

let nextKey = 1;
const tierRows = (tiers) => (tiers && tiers.length ? tiers : [{ from: '0', percent: '' }])
    .map((x) => ({ key: nextKey++, from: String(x.from ?? ''), percent: String(x.percent ?? '') }));

function ruleValues(rule) {
    return {
        name: rule ? rule.name : '',
        pipeline_id: rule && rule.pipeline_id != null ? String(rule.pipeline_id) : '',
        series: rule && rule.series ? rule.series : '',
        tiers: tierRows(rule && rule.tiers),
        position: rule && rule.position != null ? String(rule.position) : '',
        active: rule ? rule.active !== false : true,
    };
}

function ruleBody(v) {
    const body = {
        name: v.name.trim(),
        pipeline_id: v.pipeline_id ? Number(v.pipeline_id) : null,
        series: v.series.trim() || null,
        tiers: v.tiers.map((x) => ({ from: x.from.trim(), percent: x.percent.trim() })),
        active: v.active,
    };
    if (v.position.trim() !== '') body.position = /^\d+$/.test(v.position.trim()) ? Number(v.position.trim()) : v.position;
    return body;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const RULE_FIELDS = ['name', 'pipeline_id', 'series', 'tiers', 'position', 'active'];

/** Create (rule null) or edit a commission rule; onDone(saved) closes it. */
function RuleEditor({ rule, pipelines, onDone }) {
    const [v, setV] = useState(() => ruleValues(rule));
    const [error, setError] = useState(null);
    const [saving, setSaving] = useState(false);
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const setTier = (i, part) => set('tiers', v.tiers.map((x, j) => (j === i ? { ...x, ...part } : x)));
    const errors = pathErrors(error, (p) => RULE_FIELDS.some((f) => within(p, f)));
    const fe = (k) => {
        const list = messagesAt(errors, k, k === 'tiers');
        return list.length ? list : undefined;
    };

    async function save(e) {
        e.preventDefault();
        setSaving(true);
        setError(null);
        try {
            const body = ruleBody(v);
            if (rule) {
                const before = ruleBody(ruleValues(rule));
                const patch = Object.fromEntries(Object.entries(body).filter(([k, x]) => !same(before[k], x)));
                if (Object.keys(patch).length) await api.patch(`/commission-rules/${rule.id}`, patch, rule.version);
            } else {
                await api.post('/commission-rules', body);
            }
            onDone(true);
        } catch (err) {
            setError(err);
            setSaving(false);
        }
    }

    return html`<form class="record-form commission-rule-editor" onSubmit=${save} novalidate
            data-testid="commission-rule-editor">
        <h3>${rule ? t('commissions.editRule', { name: rule.name }) : t('commissions.newRule')}</h3>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${() => onDone(true)} />
        <div class="form-grid">
            <${FormField} id="crule-name" label=${t('commissions.ruleName')} required errors=${fe('name')}>
                <input id="crule-name" type="text" value=${v.name} maxlength="100" data-testid="crule-name"
                    onInput=${(e) => set('name', e.currentTarget.value)} ...${errorAttrs('crule-name', fe('name'))} /><//>
            <${FormField} id="crule-pipeline" label=${t('field.pipeline_id')} errors=${fe('pipeline_id')}>
                <select id="crule-pipeline" value=${v.pipeline_id} data-testid="crule-pipeline"
                        onChange=${(e) => set('pipeline_id', e.currentTarget.value)}
                        ...${errorAttrs('crule-pipeline', fe('pipeline_id'))}>
                    <option value="">${t('commissions.anyPipeline')}</option>
                    ${(pipelines || []).map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}</option>`)}
                </select><//>
            <${FormField} id="crule-series" label=${t('field.series')} errors=${fe('series')} hint=${t('commissions.seriesHint')}>
                <input id="crule-series" type="text" value=${v.series} maxlength="100" data-testid="crule-series"
                    placeholder=${t('commissions.anySeries')}
                    onInput=${(e) => set('series', e.currentTarget.value)} ...${errorAttrs('crule-series', fe('series'))} /><//>
            <${FormField} id="crule-position" label=${t('commissions.position')} errors=${fe('position')}
                    hint=${t('commissions.positionHint')}>
                <input id="crule-position" type="number" min="0" max="10000" step="1" value=${v.position} class="short-num"
                    data-testid="crule-position" onInput=${(e) => set('position', e.currentTarget.value)}
                    ...${errorAttrs('crule-position', fe('position'))} /><//>
            <fieldset class="form-row wide tiers-editor" data-field="tiers" data-testid="crule-tiers">
                <legend>${t('commissions.tiers')}</legend>
                <p class="hint">${t('commissions.tiersHint')}</p>
                <${CellErrors} id="crule-tiers" messages=${fe('tiers')} />
                <table class="choices">
                    <thead><tr>
                        <th scope="col">${t('commissions.from')}</th>
                        <th scope="col">${t('commissions.percent')}</th>
                        <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
                    </tr></thead>
                    <tbody>
                        ${v.tiers.map((x, i) => {
                            const fromErr = messagesAt(errors, `tiers[${i}].from`);
                            const pctErr = messagesAt(errors, `tiers[${i}].percent`);
                            const rowErr = messagesAt(errors, `tiers[${i}]`, true);
                            return html`<tr key=${x.key} data-testid="crule-tier">
                                <td><input id=${`tier-${i}-from`} type="text" inputmode="decimal" class="num" value=${x.from}
                                    aria-label=${t('commissions.fromOf', { n: i + 1 })} data-testid="tier-from"
                                    onInput=${(e) => setTier(i, { from: cleanDecimal(e.currentTarget.value) })}
                                    ...${cellAttrs(`tier-${i}-from`, fromErr)} />
                                    <${CellErrors} id=${`tier-${i}-from`} messages=${fromErr} /></td>
                                <td><input id=${`tier-${i}-percent`} type="text" inputmode="decimal" class="num short-num"
                                    value=${x.percent} aria-label=${t('commissions.percentOf', { n: i + 1 })}
                                    data-testid="tier-percent"
                                    onInput=${(e) => setTier(i, { percent: cleanDecimal(e.currentTarget.value) })}
                                    ...${cellAttrs(`tier-${i}-percent`, pctErr)} />
                                    <${CellErrors} id=${`tier-${i}-percent`} messages=${pctErr} />
                                    <${CellErrors} id=${`tier-${i}`} messages=${rowErr} /></td>
                                <td class="col-actions"><button type="button" class="btn btn-icon" data-testid="tier-remove"
                                    disabled=${v.tiers.length <= 1} aria-label=${t('commissions.removeTier', { n: i + 1 })}
                                    onClick=${() => set('tiers', v.tiers.filter((_, j) => j !== i))}>×</button></td>
                            </tr>`;
                        })}
                    </tbody>
                </table>
                <div><button type="button" class="btn btn-small" data-testid="tier-add" disabled=${v.tiers.length >= 10}
                    onClick=${() => set('tiers', [...v.tiers, ...tierRows([{ from: '', percent: '' }])])}>
                    ${t('commissions.addTier')}</button></div>
            </fieldset>
            <div class="form-row check" data-field="active">
                <label><input type="checkbox" checked=${v.active} data-testid="crule-active"
                    onChange=${(e) => set('active', e.currentTarget.checked)} /> ${t('commissions.activeLabel')}</label>
            </div>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${saving} data-testid="crule-save">
                ${saving ? t('common.saving') : t('action.save')}</button>
            <button type="button" class="btn" onClick=${() => onDone(false)} data-testid="crule-cancel">
                ${t('action.cancel')}</button>
        </div>
    </form>`;
}

/** The rules in priority order; administrators edit them. */
function Rules({ onChanged }) {
    const me = useMe();
    const admin = Boolean(me && me.is_admin);
    const { pipelines, pipeline } = usePipelines();
    const [rules, setRules] = useState(null);
    const [error, setError] = useState(null);
    const [editing, setEditing] = useState(null);

    async function load() {
        try {
            const answer = await api.get('/commission-rules');
            setRules((answer && answer.data) || []);
        } catch (e) {
            setError(e);
            setRules([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    async function remove(rule) {
        if (!window.confirm(t('commissions.confirmDelete', { name: rule.name }))) return;
        setError(null);
        try {
            await api.del(`/commission-rules/${rule.id}`);
            if (editing === rule.id) setEditing(null);
        } catch (e) {
            setError(e);
        }
        load();
        onChanged();
    }

    const done = (saved) => {
        setEditing(null);
        if (saved) {
            load();
            onChanged();
        }
    };
    const current = rules && rules.find((r) => r.id === editing);
    const tiers = (r) => (r.tiers || []).map((x) => `${x.percent} % ${t('commissions.fromShort')} ${x.from}`).join(' · ');
    return html`<section class="card-section commission-rules" data-testid="commission-rules">
        <h2>${t('commissions.rules')}</h2>
        <p class="hint">${t('commissions.rulesHint')}</p>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="commission-rules-error">${errorText(error)}</div>`}
        ${rules === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${rules && !rules.length && html`<p class="empty">${t('commissions.noRules')}</p>`}
        ${rules && rules.length > 0 && html`<div class="table-wrap"><table class="records">
            <thead><tr>
                <th scope="col" class="num">${t('commissions.position')}</th>
                <th scope="col">${t('commissions.ruleName')}</th>
                <th scope="col">${t('field.pipeline_id')}</th>
                <th scope="col">${t('field.series')}</th>
                <th scope="col">${t('commissions.tiers')}</th>
                <th scope="col">${t('commissions.state')}</th>
                ${admin && html`<th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>`}
            </tr></thead>
            <tbody>
                ${rules.map((r) => html`<tr key=${r.id} data-testid="crule-row" data-id=${r.id}
                        class=${r.active === false ? 'revoked' : ''}>
                    <td class="num" data-label=${t('commissions.position')}>${r.position}</td>
                    <td class="col-name" data-label=${t('commissions.ruleName')}>${r.name}</td>
                    <td data-label=${t('field.pipeline_id')}>${r.pipeline_id == null
                        ? html`<span class="muted">${t('commissions.anyPipeline')}</span>`
                        : (pipeline(r.pipeline_id) || {}).name || `#${r.pipeline_id}`}</td>
                    <td data-label=${t('field.series')}>${r.series || html`<span class="muted">${t('commissions.anySeries')}</span>`}</td>
                    <td data-label=${t('commissions.tiers')} data-testid="crule-tiers-cell">${tiers(r)}</td>
                    <td data-label=${t('commissions.state')}>${r.active === false
                        ? html`<span class="badge badge-off">${t('leadRules.inactive')}</span>`
                        : html`<span class="badge badge-on">${t('leadRules.active')}</span>`}</td>
                    ${admin && html`<td class="col-actions">
                        <button type="button" class="btn btn-small" onClick=${() => setEditing(r.id)}
                            data-testid="crule-edit">${t('action.edit')}</button>
                        <button type="button" class="btn btn-small btn-danger" onClick=${() => remove(r)}
                            data-testid="crule-delete">${t('action.delete')}</button>
                    </td>`}
                </tr>`)}
            </tbody>
        </table></div>`}
        ${admin && editing === null && html`<div class="form-actions">
            <button type="button" class="btn btn-primary" onClick=${() => setEditing('new')}
                data-testid="crule-new">${t('commissions.newRule')}</button></div>`}
        ${admin && editing === 'new' && html`<${RuleEditor} key="new" rule=${null} pipelines=${pipelines} onDone=${done} />`}
        ${admin && current && html`<${RuleEditor} key=${`${current.id}-${current.version}`} rule=${current}
            pipelines=${pipelines} onDone=${done} />`}
    </section>`;
}

export function CommissionsPage() {
    const now = new Date();
    const choices = quarterChoices(now);
    const [quarter, setQuarter] = useState(() => {
        const asked = new URLSearchParams(window.location.search).get('quarter');
        return asked && /^\d{4}-Q[1-4]$/.test(asked) ? asked : quarterOf(now);
    });
    const [report, setReport] = useState(null);
    const [error, setError] = useState(null);
    const [tick, setTick] = useState(0);
    useTitle(t('nav.commissions'));

    useEffect(() => {
        setSearchParams({ quarter: quarter === quarterOf(now) ? undefined : quarter });
        let live = true;
        setError(null);
        api.get('/commissions', { quarter }).then(
            (answer) => live && setReport(answer),
            (e) => live && (setError(e), setReport(null)));
        return () => {
            live = false;
        };
    }, [quarter, tick]);

    const listed = choices.includes(quarter) ? choices : [quarter, ...choices];
    return html`<section class="page commissions-page" data-testid="commissions-page">
        <header class="page-header">
            <h1>${t('nav.commissions')}</h1>
            <div class="page-actions">
                <label for="commission-quarter">${t('commissions.quarter')}</label>
                <select id="commission-quarter" value=${quarter} data-testid="commission-quarter"
                        onChange=${(e) => setQuarter(e.currentTarget.value)}>
                    ${listed.map((q) => html`<option key=${q} value=${q}>${q}</option>`)}
                </select>
            </div>
        </header>
        ${report && html`<p class="hint" data-testid="commission-period">${t('commissions.period', {
            from: formatDate(report.from), to: formatDate(report.to), currency: report.base_currency })}</p>`}
        ${error && html`<div class="alert alert-error" role="alert" data-testid="commissions-error">
            ${error.status === 403 ? t('commissions.forbidden') : errorText(error)}</div>`}
        ${!report && !error && html`<p class="muted">${t('common.loading')}</p>`}
        ${report && html`<${Report} report=${report} />`}
        <${Rules} onChanged=${() => setTick((n) => n + 1)} />
    </section>`;
}
