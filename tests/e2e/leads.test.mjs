// Browser test of the lead screens against the real server: `crm serve --demo` (CRM_BIN,
// default build/crm) with web/dist on a fresh database from the API tests' harness (a temporary
// SQLite file, or a new PostgreSQL database when CRM_TEST_PG_URL is set), driven through
// Debian's Chromium (/usr/bin/chromium, or CHROMIUM) with playwright-core. The checks: a lead
// made through its form (the server's "needs a name" at the field) and shown on its card and
// in the list; a scoring rule whose bad filter is shown with a caret, then scoring the lead;
// disqualifying asks for a reason (the server's message at the box); "Assign by rules" with no
// rule shows the 409; the convert dialog shows the server's errors at its fields, a stale lead,
// and what it found (the company by name) and made; a form whose bad redirect URL is refused at
// its field; the Russian labels of the new pages. The whole sales flow is sales_flow.test.mjs.
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import {
    apiCaller, assertText, CHROMIUM, chromium, expectAttribute, openBrowser, scenarioRunner,
    signInAsAdmin, startDemoServer, TIMEOUT, uniqueTag,
} from './harness.mjs';


const UNIQUE = uniqueTag();
const LEAD = `Olga Lead${UNIQUE}`;
const EXISTING = `Existing ${UNIQUE} AG`;
const FAIR = `fair-${UNIQUE}`;
const FORM = `Site form ${UNIQUE}`;

let srv;
let browser;
let page;

const scenario = scenarioRunner('leads', () => page, () => srv);
const apiCall = apiCaller(() => srv);
let leadId;
let site; /* another web site: { server, url, html } */
let form;





before(async () => {
    srv = await startDemoServer();
    await apiCall('POST', '/api/v1/companies', { name: EXISTING }, 201);

    /* Another web site: a page with whatever HTML the test puts there, and a thank-you page. */
    site = { html: '' };
    site.server = http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(req.url.startsWith('/landing') ? `<!doctype html><html><body>${site.html}</body></html>`
            : '<!doctype html><html><body><h1 id="thanks">Thank you!</h1></body></html>');
    });
    await new Promise((resolve) => site.server.listen(0, '127.0.0.1', resolve));
    site.url = `http://127.0.0.1:${site.server.address().port}`;

    ({ browser, page } = await openBrowser());
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (site && site.server) await new Promise((resolve) => site.server.close(resolve));
    if (srv) await srv.stop();
});

test('the administrator signs in', () => scenario('sign-in', async () => {
    await page.goto(`${srv.url}/leads`);
    await signInAsAdmin(page, srv);
    await page.waitForURL(/\/leads$/);
}));

