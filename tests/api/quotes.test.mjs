/*
 * Quotes (/api/v1/quotes): lines priced from products (price in the quote currency plus option
 * deltas, the product's tax rate), totals computed by the server on every write of a draft,
 * bad lines named by their place, prices set by hand only with the right to update products;
 * send keeps the version, a sent quote is frozen until revised, accept makes the total the
 * deal's amount, an expired quote cannot be accepted.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, randomName, useServer } from './server.mjs';

/* No job runner: the hourly expiry of quotes would race the test of an expired quote. */
const S = useServer({ args: ['--base-currency', 'EUR', '--job-threads', '0'] });
let srv;
let product, inactive, deal;

const money = (amount, currency = 'EUR') => ({ amount, currency });

before(async () => {
    srv = await S.start();
    let res = await srv.api('POST', '/api/v1/products', {
        sku: `Q-${randomName()}`, name: 'Widget', tax_rate: '20', price: money('100.00'),
        prices: [money('120.00', 'USD')],
        options: [{ code: 'size', name: 'Size', required: true, exclusive: true,
                    choices: [{ code: 'm', name: 'M' }, { code: 'xl', name: 'XL', price_delta: '10.00' }] }],
    });
    expectStatus(res, 201, 'product');
    product = res.json;
    res = await srv.api('POST', '/api/v1/products', { sku: `Q-${randomName()}`, name: 'Old', price: money('1'), active: false });
    inactive = res.json;
    const pipeline = (await srv.api('POST', '/api/v1/pipelines', {
        name: `Quotes ${randomName()}`,
        stages: [{ name: 'Open', probability: 10, kind: 'open' }, { name: 'Won', probability: 100, kind: 'won' },
                 { name: 'Lost', probability: 0, kind: 'lost' }],
    })).json;
    res = await srv.api('POST', '/api/v1/deals', { pipeline_id: pipeline.id, title: 'Quoted', amount: money('1.00') });
    expectStatus(res, 201);
    deal = res.json;
});

async function createQuote(body) {
    const res = await srv.api('POST', '/api/v1/quotes', { deal_id: deal.id, ...body });
    expectStatus(res, 201, `create quote ${JSON.stringify(body)}`);
    return res.json;
}

const line = (extra = {}) => ({ product_id: product.id, options: [{ option: 'size', choice: 'xl' }], quantity: '2', ...extra });

