// Sign-in (/login): e-mail and password, then, when the account has two-factor sign-in,
// the 6-digit code (or a recovery code). Wrong credentials (401) and throttling (429 with
// Retry-After) are shown above the form; success goes to ?next= (the page first asked for).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { AuthFrame } from '../components/AuthFrame.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import { completeSignIn, getSession, safeNext } from '../session.js';
import { useTitle } from './title.js';

/** The message of a failed sign-in step; wrong is the text for a 401. */
function signInError(error, wrong) {
    if (!error) return null;
    if (error.status === 401) return wrong;
    if (error.status === 429) {
        const minutes = Math.max(1, Math.ceil((error.retryAfter || 60) / 60));
        return t('login.throttled', { n: minutes });
    }
    return null;
}

function nextFromUrl() {
    return safeNext(new URLSearchParams(window.location.search).get('next'));
}

function PasswordStep({ onTotp, onDone }) {
    const [email, setEmail] = useState('');
    const [password, setPassword] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const special = signInError(error, t('login.wrong'));
    const errs = formErrors(special ? null : error, new Set(['email', 'password']), {});

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            const answer = await api.post('/auth/login', { email: email.trim(), password },
                { quiet401: true });
            if (answer && answer.totp_required) onTotp(answer.challenge);
            else await onDone(answer);
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    return html`<form class="auth-form" onSubmit=${submit} novalidate data-testid="login-form">
        <h1>${t('login.title')}</h1>
        ${special && html`<div class="alert alert-error" role="alert" data-testid="login-error">${special}</div>`}
        <${ErrorBanner} messages=${errs.top} />
        <${FormField} id="login-email" label=${t('login.email')} errors=${errs.fields.email}>
            <input id="login-email" type="email" value=${email} autocomplete="username" required
                autocapitalize="off" spellcheck="false" data-testid="login-email"
                onInput=${(e) => setEmail(e.currentTarget.value)} ...${errorAttrs('login-email', errs.fields.email)} /><//>
        <${FormField} id="login-password" label=${t('login.password')} errors=${errs.fields.password}>
            <input id="login-password" type="password" value=${password} autocomplete="current-password"
                required data-testid="login-password"
                onInput=${(e) => setPassword(e.currentTarget.value)} ...${errorAttrs('login-password', errs.fields.password)} /><//>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary btn-wide" disabled=${busy || !email || !password}
                data-testid="login-submit">${busy ? t('login.signingIn') : t('login.submit')}</button>
        </div>
    </form>`;
}

function TotpStep({ challenge, onBack, onDone }) {
    const [recovery, setRecovery] = useState(false);
    const [code, setCode] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const input = useRef(null);
    const special = signInError(error, recovery ? t('totp.wrongRecovery') : t('totp.wrong'));
    const errs = formErrors(special ? null : error, new Set(['code']), {});

    useEffect(() => {
        if (input.current) input.current.focus();
    }, [recovery]);

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            const value = recovery ? code.trim().toLowerCase() : code.replace(/\s+/g, '');
            await onDone(await api.post('/auth/totp', { challenge, code: value }, { quiet401: true }));
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    function switchMode(e) {
        e.preventDefault();
        setRecovery(!recovery);
        setCode('');
        setError(null);
    }

    const id = recovery ? 'recovery-code' : 'totp-code';
    return html`<form class="auth-form" onSubmit=${submit} novalidate data-testid="totp-form">
        <h1>${t('totp.title')}</h1>
        <p class="muted">${recovery ? t('totp.recoveryHint') : t('totp.hint')}</p>
        ${special && html`<div class="alert alert-error" role="alert" data-testid="login-error">${special}</div>`}
        <${ErrorBanner} messages=${errs.top} />
        <${FormField} id=${id} label=${recovery ? t('totp.recoveryCode') : t('totp.code')} errors=${errs.fields.code}>
            ${recovery
                ? html`<input id="recovery-code" key="recovery" ref=${input} type="text" value=${code}
                    autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="9"
                    placeholder="xxxx-xxxx" data-testid="recovery-code"
                    onInput=${(e) => setCode(e.currentTarget.value)} ...${errorAttrs(id, errs.fields.code)} />`
                : html`<input id="totp-code" key="totp" ref=${input} type="text" value=${code}
                    inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6"
                    data-testid="totp-code"
                    onInput=${(e) => setCode(e.currentTarget.value)} ...${errorAttrs(id, errs.fields.code)} />`}
        <//>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary btn-wide" disabled=${busy || !code.trim()}
                data-testid="totp-submit">${busy ? t('login.signingIn') : t('totp.submit')}</button>
        </div>
        <p class="auth-links">
            <a href="#" onClick=${switchMode} data-testid="totp-use-recovery">
                ${recovery ? t('totp.useCode') : t('totp.useRecovery')}</a>
            <a href="#" onClick=${(e) => { e.preventDefault(); onBack(); }} data-testid="totp-back">
                ${t('totp.back')}</a>
        </p>
    </form>`;
}

export function LoginPage() {
    const [challenge, setChallenge] = useState(null);
    const [error, setError] = useState(null);
    useTitle(t('login.title'));

    async function done(answer) {
        const next = nextFromUrl();
        try {
            await completeSignIn(answer);
            if (getSession().status === 'out') setError({ detail: t('login.noCookie') });
            else if (window.location.pathname === '/login') navigate(next, { replace: true });
        } catch (e) {
            setError(e);
        }
    }

    return html`<${AuthFrame}>
        ${error && html`<div class="alert alert-error" role="alert">${errorText(error)}</div>`}
        ${challenge
            ? html`<${TotpStep} challenge=${challenge} onBack=${() => setChallenge(null)} onDone=${done} />`
            : html`<${PasswordStep} onTotp=${setChallenge} onDone=${done} />`}
    <//>`;
}
