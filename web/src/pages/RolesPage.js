// Roles admin: the list (/admin/roles) and the editor of one role (/admin/roles/:id, and
// /admin/roles/new): a grid entity × action with a scope none/own/team/all per cell, and
// field rights per entity (hidden / read-only). The built-in admin role is read-only;
// built-in roles cannot be deleted, nor can a role in use (409).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll, listFields } from '../api.js';
import { AdminTabs, roleLabel } from '../components/Admin.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { ENTITIES } from '../entities.js';
import { has, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { useTitle } from './title.js';

export const ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'import', 'merge', 'reassign'];
const SCOPES = ['none', 'own', 'team', 'all'];
const RIGHTS = ['', 'read_only', 'hidden'];
const DEFAULT_ENTITIES = ['companies', 'contacts'];

const entityLabel = (e) => (has(`nav.${e}`) ? t(`nav.${e}`) : e);
const isAdminRole = (r) => Boolean(r && (r.is_admin || r.name === 'admin'));

function fieldLabel(entity, name, defs) {
    if (name.startsWith('custom.')) {
        const def = defs.find((d) => `custom.${d.name}` === name);
        return def ? def.label || def.name : name.slice(7);
    }
    if (name === 'company_ids') return t('field.companies');
    return has(`field.${name}`) ? t(`field.${name}`) : name;
}

/** Entities of the permission grid: those the server lists, in a stable order. */
function entitiesOf(role, roles) {
    const source = (role && role.permissions && Object.keys(role.permissions).length && role.permissions)
        || ((roles || []).find((r) => r.permissions && Object.keys(r.permissions).length) || {}).permissions;
    const list = source ? Object.keys(source) : DEFAULT_ENTITIES;
    return [...DEFAULT_ENTITIES.filter((e) => list.includes(e)), ...list.filter((e) => !DEFAULT_ENTITIES.includes(e))];
}

const actionLabel = (a) => (has(`perm.action.${a}`) ? t(`perm.action.${a}`) : a);

/* "permissions.contacts.read" -> "Contacts: Read" in a 422's field paths. */
function readableErrors(error) {
    if (!error || !Array.isArray(error.errors) || !error.errors.length) return error;
    const errors = error.errors.map((x) => {
        const parts = String(x.field || '').split('.');
        if (parts[0] === 'permissions' && parts.length >= 2) {
            const where = parts.length > 2 ? `${entityLabel(parts[1])}: ${actionLabel(parts.slice(2).join('.'))}` : entityLabel(parts[1]);
            return { ...x, field: `${t('roles.permissions')} — ${where}` };
        }
        if (parts[0] === 'fields' && parts.length >= 2) {
            const where = parts.length > 2 ? `${entityLabel(parts[1])}: ${parts.slice(2).join('.')}` : entityLabel(parts[1]);
            return { ...x, field: `${t('roles.fieldRights')} — ${where}` };
        }
        return x;
    });
    return { status: error.status, detail: error.detail, message: error.message, errors };
}

function summary(role, entities) {
    const all = entities.flatMap((e) => ACTIONS.map((a) => (role.permissions && role.permissions[e]
        && role.permissions[e][a]) || 'none'));
    if (isAdminRole(role)) return t('roles.summaryAdmin');
    const counts = SCOPES.filter((s) => s !== 'none').map((s) => [s, all.filter((x) => x === s).length])
        .filter(([, n]) => n > 0);
    if (!counts.length) return t('roles.summaryNone');
    return counts.map(([s, n]) => `${t(`perm.scope.${s}`)}: ${n}`).join(' · ');
}

