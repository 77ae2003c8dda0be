// The whole sales flow in a browser against the real server: `crm serve --demo` (CRM_BIN,
// default build/crm) with web/dist on a fresh database from the API tests' harness (a temporary
// SQLite file, or a new PostgreSQL database when CRM_TEST_PG_URL is set), driven through
// Debian's Chromium (/usr/bin/chromium, or CHROMIUM) with playwright-core. One scenario, in
// steps: the administrator makes, through the admin screens, a team with a sales rep, an
// assignment rule giving the team the leads of a region, a commission rule with two tiers and a
// lead-capture form; a visitor without an account fills the form's HTML snippet on a page and is
// sent on to the thank-you page (303); the lead appears with its UTM parameters and form;
// "Assign by rules" refuses it (409) until its region is set, then gives it to the rep; "Convert"
// makes a contact, a company and a deal in the Sales pipeline; on the board the deal is dragged
// through the stages to Won (reason dialog); a quote with a product option and 20 % tax is built
// in the quote editor and accepted, which sets the deal amount; and the commission report of the
// current quarter shows the rep's commission to the cent.
// The visitor's pages (the one with the snippet, the thank-you page) come from a small HTTP
// server of the test's own on another port: another origin of the same site, as the server
// refuses posts to its public routes from other sites for now (see leads.test.mjs).
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import {
    apiCaller, assertText, CHROMIUM, chromium, expectAttribute, openBrowser, scenarioRunner,
    signInAsAdmin, startDemoServer, TIMEOUT, uniqueTag,
} from './harness.mjs';


const UNIQUE = uniqueTag();
const TEAM = `Fleet team ${UNIQUE}`;
const REP = `Rita Rep ${UNIQUE}`;
const REP_EMAIL = `rita-${UNIQUE}@flow.example.com`;
const REGION = `EU-${UNIQUE}`;
const FORM = `Fleet enquiry ${UNIQUE}`;
const SOURCE = `site-${UNIQUE}`;
const LEAD_NAME = `Clara Fleet${UNIQUE}`;
const LEAD_EMAIL = `clara@fleet-${UNIQUE}.com`;
const COMPANY = `Fleet ${UNIQUE} GmbH`;
const TOPIC = `Fleet tracking ${UNIQUE}`;
const WON_REASON = `Best fit ${UNIQUE}`;
const SKU = `GTX-${UNIQUE}`;
const PRODUCT = `GTX Pro ${UNIQUE}`;
const RULE = `Sales hardware ${UNIQUE}`;

let srv;
let browser;
let page;

const scenario = scenarioRunner('flow', () => page, () => srv);
const apiCall = apiCaller(() => srv);
let visitor; /* a browser context with no session: the public web site's visitor */
let sales; /* the "Sales" pipeline */
let open; /* its open stages, in order */
let won;
let repId;
let form; /* the form as the API has it */
let snippet;
let leadId;
let dealId;
let quoteId;
let site; /* the web site: { server, url, html } */





const idFromUrl = () => Number(new URL(page.url()).pathname.split('/').pop());
const column = (stageId) => page.locator(`[data-testid="board-column"][data-stage-id="${stageId}"]`);
const card = (stageId) => column(stageId).locator(`[data-testid="board-card"][data-deal-id="${dealId}"]`);

function currentQuarter() {
    const now = new Date();
    return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

before(async () => {
    srv = await startDemoServer();

    /* What the flow needs that has no part in it: the pipeline, a won reason, a product. */
    const pipelines = (await apiCall('GET', '/api/v1/pipelines', undefined, 200)).data;
    sales = pipelines.find((p) => p.name === 'Sales');
    if (!sales) {
        sales = await apiCall('POST', '/api/v1/pipelines', {
            name: 'Sales',
            stages: [
                { name: 'Qualification', probability: 10, kind: 'open' },
                { name: 'Proposal', probability: 50, kind: 'open' },
                { name: 'Won', probability: 100, kind: 'won' },
                { name: 'Lost', probability: 0, kind: 'lost' },
            ],
        }, 201);
    }
    const stages = [...sales.stages].sort((a, b) => a.position - b.position);
    open = stages.filter((s) => s.kind === 'open');
    won = stages.find((s) => s.kind === 'won');
    assert.ok(open.length >= 2 && won, `Sales has open stages and a won one: ${JSON.stringify(stages)}`);
    await apiCall('POST', '/api/v1/deal-reasons', { kind: 'won', name: WON_REASON }, 201);
    await apiCall('POST', '/api/v1/products', {
        sku: SKU, name: PRODUCT, series: 'GTX', unit: 'pcs', price: { amount: '1000.00', currency: 'EUR' },
        tax_rate: '20',
        options: [{ code: 'size', name: 'Size', required: true, exclusive: true,
                    choices: [{ code: 'm', name: 'M' }, { code: 'xl', name: 'XL', price_delta: '10.00' }] }],
    }, 201);

    ({ browser, page } = await openBrowser());
    visitor = await browser.newContext({ viewport: { width: 1000, height: 800 }, locale: 'en-US' });
    visitor.setDefaultTimeout(TIMEOUT);

    site = { html: '' };
    site.server = http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(req.url.startsWith('/landing')
            ? `<!doctype html><html><head><title>Fleet</title></head><body><h1>Ask us</h1>\n${site.html}\n</body></html>`
            : '<!doctype html><html><body><h1 id="thanks">Thank you!</h1></body></html>');
    });
    await new Promise((resolve) => site.server.listen(0, '127.0.0.1', resolve));
    site.url = `http://127.0.0.1:${site.server.address().port}`;
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
    await page.getByTestId('leads-list').waitFor({ state: 'visible' });
}));

