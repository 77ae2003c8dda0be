// Browser test of the price lists against the real server: `crm serve --demo` (CRM_BIN, default
// build/crm) with web/dist on a fresh database from the API tests' harness (a temporary SQLite
// file, or a new PostgreSQL database when CRM_TEST_PG_URL is set), driven through Debian's
// Chromium (/usr/bin/chromium, or CHROMIUM) with playwright-core.
// The flow: two products made through the API; a price list in EUR made through Settings →
// Price lists with a price for the first (a bad price is shown at its cell first, past a row
// left empty); a deal and a draft quote made through the API; in the quote editor the list is
// chosen (a USD list is not offered), the listed product's line takes the list's price, the
// other product its own, and the totals are the server's; "none" gives the product's price
// back; the list's page in Russian.
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/pricelists.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
    apiCaller, assertText, expectAttribute, openBrowser, scenarioRunner, signInAsAdmin, startDemoServer,
    uniqueTag,
} from './harness.mjs';

const UNIQUE = uniqueTag();
const SKU = `PLX-${UNIQUE}`;
const PRODUCT = `Pallet jack ${UNIQUE}`;
const OTHER_SKU = `PLY-${UNIQUE}`;
const OTHER = `Fork cover ${UNIQUE}`;
const LIST = `Wholesale ${UNIQUE}`;
const USD_LIST = `Export ${UNIQUE}`;
const DEAL = `Warehouse ${UNIQUE}`;

let srv;
let browser;
let page;

const scenario = scenarioRunner('pricelists', () => page, () => srv);
const apiCall = apiCaller(() => srv);
let productId;
let otherId;
let listId;
let usdListId;
let quoteId;

/* The editor saved everything shown (the totals are the server's for it). */
const saved = () => expectAttribute(page.getByTestId('save-state'), 'data-state', 'saved');

before(async () => {
    srv = await startDemoServer();

    const product = await apiCall('POST', '/api/v1/products', {
        sku: SKU, name: PRODUCT, price: { amount: '1000.00', currency: 'EUR' }, tax_rate: '20',
    }, 201);
    productId = product.id;
    const other = await apiCall('POST', '/api/v1/products', {
        sku: OTHER_SKU, name: OTHER, price: { amount: '200.00', currency: 'EUR' }, tax_rate: '20',
    }, 201);
    otherId = other.id;
    const usd = await apiCall('POST', '/api/v1/price-lists', {
        name: USD_LIST, currency: 'USD', items: [{ product_id: productId, price: '990.00' }],
    }, 201);
    usdListId = usd.id;

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
        title: DEAL, pipeline_id: pipeline.id, amount: { amount: '900.00', currency: 'EUR' },
    }, 201);
    const quote = await apiCall('POST', '/api/v1/quotes', { deal_id: deal.id, currency: 'EUR', title: `Offer ${UNIQUE}` }, 201);
    quoteId = quote.id;

    ({ browser, page } = await openBrowser());
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (srv) await srv.stop();
});

test('the administrator signs in', () => scenario('sign-in', async () => {
    await page.goto(`${srv.url}/settings/price-lists`);
    await signInAsAdmin(page, srv);
    await page.waitForURL(/\/settings\/price-lists$/);
    await page.getByTestId('price-lists-page').waitFor({ state: 'visible' });
}));

test('a price list in EUR is made through the settings', () => scenario('create', async () => {
    await page.goto(`${srv.url}/companies`);
    await page.getByTestId('settings-menu').click();
    await page.getByTestId('nav-price-lists').click();
    await page.waitForURL(/\/settings\/price-lists$/);
    await assertText(page.locator(`[data-testid="price-list-row"][data-id="${usdListId}"]`), USD_LIST);
    await page.getByTestId('price-list-new').click();
    await page.waitForURL(/\/settings\/price-lists\/new$/);

    await page.getByTestId('price-list-name').fill(LIST);
    await page.getByTestId('price-list-currency').selectOption('EUR');
    assert.equal(await page.getByTestId('price-list-active').isChecked(), true, 'a new list is active');
    await page.getByTestId('price-list-notes').fill('Dealers and resellers');
    /* a row left empty is not sent: the list's items[0] is the second row */
    await page.getByTestId('item-add').click();
    await page.getByTestId('item-add').click();
    const row = page.getByTestId('item-row').nth(1);
    await page.getByRole('combobox', { name: 'Product, row 2' }).fill(SKU);
    await page.getByRole('option', { name: PRODUCT }).click();
    await assertText(row.getByTestId('item-catalog-price'), '1,000.00 EUR');
    await row.getByTestId('item-price').fill('eight hundred');
    await page.getByTestId('save').click();
    /* the server's "items[0].price" lands at the second row's price */
    await page.getByTestId('error-item-1-price').waitFor({ state: 'visible' });
    assert.equal(await row.getByTestId('item-price').getAttribute('aria-invalid'), 'true');
    await row.getByTestId('item-price').fill('850,00');
    assert.equal(await row.getByTestId('item-price').inputValue(), '850.00', 'a decimal comma becomes a point');
    await page.getByTestId('item-row').nth(0).getByTestId('item-remove').click();
    await page.getByTestId('save').click();

    await page.waitForURL(/\/settings\/price-lists$/);
    const lists = (await apiCall('GET', `/api/v1/price-lists?q=${encodeURIComponent(UNIQUE)}&sort=name`, undefined, 200)).data;
    const list = lists.find((l) => l.name === LIST);
    assert.ok(list, 'the list was made');
    listId = list.id;
    assert.equal(list.currency, 'EUR');
    assert.equal(list.active, true);
    assert.equal(list.notes, 'Dealers and resellers');
    assert.deepEqual(list.items, [{ product_id: productId, price: '850.00' }]);

    const tableRow = page.locator(`[data-testid="price-list-row"][data-id="${listId}"]`);
    await assertText(tableRow, LIST);
    await assertText(tableRow.getByTestId('price-list-currency-cell'), 'EUR');
    await assertText(tableRow, 'active');
    await assertText(tableRow.getByTestId('price-list-count'), '1 product');

    /* the edit form shows the product by name and its price */
    await tableRow.getByTestId('price-list-edit').click();
    await page.waitForURL(new RegExp(`/settings/price-lists/${listId}$`));
    await assertText(page.getByTestId('record-title'), LIST);
    const again = page.getByTestId('item-row').nth(0);
    await assertText(again.getByTestId('item-product'), PRODUCT);
    assert.equal(await again.getByTestId('item-price').inputValue(), '850.00');
    await page.getByTestId('cancel').click();
    await page.waitForURL(/\/settings\/price-lists$/);
}));

