// Lead-capture forms (/settings/forms): the forms with the fields they ask for, a create and
// edit form (name, the lead fields the public may send, honeypot field, source, redirect URL,
// active) and, for the form chosen (?form=ID), what a web page needs: the public submit URL
// and an HTML snippet to paste, both with a copy button. Administrators and managers change
// forms; everyone else reads them.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { CopyButton } from '../components/CopyButton.js';
import { FORM_FIELDS, leadFieldLabel } from '../components/LeadCells.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { t } from '../i18n/index.js';
import { setSearchParams } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const EMPTY = { name: '', fields: ['name', 'email', 'company_name'], honeypot: 'website', source: '',
                redirect_url: '', active: true };
const INPUT_TYPES = { email: 'email', phone: 'tel' };
const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];

/** The public address a page posts a form to. */
export function submitUrl(form) {
    return `${window.location.origin}/api/v1/forms/${form.key}/submit`;
}

const escapeHtml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/**
 * An HTML form for a web page: a labelled input per field, the hidden honeypot, a send button
 * and a small script that passes on the page's utm_* parameters (empty ones are left out: the
 * server refuses names it does not take) and the page the visitor came from (the server's
 * "referrer"; without it the server keeps the Referer header, the form's own page).
 */
export function formSnippet(form) {
    const lines = [`<form method="post" action="${escapeHtml(submitUrl(form))}" accept-charset="utf-8">`];
    for (const f of form.fields || []) {
        const label = escapeHtml(leadFieldLabel(f));
        if (f === 'notes') {
            lines.push(`  <p><label>${label}<br><textarea name="notes" rows="4"></textarea></label></p>`);
        } else {
            const type = INPUT_TYPES[f] || 'text';
            const auto = { name: 'name', email: 'email', phone: 'tel', company_name: 'organization' }[f];
            lines.push(`  <p><label>${label}<br><input name="${f}" type="${type}"${auto ? ` autocomplete="${auto}"` : ''}></label></p>`);
        }
    }
    if (form.honeypot) {
        lines.push(`  <input name="${escapeHtml(form.honeypot)}" style="display:none" tabindex="-1" autocomplete="off">`);
    }
    lines.push(`  <p><button type="submit">${escapeHtml(t('forms.send'))}</button></p>`);
    lines.push('</form>');
    lines.push('<script>');
    lines.push('(function () {');
    lines.push('  var form = document.currentScript.previousElementSibling;');
    lines.push('  var query = new URLSearchParams(window.location.search);');
    lines.push(`  ${JSON.stringify(UTM)}.forEach(function (name) {`);
    lines.push('    if (!query.get(name)) return;');
    lines.push("    var input = document.createElement('input');");
    lines.push("    input.type = 'hidden'; input.name = name; input.value = query.get(name);");
    lines.push('    form.appendChild(input);');
    lines.push('  });');
    lines.push('  if (document.referrer) {');
    lines.push("    var from = document.createElement('input');");
    lines.push("    from.type = 'hidden'; from.name = 'referrer'; from.value = document.referrer;");
    lines.push('    form.appendChild(from);');
    lines.push('  }');
    lines.push('})();');
    lines.push('</script>');
    return lines.join('\n');
}

function valuesOf(form) {
    if (!form) return { ...EMPTY, fields: [...EMPTY.fields] };
    return {
        name: form.name || '',
        fields: Array.isArray(form.fields) ? form.fields : [],
        honeypot: form.honeypot || '',
        source: form.source || '',
        redirect_url: form.redirect_url || '',
        active: form.active !== false,
    };
}

