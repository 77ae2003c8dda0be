// Create (/deals/new[?pipeline=P&stage=S]) and edit (/deals/:id/edit) form of a deal: title,
// pipeline and its open stage (chosen only on create: an existing deal moves on its card or
// the board), amount with currency, expected close date, company, contacts with roles,
// source, tags and custom fields.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { ChipsInput } from '../components/ChipsInput.js';
import { CustomFieldInput } from '../components/CustomFields.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { MoneyInput } from '../components/MoneyInput.js';
import { RecordPicker } from '../components/RecordPicker.js';
import { usePipelines } from '../components/sales.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { useRecordForm } from '../components/useRecordForm.js';
import { getRecord } from '../api.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useTitle } from './title.js';

const OWNERS = ['title', 'pipeline_id', 'stage_id', 'amount', 'expected_close', 'company', 'contacts',
                'source', 'tags'];

function toValues(r) {
    const text = (k) => (r && r[k] !== null && r[k] !== undefined ? String(r[k]) : '');
    return {
        title: text('title'),
        pipeline_id: text('pipeline_id'),
        stage_id: text('stage_id'),
        amount: r && r.amount ? { amount: String(r.amount.amount), currency: r.amount.currency } : null,
        expected_close: text('expected_close'),
        company: r && r.company_id ? { id: r.company_id, name: (r.company && r.company.name) || `#${r.company_id}` }
            : null,
        contacts: r && Array.isArray(r.contacts)
            ? r.contacts.map((c) => ({ id: c.id, name: c.name || `#${c.id}`, role: c.role || '' }))
            : (r && Array.isArray(r.contact_ids) ? r.contact_ids : []).map((cid) => ({ id: cid, name: `#${cid}`, role: '' })),
        source: text('source'),
        tags: r && Array.isArray(r.tags) ? r.tags : [],
        custom: r && r.custom ? { ...r.custom } : {},
    };
}

function toBody(v) {
    const text = (s) => (s && s.trim() ? s.trim() : null);
    const id = (s) => (/^\d+$/.test(String(s)) ? Number(s) : null);
    return {
        title: (v.title || '').trim(),
        pipeline_id: id(v.pipeline_id),
        stage_id: id(v.stage_id),
        amount: v.amount && String(v.amount.amount).trim() !== '' ? v.amount : null,
        expected_close: v.expected_close || null,
        company_id: v.company ? v.company.id : null,
        contacts: v.contacts.map((c) => (c.role && c.role.trim() ? { id: c.id, role: c.role.trim() } : { id: c.id })),
        source: text(v.source),
        tags: v.tags,
        custom: v.custom,
    };
}

/** The open stages of a pipeline, in order. */
function openStages(pipeline) {
    return pipeline ? pipeline.stages.filter((s) => s.kind === 'open') : [];
}

