// Custom fields admin (/settings/fields): definitions per entity, a create form (name,
// label, type, options for enum types, required), inline edit of label/options/required,
// delete. Non-admins see the definitions only.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listFields } from '../api.js';
import { ChipsInput } from '../components/ChipsInput.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { invalidateFieldDefs } from '../components/useFieldDefs.js';
import { CUSTOM_FIELD_TYPES } from '../entities.js';
import { t } from '../i18n/index.js';
import { useMe } from '../session.js';
import { useTitle } from './title.js';

const hasOptions = (type) => type === 'enum' || type === 'multi_enum';
const EMPTY = { name: '', label: '', type: 'text', options: [], required: false };

function CreateForm({ entity, onCreated }) {
    const [v, setV] = useState(EMPTY);
    const [error, setError] = useState(null);
    const [saving, setSaving] = useState(false);
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const errs = formErrors(error, new Set(['name', 'label', 'type', 'options', 'required']), v);

    async function submit(e) {
        e.preventDefault();
        setSaving(true);
        setError(null);
        try {
            const body = { entity, name: v.name.trim(), label: v.label.trim() || v.name.trim(),
                           type: v.type, required: v.required };
            if (hasOptions(v.type)) body.options = v.options;
            await api.post('/fields', body);
            setV(EMPTY);
            onCreated();
        } catch (err) {
            setError(err);
        } finally {
            setSaving(false);
        }
    }

    return html`<form class="record-form field-create" onSubmit=${submit} novalidate data-testid="field-create">
        <h2>${t('fields.create')}</h2>
        <${ErrorBanner} messages=${errs.top} />
        <div class="form-grid">
            <${FormField} id="field-name" label=${t('fields.name')} required errors=${errs.fields.name}
                    hint=${t('fields.nameHint')}>
                <input id="field-name" type="text" value=${v.name} pattern="[a-z][a-z0-9_]{0,39}" maxlength="40"
                    autocapitalize="off" spellcheck="false"
                    onInput=${(e) => set('name', e.currentTarget.value)} ...${errorAttrs('field-name', errs.fields.name)} /><//>
            <${FormField} id="field-label" label=${t('fields.label')} errors=${errs.fields.label}>
                <input id="field-label" type="text" value=${v.label}
                    onInput=${(e) => set('label', e.currentTarget.value)} ...${errorAttrs('field-label', errs.fields.label)} /><//>
            <${FormField} id="field-type" label=${t('fields.type')} required errors=${errs.fields.type}>
                <select id="field-type" value=${v.type} onChange=${(e) => set('type', e.currentTarget.value)}>
                    ${CUSTOM_FIELD_TYPES.map((ty) => html`<option value=${ty}>${t(`type.${ty}`)}</option>`)}
                </select><//>
            ${hasOptions(v.type) && html`<${FormField} id="field-options" label=${t('fields.options')} required
                    errors=${errs.fields.options} hint=${t('chips.hint')}>
                <${ChipsInput} id="field-options" value=${v.options} onChange=${(x) => set('options', x)}
                    invalid=${Boolean(errs.fields.options)} /><//>`}
            <div class="form-row check">
                <label><input type="checkbox" id="field-required" checked=${v.required}
                    onChange=${(e) => set('required', e.currentTarget.checked)} /> ${t('fields.required')}</label>
            </div>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${saving}>${t('fields.add')}</button>
        </div>
    </form>`;
}

function EditRow({ def, onDone }) {
    const [v, setV] = useState({ label: def.label || '', options: def.options || [], required: Boolean(def.required) });
    const [error, setError] = useState(null);
    const errs = formErrors(error, new Set(['label', 'options', 'required']), v);
    const id = `edit-${def.id}`;

    async function save(e) {
        e.preventDefault();
        setError(null);
        try {
            const body = { label: v.label.trim(), required: v.required };
            if (hasOptions(def.type)) body.options = v.options;
            await api.patch(`/fields/${def.id}`, body);
            onDone(true);
        } catch (err) {
            setError(err);
        }
    }

    return html`<tr class="editing"><td colspan="6">
        <form class="inline-edit" onSubmit=${save} novalidate data-testid="field-edit">
            <${ErrorBanner} messages=${errs.top} />
            <div class="form-grid">
                <${FormField} id=${`${id}-label`} label=${t('fields.label')} errors=${errs.fields.label}>
                    <input id=${`${id}-label`} type="text" value=${v.label}
                        onInput=${(e) => setV({ ...v, label: e.currentTarget.value })} /><//>
                ${hasOptions(def.type) && html`<${FormField} id=${`${id}-options`} label=${t('fields.options')}
                        errors=${errs.fields.options}>
                    <${ChipsInput} id=${`${id}-options`} value=${v.options}
                        onChange=${(x) => setV({ ...v, options: x })} /><//>`}
                <div class="form-row check">
                    <label><input type="checkbox" checked=${v.required}
                        onChange=${(e) => setV({ ...v, required: e.currentTarget.checked })} /> ${t('fields.required')}</label>
                </div>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary btn-small">${t('action.save')}</button>
                <button type="button" class="btn btn-small" onClick=${() => onDone(false)}>${t('action.cancel')}</button>
            </div>
        </form>
    </td></tr>`;
}

export function FieldsPage() {
    const [entity, setEntity] = useState('companies');
    const [defs, setDefs] = useState(null);
    const [error, setError] = useState(null);
    const [editing, setEditing] = useState(null);
    const me = useMe();
    const admin = Boolean(me && me.is_admin);
    useTitle(t('nav.fields'));

    async function load() {
        setError(null);
        try {
            setDefs(await listFields(entity));
        } catch (e) {
            setError(e);
            setDefs([]);
        }
    }

    useEffect(() => {
        setDefs(null);
        setEditing(null);
        load();
    }, [entity]);

    function changed() {
        invalidateFieldDefs(entity);
        load();
    }

    async function remove(def) {
        if (!window.confirm(t('fields.confirmDelete', { name: def.label || def.name }))) return;
        try {
            await api.del(`/fields/${def.id}`);
            changed();
        } catch (e) {
            setError(e);
        }
    }

    return html`<section class="page fields-page" data-testid="fields-page">
        <header class="page-header"><h1>${t('nav.fields')}</h1></header>
        <div class="tabs" role="tablist" aria-label=${t('fields.entity')}>
            ${['companies', 'contacts'].map((e) => html`<button type="button" role="tab" id=${`tab-${e}`}
                aria-selected=${entity === e ? 'true' : 'false'} class=${`tab${entity === e ? ' active' : ''}`}
                onClick=${() => setEntity(e)}>${t(`nav.${e}`)}</button>`)}
        </div>
        <div role="tabpanel" aria-labelledby=${`tab-${entity}`}>
            ${error && html`<div class="alert alert-error" role="alert">${errorText(error)}</div>`}
            ${defs === null && html`<p class="muted">${t('common.loading')}</p>`}
            ${defs && !defs.length && html`<p class="muted">${t('fields.none')}</p>`}
            ${defs && defs.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="fields-table">
                <thead><tr>
                    <th scope="col">${t('fields.name')}</th><th scope="col">${t('fields.label')}</th>
                    <th scope="col">${t('fields.type')}</th><th scope="col">${t('fields.options')}</th>
                    <th scope="col">${t('fields.required')}</th>
                    ${admin && html`<th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>`}
                </tr></thead>
                <tbody>
                    ${defs.map((d) => (editing === d.id
                        ? html`<${EditRow} key=${d.id} def=${d} onDone=${(saved) => { setEditing(null); if (saved) changed(); }} />`
                        : html`<tr key=${d.id} data-testid="field-row">
                            <td data-label=${t('fields.name')}><code>${d.name}</code></td>
                            <td data-label=${t('fields.label')}>${d.label}</td>
                            <td data-label=${t('fields.type')}>${t(`type.${d.type}`)}</td>
                            <td data-label=${t('fields.options')}>${(d.options || []).length
                                ? html`<span class="tags">${d.options.map((o) => html`<span class="tag">${o}</span>`)}</span>`
                                : html`<span class="muted">—</span>`}</td>
                            <td data-label=${t('fields.required')}>${d.required ? t('common.yes') : t('common.no')}</td>
                            ${admin && html`<td class="col-actions">
                                <button type="button" class="btn btn-small" onClick=${() => setEditing(d.id)}>${t('action.edit')}</button>
                                <button type="button" class="btn btn-small btn-danger" onClick=${() => remove(d)}>${t('action.delete')}</button>
                            </td>`}
                        </tr>`))}
                </tbody>
            </table></div>`}
            ${admin && html`<${CreateForm} key=${entity} entity=${entity} onCreated=${changed} />`}
        </div>
    </section>`;
}
