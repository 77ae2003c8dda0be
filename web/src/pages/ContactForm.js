// Create (/contacts/new[?company=ID]) and edit (/contacts/:id/edit) form of a contact:
// names, linked companies with roles (search as you type), list fields as chips, social
// profiles as name/value rows, custom fields.
import { html } from 'htm/preact';
import { ChipsInput } from '../components/ChipsInput.js';
import { CustomFieldInput } from '../components/CustomFields.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { RecordPicker } from '../components/RecordPicker.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { useRecordForm } from '../components/useRecordForm.js';
import { getRecord } from '../api.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useTitle } from './title.js';

const OWNERS = ['first_name', 'last_name', 'position', 'companies', 'emails', 'phones', 'birthday',
                'interests', 'skills', 'social', 'photo_url', 'source', 'tags'];
const NETWORKS = ['telegram', 'whatsapp', 'linkedin', 'facebook', 'vk', 'instagram', 'twitter', 'skype'];

function toValues(r) {
    const list = (k) => (r && Array.isArray(r[k]) ? r[k] : []);
    const text = (k) => (r && r[k] ? String(r[k]) : '');
    return {
        first_name: text('first_name'),
        last_name: text('last_name'),
        position: text('position'),
        companies: r && Array.isArray(r.companies)
            ? r.companies.map((c) => ({ id: c.id, name: c.name || `#${c.id}`, role: c.role || '' }))
            : list('company_ids').map((cid) => ({ id: cid, name: `#${cid}`, role: '' })),
        emails: list('emails'),
        phones: list('phones'),
        birthday: text('birthday'),
        interests: list('interests'),
        skills: list('skills'),
        social: r && r.social && typeof r.social === 'object' ? Object.entries(r.social) : [],
        photo_url: text('photo_url'),
        source: text('source'),
        tags: list('tags'),
        custom: r && r.custom ? { ...r.custom } : {},
    };
}

function toBody(v) {
    const text = (s) => (s && s.trim() ? s.trim() : null);
    const social = {};
    for (const [k, val] of v.social) if (k.trim() && val.trim()) social[k.trim()] = val.trim();
    return {
        first_name: text(v.first_name),
        last_name: text(v.last_name),
        position: text(v.position),
        companies: v.companies.map((c) => (c.role && c.role.trim()
            ? { id: c.id, role: c.role.trim() } : { id: c.id })),
        emails: v.emails,
        phones: v.phones,
        birthday: v.birthday || null,
        interests: v.interests,
        skills: v.skills,
        social,
        photo_url: text(v.photo_url),
        source: text(v.source),
        tags: v.tags,
        custom: v.custom,
    };
}

function SocialRows({ rows, onChange, errors }) {
    const update = (i, part) => onChange(rows.map((r, j) => (j === i ? [part[0] ?? r[0], part[1] ?? r[1]] : r)));
    return html`<fieldset class=${`form-row wide social${errors && errors.length ? ' has-error' : ''}`}
            data-field="social">
        <legend>${t('field.social')}</legend>
        ${rows.map(([k, v], i) => html`<div class="social-row" key=${i}>
            <input type="text" list="social-networks" aria-label=${t('contact.network')} value=${k}
                placeholder="telegram" onInput=${(e) => update(i, [e.currentTarget.value, undefined])} />
            <input type="text" aria-label=${t('contact.profile')} value=${v} placeholder="@name"
                onInput=${(e) => update(i, [undefined, e.currentTarget.value])} />
            <button type="button" class="btn btn-icon" aria-label=${t('action.removeItem', { item: k || v })}
                onClick=${() => onChange(rows.filter((_, j) => j !== i))}>×</button>
        </div>`)}
        <datalist id="social-networks">${NETWORKS.map((n) => html`<option value=${n} />`)}</datalist>
        <button type="button" class="btn btn-small" onClick=${() => onChange([...rows, ['', '']])}>
            ${t('contact.addSocial')}</button>
        ${errors && errors.length > 0 && html`<div class="field-error" id="social-error" role="alert"
            data-testid="error-social">${errors.map((m) => html`<div>${m}</div>`)}</div>`}
    </fieldset>`;
}

export function ContactForm({ id }) {
    const { defs } = useFieldDefs('contacts');
    const companyParam = !id ? new URLSearchParams(window.location.search).get('company') : null;
    const form = useRecordForm({
        entity: 'contacts', id, toValues, toBody,
        owners: [...OWNERS, ...defs.map((d) => `custom.${d.name}`)],
        alias: { company_ids: 'companies' },
        init: companyParam && ((setValues) => {
            getRecord('companies', companyParam).then((c) => setValues((v) => ({
                ...v, companies: [{ id: c.id, name: c.name, role: '' }],
            })), () => {});
        }),
    });
    const { values, errors, record } = form;
    useTitle(id ? (record ? recordName('contacts', record) : t('common.loading')) : t('contact.new'));

    if (form.loadError) {
        return html`<div class="alert alert-error" role="alert">${errorText(form.loadError)}</div>`;
    }
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    const fe = (name) => errors.fields[name];
    const input = (name, type = 'text', extra = {}) => html`<input id=${name} name=${name} type=${type}
        value=${values[name]} onInput=${(e) => form.set(name, e.currentTarget.value)}
        ...${errorAttrs(name, fe(name))} ...${extra} />`;
    const chips = (name, type = 'text') => html`<${FormField} id=${name} label=${t(`field.${name}`)}
            errors=${fe(name)}>
        <${ChipsInput} id=${name} type=${type} value=${values[name]} onChange=${(v) => form.set(name, v)}
            invalid=${Boolean(fe(name))} describedBy=${fe(name) ? `${name}-error` : undefined} /><//>`;
    const cancelHref = id ? `/contacts/${id}` : '/contacts';

    return html`<section class="page form-page">
        <header class="page-header">
            <h1>${id ? t('contact.edit') : t('contact.new')}</h1>
        </header>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${form.reload} />
        <form class="record-form" onSubmit=${form.submit} novalidate data-testid="contact-form">
            <div class="form-grid">
                <${FormField} id="first_name" label=${t('field.first_name')} errors=${fe('first_name')}>
                    ${input('first_name', 'text', { autocomplete: 'given-name' })}<//>
                <${FormField} id="last_name" label=${t('field.last_name')} errors=${fe('last_name')}>
                    ${input('last_name', 'text', { autocomplete: 'family-name' })}<//>
                <${FormField} id="position" label=${t('field.position')} errors=${fe('position')}>
                    ${input('position', 'text', { autocomplete: 'organization-title' })}<//>
                <${FormField} id="companies" label=${t('field.companies')} errors=${fe('companies')}>
                    <${RecordPicker} id="companies" entity="companies" multiple withRole value=${values.companies}
                        onChange=${(v) => form.set('companies', v)} invalid=${Boolean(fe('companies'))}
                        describedBy=${fe('companies') ? 'companies-error' : undefined} /><//>
                ${chips('emails', 'email')}
                ${chips('phones', 'tel')}
                <${FormField} id="birthday" label=${t('field.birthday')} errors=${fe('birthday')}>
                    ${input('birthday', 'date')}<//>
                ${chips('interests')}
                ${chips('skills')}
                <${SocialRows} rows=${values.social} onChange=${(v) => form.set('social', v)} errors=${fe('social')} />
                <${FormField} id="photo_url" label=${t('field.photo_url')} errors=${fe('photo_url')}>
                    ${input('photo_url', 'url', { placeholder: 'https://' })}<//>
                <${FormField} id="source" label=${t('field.source')} errors=${fe('source')}>
                    ${input('source')}<//>
                ${chips('tags')}
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
