// Browser test of the product catalogue and the quote editor against the real server: `crm
// serve --demo` (CRM_BIN, default build/crm) with web/dist on a fresh database from the API
// tests' harness (a temporary SQLite file, or a new PostgreSQL database when CRM_TEST_PG_URL is
// set), driven through Debian's Chromium (/usr/bin/chromium, or CHROMIUM) with playwright-core.
// The flow: sign in; create a product with a required "size" option through the form (a bad
// price delta is shown at its cell first); open a deal made through the API, press "New quote"
// on its Quotes tab, add a line with the product, option XL and tax 20 % (a zero quantity is
// shown at its cell), see the totals the server computed; send it (read-only, a version kept),
// accept it with "update the deal amount" and see the deal's amount change on its card; and
// the Russian product list.
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
    apiCaller, assertText, CHROMIUM, chromium, expectAttribute, openBrowser, scenarioRunner,
    signInAsAdmin, startDemoServer, uniqueTag,
} from './harness.mjs';


const UNIQUE = uniqueTag();
const SKU = `GTX-${UNIQUE}`;
const PRODUCT = `GTX Pro ${UNIQUE}`;
const DEAL = `Fleet ${UNIQUE}`;

let srv;
let browser;
let page;

const scenario = scenarioRunner('quotes', () => page, () => srv);
const apiCall = apiCaller(() => srv);
let dealId;
let productId;
let quoteId;





/* The editor saved everything typed (the totals are the server's for what is shown). */
const saved = () => expectAttribute(page.getByTestId('save-state'), 'data-state', 'saved');

before(async () => {
    srv = await startDemoServer();

    /* A deal in EUR in the first pipeline (made here if the seed has none). */
    const pipelines = (await apiCall('GET', '/api/v1/pipelines', undefined, 200)).data;
    let pipeline = pipelines.find((p) => p.name === 'Sales') || pipelines[0];
    if (!pipeline) {
        pipeline = await apiCall('POST', '/api/v1/pipelines', {
            name: 'Sales',
            stages: [
                { name: 'Qualification', probability: 10, kind: 'open' },
                { name: 'Won', probability: 100, kind: 'won' },
                { name: 'Lost', probability: 0, kind: 'lost' },
            ],
        }, 201);
    }
    const deal = await apiCall('POST', '/api/v1/deals', {
        title: DEAL, pipeline_id: pipeline.id, amount: { amount: '500.00', currency: 'EUR' },
    }, 201);
    dealId = deal.id;

    ({ browser, page } = await openBrowser());
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (srv) await srv.stop();
});

test('the administrator signs in', () => scenario('sign-in', async () => {
    await page.goto(`${srv.url}/products`);
    await signInAsAdmin(page, srv);
    await page.waitForURL(/\/products$/);
    await page.getByTestId('products-list').waitFor({ state: 'visible' });
}));

