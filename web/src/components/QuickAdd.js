// The quick-add bar above a card's timeline: Call, Note, Meeting and Task each open a small
// form that POSTs /activities or /tasks with the card's link field (contact_id, company_id,
// deal_id or lead_id) and then tells the timeline to refresh. Times are typed in local time
// (datetime-local) and sent as ISO UTC; the server's field errors show under the inputs.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { can, useMe } from '../session.js';
import { ErrorBanner, formErrors } from './errors.js';
import { FormField, errorAttrs } from './FormField.js';
import { fromLocalInput, toLocalInput } from './localTime.js';

/** The link field of an activity or task made on a card of entity. */
export const LINK_FIELDS = { contacts: 'contact_id', companies: 'company_id', deals: 'deal_id', leads: 'lead_id' };

/** "Remind before due" choices: minutes before (0: no reminder). */
export const REMIND_BEFORE = [0, 15, 60, 1440];

const KINDS = [
    { kind: 'call', icon: '☎', entity: 'activities' },
    { kind: 'note', icon: '✎', entity: 'activities' },
    { kind: 'meeting', icon: '◷', entity: 'activities' },
    { kind: 'task', icon: '☑', entity: 'tasks' },
];

function nextHour() {
    const d = new Date();
    d.setMinutes(0, 0, 0);
    d.setHours(d.getHours() + 1);
    return d;
}

function initialValues(kind) {
    const hour = nextHour();
    if (kind === 'call') {
        return { subject: '', at: toLocalInput(new Date()), duration: '', direction: 'out', outcome: '' };
    }
    if (kind === 'note') return { body: '' };
    if (kind === 'meeting') {
        return { subject: '', at: toLocalInput(hour), end_at: toLocalInput(new Date(hour.getTime() + 3600e3)),
                 place: '' };
    }
    const due = new Date();
    due.setHours(18, 0, 0, 0);
    if (due <= new Date()) due.setDate(due.getDate() + 1);
    return { title: '', due_at: toLocalInput(due), remind: '0', priority: 'normal' };
}

const text = (s) => (s && s.trim() ? s.trim() : null);

/* {entity, body} of a quick form's values; client-side problems as {field: message}. */
function toRequest(kind, v, link) {
    if (kind === 'task') {
        const due = fromLocalInput(v.due_at);
        const before = Number(v.remind);
        const body = { title: v.title.trim(), due_at: due, priority: v.priority, ...link };
        if (before > 0) {
            if (!due) return { problems: { remind: t('task.remindNeedsDue') } };
            body.remind_at = new Date(Date.parse(due) - before * 60e3).toISOString();
        }
        return { entity: 'tasks', body };
    }
    const body = { type: kind, ...link };
    if (kind === 'note') {
        body.body = v.body.trim();
        body.at = new Date().toISOString();
        if (!body.body) return { problems: { body: t('timeline.noteEmpty') } };
    } else {
        body.subject = text(v.subject);
        body.at = fromLocalInput(v.at);
        if (kind === 'call') {
            const minutes = Number(String(v.duration).replace(',', '.'));
            if (String(v.duration).trim() !== '') {
                if (!Number.isFinite(minutes) || minutes < 0) return { problems: { duration_s: t('timeline.badMinutes') } };
                body.duration_s = Math.round(minutes * 60);
            }
            body.direction = v.direction || null;
            body.outcome = text(v.outcome);
        } else {
            body.end_at = fromLocalInput(v.end_at);
            body.place = text(v.place);
        }
    }
    for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    return { entity: 'activities', body };
}

const OWNERS = ['subject', 'at', 'duration_s', 'direction', 'outcome', 'body', 'end_at', 'place', 'title',
                'due_at', 'remind_at', 'priority', 'remind'];

