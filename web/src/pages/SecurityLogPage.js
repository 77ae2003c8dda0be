// Security log (/admin/security): GET /audit/security newest first, filtered by action and
// by user, with "load more" following the cursor.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { listAll } from '../api.js';
import { AdminTabs } from '../components/Admin.js';
import { errorText } from '../components/errors.js';
import { useCursorList } from '../components/useCursorList.js';
import { formatDateTime, has, t } from '../i18n/index.js';
import { useTitle } from './title.js';

export const SECURITY_ACTIONS = [
    'sign_in', 'sign_in_failed', 'sign_in_throttled', 'sign_in_rejected', 'sign_out', 'password_changed',
    'password_rejected', 'password_reset', 'totp_enabled', 'totp_disabled', 'recovery_code_used',
    'user_created', 'user_updated', 'user_disabled', 'user_enabled', 'team_created', 'team_updated',
    'team_deleted', 'role_created', 'role_updated', 'role_deleted', 'role_rejected', 'token_created',
    'token_revoked', 'auth_rejected', 'export',
];

export const auditActionLabel = (a) => (has(`audit.action.${a}`) ? t(`audit.action.${a}`) : a);

/** A detail or client object as short "key: value" text. */
export function compactText(value) {
    if (value === null || value === undefined || value === '') return '';
    if (typeof value !== 'object') return String(value);
    if (Array.isArray(value)) return value.map(compactText).join(', ');
    return Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
        .join(' · ');
}

export function SecurityLogPage() {
    const [action, setAction] = useState('');
    const [userId, setUserId] = useState('');
    const [users, setUsers] = useState([]);
    useTitle(t('nav.security'));

    useEffect(() => {
        let live = true;
        listAll('/users', undefined, { maxPages: 4 }).then((list) => live && setUsers(list), () => {});
        return () => {
            live = false;
        };
    }, []);

    const list = useCursorList('/audit/security', { action: action || undefined, user_id: userId || undefined });
    const who = (e) => e.user_name || (e.user_id != null ? `#${e.user_id}` : '—');

    return html`<section class="page admin-page" data-testid="security-page">
        <header class="page-header"><h1>${t('nav.security')}</h1></header>
        <${AdminTabs} current="/admin/security" />
        <div class="toolbar filters">
            <div class="form-row">
                <label for="security-action">${t('audit.action')}</label>
                <select id="security-action" value=${action} data-testid="security-action"
                        onChange=${(e) => setAction(e.currentTarget.value)}>
                    <option value="">${t('audit.anyAction')}</option>
                    ${SECURITY_ACTIONS.map((a) => html`<option value=${a}>${auditActionLabel(a)}</option>`)}
                </select>
            </div>
            <div class="form-row">
                <label for="security-user">${t('audit.user')}</label>
                <select id="security-user" value=${userId} data-testid="security-user"
                        onChange=${(e) => setUserId(e.currentTarget.value)}>
                    <option value="">${t('audit.anyUser')}</option>
                    ${users.map((u) => html`<option value=${String(u.id)}>${u.name || u.email} (${u.email})</option>`)}
                </select>
            </div>
        </div>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="empty" data-testid="security-empty">
            ${t('audit.none')}</p>`}
        ${list.items.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="security-table">
            <thead><tr>
                <th scope="col">${t('audit.when')}</th><th scope="col">${t('audit.action')}</th>
                <th scope="col">${t('audit.user')}</th><th scope="col">${t('audit.detail')}</th>
                <th scope="col">${t('audit.client')}</th>
            </tr></thead>
            <tbody>
                ${list.items.map((e) => html`<tr key=${e.id} data-testid="security-row" data-action=${e.action}>
                    <td data-label=${t('audit.when')}><time datetime=${e.at}>${formatDateTime(e.at)}</time></td>
                    <td data-label=${t('audit.action')} class=${`audit-action action-${e.action}`}>${auditActionLabel(e.action)}</td>
                    <td data-label=${t('audit.user')}>${who(e)}</td>
                    <td data-label=${t('audit.detail')} class="small">${compactText(e.detail)
                        || (e.entity ? `${e.entity}${e.record_id != null ? ` #${e.record_id}` : ''}` : '')}</td>
                    <td data-label=${t('audit.client')} class="small muted">${compactText(e.client)}</td>
                </tr>`)}
            </tbody>
        </table>
        ${!list.done && html`<div class="sentinel"><button type="button" class="btn btn-small" onClick=${list.loadMore}
            disabled=${list.loading} data-testid="load-more">${list.loading ? t('common.loading') : t('list.loadMore')}</button></div>`}
        </div>`}
        ${list.loading && !list.items.length && html`<p class="muted">${t('common.loading')}</p>`}
    </section>`;
}
