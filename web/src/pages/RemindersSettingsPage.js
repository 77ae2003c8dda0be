// Reminder settings (/settings/reminders): how many days before a contact's birthday its owner
// is told (birthday_reminder_days of GET/PATCH /settings). Everyone reads it; administrators
// change it (with If-Match: the settings' version).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { t } from '../i18n/index.js';
import { useMe } from '../session.js';
import { useTitle } from './title.js';

export function RemindersSettingsPage() {
    const me = useMe();
    const admin = Boolean(me && me.is_admin);
    const [settings, setSettings] = useState(null);
    const [days, setDays] = useState('');
    const [error, setError] = useState(null);
    const [saved, setSaved] = useState(false);
    useTitle(t('reminders.title'));

    async function load() {
        try {
            const s = await api.get('/settings');
            setSettings(s);
            setDays(String(s.birthday_reminder_days));
        } catch (err) {
            setError(err);
        }
    }
    useEffect(() => {
        load();
    }, []);

    async function save(e) {
        e.preventDefault();
        setError(null);
        setSaved(false);
        try {
            const n = days.trim() === '' ? null : Number(days);
            const s = await api.patch('/settings', { birthday_reminder_days: Number.isInteger(n) ? n : days },
                settings.version);
            setSettings(s);
            setSaved(true);
        } catch (err) {
            setError(err);
        }
    }

    const errs = formErrors(error, new Set(['birthday_reminder_days']), {});
    return html`<section class="page" data-testid="reminders-settings-page">
        <header class="page-header"><h1>${t('reminders.title')}</h1></header>
        ${!settings && error && html`<div class="alert alert-error" role="alert">${errorText(error)}</div>`}
        ${settings && html`<form class="record-form" onSubmit=${save} novalidate data-testid="reminders-form">
            <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${load} />
            ${saved && html`<div class="alert alert-ok" role="status" data-testid="reminders-saved">
                ${t('reminders.saved')}</div>`}
            <div class="form-grid">
                <${FormField} id="birthday-days" label=${t('reminders.birthdayDays')}
                        errors=${errs.fields.birthday_reminder_days} hint=${t('reminders.birthdayHint')}>
                    <input id="birthday-days" type="number" min="0" max="365" step="1" value=${days}
                        disabled=${!admin} data-testid="birthday-days"
                        onInput=${(e) => setDays(e.currentTarget.value)}
                        ...${errorAttrs('birthday-days', errs.fields.birthday_reminder_days)} /><//>
            </div>
            ${admin && html`<div class="form-actions">
                <button type="submit" class="btn btn-primary" data-testid="reminders-save">
                    ${t('action.save')}</button></div>`}
        </form>`}
    </section>`;
}