test('a team with a sales rep is made on the admin pages', () => scenario('team', async () => {
    await page.goto(`${srv.url}/admin/teams`);
    await page.getByTestId('new-team-name').fill(TEAM);
    await page.getByTestId('new-team-submit').click();
    await assertText(page.getByTestId('teams-table'), TEAM);

    await page.goto(`${srv.url}/admin/users`);
    await page.getByTestId('new-user-email').fill(REP_EMAIL);
    await page.getByTestId('new-user-name').fill(REP);
    await page.getByTestId('new-user-role').selectOption('sales_rep');
    await page.getByTestId('new-user-team').selectOption({ label: TEAM });
    await page.getByTestId('new-user-password').fill(`a long password ${UNIQUE}`);
    await page.getByTestId('new-user-submit').click();
    const row = page.locator(`[data-testid="user-row"][data-email="${REP_EMAIL}"]`);
    await row.waitFor({ state: 'visible' });
    repId = Number(await row.getAttribute('data-id'));
    const rep = await apiCall('GET', `/api/v1/users/${repId}`, undefined, 200);
    assert.equal(rep.role, 'sales_rep');
    assert.ok(rep.team_id, 'the rep is in the team');
}));

test('an assignment rule gives the region to the team; a bad filter shows where it is wrong', () => scenario('rule', async () => {
    assert.ok(repId, 'the rep was made');
    await page.goto(`${srv.url}/leads`);
    await page.getByTestId('settings-menu').click();
    await page.getByTestId('nav-lead-rules').click();
    await page.waitForURL(/\/settings\/lead-rules$/);
    const section = page.getByTestId('assignment-rules');
    await section.getByTestId('assignment-rule-new').click();
    const editor = page.getByTestId('assignment-rule-editor');
    await editor.getByTestId('rule-name').fill(`EU leads ${UNIQUE}`);
    await editor.getByTestId('rule-filter').fill('region = ');
    await editor.getByTestId('rule-target-team').check();
    await editor.getByTestId('rule-team').selectOption({ label: TEAM });
    await editor.getByTestId('rule-save').click();
    /* the server's 422 names the position; the caret points at it */
    await assertText(editor.getByTestId('error-rule-filter'), 'at ');
    await editor.getByTestId('error-rule-filter-caret').waitFor({ state: 'visible' });
    assert.equal(await editor.getByTestId('rule-filter').getAttribute('aria-invalid'), 'true');

    await editor.getByTestId('rule-filter').fill(`region = "${REGION}"`);
    await editor.getByTestId('rule-save').click();
    await editor.waitFor({ state: 'detached' });
    const row = section.getByTestId('rule-row').filter({ hasText: `EU leads ${UNIQUE}` });
    await assertText(row.getByTestId('rule-target-cell'), TEAM);

    const rules = (await apiCall('GET', '/api/v1/lead-assignment-rules', undefined, 200)).data;
    const rule = rules.find((r) => r.name === `EU leads ${UNIQUE}`);
    assert.equal(rule.filter, `region = "${REGION}"`);
    assert.equal(rule.user_id, null);
    assert.ok(rule.team_id);
}));