test('the quote takes the list’s price for its product and the product’s own for the rest', () => scenario('quote', async () => {
    assert.ok(listId, 'the list was made');
    await page.goto(`${srv.url}/quotes/${quoteId}`);
    await saved();
    const select = page.getByTestId('quote-price-list');
    await assertText(select, LIST);
    const offered = await select.locator('option').allTextContents();
    assert.ok(!offered.some((o) => o.includes(USD_LIST)), `a USD list is not offered for a EUR quote: ${offered}`);
    await select.selectOption(String(listId));
    await saved();

    await page.getByTestId('add-line').click();
    const line = page.getByTestId('quote-line').nth(0);
    await page.getByRole('combobox', { name: 'Product, line 1' }).fill(SKU);
    await page.getByRole('option', { name: PRODUCT }).click();
    await saved();
    await expectAttribute(line.getByTestId('line-price'), 'placeholder', 'from the price list');
    assert.equal(await line.getByTestId('line-price').inputValue(), '850.00', "the list's price");

    await page.getByTestId('add-line').click();
    const second = page.getByTestId('quote-line').nth(1);
    await page.getByRole('combobox', { name: 'Product, line 2' }).fill(OTHER_SKU);
    await page.getByRole('option', { name: OTHER }).click();
    await saved();
    assert.equal(await second.getByTestId('line-price').inputValue(), '200.00', "a product the list does not name: its own");

    await assertText(line.getByTestId('line-net'), '850.00');
    await assertText(line.getByTestId('line-total'), '1,020.00');
    await assertText(page.getByTestId('quote-subtotal'), '1,050.00 EUR');
    await assertText(page.getByTestId('quote-tax-total'), '210.00 EUR');
    await assertText(page.getByTestId('quote-total'), '1,260.00 EUR');

    const quote = await apiCall('GET', `/api/v1/quotes/${quoteId}`, undefined, 200);
    assert.equal(quote.price_list_id, listId);
    assert.deepEqual(quote.lines.map((l) => [l.product_id, l.price]), [[productId, '850.00'], [otherId, '200.00']]);
    assert.deepEqual(quote.total, { amount: '1260.00', currency: 'EUR' });

    /* a reload shows the list chosen */
    await page.reload();
    await saved();
    assert.equal(await page.getByTestId('quote-price-list').inputValue(), String(listId));

    /* no list: the product's own price again */
    await page.getByTestId('quote-price-list').selectOption('');
    await saved();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await line.getByTestId('line-price').inputValue()) !== '1000.00') {
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await line.getByTestId('line-price').inputValue(), '1000.00', "the product's price");
    await assertText(page.getByTestId('quote-total'), '1,440.00 EUR');
    const plain = await apiCall('GET', `/api/v1/quotes/${quoteId}`, undefined, 200);
    assert.equal(plain.price_list_id ?? null, null);
    assert.equal(plain.lines[0].price, '1000.00');
}));

test('the price lists page speaks Russian', () => scenario('russian', async () => {
    await page.goto(`${srv.url}/settings/price-lists`);
    await page.getByTestId('lang-select').selectOption('ru');
    await assertText(page.locator('h1'), 'Прайс-листы');
    await assertText(page.locator(`[data-testid="price-list-row"][data-id="${listId}"]`), '1 товар');
    await page.getByTestId('lang-select').selectOption('en');
    await assertText(page.locator('h1'), 'Price lists');
}));
