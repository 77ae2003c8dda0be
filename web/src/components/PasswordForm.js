// Change of the caller's own password (POST /auth/password): current, new and repeated new
// password. The answer brings a new CSRF token; every other session and API token of the
// user is revoked by the server. Used on the profile page and, forced, before anything else.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, setCsrfToken } from '../api.js';
import { t } from '../i18n/index.js';
import { loadSession } from '../session.js';
import { ErrorBanner, formErrors } from './errors.js';
import { FormField, errorAttrs } from './FormField.js';

export const PASSWORD_MIN_BYTES = 10;
export const PASSWORD_MAX_BYTES = 1024;

export function byteLength(text) {
    return new TextEncoder().encode(text).length;
}

/** Local check of a new password and its repetition: {field: [messages]}. */
export function checkNewPassword(password, repeat) {
    const errors = {};
    const n = byteLength(password);
    if (n < PASSWORD_MIN_BYTES) errors.new_password = [t('password.tooShort', { n: PASSWORD_MIN_BYTES })];
    else if (n > PASSWORD_MAX_BYTES) errors.new_password = [t('password.tooLong', { n: PASSWORD_MAX_BYTES })];
    if (repeat !== undefined && password !== repeat) errors.repeat = [t('password.mismatch')];
    return errors;
}

const EMPTY = { current: '', next: '', repeat: '' };

export function PasswordForm({ forced, onDone }) {
    const [v, setV] = useState(EMPTY);
    const [error, setError] = useState(null);
    const [local, setLocal] = useState({});
    const [busy, setBusy] = useState(false);
    const [done, setDone] = useState(false);
    const set = (k, x) => setV((s) => ({ ...s, [k]: x }));
    const errs = formErrors(error && error.status !== 401 ? error : null,
        new Set(['current_password', 'new_password']), {});
    const fieldErrors = {
        current_password: error && error.status === 401 ? [t('password.wrongCurrent')] : errs.fields.current_password,
        new_password: local.new_password || errs.fields.new_password,
        repeat: local.repeat,
    };

    async function submit(e) {
        e.preventDefault();
        setError(null);
        setDone(false);
        const problems = checkNewPassword(v.next, v.repeat);
        if (!v.current) problems.current_password = [t('password.required')];
        setLocal(problems);
        if (Object.keys(problems).length) return;
        setBusy(true);
        try {
            const answer = await api.post('/auth/password',
                { current_password: v.current, new_password: v.next }, { quiet401: true });
            if (answer && answer.csrf_token) setCsrfToken(answer.csrf_token);
            setV(EMPTY);
            setDone(true);
            await loadSession();
            if (onDone) onDone();
        } catch (err) {
            setError(err);
            /* a 401 may also mean the session itself is gone: check, quietly */
            if (err.status === 401) loadSession();
        } finally {
            setBusy(false);
        }
    }

    const currentErrors = local.current_password || fieldErrors.current_password;
    return html`<form class=${forced ? 'auth-form' : 'record-form'} onSubmit=${submit} novalidate
            data-testid="password-form">
        ${forced ? html`<h1>${t('password.forcedTitle')}</h1><p class="muted">${t('password.forcedHint')}</p>`
            : html`<h2>${t('password.title')}</h2>`}
        ${done && html`<div class="alert alert-ok" role="status" data-testid="password-changed">${t('password.changed')}</div>`}
        <${ErrorBanner} messages=${errs.top} />
        <div class=${forced ? 'auth-fields' : 'form-grid'}>
            <${FormField} id="password-current" label=${t('password.current')} errors=${currentErrors} wide>
                <input id="password-current" type="password" value=${v.current} autocomplete="current-password"
                    data-testid="password-current" onInput=${(e) => set('current', e.currentTarget.value)}
                    ...${errorAttrs('password-current', currentErrors)} /><//>
            <${FormField} id="password-new" label=${t('password.new')} errors=${fieldErrors.new_password}
                    hint=${t('password.rule', { n: PASSWORD_MIN_BYTES })}>
                <input id="password-new" type="password" value=${v.next} autocomplete="new-password"
                    data-testid="password-new" onInput=${(e) => set('next', e.currentTarget.value)}
                    ...${errorAttrs('password-new', fieldErrors.new_password)} /><//>
            <${FormField} id="password-repeat" label=${t('password.repeat')} errors=${fieldErrors.repeat}>
                <input id="password-repeat" type="password" value=${v.repeat} autocomplete="new-password"
                    data-testid="password-repeat" onInput=${(e) => set('repeat', e.currentTarget.value)}
                    ...${errorAttrs('password-repeat', fieldErrors.repeat)} /><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy} data-testid="password-submit">
                ${busy ? t('common.saving') : t('password.submit')}</button>
        </div>
    </form>`;
}