test('a commission rule with two tiers is made on the commissions page', () => scenario('commission-rule', async () => {
    await page.goto(`${srv.url}/leads`);
    await page.getByTestId('settings-menu').click();
    await page.getByTestId('nav-commissions').click();
    await page.waitForURL(/\/commissions$/);
    await page.getByTestId('crule-new').click();
    const editor = page.getByTestId('commission-rule-editor');
    await editor.getByTestId('crule-name').fill(RULE);
    await editor.getByTestId('crule-pipeline').selectOption({ label: 'Sales' });
    const tiers = editor.getByTestId('crule-tier');
    await tiers.nth(0).getByTestId('tier-from').fill('0');
    await tiers.nth(0).getByTestId('tier-percent').fill('3');
    await editor.getByTestId('tier-add').click();
    await tiers.nth(1).getByTestId('tier-from').fill('0');
    await tiers.nth(1).getByTestId('tier-percent').fill('5');
    await editor.getByTestId('crule-save').click();
    /* "tiers[1].from" lands at its cell */
    await page.getByTestId('error-tier-1-from').waitFor({ state: 'visible' });
    assert.equal(await tiers.nth(1).getByTestId('tier-from').getAttribute('aria-invalid'), 'true');
    await tiers.nth(1).getByTestId('tier-from').fill('1000');
    await editor.getByTestId('crule-save').click();
    await editor.waitFor({ state: 'detached' });
    await assertText(page.getByTestId('crule-row').filter({ hasText: RULE }).getByTestId('crule-tiers-cell'), '5 %');

    const rule = (await apiCall('GET', '/api/v1/commission-rules', undefined, 200)).data.find((r) => r.name === RULE);
    assert.equal(rule.pipeline_id, sales.id);
    assert.equal(rule.series, null);
    assert.deepEqual(rule.tiers.map((x) => [Number(x.from), Number(x.percent)]), [[0, 3], [1000, 5]]);
}));

test('a lead-capture form is made and shows its address and HTML', () => scenario('form', async () => {
    await page.goto(`${srv.url}/leads`);
    await page.getByTestId('settings-menu').click();
    await page.getByTestId('nav-forms').click();
    await page.waitForURL(/\/settings\/forms$/);
    await page.getByTestId('form-new').click();
    const editor = page.getByTestId('form-editor');
    await editor.getByTestId('form-name').fill(FORM);
    await editor.getByTestId('form-field-title').check();
    assert.equal(await editor.getByTestId('form-field-name').isChecked(), true, 'a new form asks for the name');
    assert.equal(await editor.getByTestId('form-field-email').isChecked(), true);
    assert.equal(await editor.getByTestId('form-field-company_name').isChecked(), true);
    await editor.getByTestId('form-source').fill(SOURCE);
    await editor.getByTestId('form-redirect').fill(`${site.url}/thanks-${UNIQUE}`);
    await editor.getByTestId('form-save').click();
    await editor.waitFor({ state: 'detached' });

    const embed = page.getByTestId('form-embed');
    await embed.waitFor({ state: 'visible' });
    form = (await apiCall('GET', '/api/v1/forms', undefined, 200)).data.find((f) => f.name === FORM);
    assert.ok(form, 'the form was saved');
    assert.deepEqual(form.fields, ['name', 'email', 'company_name', 'title']);
    assert.equal(form.source, SOURCE);
    assert.equal(form.honeypot, 'website');
    await assertText(embed.getByTestId('form-submit-url'), `${srv.url}/api/v1/forms/${form.key}/submit`);
    snippet = await embed.getByTestId('form-snippet').inputValue();
    assert.ok(snippet.includes(`action="${srv.url}/api/v1/forms/${form.key}/submit"`), snippet);
    assert.ok(snippet.includes('name="website"'), 'the honeypot is in the snippet');
}));

test('a visitor without an account sends the form and lands on the thank-you page', () => scenario('submit', async () => {
    assert.ok(snippet, 'the form was made');
    const visit = await visitor.newPage();
    site.html = snippet;
    const redirects = [];
    visit.on('response', (r) => { if (r.url().includes('/submit')) redirects.push(r.status()); });
    await visit.goto(`${site.url}/landing-${UNIQUE}?utm_source=newsletter&utm_campaign=winter`,
                     { referer: `https://search.example/?q=fleet-${UNIQUE}` });
    await visit.getByLabel('Name').fill(LEAD_NAME);
    await visit.getByLabel('E-mail').fill(LEAD_EMAIL);
    await visit.getByLabel('Company').fill(COMPANY);
    await visit.getByLabel('Title').fill(TOPIC);
    await visit.getByRole('button', { name: 'Send' }).click();
    await visit.waitForURL(`${site.url}/thanks-${UNIQUE}`);
    await visit.locator('#thanks').waitFor({ state: 'visible' });
    assert.deepEqual(redirects, [303], 'the server sends the HTML form on with a 303');
    await visit.close();
}));

