// My profile and security (/account): who I am, the password change and two-factor sign-in:
// set up (POST /auth/totp/setup shows the secret and the otpauth URL), enable with a code
// (the 10 recovery codes are shown once), disable with the password.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { roleLabel } from '../components/Admin.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorBanner, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { PasswordForm } from '../components/PasswordForm.js';
import { Prop } from '../components/Card.js';
import { formatDateTime, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { loadSession, useSession } from '../session.js';
import { useTitle } from './title.js';

function TeamName({ id }) {
    const [name, setName] = useState(null);
    useEffect(() => {
        let live = true;
        api.get(`/teams/${id}`).then((team) => live && setName(team.name), () => live && setName(`#${id}`));
        return () => {
            live = false;
        };
    }, [id]);
    return name || `#${id}`;
}

function RecoveryCodes({ codes, onDone }) {
    const text = codes.join('\n');
    return html`<div class="recovery" data-testid="recovery-codes-panel">
        <div class="alert alert-ok" role="status">${t('totp.enabled')}</div>
        <p><strong>${t('totp.codesTitle')}</strong></p>
        <p class="muted">${t('totp.codesHint')}</p>
        <ol class="code-list" data-testid="recovery-codes">
            ${codes.map((c) => html`<li key=${c}><code>${c}</code></li>`)}
        </ol>
        <div class="form-actions">
            <${CopyButton} text=${text} testid="recovery-codes-copy" />
            <button type="button" class="btn btn-primary" onClick=${onDone} data-testid="recovery-codes-done">
                ${t('totp.codesSaved')}</button>
        </div>
    </div>`;
}

function TotpSetup({ setup, onCancel, onEnabled }) {
    const [code, setCode] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const wrong = error && (error.status === 401 || error.status === 422);
    const errs = formErrors(wrong ? null : error, new Set(['code']), {});
    const codeErrors = wrong ? [t('totp.wrong')] : errs.fields.code;

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            const answer = await api.post('/auth/totp/enable', { code: code.replace(/\s+/g, '') },
                { quiet401: true });
            onEnabled((answer && answer.recovery_codes) || []);
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    return html`<form onSubmit=${submit} novalidate data-testid="totp-setup-form">
        <ol class="steps">
            <li>${t('totp.step1')}
                <dl class="props secret">
                    <div class="prop"><dt>${t('totp.secret')}</dt>
                        <dd><code data-testid="totp-secret">${setup.secret}</code>
                            ${' '}<${CopyButton} text=${setup.secret} testid="totp-secret-copy" /></dd></div>
                    <div class="prop wide"><dt>${t('totp.url')}</dt>
                        <dd><code class="break" data-testid="totp-url">${setup.otpauth_url}</code></dd></div>
                </dl>
            </li>
            <li>${t('totp.step2')}</li>
        </ol>
        <${ErrorBanner} messages=${errs.top} />
        <${FormField} id="totp-enable-code" label=${t('totp.code')} errors=${codeErrors}>
            <input id="totp-enable-code" class="short" type="text" inputmode="numeric" autocomplete="one-time-code"
                maxlength="6" value=${code} data-testid="totp-enable-code"
                onInput=${(e) => setCode(e.currentTarget.value)} ...${errorAttrs('totp-enable-code', codeErrors)} /><//>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy || !code.trim()}
                data-testid="totp-enable-submit">${t('totp.enable')}</button>
            <button type="button" class="btn" onClick=${onCancel}>${t('action.cancel')}</button>
        </div>
    </form>`;
}

function TotpDisable() {
    const [password, setPassword] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const wrong = error && error.status === 401;
    const errs = formErrors(wrong ? null : error, new Set(['password']), {});
    const pwErrors = wrong ? [t('password.wrongCurrent')] : errs.fields.password;

    async function submit(e) {
        e.preventDefault();
        if (!window.confirm(t('totp.confirmDisable'))) return;
        setBusy(true);
        setError(null);
        try {
            await api.post('/auth/totp/disable', { password }, { quiet401: true });
            setPassword('');
            await loadSession();
        } catch (err) {
            setError(err);
            if (err.status === 401) loadSession();
        } finally {
            setBusy(false);
        }
    }

    return html`<form onSubmit=${submit} novalidate data-testid="totp-disable-form">
        <${ErrorBanner} messages=${errs.top} />
        <${FormField} id="totp-disable-password" label=${t('totp.disablePassword')} errors=${pwErrors}>
            <input id="totp-disable-password" class="short" type="password" autocomplete="current-password"
                value=${password} data-testid="totp-disable-password"
                onInput=${(e) => setPassword(e.currentTarget.value)} ...${errorAttrs('totp-disable-password', pwErrors)} /><//>
        <div class="form-actions">
            <button type="submit" class="btn btn-danger" disabled=${busy || !password}
                data-testid="totp-disable-submit">${t('totp.disable')}</button>
        </div>
    </form>`;
}

function TwoFactor({ user }) {
    const [setup, setSetup] = useState(null);
    const [codes, setCodes] = useState(null);
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);

    async function start() {
        setBusy(true);
        setError(null);
        try {
            setSetup(await api.post('/auth/totp/setup'));
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    }

    function enabled(list) {
        setSetup(null);
        setCodes(list);
        loadSession();
    }

    let body;
    if (codes) {
        body = html`<${RecoveryCodes} codes=${codes} onDone=${() => setCodes(null)} />`;
    } else if (user.totp_enabled) {
        body = html`<p data-testid="totp-status">${t('totp.statusOn')}</p><${TotpDisable} />`;
    } else if (setup) {
        body = html`<${TotpSetup} setup=${setup} onCancel=${() => setSetup(null)} onEnabled=${enabled} />`;
    } else {
        body = html`<p data-testid="totp-status">${t('totp.statusOff')}</p>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" onClick=${start} disabled=${busy}
                    data-testid="totp-setup">${t('totp.setup')}</button>
            </div>`;
    }
    return html`<section class="card-section" data-testid="totp-section">
        <h2>${t('totp.section')}</h2>
        ${error && html`<${ErrorBanner} messages=${formErrors(error, new Set(), {}).top} />`}
        ${body}
    </section>`;
}

/* The zones the browser knows (Intl), with the account's own first when the list lacks it. */
function zoneNames(current) {
    let names = [];
    try {
        names = Intl.supportedValuesOf('timeZone');
    } catch {
        names = ['UTC', Intl.DateTimeFormat().resolvedOptions().timeZone];
    }
    if (!names.includes('UTC')) names = ['UTC', ...names];
    return names.includes(current) ? names : [current, ...names];
}

/* The account's time zone: days, reminders' "today" and recurrences are reckoned in it. */
function TimeZoneForm({ user }) {
    const [zone, setZone] = useState(user.time_zone || 'UTC');
    const [error, setError] = useState(null);
    const [saved, setSaved] = useState(false);
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const errs = formErrors(error, new Set(['time_zone']), {});

    async function save(e) {
        e.preventDefault();
        setError(null);
        setSaved(false);
        try {
            await api.patch('/auth/me', { time_zone: zone });
            await loadSession();
            setSaved(true);
        } catch (err) {
            setError(err);
        }
    }
    return html`<form class="card-section" onSubmit=${save} data-testid="time-zone-form">
        <h2>${t('profile.timeZone')}</h2>
        ${errs.top.length > 0 && html`<${ErrorBanner} messages=${errs.top} />`}
        <${FormField} id="field-time_zone" label=${t('profile.timeZone')} errors=${errs.fields.time_zone}
                hint=${t('profile.timeZoneHint')}>
            <select id="field-time_zone" value=${zone} onChange=${(e) => setZone(e.currentTarget.value)}
                    data-testid="time-zone-select" ...${errorAttrs('field-time_zone', errs.fields.time_zone)}>
                ${zoneNames(zone).map((z) => html`<option key=${z} value=${z}>${z}</option>`)}
            </select>
        <//>
        <div class="form-actions">
            ${browser && browser !== zone && html`<button type="button" class="btn" data-testid="time-zone-browser"
                onClick=${() => setZone(browser)}>${t('profile.useBrowserZone', { zone: browser })}</button>`}
            <button type="submit" class="btn btn-primary" data-testid="time-zone-save">${t('action.save')}</button>
            ${saved && html`<span class="muted" role="status" data-testid="time-zone-saved">${t('profile.saved')}</span>`}
        </div>
    </form>`;
}

export function ProfilePage() {
    const { me } = useSession();
    useTitle(t('profile.title'));
    if (!me) return null;
    const u = me.user;
    return html`<section class="page profile-page" data-testid="profile-page">
        <header class="page-header">
            <h1>${t('profile.title')}</h1>
            <div class="page-actions">
                <${Link} href="/account/tokens" class="btn">${t('nav.tokens')}<//>
            </div>
        </header>
        <section class="card-section">
            <dl class="props">
                <${Prop} name="user-name" label=${t('user.name')}>${u.name}<//>
                <${Prop} name="user-email" label=${t('user.email')}>${u.email}<//>
                <${Prop} name="user-role" label=${t('user.role')}>${roleLabel(u.role)}<//>
                <${Prop} name="user-team" label=${t('user.team')}>${u.team_id && html`<${TeamName} id=${u.team_id} />`}<//>
                <${Prop} name="user-last-sign-in" label=${t('user.lastSignIn')}>${u.last_sign_in_at && formatDateTime(u.last_sign_in_at)}<//>
            </dl>
        </section>
        <${TimeZoneForm} user=${u} />
        <${PasswordForm} />
        <${TwoFactor} user=${u} />
    </section>`;
}
