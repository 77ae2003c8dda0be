// Lead card (/leads/:id): who and what the lead names, its status as a row of buttons (new,
// working, qualified; disqualified asks for the reason first), its score, owner, UTM
// parameters, referrer and the form that captured it. "Assign by rules" (POST
// /leads/{id}/assign; a 409 when no rule matches is shown) and "Convert" (a dialog: pipeline,
// stage, deal title, amount, "create a deal"; POST /leads/{id}/convert with If-Match) which then
// shows the contact, company and deal it found or made, with links. Tabs: Details, History.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, getRecord } from '../api.js';
import { DeleteButton, ExternalLink, Prop, Timestamps, ValueList, useRecord } from '../components/Card.js';
import { CustomFieldList } from '../components/CustomFields.js';
import { CardTabs } from '../components/History.js';
import { Timeline } from '../components/Timeline.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { LEAD_PICKABLE, LeadScore, LeadStatus, leadName } from '../components/LeadCells.js';
import { MoneyInput } from '../components/MoneyInput.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { UserName, formatAmount, usePipelines } from '../components/sales.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { recordName } from '../entities.js';
import { formatDateTime, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { UTM_KEYS } from './LeadForm.js';
import { useTitle } from './title.js';

const ifMatch = (r) => (r && r.version != null ? { 'If-Match': `"${r.version}"` } : undefined);

/* {top, fields: {name: [messages]}} of an ApiError; known: the field names a dialog shows. */
function splitErrors(error, known) {
    const out = { top: [], fields: {} };
    if (!error) return out;
    if (error.status === 412) {
        out.top.push(t('error.stale'));
        return out;
    }
    const list = error.errors || [];
    if (error.detail || !list.length) out.top.push(error.detail || error.message);
    for (const e of list) {
        const owner = String(e.field || '').replace(/[[.].*$/, '');
        if (known.includes(owner)) (out.fields[owner] = out.fields[owner] || []).push(e.message);
        else out.top.push(e.field ? `${e.field}: ${e.message}` : e.message);
    }
    return out;
}

/* A modal form: focus on the first control, Escape and a click outside cancel. */
function Dialog({ title, testid, onCancel, onSubmit, children }) {
    const root = useRef(null);
    useEffect(() => {
        const first = root.current && root.current.querySelector('select, input, textarea, button');
        if (first) first.focus();
        const onKey = (e) => {
            if (e.key === 'Escape') onCancel();
        };
        document.addEventListener('keydown', onKey);
        return () => document.removeEventListener('keydown', onKey);
    }, []);
    return html`<div class="dialog-backdrop" onMouseDown=${(e) => { if (e.target === e.currentTarget) onCancel(); }}>
        <form class="dialog record-form" role="dialog" aria-modal="true" aria-labelledby=${`${testid}-title`}
                ref=${root} onSubmit=${onSubmit} novalidate data-testid=${testid}>
            <h2 id=${`${testid}-title`}>${title}</h2>
            ${children}
        </form>
    </div>`;
}

/** Asks why the lead is disqualified; the server's "is required" lands under the box. */
function DisqualifyDialog({ lead, onDone, onCancel }) {
    const [reason, setReason] = useState(lead.disqualify_reason || '');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const errs = splitErrors(error, ['disqualify_reason']);

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            onDone(await api.patch(`/leads/${lead.id}`, { status: 'disqualified', disqualify_reason: reason.trim() || null },
                                   lead.version));
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    return html`<${Dialog} title=${t('lead.disqualifyTitle', { name: leadName(lead) })} testid="disqualify-dialog"
            onCancel=${onCancel} onSubmit=${submit}>
        <${ErrorBanner} messages=${errs.top} />
        <${FormField} id="disqualify-reason" label=${t('field.disqualify_reason')} required
                errors=${errs.fields.disqualify_reason}>
            <textarea id="disqualify-reason" rows="3" maxlength="500" value=${reason} data-testid="disqualify-reason"
                onInput=${(e) => setReason(e.currentTarget.value)}
                ...${errorAttrs('disqualify-reason', errs.fields.disqualify_reason)}></textarea><//>
        <div class="form-actions">
            <button type="submit" class="btn btn-danger" disabled=${busy} data-testid="disqualify-confirm">
                ${t('lead.disqualify')}</button>
            <button type="button" class="btn" onClick=${onCancel} data-testid="disqualify-cancel">${t('action.cancel')}</button>
        </div>
    <//>`;
}

/** The name of a record by id, linking to its card. */
function RecordLink({ entity, id, testid }) {
    const [name, setName] = useState(null);
    useEffect(() => {
        let live = true;
        getRecord(entity, id).then((r) => live && setName(recordName(entity, r)), () => live && setName(`#${id}`));
        return () => {
            live = false;
        };
    }, [entity, id]);
    return html`<${Link} href=${`/${entity}/${id}`} data-testid=${testid}>${name || `#${id}`}<//>`;
}

/** The name of the form that captured the lead, linking to it on the forms page. */
function FormLink({ id }) {
    const [name, setName] = useState(null);
    useEffect(() => {
        let live = true;
        api.get(`/forms/${id}`).then((f) => live && setName(f.name), () => live && setName(`#${id}`));
        return () => {
            live = false;
        };
    }, [id]);
    return html`<${Link} href=${`/settings/forms?form=${id}`} data-testid="lead-form-link">${name || `#${id}`}<//>`;
}

/** What a conversion found or made: {entity, id, name, made}, newest state of each record. */
async function conversionResult(answer) {
    /* The server says which it made; a deal is always new. */
    const items = [['contacts', answer.contact_id, answer.contact_created],
                   ['companies', answer.company_id, answer.company_created],
                   ['deals', answer.deal_id, true]];
    return Promise.all(items.map(async ([entity, id, made]) => {
        if (id == null) return { entity, id: null };
        try {
            const r = await getRecord(entity, id);
            return { entity, id, name: recordName(entity, r), made: Boolean(made), amount: r.amount || null };
        } catch {
            return { entity, id, name: `#${id}`, made: null };
        }
    }));
}

const RESULT_KEYS = { contacts: 'lead.resultContact', companies: 'lead.resultCompany', deals: 'lead.resultDeal' };

/** The records a conversion found or made, with links. */
function ConversionResult({ items }) {
    return html`<ul class="plain-list conversion-result" data-testid="convert-result">
        ${items.map((it) => html`<li key=${it.entity} data-testid=${`convert-result-${it.entity}`}
                data-id=${it.id ?? ''} data-made=${it.made === null || it.made === undefined ? '' : String(it.made)}>
            <strong>${t(RESULT_KEYS[it.entity])}:</strong>${' '}
            ${it.id == null
                ? html`<span class="muted">${t(it.entity === 'deals' ? 'lead.noDeal' : 'lead.noCompany')}</span>`
                : html`<${Link} href=${`/${it.entity}/${it.id}`} data-testid=${`convert-link-${it.entity}`}>${it.name}<//>
                    ${it.amount && html` <span class="muted">${formatAmount(it.amount)}</span>`}
                    ${it.made !== null && html` <span class=${`badge ${it.made ? 'badge-on' : 'badge-off'}`}>
                        ${t(it.made ? 'lead.made' : 'lead.found')}</span>`}`}
        </li>`)}
    </ul>`;
}

/** The Convert dialog: the deal's pipeline, stage, title and amount, or no deal at all. */
function ConvertDialog({ lead, onConverted, onClose }) {
    const { pipelines } = usePipelines();
    const [createDeal, setCreateDeal] = useState(true);
    const [pipelineId, setPipelineId] = useState('');
    const [stageId, setStageId] = useState('');
    const [title, setTitle] = useState(lead.title || lead.company_name || lead.name || '');
    const [amount, setAmount] = useState(null);
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const [result, setResult] = useState(null);
    const errs = splitErrors(error, ['pipeline_id', 'stage_id', 'title', 'amount', 'create_deal']);

    useEffect(() => {
        if (pipelines && pipelines.length && !pipelineId) setPipelineId(String(pipelines[0].id));
    }, [pipelines]);
    const pipeline = pipelines && pipelines.find((p) => String(p.id) === pipelineId);
    const openStages = pipeline ? pipeline.stages.filter((s) => s.kind === 'open') : [];

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const body = { create_deal: createDeal };
        if (createDeal) {
            if (pipelineId) body.pipeline_id = Number(pipelineId);
            if (stageId) body.stage_id = Number(stageId);
            if (title.trim()) body.title = title.trim();
            if (amount) body.amount = amount;
        }
        try {
            const answer = await api.post(`/leads/${lead.id}/convert`, body, { headers: ifMatch(lead) });
            setResult(await conversionResult(answer));
            onConverted(answer.lead);
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
        }
    }

    if (result) {
        return html`<${Dialog} title=${t('lead.convertedTitle', { name: leadName(lead) })} testid="convert-dialog"
                onCancel=${onClose} onSubmit=${(e) => { e.preventDefault(); onClose(); }}>
            <div class="alert alert-ok" role="status" data-testid="convert-done">${t('lead.convertedText')}</div>
            <${ConversionResult} items=${result} />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="convert-close">${t('action.close')}</button>
            </div>
        <//>`;
    }

    const fe = (k) => errs.fields[k];
    return html`<${Dialog} title=${t('lead.convertTitle', { name: leadName(lead) })} testid="convert-dialog"
            onCancel=${onClose} onSubmit=${submit}>
        <p class="hint">${t('lead.convertHint')}</p>
        <${ErrorBanner} messages=${errs.top} />
        <div class="form-row check" data-field="create_deal">
            <label><input type="checkbox" checked=${createDeal} data-testid="convert-create-deal"
                onChange=${(e) => setCreateDeal(e.currentTarget.checked)} /> ${t('lead.createDeal')}</label>
        </div>
        <fieldset class="convert-deal" disabled=${!createDeal} data-testid="convert-deal-fields">
            <${FormField} id="convert-pipeline" label=${t('field.pipeline_id')} errors=${fe('pipeline_id')}>
                <select id="convert-pipeline" value=${pipelineId} data-testid="convert-pipeline"
                        onChange=${(e) => { setPipelineId(e.currentTarget.value); setStageId(''); }}
                        ...${errorAttrs('convert-pipeline', fe('pipeline_id'))}>
                    ${!pipelines && html`<option value="">${t('common.loading')}</option>`}
                    ${(pipelines || []).map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}</option>`)}
                </select><//>
            <${FormField} id="convert-stage" label=${t('field.stage_id')} errors=${fe('stage_id')}>
                <select id="convert-stage" value=${stageId} data-testid="convert-stage"
                        onChange=${(e) => setStageId(e.currentTarget.value)}
                        ...${errorAttrs('convert-stage', fe('stage_id'))}>
                    <option value="">${t('lead.firstStage')}</option>
                    ${openStages.map((s) => html`<option key=${s.id} value=${String(s.id)}>${s.name}</option>`)}
                </select><//>
            <${FormField} id="convert-title" label=${t('lead.dealTitle')} errors=${fe('title')}>
                <input id="convert-title" type="text" value=${title} maxlength="200" data-testid="convert-title"
                    onInput=${(e) => setTitle(e.currentTarget.value)} ...${errorAttrs('convert-title', fe('title'))} /><//>
            <${FormField} id="convert-amount" label=${t('field.amount')} errors=${fe('amount')}>
                <${MoneyInput} id="convert-amount" value=${amount} onChange=${setAmount}
                    invalid=${Boolean(fe('amount'))} describedBy=${fe('amount') ? 'convert-amount-error' : undefined} /><//>
        </fieldset>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy} data-testid="convert-confirm">
                ${busy ? t('common.saving') : t('lead.convert')}</button>
            <button type="button" class="btn" onClick=${onClose} data-testid="convert-cancel">${t('action.cancel')}</button>
        </div>
    <//>`;
}