test('the lead appears; the rules assign it to the rep once its region is set', () => scenario('assign', async () => {
    assert.ok(form, 'the form was made');
    await page.goto(`${srv.url}/leads`);
    const link = page.getByTestId('lead-link').filter({ hasText: LEAD_NAME });
    await link.waitFor({ state: 'visible' });
    await link.click();
    await page.waitForURL(/\/leads\/\d+$/);
    leadId = idFromUrl();
    await assertText(page.getByTestId('record-title'), LEAD_NAME);
    await expectAttribute(page.getByTestId('lead-card'), 'data-status', 'new');
    await assertText(page.getByTestId('prop-source'), SOURCE);
    await assertText(page.getByTestId('lead-form-link'), FORM);
    await assertText(page.locator('[data-testid="lead-utm"] [data-key="source"]'), 'newsletter');
    await assertText(page.locator('[data-testid="lead-utm"] [data-key="campaign"]'), 'winter');
    await assertText(page.getByTestId('lead-referrer'), `https://search.example/?q=fleet-${UNIQUE}`);
    await assertText(page.getByTestId('lead-owner'), 'Administrator'); /* no rule matched: the form's owner */

    /* No rule matches yet: the 409 is shown. */
    await page.getByTestId('lead-assign').click();
    await assertText(page.getByTestId('assign-error'), 'no assignment rule');

    await page.getByTestId('edit').click();
    await page.waitForURL(new RegExp(`/leads/${leadId}/edit$`));
    await page.getByTestId('lead-region').fill(REGION);
    await page.getByTestId('save').click();
    await page.waitForURL(new RegExp(`/leads/${leadId}$`));
    await assertText(page.getByTestId('prop-region'), REGION);
    await page.getByTestId('lead-assign').click();
    await assertText(page.getByTestId('assign-done'), REP);
    await assertText(page.getByTestId('lead-owner'), REP);

    await page.getByTestId('lead-set-qualified').click();
    await expectAttribute(page.getByTestId('lead-card'), 'data-status', 'qualified');
    const lead = await apiCall('GET', `/api/v1/leads/${leadId}`, undefined, 200);
    assert.equal(lead.owner_id, repId);
    assert.equal(lead.form_id, form.id);
    assert.equal(lead.status, 'qualified');
    assert.equal(lead.created_by, null, 'made by the form, not by a user');
}));

test('converting the lead makes a contact, a company and a deal in the Sales pipeline', () => scenario('convert', async () => {
    assert.ok(leadId, 'the lead was found');
    await page.goto(`${srv.url}/leads/${leadId}`);
    await page.getByTestId('lead-convert').click();
    const dialog = page.getByTestId('convert-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await dialog.getByTestId('convert-title').inputValue(), TOPIC, "the lead's title is the deal's");
    assert.equal(await dialog.getByTestId('convert-create-deal').isChecked(), true);
    await dialog.getByTestId('convert-pipeline').selectOption({ label: 'Sales' });
    await dialog.getByTestId('convert-stage').selectOption(String(open[0].id));
    await dialog.getByTestId('convert-amount-amount').fill('2000');
    await dialog.getByTestId('convert-amount-currency').selectOption('EUR');
    await dialog.getByTestId('convert-confirm').click();

    await dialog.getByTestId('convert-result').waitFor({ state: 'visible' });
    await assertText(dialog.getByTestId('convert-link-contacts'), LEAD_NAME);
    await assertText(dialog.getByTestId('convert-link-companies'), COMPANY);
    await assertText(dialog.getByTestId('convert-link-deals'), TOPIC);
    for (const entity of ['contacts', 'companies', 'deals']) {
        assert.equal(await dialog.getByTestId(`convert-result-${entity}`).getAttribute('data-made'), 'true', `a new ${entity}`);
    }
    dealId = Number(await dialog.getByTestId('convert-result-deals').getAttribute('data-id'));
    await dialog.getByTestId('convert-close').click();
    await expectAttribute(page.getByTestId('lead-card'), 'data-status', 'converted');
    await page.getByTestId('lead-converted').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('lead-convert').count(), 0, 'a converted lead is not converted again');

    await page.getByTestId('converted-deal').click();
    await page.waitForURL(new RegExp(`/deals/${dealId}$`));
    await assertText(page.getByTestId('record-title'), TOPIC);
    await assertText(page.getByTestId('deal-amount'), '2,000.00 EUR');
    await assertText(page.getByTestId('deal-stage-name'), open[0].name);
    await assertText(page.getByTestId('prop-owner_id'), REP);
    await assertText(page.getByTestId('company-link'), COMPANY);

    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.equal(deal.pipeline_id, sales.id);
    assert.equal(deal.owner_id, repId, "the deal is the lead owner's");
    assert.equal(deal.source, SOURCE);
}));

