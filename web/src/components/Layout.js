// Page frame: header with the app name, main navigation (a menu button on narrow
// screens) with the settings pages under one "Settings" entry, language switch and the user
// menu; then the page.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { Link } from '../router.js';
import { LANGUAGES, getLang, setLang, t } from '../i18n/index.js';
import { useSession } from '../session.js';
import { ReportsMenu } from './ReportsMenu.js';
import { SettingsMenu } from './SettingsMenu.js';
import { NotificationBell } from './NotificationBell.js';
import { UserMenu } from './UserMenu.js';

const NAV = [
    { href: '/my-day', key: 'nav.myDay' },
    { href: '/calendar', key: 'nav.calendar' },
    { href: '/companies', key: 'nav.companies' },
    { href: '/contacts', key: 'nav.contacts' },
    { href: '/leads', key: 'nav.leads' },
    { href: '/deals', key: 'nav.deals' },
    { href: '/tasks', key: 'nav.tasks' },
    { href: '/board', key: 'nav.board' },
    { href: '/products', key: 'nav.products' },
];

export function Layout({ path, children }) {
    const [menuOpen, setMenuOpen] = useState(false);
    const { me } = useSession();
    const close = () => setMenuOpen(false);
    return html`<div class="app">
        <a class="skip-link" href="#main">${t('nav.skip')}</a>
        <header class="topbar">
            <div class="topbar-inner">
                <${Link} href="/companies" class="brand" onNavigate=${close}>${t('app.name')}<//>
                <button type="button" class="menu-button" aria-expanded=${menuOpen ? 'true' : 'false'}
                        aria-controls="main-nav" onClick=${() => setMenuOpen(!menuOpen)}
                        data-testid="menu-button">
                    <span aria-hidden="true">☰</span> ${t('nav.menu')}
                </button>
                <nav id="main-nav" class=${`main-nav${menuOpen ? ' open' : ''}`} aria-label=${t('nav.label')}>
                    <ul>
                        ${NAV.map((item) => {
                            const current = path === item.href || path.startsWith(`${item.href}/`);
                            return html`<li key=${item.href}><${Link} href=${item.href} onNavigate=${close}
                                aria-current=${current ? 'page' : undefined}>${t(item.key)}<//></li>`;
                        })}
                        <${ReportsMenu} path=${path} onNavigate=${close} />
                        <${SettingsMenu} path=${path} onNavigate=${close} />
                    </ul>
                    <div class="lang-switch">
                        <label for="lang-select">${t('nav.language')}</label>
                        <select id="lang-select" data-testid="lang-select" value=${getLang()}
                                onChange=${(e) => { setLang(e.currentTarget.value); close(); }}>
                            ${LANGUAGES.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
                        </select>
                    </div>
                    ${me && html`<${NotificationBell} onNavigate=${close} />`}
                    ${me && html`<${UserMenu} me=${me} onNavigate=${close} />`}
                </nav>
            </div>
        </header>
        <main id="main" class="content" tabindex="-1">${children}</main>
    </div>`;
}
