// Browser test of the sales screens against the real server: `crm serve --demo` (CRM_BIN,
// default build/crm) with web/dist on a fresh database from the API tests' harness (a
// temporary SQLite file, or a new PostgreSQL database when CRM_TEST_PG_URL is set; the
// harness signs the administrator in and sets ADMIN_PASSWORD), driven through Debian's
// Chromium (/usr/bin/chromium, or CHROMIUM) with playwright-core. The flow: sign in, create a
// deal in the "Sales" pipeline through the deal form, find it on the board, drag it to the
// next stage (the column counts change), move it to Won with the "Move to…" menu choosing a
// reason, see the stage history on the deal card; plus a stale move (412), a bad board filter
// with its position, a competitor made through its form and named when a dropped deal is lost,
// and the Russian board.
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { ADMIN_PASSWORD } from '../api/server.mjs';
import {
    apiCaller, assertText, CHROMIUM, chromium, openBrowser, scenarioRunner, signInAsAdmin,
    startDemoServer, TIMEOUT, uniqueTag,
} from './harness.mjs';


const UNIQUE = uniqueTag();
const TITLE = `Pilot ${UNIQUE}`;
const WON_REASON = `Great fit ${UNIQUE}`;
const LOST_REASON = `Too slow ${UNIQUE}`;
const COMPANY = `Acme ${UNIQUE}`;
const CONTACT_LAST = `Zubrov${UNIQUE}`;
const COMPETITOR = `Rival ${UNIQUE}`;

let srv;
let browser;
let page;

const scenario = scenarioRunner('sales', () => page, () => srv);
const apiCall = apiCaller(() => srv);
let sales; /* the "Sales" pipeline: { id, stages } */
let open; /* its open stages, in order */
let won; /* its first won stage */
let lost; /* its first lost stage */
let dealId;




const column = (stageId) => page.locator(`[data-testid="board-column"][data-stage-id="${stageId}"]`);
const card = (stageId) => column(stageId).locator(`[data-testid="board-card"][data-deal-id="${dealId}"]`);

async function countOf(stageId) {
    const text = await column(stageId).getByTestId('column-count').textContent();
    return Number(text.trim());
}

/* Waits until the column shows the count. */
async function expectCount(stageId, n) {
    const deadline = Date.now() + TIMEOUT;
    let seen;
    while (Date.now() < deadline) {
        seen = await countOf(stageId);
        if (seen === n) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`column ${stageId}: expected count ${n}, saw ${seen}`);
}

before(async () => {
    srv = await startDemoServer();

    /* The demo's "Sales" pipeline (made here if the seed has none) and a won reason of ours. */
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
    lost = stages.find((s) => s.kind === 'lost');
    assert.ok(open.length >= 2 && won && lost, `Sales has two open, a won and a lost stage: ${JSON.stringify(stages)}`);
    await apiCall('POST', '/api/v1/deal-reasons', { kind: 'won', name: WON_REASON }, 201);
    await apiCall('POST', '/api/v1/deal-reasons', { kind: 'lost', name: LOST_REASON }, 201);
    const company = await apiCall('POST', '/api/v1/companies', { name: COMPANY }, 201);
    await apiCall('POST', '/api/v1/contacts', { first_name: 'Ivan', last_name: CONTACT_LAST,
                                                companies: [{ id: company.id }] }, 201);

    ({ browser, page } = await openBrowser());
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (srv) await srv.stop();
});

test('the administrator signs in', () => scenario('sign-in', async () => {
    await page.goto(`${srv.url}/board`);
    await signInAsAdmin(page, srv);
    await page.waitForURL(/\/board\/\d+/);
}));