/** The status buttons; disqualifying goes through the reason dialog. */
function StatusControl({ lead, canChange, busy, onPick }) {
    const locked = lead.status === 'converted' || !canChange;
    return html`<div class="status-control" role="group" aria-label=${t('field.status')} data-testid="lead-status-control">
        ${LEAD_PICKABLE.map((s) => {
            const current = lead.status === s;
            return html`<button type="button" key=${s} class=${`status-button status-${s}${current ? ' current' : ''}`}
                aria-pressed=${current ? 'true' : 'false'} disabled=${locked || busy || (current && s !== 'disqualified')}
                data-testid=${`lead-set-${s}`} onClick=${() => onPick(s)}>${t(`lead.status.${s}`)}</button>`;
        })}
    </div>`;
}

function Utm({ utm }) {
    const entries = UTM_KEYS.filter((k) => utm && utm[k]);
    if (!entries.length) return null;
    return html`<ul class="plain-list utm-list" data-testid="lead-utm">${entries.map((k) => html`<li key=${k}
        data-key=${k}><span class="muted">utm_${k}:</span> ${utm[k]}</li>`)}</ul>`;
}

function Converted({ lead }) {
    return html`<div class="alert alert-ok converted-banner" role="status" data-testid="lead-converted">
        <strong>${t('lead.convertedAt', { date: formatDateTime(lead.converted_at) })}</strong>
        <ul class="plain-list">
            ${lead.converted_contact_id != null && html`<li>${t('lead.resultContact')}: <${RecordLink} entity="contacts"
                id=${lead.converted_contact_id} testid="converted-contact" /></li>`}
            ${lead.converted_company_id != null && html`<li>${t('lead.resultCompany')}: <${RecordLink} entity="companies"
                id=${lead.converted_company_id} testid="converted-company" /></li>`}
            ${lead.converted_deal_id != null && html`<li>${t('lead.resultDeal')}: <${RecordLink} entity="deals"
                id=${lead.converted_deal_id} testid="converted-deal" /></li>`}
        </ul>
    </div>`;
}

