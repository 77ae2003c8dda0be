// Teams admin (/admin/teams): the teams with their member counts, a create form, inline
// rename and delete (a team with members cannot be deleted: 409).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { AdminTabs } from '../components/Admin.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { t } from '../i18n/index.js';
import { useTitle } from './title.js';

function CreateTeam({ onCreated }) {
    const [name, setName] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const errs = formErrors(error, new Set(['name']), {});

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            await api.post('/teams', { name: name.trim() });
            setName('');
            onCreated();
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
        }
    }

    return html`<form class="record-form" onSubmit=${submit} novalidate data-testid="team-create">
        <h2>${t('teams.create')}</h2>
        <${ErrorBanner} messages=${errs.top} />
        <div class="form-grid">
            <${FormField} id="new-team-name" label=${t('teams.name')} required errors=${errs.fields.name}>
                <input id="new-team-name" type="text" value=${name} maxlength="200" data-testid="new-team-name"
                    onInput=${(e) => setName(e.currentTarget.value)} ...${errorAttrs('new-team-name', errs.fields.name)} /><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy || !name.trim()}
                data-testid="new-team-submit">${t('teams.add')}</button>
        </div>
    </form>`;
}

function RenameTeam({ team, onDone }) {
    const [name, setName] = useState(team.name);
    const [error, setError] = useState(null);
    const errs = formErrors(error, new Set(['name']), {});

    async function save(e) {
        e.preventDefault();
        if (name.trim() === team.name) {
            onDone(false);
            return;
        }
        setError(null);
        try {
            await api.patch(`/teams/${team.id}`, { name: name.trim() }, team.version);
            onDone(true);
        } catch (err) {
            setError(err);
        }
    }

    return html`<tr class="editing"><td colspan="3">
        <form class="inline-edit" onSubmit=${save} novalidate data-testid="team-edit">
            <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${() => onDone(true)} />
            <div class="form-grid">
                <${FormField} id="edit-team-name" label=${t('teams.name')} errors=${errs.fields.name}>
                    <input id="edit-team-name" type="text" value=${name} data-testid="edit-team-name"
                        onInput=${(e) => setName(e.currentTarget.value)} ...${errorAttrs('edit-team-name', errs.fields.name)} /><//>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary btn-small" data-testid="edit-team-save">${t('action.save')}</button>
                <button type="button" class="btn btn-small" onClick=${() => onDone(false)}>${t('action.cancel')}</button>
            </div>
        </form>
    </td></tr>`;
}

export function TeamsPage() {
    const [teams, setTeams] = useState(null);
    const [error, setError] = useState(null);
    const [editing, setEditing] = useState(null);
    useTitle(t('nav.teams'));

    async function load() {
        try {
            setTeams(await listAll('/teams'));
        } catch (e) {
            setError(e);
            setTeams([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    async function remove(team) {
        if (!window.confirm(t('teams.confirmDelete', { name: team.name }))) return;
        setError(null);
        try {
            await api.del(`/teams/${team.id}`);
            load();
        } catch (e) {
            setError(e.status === 409 ? { detail: t('teams.hasMembers') } : e);
        }
    }

    return html`<section class="page admin-page" data-testid="teams-page">
        <header class="page-header"><h1>${t('nav.teams')}</h1></header>
        <${AdminTabs} current="/admin/teams" />
        ${error && html`<div class="alert alert-error" role="alert" data-testid="teams-error">${errorText(error)}</div>`}
        ${teams === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${teams && !teams.length && html`<p class="empty">${t('teams.none')}</p>`}
        ${teams && teams.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="teams-table">
            <thead><tr>
                <th scope="col">${t('teams.name')}</th><th scope="col">${t('teams.members')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${teams.map((tm) => (editing === tm.id
                    ? html`<${RenameTeam} key=${tm.id} team=${tm}
                        onDone=${(saved) => { setEditing(null); if (saved) load(); }} />`
                    : html`<tr key=${tm.id} data-testid="team-row" data-id=${tm.id}>
                        <td class="col-name" data-label=${t('teams.name')}>${tm.name}</td>
                        <td data-label=${t('teams.members')} data-testid="team-members">${tm.members ?? 0}</td>
                        <td class="col-actions">
                            <button type="button" class="btn btn-small" onClick=${() => setEditing(tm.id)}
                                data-testid="team-rename">${t('teams.rename')}</button>
                            <button type="button" class="btn btn-small btn-danger" onClick=${() => remove(tm)}
                                data-testid="team-delete">${t('action.delete')}</button>
                        </td>
                    </tr>`))}
            </tbody>
        </table></div>`}
        <${CreateTeam} onCreated=${load} />
    </section>`;
}