export function RolesPage() {
    const [roles, setRoles] = useState(null);
    const [error, setError] = useState(null);
    useTitle(t('nav.roles'));

    async function load() {
        try {
            setRoles(await listAll('/roles'));
        } catch (e) {
            setError(e);
            setRoles([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    async function remove(role) {
        if (!window.confirm(t('roles.confirmDelete', { name: roleLabel(role.name, role.label) }))) return;
        setError(null);
        try {
            await api.del(`/roles/${role.id}`);
            load();
        } catch (e) {
            setError(e.status === 409 ? { detail: t('roles.inUse') } : e);
        }
    }

    const entities = entitiesOf(null, roles);
    return html`<section class="page admin-page" data-testid="roles-page">
        <header class="page-header">
            <h1>${t('nav.roles')}</h1>
            <div class="page-actions">
                <${Link} href="/admin/roles/new" class="btn btn-primary" data-testid="role-new">${t('roles.create')}<//>
            </div>
        </header>
        <${AdminTabs} current="/admin/roles" />
        ${error && html`<div class="alert alert-error" role="alert" data-testid="roles-error">${errorText(error)}</div>`}
        ${roles === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${roles && roles.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="roles-table">
            <thead><tr>
                <th scope="col">${t('roles.label')}</th><th scope="col">${t('roles.name')}</th>
                <th scope="col">${t('roles.kind')}</th><th scope="col">${t('roles.rights')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${roles.map((r) => html`<tr key=${r.id} data-testid="role-row" data-name=${r.name}>
                    <td class="col-name" data-label=${t('roles.label')}>
                        <${Link} href=${`/admin/roles/${r.id}`} class="record-link">${roleLabel(r.name, r.label)}<//></td>
                    <td data-label=${t('roles.name')}><code>${r.name}</code></td>
                    <td data-label=${t('roles.kind')}>${r.builtin ? t('roles.builtin') : t('roles.custom')}</td>
                    <td data-label=${t('roles.rights')} class="muted">${summary(r, entities)}</td>
                    <td class="col-actions">
                        <${Link} href=${`/admin/roles/${r.id}`} class="btn btn-small" data-testid="role-open">
                            ${isAdminRole(r) ? t('roles.view') : t('action.edit')}<//>
                        ${!r.builtin && html`<button type="button" class="btn btn-small btn-danger" onClick=${() => remove(r)}
                            data-testid="role-delete">${t('action.delete')}</button>`}
                    </td>
                </tr>`)}
            </tbody>
        </table></div>`}
    </section>`;
}

function emptyPermissions(entities) {
    return Object.fromEntries(entities.map((e) => [e, Object.fromEntries(ACTIONS.map((a) => [a, 'none']))]));
}

function copyOf(role, entities) {
    const permissions = emptyPermissions(entities);
    const fields = {};
    for (const e of entities) {
        Object.assign(permissions[e], (role && role.permissions && role.permissions[e]) || {});
        fields[e] = { ...((role && role.fields && role.fields[e]) || {}) };
    }
    return { permissions, fields };
}

function PermissionGrid({ entities, permissions, readOnly, onChange }) {
    const extra = (e) => Object.keys(permissions[e] || {}).filter((a) => !ACTIONS.includes(a));
    const actions = [...ACTIONS, ...new Set(entities.flatMap(extra))];
    return html`<div class="table-wrap perm-wrap"><table class="records perm-grid" data-testid="permission-grid">
        <thead><tr>
            <th scope="col">${t('roles.entity')}</th>
            ${actions.map((a) => html`<th scope="col" key=${a}>${actionLabel(a)}</th>`)}
        </tr></thead>
        <tbody>
            ${entities.map((e) => html`<tr key=${e} data-testid="permission-row" data-entity=${e}>
                <th scope="row" class="col-name">${entityLabel(e)}</th>
                ${actions.map((a) => {
                    const value = (permissions[e] && permissions[e][a]) || 'none';
                    return html`<td key=${a} data-label=${actionLabel(a)}>
                        <select class=${`scope scope-${value}`} value=${value} disabled=${readOnly}
                                aria-label=${`${entityLabel(e)}: ${actionLabel(a)}`}
                                data-testid=${`perm-${e}-${a}`}
                                onChange=${(ev) => onChange(e, a, ev.currentTarget.value)}>
                            ${SCOPES.map((s) => html`<option value=${s}>${t(`perm.scope.${s}`)}</option>`)}
                        </select></td>`;
                })}
            </tr>`)}
        </tbody>
    </table></div>`;
}

function FieldRights({ entity, rights, readOnly, onChange }) {
    const [defs, setDefs] = useState([]);
    useEffect(() => {
        let live = true;
        listFields(entity).then((d) => live && setDefs(d), () => live && setDefs([]));
        return () => {
            live = false;
        };
    }, [entity]);
    const builtin = (ENTITIES[entity] && ENTITIES[entity].rightsFields) || [];
    const names = [...builtin, ...defs.map((d) => `custom.${d.name}`)];
    for (const name of Object.keys(rights || {})) if (!names.includes(name)) names.push(name);
    if (!names.length) return null;
    return html`<fieldset class="field-rights" data-testid=${`field-rights-${entity}`}>
        <legend>${entityLabel(entity)}</legend>
        <ul class="rights-list">
            ${names.map((name) => {
                const id = `right-${entity}-${name.replace(/[^a-z0-9_-]/gi, '_')}`;
                const value = (rights && rights[name]) || '';
                return html`<li key=${name} class=${value ? 'set' : ''}>
                    <label for=${id}>${fieldLabel(entity, name, defs)}</label>
                    <select id=${id} value=${value} disabled=${readOnly} data-testid=${`field-right-${entity}-${name}`}
                            onChange=${(ev) => onChange(entity, name, ev.currentTarget.value)}>
                        ${RIGHTS.map((r) => html`<option value=${r}>${t(`right.${r || 'normal'}`)}</option>`)}
                    </select>
                </li>`;
            })}
        </ul>
    </fieldset>`;
}

export function RoleEditor({ id }) {
    const isNew = !id;
    const [role, setRole] = useState(null);
    const [roles, setRoles] = useState([]);
    const [v, setV] = useState(null);
    const [loadError, setLoadError] = useState(null);
    const [error, setError] = useState(null);
    const [saved, setSaved] = useState(false);
    const [saving, setSaving] = useState(false);
    const entities = entitiesOf(role, roles);
    useTitle(role ? roleLabel(role.name, role.label) : t(isNew ? 'roles.create' : 'nav.roles'));

    async function load() {
        setLoadError(null);
        setError(null);
        try {
            const all = await listAll('/roles');
            setRoles(all);
            if (isNew) {
                const ents = entitiesOf(null, all);
                setV({ name: '', label: '', ...copyOf(null, ents) });
            } else {
                const r = await api.get(`/roles/${id}`);
                setRole(r);
                setV({ name: r.name, label: r.label || '', ...copyOf(r, entitiesOf(r, all)) });
            }
        } catch (e) {
            setLoadError(e);
        }
    }

    useEffect(() => {
        load();
    }, [id]);

    if (loadError) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(loadError)}</div>`;
    if (!v) return html`<p class="muted">${t('common.loading')}</p>`;

    const readOnly = isAdminRole(role);
    const errs = formErrors(readableErrors(error), new Set(['name', 'label']), v);

    function setPerm(entity, action, scope) {
        setSaved(false);
        setV((s) => ({ ...s, permissions: { ...s.permissions, [entity]: { ...s.permissions[entity], [action]: scope } } }));
    }

    function setRight(entity, field, right) {
        setSaved(false);
        setV((s) => {
            const next = { ...(s.fields[entity] || {}) };
            if (right) next[field] = right;
            else delete next[field];
            return { ...s, fields: { ...s.fields, [entity]: next } };
        });
    }

    function startFrom(roleId) {
        const source = roles.find((r) => String(r.id) === roleId);
        if (source) setV((s) => ({ ...s, ...copyOf(source, entities) }));
    }

    async function save(e) {
        e.preventDefault();
        if (readOnly || saving) return;
        setSaving(true);
        setError(null);
        setSaved(false);
        try {
            const body = { label: v.label.trim() || v.name.trim(), permissions: v.permissions, fields: v.fields };
            if (isNew) {
                const created = await api.post('/roles', { name: v.name.trim(), ...body });
                navigate(`/admin/roles/${created.id}`, { replace: true });
            } else {
                const updated = await api.patch(`/roles/${id}`, body, role.version);
                if (updated && updated.id) {
                    setRole(updated);
                    setV({ name: updated.name, label: updated.label || '', ...copyOf(updated, entitiesOf(updated, roles)) });
                } else {
                    await load();
                }
                setSaved(true);
            }
        } catch (err) {
            setError(err);
        } finally {
            setSaving(false);
        }
    }

    async function remove() {
        if (!window.confirm(t('roles.confirmDelete', { name: roleLabel(role.name, role.label) }))) return;
        try {
            await api.del(`/roles/${id}`);
            navigate('/admin/roles');
        } catch (err) {
            setError(err.status === 409 ? { detail: t('roles.inUse'), errors: [] } : err);
        }
    }

    return html`<section class="page admin-page role-editor" data-testid="role-editor">
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/admin/roles">${t('nav.roles')}<//></p>
                <h1 data-testid="record-title">${isNew ? t('roles.create') : roleLabel(role.name, role.label)}</h1>
            </div>
            <div class="page-actions">
                ${role && !role.builtin && html`<button type="button" class="btn btn-danger" onClick=${remove}
                    data-testid="role-delete">${t('action.delete')}</button>`}
            </div>
        </header>
        ${readOnly && html`<div class="alert alert-ok" role="note" data-testid="role-readonly">${t('roles.adminReadOnly')}</div>`}
        ${saved && html`<div class="alert alert-ok" role="status" data-testid="role-saved">${t('roles.saved')}</div>`}
        <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${load} />
        <form class="record-form" onSubmit=${save} novalidate data-testid="role-form">
            <div class="form-grid">
                <${FormField} id="role-name" label=${t('roles.name')} required errors=${errs.fields.name}
                        hint=${isNew ? t('fields.nameHint') : undefined}>
                    <input id="role-name" type="text" value=${v.name} readonly=${!isNew} maxlength="40"
                        autocapitalize="off" spellcheck="false" data-testid="role-name"
                        onInput=${(ev) => setV({ ...v, name: ev.currentTarget.value })}
                        ...${errorAttrs('role-name', errs.fields.name)} /><//>
                <${FormField} id="role-label" label=${t('roles.label')} errors=${errs.fields.label}>
                    <input id="role-label" type="text" value=${v.label} disabled=${readOnly} maxlength="100"
                        data-testid="role-label" onInput=${(ev) => setV({ ...v, label: ev.currentTarget.value })}
                        ...${errorAttrs('role-label', errs.fields.label)} /><//>
                ${isNew && roles.length > 0 && html`<${FormField} id="role-start" label=${t('roles.startFrom')}>
                    <select id="role-start" data-testid="role-start" onChange=${(ev) => startFrom(ev.currentTarget.value)}>
                        <option value="">${t('roles.startEmpty')}</option>
                        ${roles.filter((r) => !isAdminRole(r)).map((r) =>
                            html`<option value=${String(r.id)}>${roleLabel(r.name, r.label)}</option>`)}
                    </select><//>`}
            </div>
            <h2 class="form-section">${t('roles.permissions')}</h2>
            <p class="hint">${t('roles.scopesHint')}</p>
            <${PermissionGrid} entities=${entities} permissions=${v.permissions} readOnly=${readOnly} onChange=${setPerm} />
            <h2 class="form-section">${t('roles.fieldRights')}</h2>
            <p class="hint">${t('roles.fieldRightsHint')}</p>
            <div class="rights-grid">
                ${entities.map((e) => html`<${FieldRights} key=${e} entity=${e} rights=${v.fields[e]}
                    readOnly=${readOnly} onChange=${setRight} />`)}
            </div>
            ${!readOnly && html`<div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=${saving} data-testid="role-save">
                    ${saving ? t('common.saving') : t('action.save')}</button>
                <${Link} href="/admin/roles" class="btn">${t('action.cancel')}<//>
            </div>`}
        </form>
    </section>`;
}
