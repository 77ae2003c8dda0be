// A task's page: the create form (/tasks/new; ?contact_id=, company_id, deal_id, lead_id
// prefill a link) and the edit form (/tasks/:id). Title, description, due time, a reminder (at a
// time or 15 min / 1 h / 1 day before the due time), priority, assignee, status, recurrence
// (RRULE), checklist and the linked contact, company, deal and lead. Times are typed in local
// time and sent as ISO UTC. A create POSTs and goes to the list; an edit PATCHes only what
// changed with If-Match: "<version>" and stays, showing the saved task.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, getRecord } from '../api.js';
import { DeleteButton } from '../components/Card.js';
import { ChecklistEditor } from '../components/ChecklistEditor.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { fromLocalInput, toLocalInput } from '../components/localTime.js';
import { REMIND_BEFORE } from '../components/QuickAdd.js';
import { RecordPicker } from '../components/RecordPicker.js';
import { RecurrenceInput } from '../components/RecurrenceInput.js';
import { buildRrule, parseRrule } from '../components/rrule.js';
import { PRIORITIES, STATUSES, TASK_LINKS, isOverdue, useUsers } from '../components/tasks.js';
import { recordName } from '../entities.js';
import { formatDateTime, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const OWNERS = ['title', 'description', 'due_at', 'remind_at', 'priority', 'status', 'assignee_id', 'rrule',
                'checklist', 'contact_id', 'company_id', 'deal_id', 'lead_id'];

/* Minutes between a reminder and the due time when they are one of the "before" choices. */
function remindBefore(r) {
    if (!r || !r.remind_at) return 'none';
    if (!r.due_at) return 'at';
    const minutes = (Date.parse(r.due_at) - Date.parse(r.remind_at)) / 60e3;
    return REMIND_BEFORE.includes(minutes) && minutes > 0 ? String(minutes) : 'at';
}

function toValues(r, me, search) {
    const params = new URLSearchParams(search || '');
    const values = {
        title: r ? r.title || '' : '',
        description: r ? r.description || '' : '',
        due_at: r ? toLocalInput(r.due_at) : '',
        remind: remindBefore(r),
        remind_at: r ? toLocalInput(r.remind_at) : '',
        priority: (r && r.priority) || 'normal',
        status: (r && r.status) || 'open',
        assignee_id: String((r ? r.assignee_id ?? r.owner_id : me && me.user && me.user.id) ?? ''),
        recurrence: parseRrule(r && r.rrule),
        checklist: r && Array.isArray(r.checklist) ? r.checklist.map((x) => ({ text: x.text || '', done: Boolean(x.done) })) : [],
    };
    for (const l of TASK_LINKS) {
        const id = r ? r[l.field] : Number(params.get(l.field)) || null;
        values[l.field] = id != null ? { id, name: null } : null;
    }
    return values;
}

/* The API body of the form's values (every field); client-side problems as {field: message}. */
function toBody(v, editing) {
    const body = {
        title: v.title.trim(),
        description: v.description.trim() || null,
        due_at: fromLocalInput(v.due_at),
        priority: v.priority,
        assignee_id: v.assignee_id ? Number(v.assignee_id) : null,
        rrule: buildRrule(v.recurrence),
        checklist: v.checklist.filter((x) => x.text.trim()).map((x) => ({ text: x.text.trim(), done: x.done })),
    };
    const problems = {};
    if (v.remind === 'none') body.remind_at = null;
    else if (v.remind === 'at') body.remind_at = fromLocalInput(v.remind_at);
    else if (body.due_at) body.remind_at = new Date(Date.parse(body.due_at) - Number(v.remind) * 60e3).toISOString();
    else problems.remind_at = t('task.remindNeedsDue');
    if (v.remind === 'at' && !body.remind_at) problems.remind_at = t('task.remindNeedsTime');
    if (editing) body.status = v.status;
    for (const l of TASK_LINKS) body[l.field] = v[l.field] ? v[l.field].id : null;
    return { body, problems };
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function TaskForm({ id }) {
    const me = useMe();
    const users = useUsers();
    const [record, setRecord] = useState(null);
    const [values, setValues] = useState(() => (id ? null : toValues(null, me, window.location.search)));
    const [loadError, setLoadError] = useState(null);
    const [error, setError] = useState(null);
    const [problems, setProblems] = useState({});
    const [saving, setSaving] = useState(false);
    const [saved, setSaved] = useState(false);
    useTitle(id ? (record ? record.title : t('common.loading')) : t('task.new'));

    async function load() {
        setLoadError(null);
        setError(null);
        try {
            const r = await getRecord('tasks', id);
            setRecord(r);
            setValues(toValues(r, me));
        } catch (e) {
            setLoadError(e);
        }
    }

    useEffect(() => {
        if (id) load();
    }, [id]);

    /* Names of the linked records the form got as ids. */
    const linkKey = values ? TASK_LINKS.map((l) => (values[l.field] ? `${values[l.field].id}:${values[l.field].name}` : '')).join('|') : '';
    useEffect(() => {
        if (!values) return;
        for (const l of TASK_LINKS) {
            const link = values[l.field];
            if (!link || link.name) continue;
            getRecord(l.entity, link.id).then(
                (r) => setValues((v) => (v[l.field] && v[l.field].id === link.id
                    ? { ...v, [l.field]: { id: link.id, name: recordName(l.entity, r) } } : v)),
                () => setValues((v) => (v[l.field] && v[l.field].id === link.id
                    ? { ...v, [l.field]: { id: link.id, name: `#${link.id}` } } : v)));
        }
    }, [linkKey]);

    if (loadError) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(loadError)}</div>`;
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    const editable = id ? can(me, 'tasks', 'update', record) : can(me, 'tasks', 'create');
    const set = (name, value) => {
        setSaved(false);
        setValues((v) => ({ ...v, [name]: value }));
    };

    async function submit(e) {
        e.preventDefault();
        if (saving) return;
        const { body, problems: found } = toBody(values, Boolean(id));
        setProblems(found);
        setError(null);
        setSaved(false);
        if (Object.keys(found).length) return;
        setSaving(true);
        try {
            if (id) {
                const before = toBody(toValues(record, me), true).body;
                const patch = Object.fromEntries(Object.entries(body).filter(([k, x]) => !same(before[k], x)));
                if (Object.keys(patch).length) {
                    const r = await api.patch(`/tasks/${id}`, patch, record.version);
                    setRecord(r);
                    setValues(toValues(r, me));
                }
                setSaved(true);
            } else {
                const create = Object.fromEntries(Object.entries(body).filter(([, x]) => x !== null
                    && !(Array.isArray(x) && !x.length)));
                await api.post('/tasks', create);
                navigate('/tasks');
            }
        } catch (err) {
            setError(err);
            window.requestAnimationFrame(() => {
                const first = document.querySelector('.form-row.has-error input, .form-row.has-error select, .form-row.has-error textarea, .alert-error');
                if (first && first.focus) first.focus();
            });
        } finally {
            setSaving(false);
        }
    }

    const errors = formErrors(error, new Set(OWNERS), values);
    const fe = (name) => {
        const list = [...(errors.fields[name] || [])];
        if (name === 'assignee_id') list.push(...(errors.fields.owner_id || []));
        if (problems[name]) list.push(problems[name]);
        return list.length ? list : undefined;
    };
    const input = (name, type = 'text', extra = {}) => html`<input id=${name} name=${name} type=${type}
        value=${values[name]} onInput=${(e) => set(name, e.currentTarget.value)}
        data-testid=${`task-${name}`} ...${errorAttrs(name, fe(name))} ...${extra} />`;
    const select = (name, options, label) => html`<select id=${name} value=${values[name]} data-testid=${`task-${name}`}
        onChange=${(e) => set(name, e.currentTarget.value)} ...${errorAttrs(name, fe(name))}>
        ${options.map((o) => html`<option value=${o}>${label(o)}</option>`)}</select>`;

    /* The assignee choices: the users list (or just the caller and the current assignee when it cannot be read). */
    const people = users.length ? users.filter((u) => !u.disabled || String(u.id) === values.assignee_id)
        : [me && me.user].filter(Boolean);
    if (values.assignee_id && !people.some((u) => String(u.id) === values.assignee_id)) {
        people.push({ id: Number(values.assignee_id), name: `#${values.assignee_id}` });
    }

    return html`<section class="page form-page task-page" data-testid="task-page">
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/tasks">${t('nav.tasks')}<//></p>
                <h1 data-testid="record-title">${id ? (record ? record.title : '') : t('task.new')}</h1>
                ${record && html`<p class="subtitle">
                    <span class=${`badge task-status status-${record.status}`} data-testid="task-status-badge">${t(`task.status.${record.status}`)}</span>
                    ${isOverdue(record) && html` <span class="badge badge-off" data-testid="task-overdue">${t('task.overdue')}</span>`}
                    ${record.done_at && html` <span class="muted">${t('task.doneAt', { when: formatDateTime(record.done_at) })}</span>`}
                </p>`}
            </div>
            <div class="page-actions">
                ${record && can(me, 'tasks', 'delete', record) && html`<${DeleteButton} entity="tasks" id=${record.id} name=${record.title} />`}
            </div>
        </header>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${load} />
        ${saved && html`<div class="alert alert-ok" role="status" data-testid="task-saved">${t('task.saved')}</div>`}
        <form class="record-form" onSubmit=${submit} novalidate data-testid="task-form">
            <fieldset class="plain-fieldset" disabled=${!editable}>
            <div class="form-grid">
                <${FormField} id="title" label=${t('task.title')} required errors=${fe('title')} wide>
                    ${input('title', 'text', { maxlength: 300, autocomplete: 'off' })}<//>
                <${FormField} id="description" label=${t('task.description')} errors=${fe('description')} wide>
                    <textarea id="description" rows="3" value=${values.description} data-testid="task-description"
                        onInput=${(e) => set('description', e.currentTarget.value)}
                        ...${errorAttrs('description', fe('description'))}></textarea><//>
                <${FormField} id="due_at" label=${t('task.due')} errors=${fe('due_at')} hint=${t('task.localTime')}>
                    ${input('due_at', 'datetime-local')}<//>
                <${FormField} id="remind" label=${t('task.remind')} errors=${fe('remind_at')}>
                    <div class="remind-inputs">
                        <select id="remind" value=${values.remind} data-testid="task-remind"
                                onChange=${(e) => set('remind', e.currentTarget.value)} ...${errorAttrs('remind', fe('remind_at'))}>
                            <option value="none">${t('task.remind.0')}</option>
                            ${REMIND_BEFORE.filter((m) => m > 0).map((m) => html`<option value=${String(m)}>${t(`task.remind.${m}`)}</option>`)}
                            <option value="at">${t('task.remindAt')}</option>
                        </select>
                        ${values.remind === 'at' && html`<input id="remind_at" type="datetime-local" value=${values.remind_at}
                            aria-label=${t('task.remindAt')} data-testid="task-remind_at"
                            onInput=${(e) => set('remind_at', e.currentTarget.value)} ...${errorAttrs('remind', fe('remind_at'))} />`}
                    </div><//>
                <${FormField} id="priority" label=${t('task.priority')} errors=${fe('priority')}>
                    ${select('priority', PRIORITIES, (p) => t(`task.priority.${p}`))}<//>
                <${FormField} id="assignee_id" label=${t('task.assignee')} errors=${fe('assignee_id')}>
                    <select id="assignee_id" value=${values.assignee_id} data-testid="task-assignee_id"
                            onChange=${(e) => set('assignee_id', e.currentTarget.value)} ...${errorAttrs('assignee_id', fe('assignee_id'))}>
                        ${people.map((u) => html`<option value=${String(u.id)}>${u.name || u.email || `#${u.id}`}${
                            me && me.user && u.id === me.user.id ? ` (${t('task.me')})` : ''}</option>`)}
                    </select><//>
                ${id && html`<${FormField} id="status" label=${t('task.statusLabel')} errors=${fe('status')}>
                    ${select('status', STATUSES, (s) => t(`task.status.${s}`))}<//>`}
                <${FormField} id="recurrence" label=${t('task.recurrence')} errors=${fe('rrule')} wide
                        hint=${values.recurrence.freq !== 'none' ? t('task.recurrenceHint') : null}>
                    <${RecurrenceInput} id="recurrence" value=${values.recurrence} onChange=${(r) => set('recurrence', r)}
                        invalid=${Boolean(fe('rrule'))} describedBy="recurrence-error" disabled=${!editable} /><//>
                <${FormField} id="checklist-new" label=${t('task.checklist')} errors=${fe('checklist')} wide>
                    <${ChecklistEditor} id="checklist-new" value=${values.checklist} onChange=${(c) => set('checklist', c)}
                        disabled=${!editable} /><//>
                ${TASK_LINKS.map((l) => html`<${FormField} key=${l.field} id=${`link-${l.field}`} label=${t(l.key)} errors=${fe(l.field)}>
                    <${RecordPicker} id=${`link-${l.field}`} entity=${l.entity} value=${values[l.field]}
                        onChange=${(v) => set(l.field, v)} invalid=${Boolean(fe(l.field))}
                        describedBy=${fe(l.field) ? `link-${l.field}-error` : undefined} /><//>`)}
            </div>
            </fieldset>
            <div class="form-actions">
                ${editable && html`<button type="submit" class="btn btn-primary" disabled=${saving} data-testid="save">
                    ${saving ? t('common.saving') : t('action.save')}</button>`}
                <${Link} href="/tasks" class="btn" data-testid="cancel">${id ? t('task.backToList') : t('action.cancel')}<//>
            </div>
        </form>
    </section>`;
}
