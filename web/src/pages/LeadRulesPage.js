// Lead rules (/settings/lead-rules): the scoring rules (a filter over leads and the points a
// matching lead gets; may be negative) and the assignment rules (a filter, and the user or the
// team, round-robin among its members, that gets a matching lead; tried by position). Each
// list has a create form and inline edit; a filter the server cannot parse comes back as a 422
// on "filter" naming the position, shown with a caret under the text. Administrators and
// managers change rules; everyone else reads them.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { FilterError } from '../components/FilterError.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { t } from '../i18n/index.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const KINDS = {
    scoring: { path: '/lead-scoring-rules', entity: 'lead-scoring-rules', sort: 'name' },
    assignment: { path: '/lead-assignment-rules', entity: 'lead-assignment-rules', sort: 'position,id' },
};

const integer = (text) => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : text);

function valuesOf(kind, rule) {
    const v = {
        name: rule ? rule.name || '' : '',
        filter: rule ? rule.filter || '' : '',
        active: rule ? rule.active !== false : true,
    };
    if (kind === 'scoring') v.points = rule && rule.points != null ? String(rule.points) : '10';
    else {
        v.target = rule && rule.team_id != null ? 'team' : 'user';
        v.user_id = rule && rule.user_id != null ? String(rule.user_id) : '';
        v.team_id = rule && rule.team_id != null ? String(rule.team_id) : '';
        v.position = rule && rule.position != null ? String(rule.position) : '';
    }
    return v;
}

