// The "Settings" entry of the main navigation: a button opening the list of the settings and
// sales set-up pages (commissions, lead-capture forms, lead rules, price lists, custom fields,
// currency rates) and the data import, so the bar stays one line. Marked current on any of
// them; closes on Escape, on a click elsewhere and after a choice.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { useMenu } from './useMenu.js';
import { Link } from '../router.js';

export const SETTINGS_PAGES = [
    { href: '/commissions', key: 'nav.commissions', testid: 'nav-commissions' },
    { href: '/settings/forms', key: 'nav.forms', testid: 'nav-forms' },
    { href: '/settings/lead-rules', key: 'nav.leadRules', testid: 'nav-lead-rules' },
    { href: '/settings/price-lists', key: 'nav.priceLists', testid: 'nav-price-lists' },
    { href: '/settings/fields', key: 'nav.fields', testid: 'nav-fields' },
    { href: '/settings/currencies', key: 'nav.currencies', testid: 'nav-currencies' },
    { href: '/settings/reminders', key: 'nav.reminders', testid: 'nav-reminders' },
    { href: '/imports', key: 'nav.imports', testid: 'nav-imports' },
];

const within = (path, href) => path === href || path.startsWith(`${href}/`);

export function SettingsMenu({ path, onNavigate }) {
    const { open, toggle, root, button, chosen } = useMenu(onNavigate);

    const here = SETTINGS_PAGES.some((p) => within(path, p.href));
    return html`<li class="settings-menu" ref=${root}>
        <button type="button" class=${`settings-button${here ? ' current' : ''}`} ref=${button}
                aria-expanded=${open ? 'true' : 'false'} aria-controls="settings-menu-list"
                onClick=${toggle} data-testid="settings-menu">
            ${t('nav.settings')} <span aria-hidden="true">▾</span>
        </button>
        ${open && html`<ul id="settings-menu-list" class="user-menu-list settings-menu-list"
                data-testid="settings-menu-list">
            ${SETTINGS_PAGES.map((p) => html`<li key=${p.href}><${Link} href=${p.href} onNavigate=${chosen}
                aria-current=${within(path, p.href) ? 'page' : undefined} data-testid=${p.testid}>${t(p.key)}<//></li>`)}
        </ul>`}
    </li>`;
}
