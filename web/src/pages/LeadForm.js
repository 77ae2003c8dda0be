// Create (/leads/new) and edit (/leads/:id/edit) form of a lead: the person and company it
// names, source and region (what the rules look at), UTM parameters and referrer, notes, tags
// and custom fields. The status changes on the card; score, form and conversion are the
// server's. A POST, or a PATCH of the changed fields with If-Match.
import { html } from 'htm/preact';
import { ChipsInput } from '../components/ChipsInput.js';
import { CustomFieldInput } from '../components/CustomFields.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { useRecordForm } from '../components/useRecordForm.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useTitle } from './title.js';

const TEXT = ['title', 'name', 'email', 'phone', 'company_name', 'source', 'region', 'referrer', 'notes'];
export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'];
const OWNERS = [...TEXT, 'utm', 'tags'];

function toValues(r) {
    const values = {};
    for (const k of TEXT) values[k] = r && r[k] !== null && r[k] !== undefined ? String(r[k]) : '';
    const utm = (r && r.utm) || {};
    values.utm = Object.fromEntries(UTM_KEYS.map((k) => [k, utm[k] ? String(utm[k]) : '']));
    values.tags = r && Array.isArray(r.tags) ? r.tags : [];
    values.custom = r && r.custom ? { ...r.custom } : {};
    return values;
}

function toBody(v) {
    const text = (s) => (s && s.trim() ? s.trim() : null);
    const body = {};
    for (const k of TEXT) body[k] = text(v[k]);
    const utm = Object.fromEntries(UTM_KEYS.map((k) => [k, text(v.utm[k])]).filter(([, x]) => x !== null));
    body.utm = Object.keys(utm).length ? utm : null;
    body.tags = v.tags;
    body.custom = v.custom;
    return body;
}

export function LeadForm({ id }) {
    const { defs } = useFieldDefs('leads');
    const form = useRecordForm({
        entity: 'leads', id, toValues, toBody,
        owners: [...OWNERS, ...defs.map((d) => `custom.${d.name}`)],
    });
    const { values, errors, record } = form;
    useTitle(id ? (record ? recordName('leads', record) : t('common.loading')) : t('lead.new'));

    if (form.loadError) {
        return html`<div class="alert alert-error" role="alert">${errorText(form.loadError)}</div>`;
    }
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    const fe = (name) => errors.fields[name];
    const input = (name, type = 'text', extra = {}) => html`<input id=${name} name=${name} type=${type}
        value=${values[name]} onInput=${(e) => form.set(name, e.currentTarget.value)}
        data-testid=${`lead-${name}`} ...${errorAttrs(name, fe(name))} ...${extra} />`;
    const cancelHref = id ? `/leads/${id}` : '/leads';

    return html`<section class="page form-page">
        <header class="page-header">
            <h1>${id ? t('lead.edit') : t('lead.new')}</h1>
        </header>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${form.reload} />
        <form class="record-form" onSubmit=${form.submit} novalidate data-testid="lead-form">
            <p class="hint">${t('lead.formHint')}</p>
            <div class="form-grid">
                <${FormField} id="name" label=${t('field.lead_name')} errors=${fe('name')}>
                    ${input('name', 'text', { autocomplete: 'off', maxlength: 200 })}<//>
                <${FormField} id="email" label=${t('field.email')} errors=${fe('email')}>
                    ${input('email', 'email', { autocomplete: 'off', maxlength: 254 })}<//>
                <${FormField} id="phone" label=${t('field.phone')} errors=${fe('phone')}>
                    ${input('phone', 'tel', { autocomplete: 'off', maxlength: 50 })}<//>
                <${FormField} id="company_name" label=${t('field.company_name')} errors=${fe('company_name')}>
                    ${input('company_name', 'text', { autocomplete: 'off', maxlength: 200 })}<//>
                <${FormField} id="title" label=${t('field.lead_title')} errors=${fe('title')} hint=${t('lead.titleHint')}>
                    ${input('title', 'text', { maxlength: 200 })}<//>
                <${FormField} id="source" label=${t('field.source')} errors=${fe('source')}>
                    ${input('source', 'text', { maxlength: 100 })}<//>
                <${FormField} id="region" label=${t('field.region')} errors=${fe('region')}>
                    ${input('region', 'text', { maxlength: 100 })}<//>
                <${FormField} id="referrer" label=${t('field.referrer')} errors=${fe('referrer')}>
                    ${input('referrer', 'url', { maxlength: 2000, placeholder: 'https://' })}<//>
                <fieldset class="form-row wide utm-editor" data-field="utm" data-testid="lead-utm">
                    <legend>${t('field.utm')}</legend>
                    <div class="utm-grid">
                        ${UTM_KEYS.map((k) => html`<label key=${k} class="small-label">utm_${k}
                            <input id=${`utm-${k}`} type="text" value=${values.utm[k]} maxlength="200"
                                data-testid=${`lead-utm-${k}`}
                                onInput=${(e) => form.set('utm', { ...values.utm, [k]: e.currentTarget.value })} /></label>`)}
                    </div>
                    ${fe('utm') && html`<div class="field-error" role="alert" data-testid="error-utm">
                        ${fe('utm').map((m) => html`<div>${m}</div>`)}</div>`}
                </fieldset>
                <${FormField} id="notes" label=${t('field.notes')} errors=${fe('notes')} wide>
                    <textarea id="notes" rows="3" value=${values.notes} data-testid="lead-notes"
                        onInput=${(e) => form.set('notes', e.currentTarget.value)}
                        ...${errorAttrs('notes', fe('notes'))}></textarea><//>
                <${FormField} id="tags" label=${t('field.tags')} errors=${fe('tags')} hint=${t('chips.hint')}>
                    <${ChipsInput} id="tags" value=${values.tags} onChange=${(v) => form.set('tags', v)}
                        invalid=${Boolean(fe('tags'))} /><//>
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