function bodyOf(v) {
    const text = (s) => (s.trim() ? s.trim() : null);
    return { name: v.name.trim(), fields: v.fields, honeypot: text(v.honeypot), source: text(v.source),
             redirect_url: text(v.redirect_url), active: v.active };
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Create (form null) or edit a form; onDone(saved|null). */
function FormEditor({ form, onDone }) {
    const [v, setV] = useState(() => valuesOf(form));
    const [error, setError] = useState(null);
    const [saving, setSaving] = useState(false);
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const known = new Set(['name', 'fields', 'honeypot', 'source', 'redirect_url', 'active']);
    const errs = formErrors(error, known, { fields: v.fields.map((f) => leadFieldLabel(f)) });
    const fe = (k) => errs.fields[k];
    /* The fields the form asks for, in the order offered, then any others it names. */
    const offered = [...FORM_FIELDS, ...v.fields.filter((f) => !FORM_FIELDS.includes(f))];

    function toggle(field, on) {
        const chosen = new Set(v.fields);
        if (on) chosen.add(field);
        else chosen.delete(field);
        set('fields', offered.filter((f) => chosen.has(f)));
    }

    async function save(e) {
        e.preventDefault();
        setSaving(true);
        setError(null);
        try {
            const body = bodyOf(v);
            let saved;
            if (form) {
                const before = bodyOf(valuesOf(form));
                const patch = Object.fromEntries(Object.entries(body).filter(([k, x]) => !same(before[k], x)));
                saved = Object.keys(patch).length ? await api.patch(`/forms/${form.id}`, patch, form.version) : form;
            } else {
                saved = await api.post('/forms', body);
            }
            onDone(saved);
        } catch (err) {
            setError(err);
            setSaving(false);
        }
    }

    return html`<form class="record-form" onSubmit=${save} novalidate data-testid="form-editor">
        <h2>${form ? t('forms.edit', { name: form.name }) : t('forms.create')}</h2>
        <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${() => onDone(null)} />
        <div class="form-grid">
            <${FormField} id="form-name" label=${t('forms.name')} required errors=${fe('name')}>
                <input id="form-name" type="text" value=${v.name} maxlength="100" data-testid="form-name"
                    onInput=${(e) => set('name', e.currentTarget.value)} ...${errorAttrs('form-name', fe('name'))} /><//>
            <${FormField} id="form-source" label=${t('forms.source')} errors=${fe('source')} hint=${t('forms.sourceHint')}>
                <input id="form-source" type="text" value=${v.source} maxlength="100" data-testid="form-source"
                    onInput=${(e) => set('source', e.currentTarget.value)} ...${errorAttrs('form-source', fe('source'))} /><//>
            <fieldset class=${`form-row wide${fe('fields') ? ' has-error' : ''}`} data-field="fields" data-testid="form-fields">
                <legend>${t('forms.fields')}</legend>
                <p class="hint">${t('forms.fieldsHint')}</p>
                <div class="options form-field-options">
                    ${offered.map((f) => html`<label key=${f} class="option">
                        <input type="checkbox" checked=${v.fields.includes(f)} data-testid=${`form-field-${f}`}
                            onChange=${(e) => toggle(f, e.currentTarget.checked)} /> ${leadFieldLabel(f)}</label>`)}
                </div>
                ${fe('fields') && html`<div class="field-error" role="alert" data-testid="error-form-fields">
                    ${fe('fields').map((m) => html`<div>${m}</div>`)}</div>`}
            </fieldset>
            <${FormField} id="form-honeypot" label=${t('forms.honeypot')} errors=${fe('honeypot')} hint=${t('forms.honeypotHint')}>
                <input id="form-honeypot" type="text" value=${v.honeypot} maxlength="50" data-testid="form-honeypot"
                    onInput=${(e) => set('honeypot', e.currentTarget.value)} ...${errorAttrs('form-honeypot', fe('honeypot'))} /><//>
            <${FormField} id="form-redirect" label=${t('forms.redirect')} errors=${fe('redirect_url')} hint=${t('forms.redirectHint')}>
                <input id="form-redirect" type="url" value=${v.redirect_url} maxlength="1000" placeholder="https://"
                    data-testid="form-redirect" onInput=${(e) => set('redirect_url', e.currentTarget.value)}
                    ...${errorAttrs('form-redirect', fe('redirect_url'))} /><//>
            <div class="form-row check" data-field="active">
                <label><input type="checkbox" checked=${v.active} data-testid="form-active"
                    onChange=${(e) => set('active', e.currentTarget.checked)} /> ${t('forms.activeLabel')}</label>
            </div>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${saving} data-testid="form-save">
                ${saving ? t('common.saving') : t('action.save')}</button>
            <button type="button" class="btn" onClick=${() => onDone(null)} data-testid="form-cancel">
                ${t('action.cancel')}</button>
        </div>
    </form>`;
}

/** What a web page needs to use the form: the URL and the HTML. */
function Embed({ form }) {
    const url = submitUrl(form);
    const code = formSnippet(form);
    return html`<section class="card-section form-embed" data-testid="form-embed" data-id=${form.id}>
        <h2>${t('forms.embedTitle', { name: form.name })}</h2>
        ${form.active === false && html`<div class="alert alert-error" role="status">${t('forms.inactiveHint')}</div>`}
        <dl class="props">
            <div class="prop"><dt>${t('forms.key')}</dt><dd><code data-testid="form-key">${form.key}</code></dd></div>
            <div class="prop"><dt>${t('forms.submitUrl')}</dt><dd class="secret-line">
                <code data-testid="form-submit-url">${url}</code>
                <${CopyButton} text=${url} testid="form-url-copy" /></dd></div>
        </dl>
        <p class="hint">${t('forms.snippetHint')}</p>
        <label for="form-snippet" class="small-label">${t('forms.snippet')}</label>
        <textarea id="form-snippet" class="snippet" rows="12" readonly spellcheck="false"
            data-testid="form-snippet" value=${code}></textarea>
        <div class="form-actions"><${CopyButton} text=${code} testid="form-snippet-copy" /></div>
    </section>`;
}

export function FormsPage() {
    const me = useMe();
    const [forms, setForms] = useState(null);
    const [error, setError] = useState(null);
    const [editing, setEditing] = useState(null); /* a form id, 'new' or null */
    const [shown, setShown] = useState(() => Number(new URLSearchParams(window.location.search).get('form')) || null);
    useTitle(t('nav.forms'));

    async function load() {
        try {
            setForms(await listAll('/forms', { sort: 'name' }));
        } catch (e) {
            setError(e);
            setForms([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    useEffect(() => {
        setSearchParams({ form: shown || undefined });
    }, [shown]);

    async function remove(f) {
        if (!window.confirm(t('forms.confirmDelete', { name: f.name }))) return;
        setError(null);
        try {
            await api.del(`/forms/${f.id}`);
            if (shown === f.id) setShown(null);
            if (editing === f.id) setEditing(null);
            load();
        } catch (e) {
            setError(e);
        }
    }

    function done(saved) {
        setEditing(null);
        if (saved) {
            setShown(saved.id);
            load();
        }
    }

    const current = forms && forms.find((f) => f.id === editing);
    const chosen = forms && forms.find((f) => f.id === shown);
    const fieldList = (f) => (f.fields || []).map((x) => leadFieldLabel(x)).join(', ');
    return html`<section class="page forms-page" data-testid="forms-page">
        <header class="page-header"><h1>${t('nav.forms')}</h1></header>
        <p class="hint">${t('forms.intro')}</p>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="forms-error">${errorText(error)}</div>`}
        ${forms === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${forms && !forms.length && html`<p class="empty" data-testid="forms-empty">${t('forms.none')}</p>`}
        ${forms && forms.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="forms-table">
            <thead><tr>
                <th scope="col">${t('forms.name')}</th>
                <th scope="col">${t('forms.fields')}</th>
                <th scope="col">${t('forms.source')}</th>
                <th scope="col">${t('forms.state')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${forms.map((f) => html`<tr key=${f.id} data-testid="form-row" data-id=${f.id} data-key=${f.key}
                        class=${f.active === false ? 'revoked' : ''}>
                    <td class="col-name" data-label=${t('forms.name')}>${f.name}</td>
                    <td data-label=${t('forms.fields')} class="muted">${fieldList(f)}</td>
                    <td data-label=${t('forms.source')}>${f.source || html`<span class="muted">—</span>`}</td>
                    <td data-label=${t('forms.state')}>${f.active === false
                        ? html`<span class="badge badge-off">${t('forms.inactive')}</span>`
                        : html`<span class="badge badge-on">${t('forms.active')}</span>`}</td>
                    <td class="col-actions">
                        <button type="button" class="btn btn-small" onClick=${() => setShown(f.id)}
                            aria-pressed=${shown === f.id ? 'true' : 'false'} data-testid="form-show-code">
                            ${t('forms.code')}</button>
                        ${can(me, 'forms', 'update', f) && html`<button type="button" class="btn btn-small"
                            onClick=${() => setEditing(f.id)} data-testid="form-edit">${t('action.edit')}</button>`}
                        ${can(me, 'forms', 'delete', f) && html`<button type="button" class="btn btn-small btn-danger"
                            onClick=${() => remove(f)} data-testid="form-delete">${t('action.delete')}</button>`}
                    </td>
                </tr>`)}
            </tbody>
        </table></div>`}
        ${editing === null && can(me, 'forms', 'create') && html`<div class="form-actions">
            <button type="button" class="btn btn-primary" onClick=${() => setEditing('new')}
                data-testid="form-new">${t('forms.create')}</button></div>`}
        ${editing === 'new' && html`<${FormEditor} key="new" form=${null} onDone=${done} />`}
        ${current && html`<${FormEditor} key=${`${current.id}-${current.version}`} form=${current} onDone=${done} />`}
        ${chosen && html`<${Embed} key=${`${chosen.id}-${chosen.version}`} form=${chosen} />`}
    </section>`;
}
