// Frame of the pages shown before the app proper (sign-in, a forced password change, the
// start-up wait): the app name, the language switch and one centred panel.
import { html } from 'htm/preact';
import { LANGUAGES, getLang, setLang, t } from '../i18n/index.js';

export function AuthFrame({ children, actions }) {
    return html`<div class="app auth-app">
        <header class="topbar">
            <div class="topbar-inner">
                <span class="brand">${t('app.name')}</span>
                <div class="auth-top">
                    ${actions}
                    <div class="lang-switch">
                        <label for="lang-select">${t('nav.language')}</label>
                        <select id="lang-select" data-testid="lang-select" value=${getLang()}
                                onChange=${(e) => setLang(e.currentTarget.value)}>
                            ${LANGUAGES.map((l) => html`<option value=${l.code} lang=${l.code}>${l.name}</option>`)}
                        </select>
                    </div>
                </div>
            </div>
        </header>
        <main id="main" class="content auth-content" tabindex="-1">
            <div class="auth-panel">${children}</div>
        </main>
    </div>`;
}
