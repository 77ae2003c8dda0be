// An activity (/activities/:id): a call, meeting, message, note, order or claim with its
// fields and the records it is about; "Edit" turns the main fields into a small form saved
// with PATCH + If-Match (only what changed), the server's errors shown at their fields.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { updateRecord } from '../api.js';
import { DeleteButton, Prop, Timestamps, ValueList, useRecord } from '../components/Card.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { formatDateTime, formatMoney, has, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const pad = (n) => String(n).padStart(2, '0');

/** An ISO datetime as the value of a datetime-local input (local time). */
export function toLocalInput(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an ISO UTC datetime (null when empty). */
export function fromLocalInput(value) {
    if (!value) return null;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

const EDIT_FIELDS = ['subject', 'at', 'end_at', 'all_day', 'place', 'direction', 'outcome', 'body'];
const LINKS = [['contact_id', 'contacts'], ['company_id', 'companies'], ['deal_id', 'deals'], ['lead_id', 'leads']];

const enumText = (key) => (has(key) ? t(key) : key.split('.').pop());

function toValues(r) {
    return {
        subject: r.subject || '',
        at: toLocalInput(r.at),
        end_at: toLocalInput(r.end_at),
        all_day: Boolean(r.all_day),
        place: r.place || '',
        direction: r.direction || '',
        outcome: r.outcome || '',
        body: r.body || '',
    };
}

function toBody(v) {
    const text = (s) => (s && s.trim() ? s.trim() : null);
    return {
        subject: text(v.subject),
        at: fromLocalInput(v.at),
        end_at: fromLocalInput(v.end_at),
        all_day: v.all_day,
        place: text(v.place),
        direction: v.direction || null,
        outcome: text(v.outcome),
        body: text(v.body),
    };
}

function EditForm({ record, onSaved, onCancel, onReload }) {
    const [values, setValues] = useState(() => toValues(record));
    const [saving, setSaving] = useState(false);
    const [error, setError] = useState(null);
    const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));

    async function submit(e) {
        e.preventDefault();
        if (saving) return;
        const before = toBody(toValues(record));
        const after = toBody(values);
        const body = Object.fromEntries(Object.entries(after)
            .filter(([k, v]) => JSON.stringify(before[k]) !== JSON.stringify(v)));
        if (!Object.keys(body).length) {
            onCancel();
            return;
        }
        setSaving(true);
        setError(null);
        try {
            onSaved(await updateRecord('activities', record.id, body, record.version));
        } catch (err) {
            setError(err);
        } finally {
            setSaving(false);
        }
    }

    const errors = formErrors(error, new Set(EDIT_FIELDS), values);
    const fe = (name) => errors.fields[name];
    const input = (name, type = 'text') => html`<input id=${name} name=${name} type=${type} value=${values[name]}
        onInput=${(e) => set(name, e.currentTarget.value)} ...${errorAttrs(name, fe(name))} />`;
    const showDirection = record.type === 'call' || record.type === 'email' || record.type === 'sms'
        || record.type === 'chat';
    return html`<form class="record-form" onSubmit=${submit} novalidate data-testid="activity-form">
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${onReload} />
        <div class="form-grid">
            <${FormField} id="subject" label=${t('actView.subject')} errors=${fe('subject')}>${input('subject')}<//>
            <${FormField} id="place" label=${t('actView.place')} errors=${fe('place')}>${input('place')}<//>
            <${FormField} id="at" label=${t('actView.at')} required errors=${fe('at')}>${input('at', 'datetime-local')}<//>
            <${FormField} id="end_at" label=${t('actView.end_at')} errors=${fe('end_at')}>${input('end_at', 'datetime-local')}<//>
            <${FormField} id="all_day" label=${t('actView.all_day')} errors=${fe('all_day')}>
                <input id="all_day" type="checkbox" class="checkbox-field" checked=${values.all_day}
                    onChange=${(e) => set('all_day', e.currentTarget.checked)} /><//>
            ${showDirection && html`<${FormField} id="direction" label=${t('actView.direction')} errors=${fe('direction')}>
                <select id="direction" value=${values.direction} onChange=${(e) => set('direction', e.currentTarget.value)}>
                    <option value="">—</option>
                    <option value="in">${t('actView.direction.in')}</option>
                    <option value="out">${t('actView.direction.out')}</option>
                </select><//>`}
            <${FormField} id="outcome" label=${t('actView.outcome')} errors=${fe('outcome')}>${input('outcome')}<//>
            <${FormField} id="body" label=${t('actView.body')} errors=${fe('body')} wide>
                <textarea id="body" rows="4" value=${values.body} onInput=${(e) => set('body', e.currentTarget.value)}
                    ...${errorAttrs('body', fe('body'))}></textarea><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${saving} data-testid="save">
                ${saving ? t('common.saving') : t('action.save')}</button>
            <button type="button" class="btn" onClick=${onCancel}>${t('action.cancel')}</button>
        </div>
    </form>`;
}

export function ActivityPage({ id }) {
    const { record: loaded, error, reload } = useRecord('activities', id);
    const [saved, setSaved] = useState(null);
    const [editing, setEditing] = useState(false);
    const me = useMe();
    const r = saved && loaded && saved.id === loaded.id && saved.version >= loaded.version ? saved : loaded;
    const typeText = r ? enumText(`actView.type.${r.type}`) : '';
    useTitle(r ? r.subject || typeText : t('actView.title'));

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(error)}</div>`;
    if (!r) return html`<p class="muted">${t('common.loading')}</p>`;

    return html`<article class="page card" data-testid="activity-card">
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/calendar">${t('nav.calendar')}<//> · ${typeText}</p>
                <h1 data-testid="record-title">${r.subject || typeText}</h1>
            </div>
            <div class="page-actions">
                ${!editing && can(me, 'activities', 'update', r) && html`<button type="button" class="btn btn-primary"
                    onClick=${() => setEditing(true)} data-testid="edit">${t('action.edit')}</button>`}
                ${can(me, 'activities', 'delete', r) && html`<${DeleteButton} entity="activities" id=${r.id}
                    name=${r.subject || typeText} />`}
            </div>
        </header>
        ${editing && html`<${EditForm} record=${r} onCancel=${() => setEditing(false)}
            onReload=${() => { setEditing(false); setSaved(null); reload(); }}
            onSaved=${(next) => { setSaved(next); setEditing(false); }} />`}
        ${!editing && html`<section class="card-section">
            <dl class="props">
                <${Prop} name="type" label=${t('actView.type')}>${typeText}<//>
                <${Prop} name="at" label=${t('actView.at')}>${r.at && html`<time datetime=${r.at}>${formatDateTime(r.at)}</time>`}<//>
                <${Prop} name="end_at" label=${t('actView.end_at')}>${r.end_at && html`<time datetime=${r.end_at}>${formatDateTime(r.end_at)}</time>`}<//>
                <${Prop} name="all_day" label=${t('actView.all_day')}>${r.all_day ? t('common.yes') : null}<//>
                <${Prop} name="place" label=${t('actView.place')}>${r.place}<//>
                <${Prop} name="participants" label=${t('actView.participants')}><${ValueList} values=${r.participants} /><//>
                <${Prop} name="direction" label=${t('actView.direction')}>${r.direction && enumText(`actView.direction.${r.direction}`)}<//>
                <${Prop} name="outcome" label=${t('actView.outcome')}>${r.outcome}<//>
                <${Prop} name="status" label=${t('actView.status')}>${r.status}<//>
                <${Prop} name="amount" label=${t('actView.amount')}>${r.amount && formatMoney(r.amount)}<//>
                <${Prop} name="rrule" label=${t('actView.rrule')}>${r.rrule && html`<code>${r.rrule}</code>`}<//>
                ${LINKS.filter(([key]) => r[key]).map(([key, entity]) => html`<${Prop} key=${key} name=${key}
                    label=${t(`nav.${entity}`)}><${Link} href=${`/${entity}/${r[key]}`}>#${r[key]}<//><//>`)}
                <${Prop} name="tags" label=${t('actView.tags')}><${ValueList} values=${r.tags} kind="tags" /><//>
            </dl>
            ${r.body && html`<div class="activity-body pre" data-testid="activity-body">${r.body}</div>`}
        </section>`}
        <${Timestamps} record=${r} />
    </article>`;
}
