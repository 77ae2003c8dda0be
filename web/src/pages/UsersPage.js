// Users admin (/admin/users): searchable list with role, team and state; a create form
// (e-mail, name, role, team, optional password — a generated one-time password is shown
// once); inline edit of name, e-mail, role and team; disable/enable; password reset.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { AdminTabs, OneTimePassword, roleLabel, useDirectory } from '../components/Admin.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { useCursorList } from '../components/useCursorList.js';
import { formatDateTime, t } from '../i18n/index.js';
import { useSession } from '../session.js';
import { useTitle } from './title.js';

const EMPTY = { email: '', name: '', role: 'sales_rep', team_id: '', password: '' };

function RoleSelect({ id, value, roles, onChange, attrs }) {
    const known = roles.some((r) => r.name === value);
    return html`<select id=${id} value=${value} data-testid=${id}
            onChange=${(e) => onChange(e.currentTarget.value)} ...${attrs}>
        ${!known && value && html`<option value=${value}>${roleLabel(value)}</option>`}
        ${roles.map((r) => html`<option key=${r.name} value=${r.name}>${roleLabel(r.name, r.label)}</option>`)}
    </select>`;
}

function TeamSelect({ id, value, teams, onChange, attrs }) {
    return html`<select id=${id} value=${value === null || value === undefined ? '' : String(value)}
            data-testid=${id} onChange=${(e) => onChange(e.currentTarget.value)} ...${attrs}>
        <option value="">${t('users.noTeam')}</option>
        ${teams.map((tm) => html`<option key=${tm.id} value=${String(tm.id)}>${tm.name}</option>`)}
    </select>`;
}

const teamValue = (v) => (v === '' || v === null || v === undefined ? null : Number(v));

function CreateUser({ roles, teams, onCreated }) {
    const [v, setV] = useState(EMPTY);
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const errs = formErrors(error, new Set(['email', 'name', 'role', 'team_id', 'password']), v);
    const fe = (k) => errs.fields[k];

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            const body = { email: v.email.trim(), name: v.name.trim(), role: v.role };
            if (teamValue(v.team_id) !== null) body.team_id = teamValue(v.team_id);
            if (v.password) body.password = v.password;
            const user = await api.post('/users', body);
            setV(EMPTY);
            onCreated(user);
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
        }
    }

    return html`<form class="record-form" onSubmit=${submit} novalidate data-testid="user-create">
        <h2>${t('users.create')}</h2>
        <${ErrorBanner} messages=${errs.top} />
        <div class="form-grid">
            <${FormField} id="new-user-email" label=${t('user.email')} required errors=${fe('email')}>
                <input id="new-user-email" type="email" value=${v.email} autocomplete="off" data-testid="new-user-email"
                    onInput=${(e) => set('email', e.currentTarget.value)} ...${errorAttrs('new-user-email', fe('email'))} /><//>
            <${FormField} id="new-user-name" label=${t('user.name')} required errors=${fe('name')}>
                <input id="new-user-name" type="text" value=${v.name} autocomplete="off" data-testid="new-user-name"
                    onInput=${(e) => set('name', e.currentTarget.value)} ...${errorAttrs('new-user-name', fe('name'))} /><//>
            <${FormField} id="new-user-role" label=${t('user.role')} required errors=${fe('role')}>
                <${RoleSelect} id="new-user-role" value=${v.role} roles=${roles} onChange=${(x) => set('role', x)}
                    attrs=${errorAttrs('new-user-role', fe('role'))} /><//>
            <${FormField} id="new-user-team" label=${t('user.team')} errors=${fe('team_id')}>
                <${TeamSelect} id="new-user-team" value=${v.team_id} teams=${teams} onChange=${(x) => set('team_id', x)}
                    attrs=${errorAttrs('new-user-team', fe('team_id'))} /><//>
            <${FormField} id="new-user-password" label=${t('users.password')} errors=${fe('password')}
                    hint=${t('users.passwordHint')}>
                <input id="new-user-password" type="password" value=${v.password} autocomplete="new-password"
                    data-testid="new-user-password" onInput=${(e) => set('password', e.currentTarget.value)}
                    ...${errorAttrs('new-user-password', fe('password'))} /><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy} data-testid="new-user-submit">
                ${t('users.add')}</button>
        </div>
    </form>`;
}