test('a lead made through the form needs someone to name and shows on its card and in the list', () => scenario('create', async () => {
    await page.goto(`${srv.url}/leads`);
    await page.getByRole('navigation').getByRole('link', { name: 'Leads' }).waitFor({ state: 'visible' });
    await page.getByTestId('new').click();
    await page.waitForURL(/\/leads\/new$/);
    await page.getByTestId('save').click();
    await assertText(page.getByTestId('error-name'), 'a lead needs a name');
    assert.equal(await page.locator('#name').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Name').fill(LEAD);
    await page.getByLabel('E-mail').fill(`olga@lead-${UNIQUE}.org`);
    await page.getByLabel('Company').fill(`Lead ${UNIQUE} Ltd`);
    await page.getByLabel('Region').fill('EU');
    await page.getByTestId('lead-utm-source').fill('expo');
    await page.getByTestId('save').click();
    await page.waitForURL(/\/leads\/\d+$/);
    leadId = Number(new URL(page.url()).pathname.split('/').pop());
    await assertText(page.getByTestId('record-title'), LEAD);
    await expectAttribute(page.getByTestId('lead-status'), 'data-status', 'new');
    await assertText(page.locator('[data-testid="lead-utm"] [data-key="source"]'), 'expo');
    await assertText(page.getByTestId('lead-owner'), 'Administrator');

    await page.goto(`${srv.url}/leads`);
    const row = page.locator(`[data-testid="record-row"][data-id="${leadId}"]`);
    await assertText(row, LEAD);
    await assertText(row, `Lead ${UNIQUE} Ltd`);
    await assertText(row.getByTestId('lead-status'), 'New');
    await assertText(row.getByTestId('lead-score'), '0');
    const lead = await apiCall('GET', `/api/v1/leads/${leadId}`, undefined, 200);
    assert.deepEqual(lead.utm, { source: 'expo' });
}));

test('a scoring rule shows where its filter is wrong, then scores the lead', () => scenario('scoring', async () => {
    assert.ok(leadId, 'the lead was made');
    await page.goto(`${srv.url}/settings/lead-rules`);
    await page.getByTestId('scoring-rule-new').click();
    const editor = page.getByTestId('scoring-rule-editor');
    await editor.getByTestId('rule-name').fill(`Fair ${UNIQUE}`);
    await editor.getByTestId('rule-filter').fill(`source = "${FAIR}" and`);
    await editor.getByTestId('rule-points').fill('25');
    await editor.getByTestId('rule-save').click();
    await assertText(editor.getByTestId('error-rule-filter'), 'at ');
    const caret = await editor.getByTestId('error-rule-filter-caret').textContent();
    assert.match(caret, new RegExp(`and\\n {${`source = "${FAIR}" and`.length - 3},}\\^`), caret);
    await editor.getByTestId('rule-filter').fill(`source = "${FAIR}"`);
    await editor.getByTestId('rule-save').click();
    await editor.waitFor({ state: 'detached' });
    await assertText(page.getByTestId('scoring-rules').getByTestId('rule-row').filter({ hasText: `Fair ${UNIQUE}` }), '+25');

    await page.goto(`${srv.url}/leads/${leadId}/edit`);
    await page.getByLabel('Source', { exact: true }).fill(FAIR);
    await page.getByTestId('save').click();
    await page.waitForURL(new RegExp(`/leads/${leadId}$`));
    await expectAttribute(page.getByTestId('lead-score'), 'data-score', '25');
}));

test('disqualifying asks for a reason', () => scenario('disqualify', async () => {
    assert.ok(leadId, 'the lead was made');
    await page.goto(`${srv.url}/leads/${leadId}`);
    await page.getByTestId('lead-set-working').click();
    await expectAttribute(page.getByTestId('lead-card'), 'data-status', 'working');
    await page.getByTestId('lead-set-disqualified').click();
    const dialog = page.getByTestId('disqualify-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByTestId('disqualify-confirm').click();
    /* the server's "is required" at the box */
    await assertText(dialog.getByTestId('error-disqualify-reason'), 'required');
    assert.equal(await dialog.getByTestId('disqualify-reason').getAttribute('aria-invalid'), 'true');
    await dialog.getByTestId('disqualify-reason').fill('Student project');
    await dialog.getByTestId('disqualify-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expectAttribute(page.getByTestId('lead-card'), 'data-status', 'disqualified');
    await assertText(page.getByTestId('lead-disqualify-reason'), 'Student project');
    assert.equal(await page.getByTestId('lead-convert').count(), 0, 'a disqualified lead is not converted');
    await page.getByTestId('history-tab').click();
    await page.locator('[data-testid="history-change"][data-field="disqualify_reason"]').first().waitFor({ state: 'visible' });

    const lead = await apiCall('GET', `/api/v1/leads/${leadId}`, undefined, 200);
    assert.equal(lead.status, 'disqualified');
    assert.equal(lead.disqualify_reason, 'Student project');
}));

test('"Assign by rules" with no rule that matches shows the 409', () => scenario('assign', async () => {
    assert.ok(leadId, 'the lead was made');
    await page.goto(`${srv.url}/leads/${leadId}`);
    await page.getByTestId('lead-assign').click();
    await assertText(page.getByTestId('assign-error'), 'no assignment rule');
    await assertText(page.getByTestId('lead-owner'), 'Administrator');
}));

test('the convert dialog shows the errors at its fields, a stale lead, and what it found and made', () => scenario('convert', async () => {
    const lead = await apiCall('POST', '/api/v1/leads', {
        name: `Petr Convert${UNIQUE}`, email: `petr-${UNIQUE}@gmail.com`, company_name: EXISTING.toUpperCase(),
        title: `Pilot ${UNIQUE}`,
    }, 201);
    await page.goto(`${srv.url}/leads/${lead.id}`);
    await page.getByTestId('lead-convert').click();
    const dialog = page.getByTestId('convert-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByTestId('convert-amount-amount').fill('12x');
    await dialog.getByTestId('convert-confirm').click();
    await dialog.getByTestId('error-convert-amount').waitFor({ state: 'visible' });
    assert.equal(await dialog.getByTestId('convert-amount-amount').getAttribute('aria-invalid'), 'true');
    assert.equal((await apiCall('GET', `/api/v1/leads/${lead.id}`, undefined, 200)).status, 'new', 'nothing converted');

    await dialog.getByTestId('convert-amount-amount').fill('500');
    await dialog.getByTestId('convert-confirm').click();
    await dialog.getByTestId('convert-result').waitFor({ state: 'visible' });
    /* a free-mail address says nothing; the company is found by its name in any case */
    await assertText(dialog.getByTestId('convert-link-companies'), EXISTING);
    assert.equal(await dialog.getByTestId('convert-result-companies').getAttribute('data-made'), 'false');
    assert.equal(await dialog.getByTestId('convert-result-contacts').getAttribute('data-made'), 'true');
    await assertText(dialog.getByTestId('convert-result-contacts'), 'new');
    await assertText(dialog.getByTestId('convert-result-companies'), 'existing');
    await assertText(dialog.getByTestId('convert-link-deals'), `Pilot ${UNIQUE}`);
    await dialog.getByTestId('convert-close').click();
    await expectAttribute(page.getByTestId('lead-card'), 'data-status', 'converted');
    await assertText(page.getByTestId('converted-company'), EXISTING);

    /* Someone converts a lead while its card is open: the dialog says so. */
    const other = await apiCall('POST', '/api/v1/leads', { name: `Second ${UNIQUE}` }, 201);
    await page.goto(`${srv.url}/leads/${other.id}`);
    await page.getByTestId('lead-convert').waitFor({ state: 'visible' });
    await apiCall('POST', `/api/v1/leads/${other.id}/convert`, { create_deal: false }, 200);
    await page.getByTestId('lead-convert').click();
    await page.getByTestId('convert-create-deal').uncheck();
    await page.getByTestId('convert-confirm').click();
    await assertText(page.getByTestId('convert-dialog').getByTestId('form-error'), 'changed by someone else');
}));

test('a form with a bad redirect address is refused at that field', () => scenario('form', async () => {
    await page.goto(`${srv.url}/settings/forms`);
    await page.getByTestId('form-new').click();
    const editor = page.getByTestId('form-editor');
    await editor.getByTestId('form-name').fill(FORM);
    await editor.getByTestId('form-redirect').fill('not an address');
    await editor.getByTestId('form-save').click();
    await editor.getByTestId('error-form-redirect').waitFor({ state: 'visible' });
    assert.equal(await editor.getByTestId('form-redirect').getAttribute('aria-invalid'), 'true');
    await editor.getByTestId('form-redirect').fill(`${site.url}/thanks`);
    await editor.getByTestId('form-save').click();
    await editor.waitFor({ state: 'detached' });
    await page.getByTestId('form-embed').waitFor({ state: 'visible' });
    site.html = await page.getByTestId('form-snippet').inputValue();
    form = (await apiCall('GET', '/api/v1/forms', undefined, 200)).data.find((f) => f.name === FORM);
    assert.ok(form, 'the form was saved');
    assert.deepEqual(form.fields, ['name', 'email', 'company_name']);
}));

test('the new pages speak Russian', () => scenario('russian', async () => {
    assert.ok(leadId, 'the lead was made');
    await page.goto(`${srv.url}/leads`);
    await page.getByTestId('lang-select').selectOption('ru');
    await assertText(page.getByRole('navigation'), 'Лиды');
    await assertText(page.getByTestId('settings-menu'), 'Настройки');
    await assertText(page.locator('h1'), 'Лиды');
    await assertText(page.getByTestId('sort-status'), 'Статус');
    await page.goto(`${srv.url}/leads/${leadId}`);
    await assertText(page.getByTestId('lead-set-disqualified'), 'Отсеян');
    await assertText(page.getByTestId('lead-assign'), 'Назначить по правилам');
    await page.getByTestId('settings-menu').click();
    await assertText(page.getByTestId('nav-forms'), 'Формы');
    await assertText(page.getByTestId('nav-lead-rules'), 'Правила лидов');
    await page.getByTestId('nav-commissions').click();
    await page.waitForURL(/\/commissions$/);
    await assertText(page.locator('h1'), 'Комиссии');
    await assertText(page.getByTestId('commissions-page'), 'Квартал');
    await assertText(page.getByTestId('commission-rules'), 'Правила комиссий');
    await page.goto(`${srv.url}/settings/forms`);
    await assertText(page.locator('h1'), 'Формы');
    await page.goto(`${srv.url}/settings/lead-rules`);
    await assertText(page.locator('h1'), 'Правила лидов');
    await assertText(page.getByTestId('scoring-rules'), 'Правила оценки');
    await assertText(page.getByTestId('assignment-rules'), 'Правила распределения');
    await page.getByTestId('lang-select').selectOption('en');
    await assertText(page.locator('h1'), 'Lead rules');
}));

test('a page on another web site sends the form', () => scenario('cross-site', async () => {
    assert.ok(form && site.html, 'the form was made');
    const visitor = await browser.newContext({ locale: 'en-US' });
    try {
        const visit = await visitor.newPage();
        visit.setDefaultTimeout(TIMEOUT);
        /* localhost is another site than 127.0.0.1 (a port alone makes another origin, not site) */
        await visit.goto(`${site.url.replace('127.0.0.1', 'localhost')}/landing`);
        await visit.getByLabel('Name').fill(`Cross ${UNIQUE}`);
        const answer = visit.waitForResponse((r) => r.url().includes('/submit'));
        await visit.getByRole('button', { name: 'Send' }).click();
        assert.equal((await answer).status(), 303);
        await visit.waitForURL(`${site.url}/thanks`);
    } finally {
        await visitor.close();
    }
}));