function bodyOf(kind, v) {
    const body = { name: v.name.trim(), filter: v.filter.trim() || null, active: v.active };
    if (kind === 'scoring') {
        body.points = integer(v.points);
    } else {
        body.user_id = v.target === 'user' && v.user_id ? Number(v.user_id) : null;
        body.team_id = v.target === 'team' && v.team_id ? Number(v.team_id) : null;
        if (v.position.trim() !== '') body.position = integer(v.position);
    }
    return body;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Create (rule null) or edit a rule of the kind; onDone(saved) closes it. */
function RuleEditor({ kind, rule, users, teams, onDone }) {
    const [v, setV] = useState(() => valuesOf(kind, rule));
    const [error, setError] = useState(null);
    const [saving, setSaving] = useState(false);
    /* the filter text the last answer was about (the caret points into it) */
    const [sentFilter, setSentFilter] = useState('');
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const errs = formErrors(error, new Set(['name', 'filter', 'points', 'user_id', 'team_id', 'position', 'active']), {});
    const fe = (k) => errs.fields[k];
    const id = (f) => `${kind}-rule-${f}`;
    const target = [...(fe('user_id') || []), ...(fe('team_id') || [])];

    async function save(e) {
        e.preventDefault();
        setSaving(true);
        setError(null);
        const body = bodyOf(kind, v);
        setSentFilter(body.filter || '');
        try {
            if (rule) {
                const before = bodyOf(kind, valuesOf(kind, rule));
                const patch = Object.fromEntries(Object.entries(body).filter(([k, x]) => !same(before[k], x)));
                if (Object.keys(patch).length) await api.patch(`${KINDS[kind].path}/${rule.id}`, patch, rule.version);
            } else {
                await api.post(KINDS[kind].path, body);
            }
            onDone(true);
        } catch (err) {
            setError(err);
            setSaving(false);
        }
    }

    return html`<form class="record-form rule-editor" onSubmit=${save} novalidate data-testid=${`${kind}-rule-editor`}>
        <h3>${rule ? t('leadRules.edit', { name: rule.name }) : t(`leadRules.${kind}.create`)}</h3>
        <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${() => onDone(true)} />
        <div class="form-grid">
            <${FormField} id=${id('name')} label=${t('leadRules.name')} required errors=${fe('name')}>
                <input id=${id('name')} type="text" value=${v.name} maxlength="100" data-testid="rule-name"
                    onInput=${(e) => set('name', e.currentTarget.value)} ...${errorAttrs(id('name'), fe('name'))} /><//>
            ${kind === 'scoring'
                ? html`<${FormField} id=${id('points')} label=${t('leadRules.points')} required errors=${fe('points')}
                        hint=${t('leadRules.pointsHint')}>
                    <input id=${id('points')} type="number" step="1" value=${v.points} class="short-num" data-testid="rule-points"
                        onInput=${(e) => set('points', e.currentTarget.value)} ...${errorAttrs(id('points'), fe('points'))} /><//>`
                : html`<${FormField} id=${id('position')} label=${t('leadRules.position')} errors=${fe('position')}
                        hint=${t('leadRules.positionHint')}>
                    <input id=${id('position')} type="number" step="1" min="0" value=${v.position} class="short-num"
                        data-testid="rule-position" onInput=${(e) => set('position', e.currentTarget.value)}
                        ...${errorAttrs(id('position'), fe('position'))} /><//>`}
            <div class=${`form-row wide${fe('filter') ? ' has-error' : ''}`} data-field="filter">
                <label for=${id('filter')}>${t('leadRules.filter')}${kind === 'scoring'
                    && html`<span class="req" aria-hidden="true"> *</span>`}</label>
                <textarea id=${id('filter')} class="filter-text" rows="2" spellcheck="false" value=${v.filter}
                    placeholder=${t(`leadRules.${kind}.placeholder`)} data-testid="rule-filter"
                    onInput=${(e) => set('filter', e.currentTarget.value)} ...${errorAttrs(id('filter'), fe('filter'))}></textarea>
                <div class="hint">${t(`leadRules.${kind}.filterHint`)}</div>
                <${FilterError} id=${id('filter')} messages=${fe('filter')} text=${sentFilter} testid="error-rule-filter" />
            </div>
            ${kind === 'assignment' && html`<fieldset class=${`form-row wide${target.length ? ' has-error' : ''}`}
                    data-field="user_id" data-testid="rule-target">
                <legend>${t('leadRules.assignTo')}</legend>
                <div class="target-choice">
                    <label class="option"><input type="radio" name=${id('target')} value="user" checked=${v.target === 'user'}
                        data-testid="rule-target-user" onChange=${() => set('target', 'user')} /> ${t('leadRules.user')}</label>
                    <select id=${id('user')} value=${v.user_id} disabled=${v.target !== 'user'} data-testid="rule-user"
                            aria-label=${t('leadRules.user')} onChange=${(e) => set('user_id', e.currentTarget.value)}>
                        <option value="">—</option>
                        ${users.filter((u) => !u.disabled || String(u.id) === v.user_id).map((u) => html`<option
                            key=${u.id} value=${String(u.id)}>${u.name || u.email}</option>`)}
                    </select>
                    <label class="option"><input type="radio" name=${id('target')} value="team" checked=${v.target === 'team'}
                        data-testid="rule-target-team" onChange=${() => set('target', 'team')} /> ${t('leadRules.team')}</label>
                    <select id=${id('team')} value=${v.team_id} disabled=${v.target !== 'team'} data-testid="rule-team"
                            aria-label=${t('leadRules.team')} onChange=${(e) => set('team_id', e.currentTarget.value)}>
                        <option value="">—</option>
                        ${teams.map((tm) => html`<option key=${tm.id} value=${String(tm.id)}>${tm.name}</option>`)}
                    </select>
                </div>
                <div class="hint">${t('leadRules.teamHint')}</div>
                ${target.length > 0 && html`<div class="field-error" role="alert" data-testid="error-rule-target">
                    ${target.map((m) => html`<div>${m}</div>`)}</div>`}
            </fieldset>`}
            <div class="form-row check" data-field="active">
                <label><input type="checkbox" checked=${v.active} data-testid="rule-active"
                    onChange=${(e) => set('active', e.currentTarget.checked)} /> ${t('leadRules.activeLabel')}</label>
            </div>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${saving} data-testid="rule-save">
                ${saving ? t('common.saving') : t('action.save')}</button>
            <button type="button" class="btn" onClick=${() => onDone(false)} data-testid="rule-cancel">
                ${t('action.cancel')}</button>
        </div>
    </form>`;
}

/** One list of rules with its editor. */
function RuleSection({ kind, users, teams }) {
    const me = useMe();
    const { path, entity, sort } = KINDS[kind];
    const [rules, setRules] = useState(null);
    const [error, setError] = useState(null);
    const [editing, setEditing] = useState(null); /* a rule id, 'new' or null */

    async function load() {
        try {
            setRules(await listAll(path, { sort }));
        } catch (e) {
            setError(e);
            setRules([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    async function remove(rule) {
        if (!window.confirm(t('leadRules.confirmDelete', { name: rule.name }))) return;
        setError(null);
        try {
            await api.del(`${path}/${rule.id}`);
            if (editing === rule.id) setEditing(null);
            load();
        } catch (e) {
            setError(e);
        }
    }

    const done = (saved) => {
        setEditing(null);
        if (saved) load();
    };
    const userName = (uid) => {
        const u = users.find((x) => x.id === uid);
        return u ? u.name || u.email : `#${uid}`;
    };
    const teamName = (tid) => {
        const tm = teams.find((x) => x.id === tid);
        return tm ? tm.name : `#${tid}`;
    };
    const current = rules && rules.find((r) => r.id === editing);
    return html`<section class="card-section rule-section" data-testid=${`${kind}-rules`}>
        <h2>${t(`leadRules.${kind}.title`)}</h2>
        <p class="hint">${t(`leadRules.${kind}.hint`)}</p>
        ${error && html`<div class="alert alert-error" role="alert" data-testid=${`${kind}-rules-error`}>${errorText(error)}</div>`}
        ${rules === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${rules && !rules.length && html`<p class="empty">${t('leadRules.none')}</p>`}
        ${rules && rules.length > 0 && html`<div class="table-wrap"><table class="records">
            <thead><tr>
                ${kind === 'assignment' && html`<th scope="col">${t('leadRules.position')}</th>`}
                <th scope="col">${t('leadRules.name')}</th>
                <th scope="col">${t('leadRules.filter')}</th>
                <th scope="col">${kind === 'scoring' ? t('leadRules.points') : t('leadRules.assignTo')}</th>
                <th scope="col">${t('leadRules.state')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${rules.map((r) => html`<tr key=${r.id} data-testid="rule-row" data-id=${r.id}
                        class=${r.active === false ? 'revoked' : ''}>
                    ${kind === 'assignment' && html`<td data-label=${t('leadRules.position')} class="num">${r.position}</td>`}
                    <td class="col-name" data-label=${t('leadRules.name')}>${r.name}</td>
                    <td data-label=${t('leadRules.filter')}>${r.filter
                        ? html`<code class="rule-filter">${r.filter}</code>`
                        : html`<span class="muted">${t('leadRules.everyLead')}</span>`}</td>
                    ${kind === 'scoring'
                        ? html`<td data-label=${t('leadRules.points')} class="num" data-testid="rule-points-cell">
                            ${r.points > 0 ? `+${r.points}` : String(r.points)}</td>`
                        : html`<td data-label=${t('leadRules.assignTo')} data-testid="rule-target-cell">${r.team_id != null
                            ? t('leadRules.teamNamed', { name: teamName(r.team_id) })
                            : userName(r.user_id)}</td>`}
                    <td data-label=${t('leadRules.state')}>${r.active === false
                        ? html`<span class="badge badge-off">${t('leadRules.inactive')}</span>`
                        : html`<span class="badge badge-on">${t('leadRules.active')}</span>`}</td>
                    <td class="col-actions">
                        ${can(me, entity, 'update', r) && html`<button type="button" class="btn btn-small"
                            onClick=${() => setEditing(r.id)} data-testid="rule-edit">${t('action.edit')}</button>`}
                        ${can(me, entity, 'delete', r) && html`<button type="button" class="btn btn-small btn-danger"
                            onClick=${() => remove(r)} data-testid="rule-delete">${t('action.delete')}</button>`}
                    </td>
                </tr>`)}
            </tbody>
        </table></div>`}
        ${editing === null && can(me, entity, 'create') && html`<div class="form-actions">
            <button type="button" class="btn btn-primary" onClick=${() => setEditing('new')}
                data-testid=${`${kind}-rule-new`}>${t(`leadRules.${kind}.create`)}</button></div>`}
        ${editing === 'new' && html`<${RuleEditor} key="new" kind=${kind} rule=${null} users=${users} teams=${teams}
            onDone=${done} />`}
        ${current && html`<${RuleEditor} key=${`${current.id}-${current.version}`} kind=${kind} rule=${current}
            users=${users} teams=${teams} onDone=${done} />`}
    </section>`;
}

export function LeadRulesPage() {
    const [users, setUsers] = useState([]);
    const [teams, setTeams] = useState([]);
    useTitle(t('nav.leadRules'));

    useEffect(() => {
        let live = true;
        /* a caller who may not list users or teams sees ids instead of names */
        listAll('/users').then((list) => live && setUsers(list), () => {});
        listAll('/teams').then((list) => live && setTeams(list), () => {});
        return () => {
            live = false;
        };
    }, []);

    return html`<section class="page lead-rules-page" data-testid="lead-rules-page">
        <header class="page-header"><h1>${t('nav.leadRules')}</h1></header>
        <${RuleSection} kind="scoring" users=${users} teams=${teams} />
        <${RuleSection} kind="assignment" users=${users} teams=${teams} />
    </section>`;
}