test('a deal is created in the Sales pipeline through the form', () => scenario('create-deal', async () => {
    await page.goto(`${srv.url}/deals`);
    await page.getByTestId('new').click();
    await page.waitForURL(/\/deals\/new$/);
    await page.getByTestId('save').click();
    await page.getByTestId('error-title').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#title').getAttribute('aria-invalid'), 'true');

    await page.getByLabel(/^Title/).fill(TITLE);
    await page.getByTestId('deal-pipeline').selectOption({ label: 'Sales' });
    await page.getByTestId('deal-stage').selectOption(String(open[0].id));
    await page.getByTestId('amount-amount').fill('1234.50');
    await page.getByTestId('amount-currency').selectOption('EUR');
    await page.getByRole('combobox', { name: 'Company' }).fill(COMPANY);
    await page.getByRole('option', { name: COMPANY }).click();
    await page.getByRole('combobox', { name: 'Contacts' }).fill(CONTACT_LAST);
    await page.getByRole('option', { name: `Ivan ${CONTACT_LAST}` }).click();
    await page.getByLabel(`Role at Ivan ${CONTACT_LAST}`).fill('Decision maker');
    await page.getByLabel('Source').fill('e2e');
    await page.getByTestId('save').click();
    await page.waitForURL(/\/deals\/\d+$/);
    dealId = Number(new URL(page.url()).pathname.split('/').pop());
    await assertText(page.getByTestId('record-title'), TITLE);
    await assertText(page.getByTestId('deal-amount'), '1,234.50 EUR');
    await assertText(page.getByTestId('deal-stage-name'), open[0].name);
    await assertText(page.getByTestId('company-link'), COMPANY);
    await assertText(page.getByTestId('deal-contacts'), 'Decision maker');

    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.equal(deal.pipeline_id, sales.id);
    assert.equal(deal.stage_id, open[0].id);
    assert.deepEqual(deal.amount, { amount: '1234.50', currency: 'EUR' });
    assert.equal(deal.contacts.length, 1);
    assert.equal(deal.contacts[0].role, 'Decision maker');

    await page.goto(`${srv.url}/deals`);
    const row = page.locator(`[data-testid="record-row"][data-id="${dealId}"]`);
    await assertText(row, TITLE);
    await assertText(row, '1,234.50 EUR');
    await assertText(row, open[0].name);
}));

test('the board shows the deal and dragging it to the next stage changes the counts', () => scenario('drag', async () => {
    assert.ok(dealId, 'the deal was created');
    await page.goto(`${srv.url}/board/${sales.id}`);
    await card(open[0].id).waitFor({ state: 'visible' });
    await assertText(card(open[0].id), TITLE);
    await assertText(card(open[0].id), '1,234.50 EUR');
    await assertText(card(open[0].id), COMPANY);
    await assertText(column(open[0].id).getByTestId('column-sums'), 'EUR');
    const from = await countOf(open[0].id);
    const to = await countOf(open[1].id);
    assert.ok(from >= 1, `the first column counts the deal (${from})`);

    await card(open[0].id).dragTo(column(open[1].id), { sourcePosition: { x: 4, y: 4 } });
    await card(open[1].id).waitFor({ state: 'visible' });
    await expectCount(open[0].id, from - 1);
    await expectCount(open[1].id, to + 1);
    assert.equal(await card(open[0].id).count(), 0, 'the card left the first column');

    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.equal(deal.stage_id, open[1].id);
}));

