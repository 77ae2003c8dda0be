// Shared pieces of the admin pages: the tab bar between them, the guard that shows them to
// admins only, the roles and teams directories (for selects and labels) and the panel that
// shows a generated one-time password once.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { listAll } from '../api.js';
import { has, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { CopyButton } from './CopyButton.js';
import { ADMIN_PAGES } from './UserMenu.js';

/** The tab bar of the admin pages; current is the path of the page shown. */
export function AdminTabs({ current }) {
    return html`<div class="tabs subnav" data-testid="admin-tabs">
        ${ADMIN_PAGES.map((p) => {
            const here = current === p.href || current.startsWith(`${p.href}/`);
            return html`<${Link} key=${p.href} href=${p.href} class=${`tab${here ? ' active' : ''}`}
                aria-current=${here ? 'page' : undefined} data-testid=${`admin-tab-${p.href.split('/').pop()}`}>
                ${t(p.key)}<//>`;
        })}
    </div>`;
}

/** Renders children for admins; others see "not allowed". */
export function AdminOnly({ children }) {
    const { me } = useSession();
    if (!me || !me.is_admin) {
        return html`<section class="page"><div class="alert alert-error" role="alert" data-testid="forbidden">
            ${t('error.forbidden')}</div></section>`;
    }
    return children;
}

/** Label of a role: the translation of a built-in role, else its label, else its name. */
export function roleLabel(name, label) {
    if (has(`role.${name}`)) return t(`role.${name}`);
    return label || name || '';
}

/** {roles, teams, error, reload}: every role and team (small lists). */
export function useDirectory() {
    const [state, setState] = useState({ roles: [], teams: [], error: null, ready: false });
    async function load() {
        try {
            const [roles, teams] = await Promise.all([listAll('/roles'), listAll('/teams')]);
            setState({ roles, teams, error: null, ready: true });
        } catch (e) {
            setState((s) => ({ ...s, error: e, ready: true }));
        }
    }
    useEffect(() => {
        load();
    }, []);
    return { ...state, reload: load };
}

/** A generated password shown once, with a copy button. */
export function OneTimePassword({ title, password, onClose }) {
    return html`<div class="alert alert-ok one-time" role="status" data-testid="one-time-password-panel">
        <p><strong>${title}</strong></p>
        <p>${t('users.oneTimeHint')}</p>
        <p class="secret-line"><code data-testid="one-time-password">${password}</code></p>
        <div class="form-actions">
            <${CopyButton} text=${password} testid="one-time-password-copy" />
            <button type="button" class="btn btn-small" onClick=${onClose}>${t('action.close')}</button>
        </div>
    </div>`;
}