test('a product with a size option is created through the form', () => scenario('product', async () => {
    await page.goto(`${srv.url}/products`);
    await page.getByRole('navigation').getByRole('link', { name: 'Products' }).waitFor({ state: 'visible' });
    await page.getByTestId('new').click();
    await page.waitForURL(/\/products\/new$/);
    await page.getByTestId('save').click();
    await page.getByTestId('error-sku').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#sku').getAttribute('aria-invalid'), 'true');

    await page.getByLabel(/^SKU/).fill(SKU);
    await page.getByLabel(/^Name/).first().fill(PRODUCT);
    await page.getByLabel('Series').fill('GTX');
    await page.getByLabel('Unit').fill('pcs');
    await page.getByTestId('price-amount').fill('1000.00');
    await page.getByTestId('price-currency').selectOption('EUR');
    await page.getByLabel('Tax rate, %').fill('20');

    await page.getByTestId('option-add').click();
    const group = page.getByTestId('option-group').nth(0);
    await group.getByTestId('option-code').fill('size');
    await group.getByTestId('option-name').fill('Size');
    await group.getByTestId('option-required').check();
    assert.equal(await group.getByTestId('option-exclusive').isChecked(), true, 'a new group takes one choice');
    const choices = group.getByTestId('option-choice');
    await choices.nth(0).getByTestId('choice-code').fill('m');
    await choices.nth(0).getByTestId('choice-name').fill('M');
    await group.getByTestId('choice-add').click();
    await choices.nth(1).getByTestId('choice-code').fill('xl');
    await choices.nth(1).getByTestId('choice-name').fill('XL');
    await choices.nth(1).getByTestId('choice-delta').fill('ten');
    await page.getByTestId('save').click();
    /* the server's "options[0].choices[1].price_delta" lands at that cell */
    await page.getByTestId('error-options-0-choice-1-delta').waitFor({ state: 'visible' });
    assert.equal(await choices.nth(1).getByTestId('choice-delta').getAttribute('aria-invalid'), 'true');
    await choices.nth(1).getByTestId('choice-delta').fill('10.00');
    await page.getByTestId('save').click();

    await page.waitForURL(/\/products\/\d+$/);
    productId = Number(new URL(page.url()).pathname.split('/').pop());
    await assertText(page.getByTestId('record-title'), PRODUCT);
    await assertText(page.getByTestId('product-sku'), SKU);
    await assertText(page.getByTestId('product-price'), '1,000.00 EUR');
    await assertText(page.getByTestId('product-tax'), '20 %');
    await assertText(page.locator('[data-testid="product-choice"][data-code="xl"]'), '+10.00 EUR');

    const product = await apiCall('GET', `/api/v1/products/${productId}`, undefined, 200);
    assert.equal(product.sku, SKU);
    assert.deepEqual(product.price, { amount: '1000.00', currency: 'EUR' });
    assert.equal(Number(product.tax_rate), 20);
    assert.equal(product.options.length, 1);
    assert.equal(product.options[0].code, 'size');
    assert.equal(product.options[0].required, true);
    assert.equal(product.options[0].exclusive, true);
    assert.deepEqual(product.options[0].choices.map((c) => c.code), ['m', 'xl']);
    assert.equal(Number(product.options[0].choices[1].price_delta), 10);

    await page.goto(`${srv.url}/products`);
    const row = page.locator(`[data-testid="record-row"][data-id="${productId}"]`);
    await assertText(row, SKU);
    await assertText(row, '1,000.00 EUR');
    await assertText(row, '20 %');
}));

test('a quote made from the deal card shows the totals the server computed', () => scenario('quote', async () => {
    assert.ok(productId, 'the product was created');
    await page.goto(`${srv.url}/deals/${dealId}`);
    await page.getByTestId('quotes-tab').click();
    await page.getByTestId('no-quotes').waitFor({ state: 'visible' });
    await page.getByTestId('new-quote').click();
    await page.waitForURL(new RegExp(`/quotes/new\\?deal=${dealId}$`));
    await assertText(page.getByTestId('quote-deal-link'), DEAL);
    assert.equal(await page.getByTestId('quote-currency').inputValue(), 'EUR', "the deal's currency");

    await page.getByTestId('add-line').click();
    const line = page.getByTestId('quote-line').nth(0);
    await page.getByRole('combobox', { name: 'Product, line 1' }).fill(SKU);
    await page.getByRole('option', { name: PRODUCT }).click();
    await line.getByLabel('Size, line 1').selectOption('xl');
    await line.getByTestId('line-tax').fill('20');
    /* the first save creates the quote and the page becomes its own */
    await page.waitForURL(/\/quotes\/\d+$/);
    quoteId = Number(new URL(page.url()).pathname.split('/').pop());
    await saved();

    /* a zero quantity: the server's "lines[0].quantity" at the cell */
    await line.getByTestId('line-quantity').fill('0');
    await page.getByTestId('error-line-0-quantity').waitFor({ state: 'visible' });
    await expectAttribute(page.getByTestId('save-state'), 'data-state', 'error');
    await line.getByTestId('line-quantity').fill('2');
    await page.getByTestId('error-line-0-quantity').waitFor({ state: 'detached' });
    await saved();

    assert.equal(await line.getByTestId('line-price').inputValue(), '1010.00', "the product's price with XL");
    /* the line cells show numbers; the column headers name the currency */
    await assertText(line.getByTestId('line-net'), '2,020.00');
    await assertText(line.getByTestId('line-tax-amount'), '404.00');
    await assertText(line.getByTestId('line-total'), '2,424.00');
    assert.equal(await line.getByTestId('line-total').getAttribute('data-currency'), 'EUR');
    await assertText(page.getByTestId('quote-lines').locator('thead'), 'Total, EUR');
    await assertText(line.getByTestId('line-gross'), '2,020.00 EUR');
    await assertText(page.getByTestId('quote-subtotal'), '2,020.00 EUR');
    await assertText(page.getByTestId('quote-tax-total'), '404.00 EUR');
    await assertText(page.getByTestId('quote-total'), '2,424.00 EUR');
    await expectAttribute(page.getByTestId('quote-status'), 'data-status', 'draft');

    const quote = await apiCall('GET', `/api/v1/quotes/${quoteId}`, undefined, 200);
    assert.equal(quote.deal_id, dealId);
    assert.equal(quote.status, 'draft');
    assert.equal(quote.lines.length, 1);
    assert.equal(quote.lines[0].product_id, productId);
    assert.deepEqual(quote.lines[0].options, [{ option: 'size', choice: 'xl' }]);
    assert.equal(Number(quote.lines[0].quantity), 2);
    assert.deepEqual(quote.total, { amount: '2424.00', currency: 'EUR' });
}));

