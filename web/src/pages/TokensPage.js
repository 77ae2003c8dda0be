// API tokens (/account/tokens): the caller's tokens (name, scopes, prefix, dates, revoked),
// a create form (name, scopes read/write/admin, optional expiry date) that shows the new
// token once with a copy button, and revoke.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorBanner, errorText, formErrors } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { formatDate, formatDateTime, t } from '../i18n/index.js';
import { useSession } from '../session.js';
import { useTitle } from './title.js';

const SCOPES = ['read', 'write', 'admin'];

/* "YYYY-MM-DD" from a date input -> the end of that day in local time, as ISO 8601 UTC. */
function endOfDay(date) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!m) return date;
    return new Date(+m[1], +m[2] - 1, +m[3], 23, 59, 59).toISOString();
}

function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function CreateToken({ isAdmin, onCreated }) {
    const [name, setName] = useState('');
    const [scopes, setScopes] = useState(['read']);
    const [expires, setExpires] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const errs = formErrors(error, new Set(['name', 'scopes', 'expires_at']), { scopes });
    const offered = isAdmin ? SCOPES : SCOPES.filter((s) => s !== 'admin');

    function toggle(scope, on) {
        setScopes((list) => SCOPES.filter((s) => (s === scope ? on : list.includes(s))));
    }

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            const body = { name: name.trim(), scopes };
            if (expires) body.expires_at = endOfDay(expires);
            const token = await api.post('/tokens', body);
            setName('');
            setScopes(['read']);
            setExpires('');
            onCreated(token);
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
        }
    }

    return html`<form class="record-form" onSubmit=${submit} novalidate data-testid="token-create">
        <h2>${t('tokens.create')}</h2>
        <${ErrorBanner} messages=${errs.top} />
        <div class="form-grid">
            <${FormField} id="token-name" label=${t('tokens.name')} required errors=${errs.fields.name}>
                <input id="token-name" type="text" value=${name} maxlength="100" data-testid="token-name"
                    onInput=${(e) => setName(e.currentTarget.value)} ...${errorAttrs('token-name', errs.fields.name)} /><//>
            <${FormField} id="token-expires" label=${t('tokens.expires')} errors=${errs.fields.expires_at}
                    hint=${t('tokens.expiresHint')}>
                <input id="token-expires" type="date" value=${expires} min=${today()} data-testid="token-expires"
                    onInput=${(e) => setExpires(e.currentTarget.value)} ...${errorAttrs('token-expires', errs.fields.expires_at)} /><//>
            <fieldset class=${`form-row wide${errs.fields.scopes ? ' has-error' : ''}`} data-field="token-scopes">
                <legend>${t('tokens.scopes')}</legend>
                <div class="options">
                    ${offered.map((s) => html`<label class="option" key=${s}>
                        <input type="checkbox" checked=${scopes.includes(s)} data-testid=${`token-scope-${s}`}
                            onChange=${(e) => toggle(s, e.currentTarget.checked)} />
                        ${t(`scope.${s}`)} <span class="muted">— ${t(`scope.${s}.hint`)}</span></label>`)}
                </div>
                ${errs.fields.scopes && html`<div class="field-error" role="alert">${errs.fields.scopes.map((m) => html`<div>${m}</div>`)}</div>`}
            </fieldset>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy || !name.trim() || !scopes.length}
                data-testid="token-submit">${t('tokens.add')}</button>
        </div>
    </form>`;
}

function NewToken({ token, onClose }) {
    return html`<div class="alert alert-ok one-time" role="status" data-testid="token-created">
        <p><strong>${t('tokens.created', { name: token.name })}</strong></p>
        <p>${t('tokens.onceHint')}</p>
        <p class="secret-line"><code class="break" data-testid="token-value">${token.token}</code></p>
        <div class="form-actions">
            <${CopyButton} text=${token.token} testid="token-copy" />
            <button type="button" class="btn btn-small" onClick=${onClose} data-testid="token-created-close">
                ${t('action.close')}</button>
        </div>
    </div>`;
}

