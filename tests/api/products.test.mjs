/*
 * The product catalogue (/api/v1/products): SKU unique among live products (409 naming sku),
 * price as money, prices in other currencies, tax rate as a decimal string, active flag,
 * options that configure the product checked as a whole; filters on numbers and flags; sales
 * reps read the catalogue but do not change it.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, randomName, useServer } from './server.mjs';

const S = useServer();
let srv;
const SERIES = `S${randomName()}`;

const OPTIONS = [
    { code: 'size', name: 'Size', required: true, exclusive: true,
      choices: [{ code: 'm', name: 'M' }, { code: 'xl', name: 'XL', price_delta: '10.00' }] },
    { code: 'extras', name: 'Extras', choices: [{ code: 'case', name: 'Case', price_delta: '4.50' }] },
];

async function createProduct(body) {
    const res = await srv.api('POST', '/api/v1/products', { series: SERIES, ...body });
    expectStatus(res, 201, `create ${JSON.stringify(body)}`);
    return res.json;
}

before(async () => {
    srv = await S.start();
});

describe('products', () => {
    test('a product keeps its price, other prices, tax rate, flag and options', async () => {
        const p = await createProduct({
            sku: `GTX-${randomName()}`, name: 'GTX Pro', unit: 'pcs', tax_rate: '20.0',
            price: { amount: '4821', currency: 'USD' }, prices: [{ amount: '4500', currency: 'eur' }],
            cost: { amount: '3000', currency: 'USD' }, options: OPTIONS,
        });
        assert.equal(p.tax_rate, '20');
        assert.equal(p.active, true, 'active unless said otherwise');
        assert.deepEqual(p.price, { amount: '4821.00', currency: 'USD' });
        assert.deepEqual(p.prices, [{ amount: '4500.00', currency: 'EUR' }]);
        assert.deepEqual(p.options, OPTIONS);
        const res = await srv.api('PATCH', `/api/v1/products/${p.id}`, { active: false, tax_rate: 7.5 });
        expectFieldError(res, 'tax_rate', 'a JSON fraction is not a decimal string');
        const ok = await srv.api('PATCH', `/api/v1/products/${p.id}`, { active: false, tax_rate: '7.5' });
        expectStatus(ok, 200);
        assert.equal(ok.json.active, false);
        assert.equal(ok.json.tax_rate, '7.5');
    });

    test('a SKU is unique among live products: 409 naming sku; free again once trashed', async () => {
        const sku = `DUP-${randomName()}`;
        const first = await createProduct({ sku, name: 'One', price: { amount: '1', currency: 'EUR' } });
        let res = await srv.api('POST', '/api/v1/products', { sku, name: 'Two', price: { amount: '1', currency: 'EUR' } });
        expectProblem(res, 409);
        assert.equal(res.json.errors[0].field, 'sku');
        expectStatus(await srv.api('DELETE', `/api/v1/products/${first.id}`), 204);
        res = await srv.api('POST', '/api/v1/products', { sku, name: 'Two', price: { amount: '1', currency: 'EUR' } });
        expectStatus(res, 201);
    });

    test('bad products are 422s naming every field at once', async () => {
        const res = await srv.api('POST', '/api/v1/products', {
            sku: 'x', name: 'x', tax_rate: '120', active: 'yes',
            price: { amount: '1.005', currency: 'USD' },
            prices: [{ amount: '2', currency: 'ZZZ' }],
            options: [{ code: 'Bad Code', name: 'x', choices: [] }],
        });
        expectFieldError(res, 'active');
        expectFieldError(res, 'price');
        const res2 = await srv.api('POST', '/api/v1/products', {
            sku: 'x', name: 'x', tax_rate: '120', price: { amount: '1', currency: 'USD' },
            prices: [{ amount: '2', currency: 'USD' }], options: [{ code: 'Bad Code', name: 'x', choices: [] }],
        });
        expectFieldError(res2, 'tax_rate');
        expectFieldError(res2, 'prices[0]');
        expectFieldError(res2, /^options\[0\]/);
        expectFieldError(await srv.api('POST', '/api/v1/products', { name: 'no sku or price' }), 'sku');
    });

    test('filters read numbers, flags and the converted price', async () => {
        await createProduct({ sku: `F1-${randomName()}`, name: 'Cheap', tax_rate: '10', price: { amount: '5', currency: 'EUR' } });
        await createProduct({ sku: `F2-${randomName()}`, name: 'Dear', tax_rate: '20', active: false, price: { amount: '500', currency: 'EUR' } });
        const list = async (filter, sort = 'name') => {
            const res = await srv.api('GET', `/api/v1/products?filter=${encodeURIComponent(`series = "${SERIES}" and ${filter}`)}&sort=${sort}`);
            expectStatus(res, 200, filter);
            return res.json.data.map((p) => p.name);
        };
        assert.deepEqual(await list('tax_rate >= 15 and price > 100'), ['Dear']);
        assert.deepEqual(await list('active = false and tax_rate > 10'), ['Dear']);
        assert.deepEqual(await list('name in ("Cheap", "Dear")', '-price'), ['Dear', 'Cheap']);
    });

    test('a sales rep reads the catalogue but cannot change it', async () => {
        const email = `rep-${randomName()}@products.example.com`;
        const password = `pw ${randomName()} rep`;
        expectStatus(await srv.api('POST', '/api/v1/users', { email, name: 'Rep', role: 'sales_rep', password }), 201);
        const rep = await srv.signIn(email, password);
        const p = await createProduct({ sku: `R-${randomName()}`, name: 'Visible', price: { amount: '1', currency: 'EUR' } });
        expectStatus(await rep.api('GET', `/api/v1/products/${p.id}`), 200);
        expectProblem(await rep.api('POST', '/api/v1/products', { sku: 'r', name: 'r', price: { amount: '1', currency: 'EUR' } }), 403);
        expectProblem(await rep.api('PATCH', `/api/v1/products/${p.id}`, { name: 'Changed' }), 403);
    });
});
