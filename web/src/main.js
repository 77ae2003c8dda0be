// Entry point: reads the session (GET /auth/me), shows sign-in when there is none and the
// forced password change when the account needs one; otherwise the router's table of pages
// inside the layout.
import { html, render } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { AdminOnly } from './components/Admin.js';
import { AuthFrame } from './components/AuthFrame.js';
import { Layout } from './components/Layout.js';
import { PasswordForm } from './components/PasswordForm.js';
import { errorText } from './components/errors.js';
import { t, useLang } from './i18n/index.js';
import { ActivityPage } from './pages/ActivityPage.js';
import { BoardPage } from './pages/BoardPage.js';
import { CalendarPage } from './pages/CalendarPage.js';
import { EffectivenessPage } from './pages/EffectivenessPage.js';
import { MyDayPage } from './pages/MyDayPage.js';
import { TaskReportPage } from './pages/TaskReportPage.js';
import { CompanyCard } from './pages/CompanyCard.js';
import { CompanyForm } from './pages/CompanyForm.js';
import { ContactCard } from './pages/ContactCard.js';
import { CompetitorCard, CompetitorForm } from './pages/CompetitorCard.js';
import { ContactForm } from './pages/ContactForm.js';
import { CurrencyRatesPage } from './pages/CurrencyRatesPage.js';
import { RemindersSettingsPage } from './pages/RemindersSettingsPage.js';
import { DealCard } from './pages/DealCard.js';
import { DealForm } from './pages/DealForm.js';
import { CommissionsPage } from './pages/CommissionsPage.js';
import { FieldsPage } from './pages/FieldsPage.js';
import { FormsPage } from './pages/FormsPage.js';
import { ImportWizard, ImportsPage } from './pages/ImportPage.js';
import { LeadCard } from './pages/LeadCard.js';
import { LeadForm } from './pages/LeadForm.js';
import { LeadRulesPage } from './pages/LeadRulesPage.js';
import { ListPage } from './pages/ListPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { PipelinesPage } from './pages/PipelinesPage.js';
import { PriceListForm, PriceListsPage } from './pages/PriceListsPage.js';
import { ProductCard } from './pages/ProductCard.js';
import { ProductForm } from './pages/ProductForm.js';
import { ProfilePage } from './pages/ProfilePage.js';
import { QuoteEditor, quoteEditorKey } from './pages/QuoteEditor.js';
import { RoleEditor, RolesPage } from './pages/RolesPage.js';
import { SecurityLogPage } from './pages/SecurityLogPage.js';
import { TeamsPage } from './pages/TeamsPage.js';
import { TaskForm } from './pages/TaskForm.js';
import { TasksPage } from './pages/TasksPage.js';
import { TokensPage } from './pages/TokensPage.js';
import { TrashPage } from './pages/TrashPage.js';
import { UsersPage } from './pages/UsersPage.js';
import { match, navigate, useLocation } from './router.js';
import { loadSession, safeNext, signOut, useSession } from './session.js';
import './styles.css';

const admin = (page) => html`<${AdminOnly}>${page}<//>`;