function EditUser({ user, roles, teams, onDone }) {
    const [v, setV] = useState({ name: user.name || '', email: user.email || '', role: user.role,
                                 team_id: user.team_id === null || user.team_id === undefined ? '' : String(user.team_id) });
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const errs = formErrors(error, new Set(['email', 'name', 'role', 'team_id']), v);
    const fe = (k) => errs.fields[k];

    async function save(e) {
        e.preventDefault();
        const body = {};
        if (v.name.trim() !== user.name) body.name = v.name.trim();
        if (v.email.trim() !== user.email) body.email = v.email.trim();
        if (v.role !== user.role) body.role = v.role;
        if (teamValue(v.team_id) !== (user.team_id ?? null)) body.team_id = teamValue(v.team_id);
        if (!Object.keys(body).length) {
            onDone(false);
            return;
        }
        setBusy(true);
        setError(null);
        try {
            await api.patch(`/users/${user.id}`, body, user.version);
            onDone(true);
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    const id = `edit-user`;
    return html`<tr class="editing"><td colspan="7">
        <form class="inline-edit" onSubmit=${save} novalidate data-testid="user-edit">
            <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${() => onDone(true)} />
            <div class="form-grid">
                <${FormField} id=${`${id}-name`} label=${t('user.name')} errors=${fe('name')}>
                    <input id=${`${id}-name`} type="text" value=${v.name} data-testid=${`${id}-name`}
                        onInput=${(e) => set('name', e.currentTarget.value)} ...${errorAttrs(`${id}-name`, fe('name'))} /><//>
                <${FormField} id=${`${id}-email`} label=${t('user.email')} errors=${fe('email')}>
                    <input id=${`${id}-email`} type="email" value=${v.email} data-testid=${`${id}-email`}
                        onInput=${(e) => set('email', e.currentTarget.value)} ...${errorAttrs(`${id}-email`, fe('email'))} /><//>
                <${FormField} id=${`${id}-role`} label=${t('user.role')} errors=${fe('role')}>
                    <${RoleSelect} id=${`${id}-role`} value=${v.role} roles=${roles} onChange=${(x) => set('role', x)}
                        attrs=${errorAttrs(`${id}-role`, fe('role'))} /><//>
                <${FormField} id=${`${id}-team`} label=${t('user.team')} errors=${fe('team_id')}>
                    <${TeamSelect} id=${`${id}-team`} value=${v.team_id} teams=${teams} onChange=${(x) => set('team_id', x)}
                        attrs=${errorAttrs(`${id}-team`, fe('team_id'))} /><//>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary btn-small" disabled=${busy}
                    data-testid="edit-user-save">${t('action.save')}</button>
                <button type="button" class="btn btn-small" onClick=${() => onDone(false)}>${t('action.cancel')}</button>
            </div>
        </form>
    </td></tr>`;
}

function UserState({ user }) {
    return html`<span class="tags">
        ${user.disabled ? html`<span class="badge badge-off">${t('users.disabled')}</span>`
            : html`<span class="badge badge-on">${t('users.active')}</span>`}
        ${user.totp_enabled && html`<span class="badge">${t('users.twoFactor')}</span>`}
        ${user.password_must_change && html`<span class="badge">${t('users.mustChange')}</span>`}
    </span>`;
}

export function UsersPage() {
    const { me } = useSession();
    const dir = useDirectory();
    const [text, setText] = useState('');
    const [q, setQ] = useState('');
    const [editing, setEditing] = useState(null);
    const [secret, setSecret] = useState(null);
    const [message, setMessage] = useState(null);
    useTitle(t('nav.users'));

    useEffect(() => {
        const timer = setTimeout(() => setQ(text.trim()), 300);
        return () => clearTimeout(timer);
    }, [text]);

    const list = useCursorList('/users', { q: q || undefined });
    const teamName = (id) => {
        const team = dir.teams.find((x) => x.id === id);
        return team ? team.name : `#${id}`;
    };

    async function act(fn) {
        setMessage(null);
        try {
            await fn();
            list.reload();
            dir.reload();
        } catch (e) {
            setMessage(errorText(e));
        }
    }

    function setDisabled(u, disabled) {
        const key = disabled ? 'users.confirmDisable' : 'users.confirmEnable';
        if (!window.confirm(t(key, { name: u.name || u.email }))) return;
        act(() => api.patch(`/users/${u.id}`, { disabled }, u.version));
    }

    function resetPassword(u) {
        if (!window.confirm(t('users.confirmReset', { name: u.name || u.email }))) return;
        act(async () => {
            const answer = await api.post(`/users/${u.id}/password`, {});
            if (answer && answer.password) {
                setSecret({ title: t('users.resetDone', { name: u.name || u.email }), password: answer.password });
            }
        });
    }

    function created(u) {
        if (u && u.password) {
            setSecret({ title: t('users.createdWithPassword', { name: u.name || u.email }), password: u.password });
        } else {
            setSecret(null);
        }
        list.reload();
        dir.reload();
    }

    return html`<section class="page admin-page" data-testid="users-page">
        <header class="page-header"><h1>${t('nav.users')}</h1></header>
        <${AdminTabs} current="/admin/users" />
        ${secret && html`<${OneTimePassword} title=${secret.title} password=${secret.password}
            onClose=${() => setSecret(null)} />`}
        ${message && html`<div class="alert alert-error" role="alert" data-testid="users-error">${message}</div>`}
        ${dir.error && html`<div class="alert alert-error" role="alert">${errorText(dir.error)}</div>`}
        <div class="toolbar">
            <div class="search">
                <label for="users-search" class="visually-hidden">${t('users.search')}</label>
                <input id="users-search" type="search" value=${text} placeholder=${t('users.search')}
                    data-testid="users-search" onInput=${(e) => setText(e.currentTarget.value)} />
            </div>
        </div>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="empty">${t('list.noMatches')}</p>`}
        ${list.items.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="users-table">
            <thead><tr>
                <th scope="col">${t('user.name')}</th><th scope="col">${t('user.email')}</th>
                <th scope="col">${t('user.role')}</th><th scope="col">${t('user.team')}</th>
                <th scope="col">${t('users.state')}</th><th scope="col">${t('user.lastSignIn')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${list.items.map((u) => (editing === u.id
                    ? html`<${EditUser} key=${u.id} user=${u} roles=${dir.roles} teams=${dir.teams}
                        onDone=${(saved) => { setEditing(null); if (saved) { list.reload(); dir.reload(); } }} />`
                    : html`<tr key=${u.id} data-testid="user-row" data-id=${u.id} data-email=${u.email}
                            class=${u.disabled ? 'revoked' : ''}>
                        <td class="col-name" data-label=${t('user.name')}>${u.name}</td>
                        <td data-label=${t('user.email')}>${u.email}</td>
                        <td data-label=${t('user.role')}>${roleLabel(u.role, (dir.roles.find((r) => r.name === u.role) || {}).label)}</td>
                        <td data-label=${t('user.team')}>${u.team_id != null ? teamName(u.team_id) : html`<span class="muted">—</span>`}</td>
                        <td data-label=${t('users.state')}><${UserState} user=${u} /></td>
                        <td data-label=${t('user.lastSignIn')}>${u.last_sign_in_at
                            ? html`<time datetime=${u.last_sign_in_at}>${formatDateTime(u.last_sign_in_at)}</time>`
                            : html`<span class="muted">${t('users.neverSignedIn')}</span>`}</td>
                        <td class="col-actions">
                            <button type="button" class="btn btn-small" onClick=${() => setEditing(u.id)}
                                data-testid="user-edit-button">${t('action.edit')}</button>
                            <button type="button" class="btn btn-small" onClick=${() => resetPassword(u)}
                                data-testid="user-reset-password">${t('users.resetPassword')}</button>
                            ${me && u.id !== me.user.id && (u.disabled
                                ? html`<button type="button" class="btn btn-small" onClick=${() => setDisabled(u, false)}
                                    data-testid="user-enable">${t('users.enable')}</button>`
                                : html`<button type="button" class="btn btn-small btn-danger" onClick=${() => setDisabled(u, true)}
                                    data-testid="user-disable">${t('users.disable')}</button>`)}
                        </td>
                    </tr>`))}
            </tbody>
        </table>
        ${!list.done && html`<div class="sentinel"><button type="button" class="btn btn-small" onClick=${list.loadMore}
            disabled=${list.loading} data-testid="load-more">${list.loading ? t('common.loading') : t('list.loadMore')}</button></div>`}
        </div>`}
        ${list.loading && !list.items.length && html`<p class="muted">${t('common.loading')}</p>`}
        <${CreateUser} roles=${dir.roles} teams=${dir.teams} onCreated=${created} />
    </section>`;
}
