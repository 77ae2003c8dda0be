// Entry point: the router's table of pages inside the layout.
import { html, render } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { Layout } from './components/Layout.js';
import { t, useLang } from './i18n/index.js';
import { CompanyCard } from './pages/CompanyCard.js';
import { CompanyForm } from './pages/CompanyForm.js';
import { ContactCard } from './pages/ContactCard.js';
import { ContactForm } from './pages/ContactForm.js';
import { FieldsPage } from './pages/FieldsPage.js';
import { ListPage } from './pages/ListPage.js';
import { TrashPage } from './pages/TrashPage.js';
import { match, navigate, useLocation } from './router.js';
import './styles.css';

const ROUTES = [
    ['/companies', () => html`<${ListPage} key="companies" entity="companies" />`],
    ['/companies/new', () => html`<${CompanyForm} key="new" id=${null} />`],
    ['/companies/:id', (p) => html`<${CompanyCard} key=${p.id} id=${p.id} />`],
    ['/companies/:id/edit', (p) => html`<${CompanyForm} key=${p.id} id=${p.id} />`],
    ['/contacts', () => html`<${ListPage} key="contacts" entity="contacts" />`],
    ['/contacts/new', () => html`<${ContactForm} key="new" id=${null} />`],
    ['/contacts/:id', (p) => html`<${ContactCard} key=${p.id} id=${p.id} />`],
    ['/contacts/:id/edit', (p) => html`<${ContactForm} key=${p.id} id=${p.id} />`],
    ['/settings/fields', () => html`<${FieldsPage} />`],
    ['/trash', () => html`<${TrashPage} />`],
];

function NotFound() {
    return html`<section class="page"><h1>${t('error.pageNotFound')}</h1>
        <p><a href="/companies">${t('nav.companies')}</a></p></section>`;
}

function Redirect({ to }) {
    useEffect(() => navigate(to, { replace: true }), [to]);
    return null;
}

function App() {
    useLang();
    const { path } = useLocation();
    const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
    let page = null;
    if (clean === '/') page = html`<${Redirect} to="/companies" />`;
    for (const [pattern, view] of ROUTES) {
        if (page) break;
        const params = match(pattern, clean);
        if (params && (!params.id || /^\d+$/.test(params.id))) page = view(params);
    }
    return html`<${Layout} path=${clean}>${page || html`<${NotFound} />`}<//>`;
}

render(html`<${App} />`, document.getElementById('app'));