test('on the board the deal is dragged through the stages to Won', () => scenario('board', async () => {
    assert.ok(dealId, 'the deal was made');
    await page.goto(`${srv.url}/board/${sales.id}`);
    await card(open[0].id).waitFor({ state: 'visible' });
    for (let i = 1; i < open.length; i++) {
        await card(open[i - 1].id).dragTo(column(open[i].id), { sourcePosition: { x: 4, y: 4 } });
        await card(open[i].id).waitFor({ state: 'visible' });
    }
    await card(open[open.length - 1].id).dragTo(column(won.id), { sourcePosition: { x: 4, y: 4 } });
    const dialog = page.getByTestId('move-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await dialog.getAttribute('data-kind'), 'won');
    await page.getByTestId('move-reason').selectOption({ label: WON_REASON });
    await page.getByTestId('move-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await card(won.id).waitFor({ state: 'visible' });

    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.equal(deal.stage_id, won.id);
    assert.ok(deal.closed_at, 'the deal is closed');
    const history = (await apiCall('GET', `/api/v1/deals/${dealId}/history`, undefined, 200)).data;
    assert.equal(history.length, open.length + 1, 'made, then one move per stage');
}));

test('a quote with an option and 20 % tax is accepted and sets the deal amount', () => scenario('quote', async () => {
    assert.ok(dealId, 'the deal was made');
    await page.goto(`${srv.url}/deals/${dealId}`);
    await page.getByTestId('quotes-tab').click();
    await page.getByTestId('new-quote').click();
    await page.waitForURL(new RegExp(`/quotes/new\\?deal=${dealId}$`));
    await page.getByTestId('add-line').click();
    const line = page.getByTestId('quote-line').nth(0);
    await page.getByRole('combobox', { name: 'Product, line 1' }).fill(SKU);
    await page.getByRole('option', { name: PRODUCT }).click();
    await line.getByLabel('Size, line 1').selectOption('xl');
    await line.getByTestId('line-tax').fill('20');
    await page.waitForURL(/\/quotes\/\d+$/);
    quoteId = idFromUrl();
    await expectAttribute(page.getByTestId('save-state'), 'data-state', 'saved');
    await line.getByTestId('line-quantity').fill('2');
    await assertText(page.getByTestId('quote-total'), '2,424.00 EUR');
    await expectAttribute(page.getByTestId('save-state'), 'data-state', 'saved');
    await assertText(page.getByTestId('quote-tax-total'), '404.00 EUR');

    await page.getByTestId('quote-send').click();
    await expectAttribute(page.getByTestId('quote-status'), 'data-status', 'sent');
    assert.equal(await page.getByTestId('quote-update-deal').isChecked(), true);
    await page.getByTestId('quote-accept').click();
    await expectAttribute(page.getByTestId('quote-status'), 'data-status', 'accepted');
    await page.getByTestId('quote-deal-link').click();
    await page.waitForURL(new RegExp(`/deals/${dealId}$`));
    await assertText(page.getByTestId('deal-amount'), '2,424.00 EUR');

    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.deepEqual(deal.amount, { amount: '2424.00', currency: 'EUR' });
    assert.equal(deal.stage_id, won.id, 'still won');
}));

test("the commission report of the quarter shows the rep's commission", () => scenario('commission', async () => {
    assert.ok(quoteId, 'the quote was accepted');
    await page.goto(`${srv.url}/commissions`);
    assert.equal(await page.getByTestId('commission-quarter').inputValue(), currentQuarter(), 'the current quarter');
    const person = page.locator(`[data-testid="commission-person"][data-user-id="${repId}"]`);
    await person.waitFor({ state: 'visible' });
    await assertText(person.getByTestId('commission-user'), REP);
    await assertText(person.getByTestId('commission-won'), '1');
    await assertText(person.getByTestId('commission-volume'), '2,424.00 EUR');
    const line = person.getByTestId('commission-rule');
    assert.equal(await line.count(), 1, 'one rule took the deal');
    await assertText(line, RULE);
    await assertText(line.getByTestId('commission-rule-tier'), '5 % from 1,000.00 EUR');
    await assertText(line.getByTestId('commission-rule-amount'), '121.20 EUR');
    await assertText(person.getByTestId('commission-total'), '121.20 EUR');
    await assertText(person.getByTestId('commission-uncovered'), '0');
    await assertText(person.getByTestId('commission-unconverted'), '0');

    const report = await apiCall('GET', `/api/v1/commissions?quarter=${currentQuarter()}&user_id=${repId}`, undefined, 200);
    assert.deepEqual(report.data[0].commission, { amount: '121.20', currency: 'EUR' });
}));