const date = (v) => (v ? html`<time datetime=${v}>${formatDateTime(v)}</time>` : html`<span class="muted">—</span>`);

export function TokensPage() {
    const { me } = useSession();
    const [tokens, setTokens] = useState(null);
    const [error, setError] = useState(null);
    const [created, setCreated] = useState(null);
    useTitle(t('nav.tokens'));

    async function load() {
        setError(null);
        try {
            setTokens(await listAll('/tokens'));
        } catch (e) {
            setError(e);
            setTokens([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    async function revoke(tok) {
        if (!window.confirm(t('tokens.confirmRevoke', { name: tok.name }))) return;
        try {
            await api.del(`/tokens/${tok.id}`);
            load();
        } catch (e) {
            setError(e);
        }
    }

    const own = (tokens || []).filter((x) => !me || x.user_id === undefined || x.user_id === me.user.id);
    return html`<section class="page tokens-page" data-testid="tokens-page">
        <header class="page-header"><h1>${t('nav.tokens')}</h1></header>
        <p class="muted">${t('tokens.intro')}</p>
        ${created && html`<${NewToken} token=${created} onClose=${() => setCreated(null)} />`}
        ${error && html`<div class="alert alert-error" role="alert">${errorText(error)}</div>`}
        ${tokens === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${tokens && !own.length && html`<p class="empty" data-testid="tokens-empty">${t('tokens.none')}</p>`}
        ${own.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="tokens-table">
            <thead><tr>
                <th scope="col">${t('tokens.name')}</th><th scope="col">${t('tokens.scopes')}</th>
                <th scope="col">${t('tokens.prefix')}</th><th scope="col">${t('tokens.createdAt')}</th>
                <th scope="col">${t('tokens.lastUsed')}</th><th scope="col">${t('tokens.expires')}</th>
                <th scope="col">${t('tokens.status')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${own.map((x) => html`<tr key=${x.id} data-testid="token-row" data-id=${x.id}
                        class=${x.revoked_at ? 'revoked' : ''}>
                    <td class="col-name" data-label=${t('tokens.name')}>${x.name}</td>
                    <td data-label=${t('tokens.scopes')}><span class="tags">${(x.scopes || []).map((s) =>
                        html`<span class="tag">${t(`scope.${s}`)}</span>`)}</span></td>
                    <td data-label=${t('tokens.prefix')}><code>${x.prefix}…</code></td>
                    <td data-label=${t('tokens.createdAt')}>${date(x.created_at)}</td>
                    <td data-label=${t('tokens.lastUsed')}>${x.last_used_at ? date(x.last_used_at) : html`<span class="muted">${t('tokens.never')}</span>`}</td>
                    <td data-label=${t('tokens.expires')}>${x.expires_at ? formatDate(x.expires_at) : html`<span class="muted">${t('tokens.noExpiry')}</span>`}</td>
                    <td data-label=${t('tokens.status')}>${x.revoked_at
                        ? html`<span class="badge badge-off">${t('tokens.revokedAt', { date: formatDateTime(x.revoked_at) })}</span>`
                        : x.expires_at && Date.parse(x.expires_at) < Date.now()
                            ? html`<span class="badge badge-off">${t('tokens.expired')}</span>`
                            : html`<span class="badge badge-on">${t('tokens.active')}</span>`}</td>
                    <td class="col-actions">${!x.revoked_at && html`<button type="button" class="btn btn-small btn-danger"
                        onClick=${() => revoke(x)} data-testid="token-revoke">${t('tokens.revoke')}</button>`}</td>
                </tr>`)}
            </tbody>
        </table></div>`}
        <${CreateToken} isAdmin=${Boolean(me && me.is_admin)} onCreated=${(tok) => { setCreated(tok); load(); }} />
    </section>`;
}