export function LeadCard({ id }) {
    const { record: loaded, error, reload } = useRecord('leads', id);
    const [lead, setLead] = useState(null);
    const { defs } = useFieldDefs('leads');
    const me = useMe();
    const [dialog, setDialog] = useState(null); /* 'disqualify' | 'convert' | null */
    const [actionError, setActionError] = useState(null);
    const [notice, setNotice] = useState(null);
    const [busy, setBusy] = useState(false);
    useEffect(() => setLead(loaded), [loaded]);
    const r = lead || loaded;
    const name = r ? leadName(r) : '';
    useTitle(r ? name : t('nav.leads'));

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(error)}</div>`;
    if (!r) return html`<p class="muted">${t('common.loading')}</p>`;

    const converted = r.status === 'converted';
    const canUpdate = can(me, 'leads', 'update', r);

    async function run(what, fn) {
        setBusy(true);
        setActionError(null);
        setNotice(null);
        try {
            await fn();
        } catch (e) {
            setActionError({ what, error: e });
        } finally {
            setBusy(false);
        }
    }

    function pick(status) {
        if (status === 'disqualified') {
            setDialog('disqualify');
            return;
        }
        run('status', async () => setLead(await api.patch(`/leads/${r.id}`, { status }, r.version)));
    }

    const assign = () => run('assign', async () => {
        const updated = await api.post(`/leads/${r.id}/assign`);
        setLead(updated);
        setNotice({ key: 'lead.assigned', owner: updated.owner_id });
    });

    const failure = actionError && (actionError.error.status === 412 ? t('error.stale') : errorText(actionError.error));
    return html`<article class="page card lead-card" data-testid="lead-card" data-status=${r.status}>
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/leads">${t('nav.leads')}<//></p>
                <h1 data-testid="record-title">${name}</h1>
                ${(r.title || r.company_name) && html`<p class="subtitle">${[r.title, r.company_name].filter(Boolean).join(' · ')}</p>`}
                <p class="lead-badges"><${LeadStatus} status=${r.status} /> <span class="muted">${t('field.score')}:</span>
                    <${LeadScore} score=${r.score} /></p>
            </div>
            <div class="page-actions">
                ${!converted && can(me, 'leads', 'reassign', r) && html`<button type="button" class="btn" disabled=${busy}
                    onClick=${assign} data-testid="lead-assign">${t('lead.assign')}</button>`}
                ${!converted && canUpdate && r.status !== 'disqualified' && html`<button type="button" class="btn btn-primary"
                    disabled=${busy} onClick=${() => { setActionError(null); setDialog('convert'); }}
                    data-testid="lead-convert">${t('lead.convert')}</button>`}
                ${!converted && canUpdate && html`<${Link} href=${`/leads/${r.id}/edit`} class="btn"
                    data-testid="edit">${t('action.edit')}<//>`}
                ${can(me, 'leads', 'delete', r) && html`<${DeleteButton} entity="leads" id=${r.id} name=${name} />`}
            </div>
        </header>
        ${failure && html`<div class="alert alert-error" role="alert" data-testid=${`${actionError.what}-error`}>
            ${failure}
            ${actionError.error.status === 412 && html` <button type="button" class="btn btn-small"
                onClick=${() => { setActionError(null); setLead(null); reload(); }}>${t('action.reload')}</button>`}
        </div>`}
        ${notice && html`<div class="alert alert-ok" role="status" data-testid="assign-done">
            ${t(notice.key)} <strong><${UserName} id=${notice.owner} /></strong></div>`}
        ${converted && html`<${Converted} lead=${r} />`}
        <${StatusControl} lead=${r} canChange=${canUpdate} busy=${busy} onPick=${pick} />
        <${CardTabs} entity="leads" id=${r.id} defs=${defs}>
            <section class="card-section">
                <dl class="props">
                    <${Prop} name="name" label=${t('field.lead_name')}>${r.name}<//>
                    <${Prop} name="email">${r.email && html`<a href=${`mailto:${r.email}`}>${r.email}</a>`}<//>
                    <${Prop} name="phone">${r.phone && html`<a href=${`tel:${r.phone}`}>${r.phone}</a>`}<//>
                    <${Prop} name="company_name">${r.company_name}<//>
                    <${Prop} name="title" label=${t('field.lead_title')}>${r.title}<//>
                    <${Prop} name="source">${r.source}<//>
                    <${Prop} name="region">${r.region}<//>
                    <${Prop} name="owner_id"><span data-testid="lead-owner"><${UserName} id=${r.owner_id} /></span><//>
                    <${Prop} name="form_id">${r.form_id != null && html`<${FormLink} id=${r.form_id} />`}<//>
                    <${Prop} name="utm"><${Utm} utm=${r.utm} /><//>
                    <${Prop} name="referrer"><span data-testid="lead-referrer"><${ExternalLink} url=${r.referrer} /></span><//>
                    ${r.disqualify_reason && html`<${Prop} name="disqualify_reason"><span data-testid="lead-disqualify-reason">
                        ${r.disqualify_reason}</span><//>`}
                    <${Prop} name="notes">${r.notes && html`<span class="pre">${r.notes}</span>`}<//>
                    <${Prop} name="tags"><${ValueList} values=${r.tags} kind="tags" /><//>
                </dl>
            </section>
            <${CustomFieldList} defs=${defs} custom=${r.custom} />
            <${Timeline} key=${r.version} entity="leads" id=${r.id} />
        <//>
        <${Timestamps} record=${r} />
        ${dialog === 'disqualify' && html`<${DisqualifyDialog} lead=${r} onCancel=${() => setDialog(null)}
            onDone=${(updated) => { setDialog(null); setLead(updated); }} />`}
        ${dialog === 'convert' && html`<${ConvertDialog} lead=${r} onClose=${() => setDialog(null)}
            onConverted=${(updated) => setLead(updated)} />`}
    </article>`;
}