test('the quote is sent, becomes read-only and is accepted with the deal amount', () => scenario('accept', async () => {
    assert.ok(quoteId, 'the quote was created');
    await page.goto(`${srv.url}/quotes/${quoteId}`);
    await saved();
    await page.getByTestId('quote-send').click();
    await expectAttribute(page.getByTestId('quote-status'), 'data-status', 'sent');
    await page.getByTestId('read-only').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('add-line').count(), 0, 'no lines are added to a sent quote');
    assert.equal(await page.locator('[data-testid="quote-lines"] :is(input, select)').count(), 0, 'the lines are text');
    assert.equal(await page.locator('#title').isDisabled(), true);

    await page.getByTestId('versions-tab').click();
    await assertText(page.locator('[data-testid="quote-version"][data-number="1"]'), '2,424.00 EUR');
    await page.getByTestId('quote-tab').click();

    assert.equal(await page.getByTestId('quote-update-deal').isChecked(), true, 'updating the deal is the default');
    await page.getByTestId('quote-accept').click();
    await expectAttribute(page.getByTestId('quote-status'), 'data-status', 'accepted');
    assert.equal(await page.getByTestId('quote-revise').count(), 0, 'an accepted quote is not revised');

    await page.getByTestId('quote-deal-link').click();
    await page.waitForURL(new RegExp(`/deals/${dealId}$`));
    await assertText(page.getByTestId('deal-amount'), '2,424.00 EUR');
    await page.getByTestId('quotes-tab').click();
    const row = page.locator(`[data-testid="deal-quotes-table"] [data-testid="record-row"][data-id="${quoteId}"]`);
    await assertText(row.getByTestId('quote-status'), 'Accepted');
    await assertText(row.getByTestId('quote-row-total'), '2,424.00 EUR');

    const deal = await apiCall('GET', `/api/v1/deals/${dealId}`, undefined, 200);
    assert.deepEqual(deal.amount, { amount: '2424.00', currency: 'EUR' });
}));

test('the product list speaks Russian', () => scenario('russian', async () => {
    await page.goto(`${srv.url}/products`);
    await page.getByTestId('lang-select').selectOption('ru');
    await assertText(page.getByRole('navigation'), 'Товары');
    await assertText(page.locator('h1'), 'Товары');
    await page.getByTestId('lang-select').selectOption('en');
    await assertText(page.locator('h1'), 'Products');
}));
