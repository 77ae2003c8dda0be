// The user menu in the header: the caller's name as a button opening a list of links (my
// profile and security, API tokens, the admin pages for admins) and "Sign out". Closes on
// Escape, on a click elsewhere and after a choice.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { useMenu } from './useMenu.js';
import { Link, navigate } from '../router.js';
import { signOut } from '../session.js';

export const ADMIN_PAGES = [
    { href: '/admin/users', key: 'nav.users', testid: 'menu-users' },
    { href: '/admin/teams', key: 'nav.teams', testid: 'menu-teams' },
    { href: '/admin/roles', key: 'nav.roles', testid: 'menu-roles' },
    { href: '/admin/pipelines', key: 'nav.pipelines', testid: 'menu-pipelines' },
    { href: '/admin/security', key: 'nav.security', testid: 'menu-security' },
];

export function UserMenu({ me, onNavigate }) {
    const { open, toggle, root, button, chosen } = useMenu(onNavigate);

    async function out() {
        chosen();
        await signOut();
        navigate('/login', { replace: true });
    }

    const user = me.user || {};
    const item = (href, key, testid) => html`<li><${Link} href=${href} onNavigate=${chosen}
        data-testid=${testid}>${t(key)}<//></li>`;
    return html`<div class="user-menu" ref=${root}>
        <button type="button" class="user-button" ref=${button} aria-expanded=${open ? 'true' : 'false'}
                aria-controls="user-menu-list" onClick=${toggle} data-testid="user-menu"
                title=${user.email || ''}>
            <span class="visually-hidden">${t('userMenu.label')}: </span>
            <span data-testid="user-menu-name">${user.name || user.email}</span> <span aria-hidden="true">▾</span>
        </button>
        ${open && html`<ul id="user-menu-list" class="user-menu-list" data-testid="user-menu-list">
            <li class="user-menu-head muted">${user.email}</li>
            ${item('/account', 'nav.profile', 'menu-profile')}
            ${item('/account/tokens', 'nav.tokens', 'menu-tokens')}
            ${item('/trash', 'nav.trash', 'menu-trash')}
            ${me.is_admin && html`<li class="user-menu-group">${t('nav.admin')}</li>`}
            ${me.is_admin && ADMIN_PAGES.map((p) => item(p.href, p.key, p.testid))}
            <li><button type="button" class="menu-item" onClick=${out} data-testid="sign-out">
                ${t('nav.signOut')}</button></li>
        </ul>`}
    </div>`;
}