export function DealForm({ id }) {
    const { defs } = useFieldDefs('deals');
    const { pipelines, pipeline, error: pipelinesError } = usePipelines();
    const params = !id ? new URLSearchParams(window.location.search) : null;
    const form = useRecordForm({
        entity: 'deals', id, toValues, toBody,
        owners: [...OWNERS, ...defs.map((d) => `custom.${d.name}`)],
        alias: { company_id: 'company', contact_ids: 'contacts' },
        init: params && ((setValues) => setValues((v) => ({
            ...v, pipeline_id: params.get('pipeline') || '', stage_id: params.get('stage') || '',
        }))),
    });
    const { values, errors, record } = form;
    useTitle(id ? (record ? recordName('deals', record) : t('common.loading')) : t('deal.new'));

    /* A new deal: the first pipeline and its first open stage unless chosen. */
    useEffect(() => {
        if (id || !pipelines || !pipelines.length) return;
        form.setValues((v) => {
            if (!v) return v;
            const p = pipeline(v.pipeline_id) || pipelines[0];
            const stages = openStages(p);
            const stageOk = stages.some((s) => String(s.id) === String(v.stage_id));
            if (String(p.id) === String(v.pipeline_id) && stageOk) return v;
            return { ...v, pipeline_id: String(p.id),
                     stage_id: stageOk ? v.stage_id : String(stages[0] ? stages[0].id : '') };
        });
    }, [id, pipelines, values && values.pipeline_id, values && values.stage_id]);

    /* The company's name when the record names only its id. */
    useEffect(() => {
        const company = values && values.company;
        if (!company || !String(company.name).startsWith('#')) return;
        getRecord('companies', company.id).then(
            (c) => form.set('company', { id: c.id, name: c.name }), () => {});
    }, [values && values.company && values.company.id]);

    if (form.loadError) {
        return html`<div class="alert alert-error" role="alert">${errorText(form.loadError)}</div>`;
    }
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    const fe = (name) => errors.fields[name];
    const input = (name, type = 'text', extra = {}) => html`<input id=${name} name=${name} type=${type}
        value=${values[name]} onInput=${(e) => form.set(name, e.currentTarget.value)}
        ...${errorAttrs(name, fe(name))} ...${extra} />`;
    const current = pipeline(values.pipeline_id);
    const stages = openStages(current);
    const cancelHref = id ? `/deals/${id}` : '/deals';

    return html`<section class="page form-page">
        <header class="page-header">
            <h1>${id ? t('deal.edit') : t('deal.new')}</h1>
        </header>
        ${pipelinesError && html`<div class="alert alert-error" role="alert">${errorText(pipelinesError)}</div>`}
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${form.reload} />
        <form class="record-form" onSubmit=${form.submit} novalidate data-testid="deal-form">
            <div class="form-grid">
                <${FormField} id="title" label=${t('field.title')} required errors=${fe('title')} wide>
                    ${input('title', 'text', { maxlength: 200, autocomplete: 'off' })}<//>
                <${FormField} id="pipeline_id" label=${t('field.pipeline_id')} required errors=${fe('pipeline_id')}
                        hint=${id ? t('deal.moveHint') : undefined}>
                    <select id="pipeline_id" value=${values.pipeline_id} disabled=${Boolean(id)} data-testid="deal-pipeline"
                            onChange=${(e) => form.setValues((v) => ({ ...v, pipeline_id: e.currentTarget.value, stage_id: '' }))}
                            ...${errorAttrs('pipeline_id', fe('pipeline_id'))}>
                        ${!pipelines && html`<option value="">${t('common.loading')}</option>`}
                        ${(pipelines || []).map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}</option>`)}
                    </select><//>
                <${FormField} id="stage_id" label=${t('field.stage_id')} errors=${fe('stage_id')}>
                    ${id
                        ? html`<select id="stage_id" value=${values.stage_id} disabled data-testid="deal-stage">
                            ${(current ? current.stages : []).map((s) => html`<option key=${s.id} value=${String(s.id)}>${s.name}</option>`)}
                        </select>`
                        : html`<select id="stage_id" value=${values.stage_id} data-testid="deal-stage"
                                onChange=${(e) => form.set('stage_id', e.currentTarget.value)}
                                ...${errorAttrs('stage_id', fe('stage_id'))}>
                            ${stages.map((s) => html`<option key=${s.id} value=${String(s.id)}>${s.name}</option>`)}
                        </select>`}<//>
                <${FormField} id="amount" label=${t('field.amount')} errors=${fe('amount')}>
                    <${MoneyInput} id="amount" value=${values.amount} onChange=${(v) => form.set('amount', v)}
                        invalid=${Boolean(fe('amount'))} describedBy=${fe('amount') ? 'amount-error' : undefined} /><//>
                <${FormField} id="expected_close" label=${t('field.expected_close')} errors=${fe('expected_close')}>
                    ${input('expected_close', 'date')}<//>
                <${FormField} id="company" label=${t('field.company_id')} errors=${fe('company')}>
                    <${RecordPicker} id="company" entity="companies" value=${values.company}
                        onChange=${(v) => form.set('company', v)} invalid=${Boolean(fe('company'))}
                        describedBy=${fe('company') ? 'company-error' : undefined} /><//>
                <${FormField} id="contacts" label=${t('field.contact_ids')} errors=${fe('contacts')}>
                    <${RecordPicker} id="contacts" entity="contacts" multiple withRole value=${values.contacts}
                        onChange=${(v) => form.set('contacts', v)} invalid=${Boolean(fe('contacts'))}
                        describedBy=${fe('contacts') ? 'contacts-error' : undefined} /><//>
                <${FormField} id="source" label=${t('field.source')} errors=${fe('source')}>
                    ${input('source')}<//>
                <${FormField} id="tags" label=${t('field.tags')} errors=${fe('tags')} hint=${t('chips.hint')}>
                    <${ChipsInput} id="tags" value=${values.tags} onChange=${(v) => form.set('tags', v)}
                        invalid=${Boolean(fe('tags'))} describedBy=${fe('tags') ? 'tags-error' : undefined} /><//>
                ${defs.map((d) => html`<${CustomFieldInput} key=${d.name} def=${d} value=${values.custom[d.name]}
                    onChange=${(v) => form.setCustom(d.name, v)} errors=${fe(`custom.${d.name}`)} />`)}
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=${form.saving} data-testid="save">
                    ${form.saving ? t('common.saving') : t('action.save')}</button>
                <${Link} href=${cancelHref} class="btn">${t('action.cancel')}<//>
            </div>
        </form>
    </section>`;
}