const ROUTES = [
    ['/companies', () => html`<${ListPage} key="companies" entity="companies" />`],
    ['/companies/new', () => html`<${CompanyForm} key="new" id=${null} />`],
    ['/companies/:id', (p) => html`<${CompanyCard} key=${p.id} id=${p.id} />`],
    ['/companies/:id/edit', (p) => html`<${CompanyForm} key=${p.id} id=${p.id} />`],
    ['/contacts', () => html`<${ListPage} key="contacts" entity="contacts" />`],
    ['/contacts/new', () => html`<${ContactForm} key="new" id=${null} />`],
    ['/contacts/:id', (p) => html`<${ContactCard} key=${p.id} id=${p.id} />`],
    ['/contacts/:id/edit', (p) => html`<${ContactForm} key=${p.id} id=${p.id} />`],
    ['/leads', () => html`<${ListPage} key="leads" entity="leads" />`],
    ['/leads/new', () => html`<${LeadForm} key="new" id=${null} />`],
    ['/leads/:id', (p) => html`<${LeadCard} key=${p.id} id=${p.id} />`],
    ['/leads/:id/edit', (p) => html`<${LeadForm} key=${p.id} id=${p.id} />`],
    ['/deals', () => html`<${ListPage} key="deals" entity="deals" />`],
    ['/deals/new', () => html`<${DealForm} key="new" id=${null} />`],
    ['/deals/:id', (p) => html`<${DealCard} key=${p.id} id=${p.id} />`],
    ['/deals/:id/edit', (p) => html`<${DealForm} key=${p.id} id=${p.id} />`],
    ['/board', () => html`<${BoardPage} key="board" id=${null} />`],
    ['/board/:id', (p) => html`<${BoardPage} key="board" id=${p.id} />`],
    ['/competitors', () => html`<${ListPage} key="competitors" entity="competitors" />`],
    ['/competitors/new', () => html`<${CompetitorForm} key="new" id=${null} />`],
    ['/competitors/:id', (p) => html`<${CompetitorCard} key=${p.id} id=${p.id} />`],
    ['/competitors/:id/edit', (p) => html`<${CompetitorForm} key=${p.id} id=${p.id} />`],
    ['/products', () => html`<${ListPage} key="products" entity="products" />`],
    ['/products/new', () => html`<${ProductForm} key="new" id=${null} />`],
    ['/products/:id', (p) => html`<${ProductCard} key=${p.id} id=${p.id} />`],
    ['/products/:id/edit', (p) => html`<${ProductForm} key=${p.id} id=${p.id} />`],
    ['/quotes', () => html`<${ListPage} key="quotes" entity="quotes" />`],
    ['/quotes/new', () => html`<${QuoteEditor} key=${quoteEditorKey(null)} id=${null} />`],
    ['/quotes/:id', (p) => html`<${QuoteEditor} key=${quoteEditorKey(p.id)} id=${p.id} />`],
    ['/settings/fields', () => html`<${FieldsPage} />`],
    ['/settings/forms', () => html`<${FormsPage} />`],
    ['/settings/lead-rules', () => html`<${LeadRulesPage} />`],
    ['/settings/price-lists', () => html`<${PriceListsPage} />`],
    ['/settings/price-lists/new', () => html`<${PriceListForm} key="new" id=${null} />`],
    ['/settings/price-lists/:id', (p) => html`<${PriceListForm} key=${p.id} id=${p.id} />`],
    ['/commissions', () => html`<${CommissionsPage} />`],
    ['/settings/currencies', () => html`<${CurrencyRatesPage} />`],
    ['/settings/reminders', () => html`<${RemindersSettingsPage} />`],
    ['/trash', () => html`<${TrashPage} />`],
    ['/import', () => html`<${Redirect} to="/imports" />`],
    ['/imports', () => html`<${ImportsPage} key=${window.location.search} />`],
    ['/imports/:id', (p) => html`<${ImportWizard} key=${p.id} id=${p.id} />`],
    ['/tasks', () => html`<${TasksPage} />`],
    ['/tasks/new', () => html`<${TaskForm} key="new" id=${null} />`],
    ['/tasks/:id', (p) => html`<${TaskForm} key=${p.id} id=${p.id} />`],
    ['/account', () => html`<${ProfilePage} />`],
    ['/account/tokens', () => html`<${TokensPage} />`],
    ['/admin', () => html`<${Redirect} to="/admin/users" />`],
    ['/admin/users', () => admin(html`<${UsersPage} />`)],
    ['/admin/teams', () => admin(html`<${TeamsPage} />`)],
    ['/admin/roles', () => admin(html`<${RolesPage} />`)],
    ['/admin/roles/new', () => admin(html`<${RoleEditor} key="new" id=${null} />`)],
    ['/admin/roles/:id', (p) => admin(html`<${RoleEditor} key=${p.id} id=${p.id} />`)],
    ['/admin/security', () => admin(html`<${SecurityLogPage} />`)],
    ['/admin/pipelines', () => admin(html`<${PipelinesPage} />`)],
    ['/calendar', () => html`<${CalendarPage} />`],
    ['/my-day', () => html`<${MyDayPage} />`],
    ['/activities/:id', (p) => html`<${ActivityPage} key=${p.id} id=${p.id} />`],
    ['/reports/effectiveness', () => html`<${EffectivenessPage} />`],
    ['/reports/tasks', () => html`<${TaskReportPage} />`],
];

function NotFound() {
    return html`<section class="page"><h1>${t('error.pageNotFound')}</h1>
        <p><a href="/companies">${t('nav.companies')}</a></p></section>`;
}

function Redirect({ to }) {
    useEffect(() => navigate(to, { replace: true }), [to]);
    return null;
}

/* Before the app proper: the session check, its failure, sign-in, a forced password change. */
function Gate({ session, clean, search }) {
    if (session.status === 'loading') {
        return html`<${AuthFrame}><p class="muted" data-testid="session-loading">${t('common.loading')}</p><//>`;
    }
    if (session.status === 'error') {
        return html`<${AuthFrame}>
            <div class="alert alert-error" role="alert" data-testid="session-error">${errorText(session.error)}</div>
            <button type="button" class="btn" onClick=${() => loadSession()}>${t('action.reload')}</button>
        <//>`;
    }
    if (session.status === 'out') {
        if (clean !== '/login') {
            const next = clean === '/' ? '' : `?next=${encodeURIComponent(clean + search)}`;
            return html`<${Redirect} to=${`/login${next}`} />`;
        }
        return html`<${LoginPage} />`;
    }
    if (clean === '/login') {
        return html`<${Redirect} to=${safeNext(new URLSearchParams(search).get('next'))} />`;
    }
    return html`<${AuthFrame} actions=${html`<button type="button" class="btn btn-small btn-on-dark"
            onClick=${async () => { await signOut(); navigate('/login', { replace: true }); }}
            data-testid="sign-out">${t('nav.signOut')}</button>`}>
        <${PasswordForm} forced />
    <//>`;
}

function App() {
    useLang();
    const session = useSession();
    const { path, search } = useLocation();
    const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
    useEffect(() => {
        loadSession();
    }, []);
    const me = session.status === 'in' ? session.me : null;
    if (!me || clean === '/login' || (me.user && me.user.password_must_change)) {
        return html`<${Gate} session=${session} clean=${clean} search=${search} />`;
    }
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