function QuickForm({ kind, link, onDone, onCancel }) {
    const [v, setV] = useState(() => initialValues(kind));
    const [error, setError] = useState(null);
    const [problems, setProblems] = useState({});
    const [saving, setSaving] = useState(false);
    const root = useRef(null);
    useEffect(() => {
        const first = root.current && root.current.querySelector('input, textarea, select');
        if (first) first.focus();
    }, []);

    const set = (name, value) => setV((old) => {
        const next = { ...old, [name]: value };
        /* a meeting keeps its length when its start moves */
        if (kind === 'meeting' && name === 'at' && old.at && old.end_at) {
            const length = Date.parse(old.end_at) - Date.parse(old.at);
            const start = Date.parse(value);
            if (Number.isFinite(length) && Number.isFinite(start) && length > 0) {
                next.end_at = toLocalInput(new Date(start + length));
            }
        }
        return next;
    });

    async function submit(e) {
        e.preventDefault();
        if (saving) return;
        const req = toRequest(kind, v, link);
        setProblems(req.problems || {});
        setError(null);
        if (req.problems) return;
        setSaving(true);
        try {
            const saved = await api.post(`/${req.entity}`, req.body);
            onDone(kind, saved);
        } catch (err) {
            setError(err);
        } finally {
            setSaving(false);
        }
    }

    const errors = formErrors(error, new Set(OWNERS), v);
    const fe = (name) => {
        const list = [...(errors.fields[name] || [])];
        if (name === 'remind') list.push(...(errors.fields.remind_at || []));
        if (problems[name]) list.push(problems[name]);
        return list.length ? list : undefined;
    };
    const id = (name) => `qa-${name}`;
    const input = (name, type = 'text', extra = {}) => html`<input id=${id(name)} type=${type} value=${v[name]}
        onInput=${(e) => set(name, e.currentTarget.value)} data-testid=${id(name)}
        ...${errorAttrs(id(name), fe(name))} ...${extra} />`;
    const field = (name, label, control, opts = {}) => html`<${FormField} id=${id(name)} label=${label}
        errors=${fe(name)} required=${opts.required} wide=${opts.wide} hint=${opts.hint}>${control}<//>`;

    let fields;
    if (kind === 'call') {
        fields = html`
            ${field('subject', t('timeline.subject'), input('subject', 'text', { maxlength: 300 }), { wide: true })}
            ${field('at', t('timeline.when'), input('at', 'datetime-local'), { required: true })}
            ${field('duration_s', t('timeline.durationMinutes'), html`<input id=${id('duration_s')} type="number" min="0"
                step="1" inputmode="numeric" value=${v.duration} data-testid="qa-duration"
                onInput=${(e) => set('duration', e.currentTarget.value)} ...${errorAttrs(id('duration_s'), fe('duration_s'))} />`)}
            ${field('direction', t('timeline.direction'), html`<select id=${id('direction')} value=${v.direction}
                data-testid="qa-direction" onChange=${(e) => set('direction', e.currentTarget.value)}>
                <option value="out">${t('timeline.direction.out')}</option>
                <option value="in">${t('timeline.direction.in')}</option>
            </select>`)}
            ${field('outcome', t('timeline.outcome'), input('outcome', 'text', { maxlength: 200,
                placeholder: t('timeline.outcomeHint') }))}`;
    } else if (kind === 'note') {
        fields = field('body', t('timeline.noteText'), html`<textarea id=${id('body')} rows="3" value=${v.body}
            data-testid="qa-body" onInput=${(e) => set('body', e.currentTarget.value)}
            ...${errorAttrs(id('body'), fe('body'))}></textarea>`, { wide: true, required: true });
    } else if (kind === 'meeting') {
        fields = html`
            ${field('subject', t('timeline.subject'), input('subject', 'text', { maxlength: 300 }), { wide: true })}
            ${field('at', t('timeline.start'), input('at', 'datetime-local'), { required: true })}
            ${field('end_at', t('timeline.end'), input('end_at', 'datetime-local'))}
            ${field('place', t('timeline.place'), input('place', 'text', { maxlength: 300 }), { wide: true })}`;
    } else {
        fields = html`
            ${field('title', t('task.title'), input('title', 'text', { maxlength: 300 }), { wide: true, required: true })}
            ${field('due_at', t('task.due'), input('due_at', 'datetime-local'))}
            ${field('remind', t('task.remindBefore'), html`<select id=${id('remind')} value=${v.remind}
                data-testid="qa-remind" onChange=${(e) => set('remind', e.currentTarget.value)}
                ...${errorAttrs(id('remind'), fe('remind'))}>
                ${REMIND_BEFORE.map((m) => html`<option value=${String(m)}>${t(`task.remind.${m}`)}</option>`)}
            </select>`)}
            ${field('priority', t('task.priority'), html`<select id=${id('priority')} value=${v.priority}
                data-testid="qa-priority" onChange=${(e) => set('priority', e.currentTarget.value)}>
                ${['low', 'normal', 'high'].map((p) => html`<option value=${p}>${t(`task.priority.${p}`)}</option>`)}
            </select>`)}`;
    }

    return html`<form class="quick-form" ref=${root} onSubmit=${submit} novalidate data-testid=${`quick-form-${kind}`}
            onKeyDown=${(e) => { if (e.key === 'Escape') onCancel(); }}
            aria-label=${t(`timeline.quick.${kind}`)}>
        <${ErrorBanner} messages=${errors.top} />
        <div class="form-grid">${fields}</div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary btn-small" disabled=${saving} data-testid="qa-save">
                ${saving ? t('common.saving') : t('action.save')}</button>
            <button type="button" class="btn btn-small" onClick=${onCancel} data-testid="qa-cancel">${t('action.cancel')}</button>
        </div>
    </form>`;
}

/** entity/id: the card; onAdded(kind, record) after a save. */
export function QuickAdd({ entity, id, onAdded }) {
    const me = useMe();
    const [open, setOpen] = useState(null);
    const [done, setDone] = useState('');
    const link = { [LINK_FIELDS[entity]]: Number(id) };
    const allowed = KINDS.filter((k) => can(me, k.entity, 'create'));
    if (!allowed.length) return null;
    return html`<div class="quick-add" data-testid="quick-add">
        <div class="quick-add-bar" role="group" aria-label=${t('timeline.quickAdd')}>
            ${allowed.map((k) => html`<button key=${k.kind} type="button"
                    class=${`btn btn-small${open === k.kind ? ' btn-primary' : ''}`}
                    aria-expanded=${open === k.kind ? 'true' : 'false'} data-testid=${`quick-${k.kind}`}
                    onClick=${() => { setDone(''); setOpen(open === k.kind ? null : k.kind); }}>
                <span aria-hidden="true">${k.icon}</span> ${t(`timeline.quick.${k.kind}`)}</button>`)}
            <span class="quick-done muted" role="status" data-testid="quick-done">${done}</span>
        </div>
        ${open && html`<${QuickForm} key=${open} kind=${open} link=${link} onCancel=${() => setOpen(null)}
            onDone=${(kind, saved) => { setOpen(null); setDone(t(`timeline.added.${kind}`)); onAdded(kind, saved); }} />`}
    </div>`;
}