describe('quotes', () => {
    test('lines are priced from the product with its options and tax; the server computes the totals', async () => {
        const q = await createQuote({ lines: [line()] });
        assert.equal(q.currency, 'EUR', 'the deal currency');
        assert.equal(q.status, 'draft');
        assert.equal(q.number, 1);
        const [l] = q.lines;
        assert.equal(l.name, 'Widget');
        assert.equal(l.price, '110.00');
        assert.equal(l.tax_rate, '20');
        assert.deepEqual([l.gross, l.net, l.tax, l.total], [money('220.00'), money('220.00'), money('44.00'), money('264.00')]);
        assert.deepEqual([q.subtotal, q.tax_total, q.total], [money('220.00'), money('44.00'), money('264.00')]);

        const res = await srv.api('PATCH', `/api/v1/quotes/${q.id}`, { discount_percent: '10', lines: q.lines });
        expectStatus(res, 200);
        assert.deepEqual([res.json.subtotal, res.json.quote_discount, res.json.tax_total, res.json.total],
            [money('220.00'), money('22.00'), money('39.60'), money('237.60')]);
    });

    test('prices including tax, a free line, another currency', async () => {
        const q = await createQuote({
            currency: 'usd', prices_include_tax: true,
            lines: [{ product_id: product.id, options: [{ option: 'size', choice: 'm' }], quantity: '1' },
                    { name: 'Installation', price: '60.00', quantity: '1', tax_rate: '20' }],
        });
        assert.equal(q.currency, 'USD');
        assert.equal(q.lines[0].price, '120.00', 'the USD price of the product');
        assert.deepEqual([q.lines[0].net, q.lines[0].tax], [money('100.00', 'USD'), money('20.00', 'USD')]);
        assert.deepEqual(q.total, money('180.00', 'USD'));
        const res = await srv.api('POST', '/api/v1/quotes', { deal_id: deal.id, currency: 'USD', lines: [line()] });
        expectFieldError(res, 'lines[0].options', 'options priced in EUR on a USD quote');
    });

    test('bad lines and bodies are 422s naming their place; nothing is written', async () => {
        const cases = [
            [{ lines: [line({ quantity: '-1' })] }, 'lines[0].quantity'],
            [{ lines: [line({ quantity: '2,5' })] }, 'lines[0].quantity'],
            [{ lines: [{ product_id: inactive.id, quantity: '1' }] }, 'lines[0].product_id'],
            [{ lines: [{ product_id: 999999, quantity: '1' }] }, 'lines[0].product_id'],
            [{ lines: [line({ options: [{ option: 'size', choice: 'xxl' }] })] }, /^lines\[0\]\.options/],
            [{ lines: [line({ options: [] })] }, /^lines\[0\]\.options/],
            [{ lines: [line(), { quantity: '1', price: '5' }] }, 'lines[1].name'],
            [{ lines: [line()], discount_percent: '5', discount_amount: '1.00' }, /discount/],
            [{ lines: [line()], currency: 'XYZ' }, 'currency'],
            [{ lines: [line()], rounding: 'cents' }, 'rounding'],
            [{ lines: [line()], status: 'accepted' }, 'status'],
            [{ lines: [line()], deal_id: 999999 }, 'deal_id'],
            [{ lines: [line({ delivery_date: 'tomorrow' })] }, 'lines[0].delivery_date'],
            [{ lines: [line({ colour: 'red' })] }, 'lines[0].colour'],
        ];
        const before = (await srv.api('GET', '/api/v1/quotes?count=true&limit=1')).json.total;
        for (const [body, field] of cases) {
            const res = await srv.api('POST', '/api/v1/quotes', { deal_id: deal.id, ...body });
            expectFieldError(res, field, JSON.stringify(body));
        }
        assert.equal((await srv.api('GET', '/api/v1/quotes?count=true&limit=1')).json.total, before);
    });

    test('a price other than the product\'s takes the right to update products', async () => {
        const email = `rep-${randomName()}@quotes.example.com`;
        const password = `pw ${randomName()} rep`;
        expectStatus(await srv.api('POST', '/api/v1/users', { email, name: 'Rep', role: 'sales_rep', password }), 201);
        const rep = await srv.signIn(email, password);
        const pipeline = (await srv.api('GET', '/api/v1/pipelines')).json.data[0];
        const repDeal = (await rep.api('POST', '/api/v1/deals', { pipeline_id: pipeline.id, title: 'Rep deal' })).json;
        let res = await rep.api('POST', '/api/v1/quotes', { deal_id: repDeal.id, lines: [line({ price: '90.00' })] });
        expectFieldError(res, 'lines[0].price');
        res = await rep.api('POST', '/api/v1/quotes', { deal_id: repDeal.id, lines: [line({ price: '110.00' })] });
        expectStatus(res, 201, 'the product\'s own price may be repeated');
        const q = await createQuote({ lines: [line({ price: '90.00' })] });
        assert.equal(q.lines[0].price, '90.00', 'an administrator sets the price');
    });

    test('send, revise, send again, accept: versions kept, the deal amount follows', async () => {
        let q = await createQuote({ lines: [line()], valid_until: '2099-12-31' });
        let res = await srv.api('POST', `/api/v1/quotes/${q.id}/send`, undefined, { 'If-Match': `"${q.version}"` });
        expectStatus(res, 200);
        q = res.json;
        assert.equal(q.status, 'sent');
        expectProblem(await srv.api('PATCH', `/api/v1/quotes/${q.id}`, { notes: 'x' }), 409);
        expectProblem(await srv.api('POST', `/api/v1/quotes/${q.id}/send`), 409);
        res = await srv.api('POST', `/api/v1/quotes/${q.id}/revise`);
        expectStatus(res, 200);
        assert.deepEqual([res.json.status, res.json.number], ['draft', 2]);
        res = await srv.api('PATCH', `/api/v1/quotes/${q.id}`, { lines: [line({ quantity: '3' })] });
        expectStatus(res, 200);
        expectStatus(await srv.api('POST', `/api/v1/quotes/${q.id}/send`), 200);
        res = await srv.api('GET', `/api/v1/quotes/${q.id}/versions`);
        expectStatus(res, 200);
        assert.deepEqual(res.json.data.map((v) => [v.number, v.quote.total.amount]), [[2, '396.00'], [1, '264.00']]);
        res = await srv.api('POST', `/api/v1/quotes/${q.id}/accept`, { update_deal_amount: true });
        expectStatus(res, 200);
        assert.equal(res.json.status, 'accepted');
        const d = (await srv.api('GET', `/api/v1/deals/${deal.id}`)).json;
        assert.deepEqual(d.amount, money('396.00'));
        expectProblem(await srv.api('POST', `/api/v1/quotes/${q.id}/decline`), 409);
    });

    test('a price list gives its prices to the quotes that name it', async () => {
        let res = await srv.api('POST', '/api/v1/price-lists', {
            name: `Dealers ${randomName()}`, currency: 'eur', items: [{ product_id: product.id, price: '95' }],
        });
        expectStatus(res, 201, 'price list');
        const list = res.json;
        assert.equal(list.currency, 'EUR');
        assert.equal(list.active, true);
        assert.deepEqual(list.items, [{ product_id: product.id, price: '95.00' }]);
        const q = await createQuote({ price_list_id: list.id, lines: [line()] });
        assert.equal(q.currency, 'EUR', 'the list\'s currency');
        assert.equal(q.lines[0].price, '105.00', 'the list price plus the XL delta');
        assert.deepEqual(q.total, money('252.00'));

        const usd = (await srv.api('POST', '/api/v1/price-lists', { name: `US ${randomName()}`, currency: 'USD' })).json;
        expectFieldError(await srv.api('POST', '/api/v1/quotes', { deal_id: deal.id, currency: 'EUR', price_list_id: usd.id, lines: [] }), 'price_list_id');
        expectStatus(await srv.api('PATCH', `/api/v1/price-lists/${list.id}`, { active: false }), 200);
        expectFieldError(await srv.api('POST', '/api/v1/quotes', { deal_id: deal.id, price_list_id: list.id, lines: [] }), 'price_list_id');
        expectFieldError(await srv.api('POST', '/api/v1/quotes', { deal_id: deal.id, price_list_id: 999999, lines: [] }), 'price_list_id');
    });

    test('bad price lists are 422s naming the item; names are unique', async () => {
        const name = `Bad ${randomName()}`;
        let res = await srv.api('POST', '/api/v1/price-lists', {
            name, currency: 'EUR',
            items: [{ product_id: product.id, price: '1,5' }, { product_id: product.id, price: '2' },
                    { product_id: 999999, price: '3' }, { product_id: product.id }],
        });
        expectFieldError(res, 'items[0].price');
        expectFieldError(res, 'items[1].product_id');
        expectFieldError(res, 'items[3].product_id');
        res = await srv.api('POST', '/api/v1/price-lists', { name, currency: 'EUR', items: [{ product_id: 999999, price: '3' }] });
        expectFieldError(res, 'items[0].product_id');
        expectFieldError(await srv.api('POST', '/api/v1/price-lists', { name, currency: 'XYZ' }), 'currency');
        expectStatus(await srv.api('POST', '/api/v1/price-lists', { name, currency: 'EUR' }), 201);
        res = await srv.api('POST', '/api/v1/price-lists', { name, currency: 'EUR' });
        expectProblem(res, 409);
        assert.equal(res.json.errors[0].field, 'name');
    });

    test('an expired quote cannot be accepted and says so', async () => {
        const q = await createQuote({ lines: [line()], valid_until: '2020-01-31' });
        expectFieldError(await srv.api('POST', `/api/v1/quotes/${q.id}/send`), 'valid_until');
        /* Sent while still valid, the date then passes (written straight in the database here). */
        expectStatus(await srv.api('PATCH', `/api/v1/quotes/${q.id}`, { valid_until: '2099-01-31' }), 200);
        expectStatus(await srv.api('POST', `/api/v1/quotes/${q.id}/send`), 200);
        await srv.sql(`UPDATE quotes SET valid_until = '2020-01-31' WHERE id = ${q.id}`);
        const res = await srv.api('POST', `/api/v1/quotes/${q.id}/accept`);
        expectProblem(res, 409);
        assert.match(res.json.detail, /expired on 2020-01-31/);
        const after = (await srv.api('GET', `/api/v1/quotes/${q.id}`)).json;
        assert.equal(after.status, 'expired');
        expectStatus(await srv.api('POST', `/api/v1/quotes/${q.id}/revise`), 200);
    });
});
