// Create (/companies/new) and edit (/companies/:id/edit) form of a company, with its
// parent company picker and custom fields.
import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { ChipsInput } from '../components/ChipsInput.js';
import { CustomFieldInput } from '../components/CustomFields.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { RecordPicker } from '../components/RecordPicker.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { useRecordForm } from '../components/useRecordForm.js';
import { getRecord } from '../api.js';
import { COMPANY_SIZES, recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useTitle } from './title.js';

const OWNERS = ['name', 'industry', 'size', 'website', 'phones', 'emails', 'address', 'parent',
                'tags'];

function toValues(r) {
    return {
        name: r ? r.name || '' : '',
        industry: r ? r.industry || '' : '',
        size: r ? r.size || '' : '',
        website: r ? r.website || '' : '',
        phones: r && Array.isArray(r.phones) ? r.phones : [],
        emails: r && Array.isArray(r.emails) ? r.emails : [],
        address: r ? r.address || '' : '',
        parent: r && r.parent_id ? { id: r.parent_id, name: (r.parent && r.parent.name) || `#${r.parent_id}` } : null,
        tags: r && Array.isArray(r.tags) ? r.tags : [],
        custom: r && r.custom ? { ...r.custom } : {},
    };
}

function toBody(v) {
    const text = (s) => (s && s.trim() ? s.trim() : null);
    return {
        name: (v.name || '').trim(),
        industry: text(v.industry),
        size: v.size || null,
        website: text(v.website),
        phones: v.phones,
        emails: v.emails,
        address: text(v.address),
        parent_id: v.parent ? v.parent.id : null,
        tags: v.tags,
        custom: v.custom,
    };
}

export function CompanyForm({ id }) {
    const { defs } = useFieldDefs('companies');
    const form = useRecordForm({
        entity: 'companies', id, toValues, toBody,
        owners: [...OWNERS, ...defs.map((d) => `custom.${d.name}`)],
        alias: { parent_id: 'parent' },
    });
    const { values, errors, record } = form;
    useTitle(id ? (record ? recordName('companies', record) : t('common.loading')) : t('company.new'));

    /* The parent's name, when the record names only its id. */
    useEffect(() => {
        const parent = values && values.parent;
        if (!parent || !String(parent.name).startsWith('#')) return;
        getRecord('companies', parent.id).then(
            (p) => form.set('parent', { id: p.id, name: p.name }), () => {});
    }, [values && values.parent && values.parent.id]);

    if (form.loadError) {
        return html`<div class="alert alert-error" role="alert">${errorText(form.loadError)}</div>`;
    }
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    const fe = (name) => errors.fields[name];
    const input = (name, type = 'text', extra = {}) => html`<input id=${name} name=${name} type=${type}
        value=${values[name]} onInput=${(e) => form.set(name, e.currentTarget.value)}
        ...${errorAttrs(name, fe(name))} ...${extra} />`;
    const cancelHref = id ? `/companies/${id}` : '/companies';

    return html`<section class="page form-page">
        <header class="page-header">
            <h1>${id ? t('company.edit') : t('company.new')}</h1>
        </header>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${form.reload} />
        <form class="record-form" onSubmit=${form.submit} novalidate data-testid="company-form">
            <div class="form-grid">
                <${FormField} id="name" label=${t('field.name')} required errors=${fe('name')}>
                    ${input('name', 'text', { autocomplete: 'organization', maxlength: 200 })}<//>
                <${FormField} id="industry" label=${t('field.industry')} errors=${fe('industry')}>
                    ${input('industry')}<//>
                <${FormField} id="size" label=${t('field.size')} errors=${fe('size')}>
                    <select id="size" value=${values.size} onChange=${(e) => form.set('size', e.currentTarget.value)}
                            ...${errorAttrs('size', fe('size'))}>
                        <option value="">—</option>
                        ${COMPANY_SIZES.map((s) => html`<option value=${s}>${s}</option>`)}
                    </select><//>
                <${FormField} id="website" label=${t('field.website')} errors=${fe('website')}>
                    ${input('website', 'url', { placeholder: 'https://' })}<//>
                <${FormField} id="emails" label=${t('field.emails')} errors=${fe('emails')} hint=${t('chips.hint')}>
                    <${ChipsInput} id="emails" type="email" value=${values.emails}
                        onChange=${(v) => form.set('emails', v)} invalid=${Boolean(fe('emails'))}
                        describedBy=${fe('emails') ? 'emails-error' : undefined} /><//>
                <${FormField} id="phones" label=${t('field.phones')} errors=${fe('phones')}>
                    <${ChipsInput} id="phones" type="tel" value=${values.phones}
                        onChange=${(v) => form.set('phones', v)} invalid=${Boolean(fe('phones'))}
                        describedBy=${fe('phones') ? 'phones-error' : undefined} /><//>
                <${FormField} id="address" label=${t('field.address')} errors=${fe('address')} wide>
                    <textarea id="address" rows="2" value=${values.address}
                        onInput=${(e) => form.set('address', e.currentTarget.value)}
                        ...${errorAttrs('address', fe('address'))}></textarea><//>
                <${FormField} id="parent" label=${t('field.parent')} errors=${fe('parent')}>
                    <${RecordPicker} id="parent" entity="companies" value=${values.parent} excludeId=${id ? Number(id) : undefined}
                        onChange=${(v) => form.set('parent', v)} invalid=${Boolean(fe('parent'))}
                        describedBy=${fe('parent') ? 'parent-error' : undefined} /><//>
                <${FormField} id="tags" label=${t('field.tags')} errors=${fe('tags')}>
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