test('moving the deal to Won asks for the reason', () => scenario('won', async () => {
    assert.ok(dealId, 'the deal was created');
    await page.goto(`${srv.url}/board/${sales.id}`);
    await card(open[1].id).waitFor({ state: 'visible' });
    const before = await countOf(won.id);
    await card(open[1].id).getByTestId('card-move').selectOption(String(won.id));
    const dialog = page.getByTestId('move-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('move-confirm').isDisabled(), true, 'no reason chosen yet');
    await page.getByTestId('move-reason').selectOption({ label: WON_REASON });
    await page.getByTestId('move-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await card(won.id).waitFor({ state: 'visible' });
    await expectCount(won.id, before + 1);

    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.equal(deal.stage_id, won.id);
    assert.ok(deal.reason_id, 'the deal names its reason');
    assert.ok(deal.closed_at, 'the deal is closed');
}));

test('the deal card shows the stage history', () => scenario('stage-history', async () => {
    assert.ok(dealId, 'the deal was created');
    await page.goto(`${srv.url}/deals/${dealId}`);
    await assertText(page.getByTestId('deal-reason'), WON_REASON);
    await page.getByTestId('stage-history-tab').click();
    const rows = page.getByTestId('stage-history-row');
    await rows.nth(2).waitFor({ state: 'visible' });
    assert.equal(await rows.count(), 3, 'created, then two moves');
    await assertText(rows.nth(0).getByTestId('stage-history-to'), open[0].name);
    await assertText(rows.nth(1).getByTestId('stage-history-from'), open[0].name);
    await assertText(rows.nth(1).getByTestId('stage-history-to'), open[1].name);
    await assertText(rows.nth(2).getByTestId('stage-history-to'), won.name);
    await assertText(rows.nth(1), 'Administrator');
    assert.match(await rows.nth(1).getByTestId('stage-history-duration').textContent(), /second|minute/);
    await page.getByTestId('history-tab').click();
    await page.getByTestId('history-item').first().waitFor({ state: 'visible' });
}));

test('a move on a stale card says someone else changed the deal', () => scenario('stale', async () => {
    assert.ok(dealId, 'the deal was created');
    await page.goto(`${srv.url}/deals/${dealId}`);
    await page.getByTestId('stage-bar').waitFor({ state: 'visible' });
    /* Someone else moves it meanwhile. */
    await apiCall('POST', `/api/v1/deals/${dealId}/move`, { stage_id: open[0].id }, 200);
    await page.locator(`[data-testid="stage-step"][data-stage-id="${open[1].id}"]`).click();
    await assertText(page.getByTestId('move-error'), 'changed by someone else');
    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.equal(deal.stage_id, open[0].id, 'the stale move changed nothing');
}));

test('a bad board filter shows where it is wrong', () => scenario('bad-filter', async () => {
    await page.goto(`${srv.url}/board/${sales.id}`);
    await page.getByTestId('board').waitFor({ state: 'visible' });
    await page.getByTestId('board-filter').fill('amount >= 10 and nosuchfield = 1');
    await page.getByTestId('board-filter-apply').click();
    await assertText(page.getByTestId('board-filter-error'), 'at ');
    await page.getByTestId('board-filter-caret').waitFor({ state: 'visible' });
    await page.getByTestId('board-filter').fill(`title = "${TITLE}"`);
    await page.getByTestId('board-filter-apply').click();
    await page.getByTestId('board-filter-error').waitFor({ state: 'detached' });
    await card(open[0].id).waitFor({ state: 'visible' });
    await expectCount(open[0].id, 1);
}));

test('a competitor made through its form is named when a deal dropped on Lost', () => scenario('lost', async () => {
    await page.goto(`${srv.url}/competitors/new`);
    await page.getByLabel(/^Name/).fill(COMPETITOR);
    await page.getByLabel('Website').fill('https://rival.example.com');
    await page.getByTestId('save').click();
    await page.waitForURL(/\/competitors\/\d+$/);
    const competitorId = Number(new URL(page.url()).pathname.split('/').pop());
    await assertText(page.getByTestId('record-title'), COMPETITOR);

    const other = await apiCall('POST', '/api/v1/deals', { title: `Second ${UNIQUE}`, pipeline_id: sales.id }, 201);
    await page.goto(`${srv.url}/board/${sales.id}`);
    const source = column(open[0].id).locator(`[data-testid="board-card"][data-deal-id="${other.id}"]`);
    await source.waitFor({ state: 'visible' });
    const before = await countOf(lost.id);
    await source.dragTo(column(lost.id), { sourcePosition: { x: 4, y: 4 } });
    const dialog = page.getByTestId('move-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await dialog.getAttribute('data-kind'), 'lost');
    await page.getByTestId('move-reason').selectOption({ label: LOST_REASON });
    await page.getByRole('combobox', { name: 'Lost to competitor' }).fill(COMPETITOR);
    await page.getByRole('option', { name: COMPETITOR }).click();
    await page.getByTestId('move-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await column(lost.id).locator(`[data-testid="board-card"][data-deal-id="${other.id}"]`).waitFor({ state: 'visible' });
    await expectCount(lost.id, before + 1);
    const deal = await apiCall('GET', `/api/v1/deals/${other.id}`, undefined, 200);
    assert.equal(deal.competitor_id, competitorId);

    await page.goto(`${srv.url}/competitors/${competitorId}`);
    await assertText(page.getByTestId('competitor-deals'), `Second ${UNIQUE}`);
}));

test('the board speaks Russian', () => scenario('russian', async () => {
    await page.goto(`${srv.url}/board/${sales.id}`);
    await page.getByTestId('lang-select').selectOption('ru');
    await assertText(page.getByRole('navigation'), 'Доска');
    await assertText(page.locator('h1'), 'Доска');
    await page.getByTestId('lang-select').selectOption('en');
    await assertText(page.locator('h1'), 'Board');
}));
