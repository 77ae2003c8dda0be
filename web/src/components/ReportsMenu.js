// The "Reports" entry of the main navigation: a button opening the list of the report pages
// (team effectiveness, task report), like the Settings menu. Marked current on any of them;
// closes on Escape, on a click elsewhere and after a choice.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useMenu } from './useMenu.js';

export const REPORT_PAGES = [
    { href: '/reports/effectiveness', key: 'nav.effectiveness', testid: 'nav-effectiveness' },
    { href: '/reports/tasks', key: 'nav.taskReport', testid: 'nav-task-report' },
];

const within = (path, href) => path === href || path.startsWith(`${href}/`);

export function ReportsMenu({ path, onNavigate }) {
    const { open, toggle, root, button, chosen } = useMenu(onNavigate);
    const here = REPORT_PAGES.some((p) => within(path, p.href));
    return html`<li class="settings-menu reports-menu" ref=${root}>
        <button type="button" class=${`settings-button${here ? ' current' : ''}`} ref=${button}
                aria-expanded=${open ? 'true' : 'false'} aria-controls="reports-menu-list"
                onClick=${toggle} data-testid="reports-menu">
            ${t('nav.reports')} <span aria-hidden="true">▾</span>
        </button>
        ${open && html`<ul id="reports-menu-list" class="user-menu-list settings-menu-list"
                data-testid="reports-menu-list">
            ${REPORT_PAGES.map((p) => html`<li key=${p.href}><${Link} href=${p.href} onNavigate=${chosen}
                aria-current=${within(path, p.href) ? 'page' : undefined} data-testid=${p.testid}>${t(p.key)}<//></li>`)}
        </ul>`}
    </li>`;
}
