/*
 * Currencies, the base currency setting and exchange rates by date: settings read by everyone
 * and changed by administrators only (not while rates exist), rates added, read, changed and
 * deleted by currency and date, CSV imports that write everything or nothing, and conversion at
 * the latest rate on or before a date. Bad input — a decimal comma, too many decimals, unknown
 * codes, zero or negative rates — is a 422 naming the field, and nothing is half-written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, listAll, qs, randomName, useServer } from './server.mjs';

const S = useServer();
const admin = async (...a) => (await S.start()).api(...a);

/* A sales rep signed in with a read+write API token. */
let rep = null;
async function salesRep() {
    if (rep) return rep;
    const srv = await S.start();
    const email = `${randomName('rep-')}@currencies.example.com`;
    const password = `pw ${randomName()}`;
    expectStatus(await srv.api('POST', '/api/v1/users', { email, name: 'Rate Reader', role: 'sales_rep', password }),
        201, 'create a sales rep');
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of the sales rep: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'rates', scopes: ['read', 'write'] });
    expectStatus(tok, 201, 'token of the sales rep');
    rep = (method, path, body, headers = {}) =>
        srv.api(method, path, body, { Authorization: `Bearer ${tok.json.token}`, ...headers });
    return rep;
}

const csv = () => ({ 'Content-Type': 'text/csv' });
const importCsv = (text, headers = csv()) => admin('POST', '/api/v1/exchange-rates/import', text, headers);
const allRates = async (query = '') => (await listAll(await S.start(), `/api/v1/exchange-rates${query}`)).items;
const rateText = (items) => items.map((r) => `${r.currency} ${r.date} ${r.rate}`).join(', ');

async function deleteAllRates() {
    for (const r of await allRates()) {
        expectStatus(await admin('DELETE', `/api/v1/exchange-rates/${r.currency}/${r.date}`), 204, 'delete a rate');
    }
}

async function securityLog(action) {
    const res = await admin('GET', `/api/v1/audit/security${qs({ action, limit: 100 })}`);
    expectStatus(res, 200, `security log of ${action}`);
    return res.json.data;
}

/* ---- settings ---- */

test('the base currency starts as --base-currency (EUR) and everyone signed in may read it', async () => {
    const res = await admin('GET', '/api/v1/settings');
    expectStatus(res, 200);
    assert.deepEqual(res.json, { base_currency: 'EUR', birthday_reminder_days: 3, version: 1 });
    assert.equal(res.headers.get('etag'), '"1"');
    const asRep = await (await salesRep())('GET', '/api/v1/settings');
    expectStatus(asRep, 200, 'a sales rep reads the settings');
    assert.equal(asRep.json.base_currency, 'EUR');
    const currencies = await (await salesRep())('GET', '/api/v1/currencies');
    expectStatus(currencies, 200);
    assert.equal(currencies.json.base, 'EUR');
});

test('only administrators change the settings', async () => {
    const res = await (await salesRep())('PATCH', '/api/v1/settings', { base_currency: 'RUB' });
    expectProblem(res, 403, 'a sales rep changes the base currency');
    assert.equal((await admin('GET', '/api/v1/settings')).json.base_currency, 'EUR');
});

test('an unknown or malformed currency, or an unknown key, is a 422 naming the field', async () => {
    expectFieldError(await admin('PATCH', '/api/v1/settings', { base_currency: 'XYZ' }), 'base_currency');
    expectFieldError(await admin('PATCH', '/api/v1/settings', { base_currency: 'EURO' }), 'base_currency');
    expectFieldError(await admin('PATCH', '/api/v1/settings', { base_currency: 978 }), 'base_currency');
    expectFieldError(await admin('PATCH', '/api/v1/settings', { base_currency: 'RUB', locale: 'ru' }), 'locale');
    assert.equal((await admin('GET', '/api/v1/settings')).json.base_currency, 'EUR');
});

test('an administrator sets the base currency (any case), with If-Match, and it is audited', async () => {
    const res = await admin('PATCH', '/api/v1/settings', { base_currency: 'rub' }, { 'If-Match': '"1"' });
    expectStatus(res, 200);
    assert.deepEqual(res.json, { base_currency: 'RUB', birthday_reminder_days: 3, version: 2 });
    assert.equal(res.headers.get('etag'), '"2"');
    expectProblem(await admin('PATCH', '/api/v1/settings', { base_currency: 'USD' }, { 'If-Match': '"1"' }), 412,
        'a stale If-Match');
    const same = await admin('PATCH', '/api/v1/settings', { base_currency: 'RUB' });
    expectStatus(same, 200, 'setting the same value again');
    assert.equal(same.json.version, 2, 'no change, no new version');
    const log = await securityLog('settings_updated');
    assert.equal(log.length, 1, 'one audit entry for the one change');
    assert.deepEqual(log[0].changes, { base_currency: ['EUR', 'RUB'] });
});

test('the days before a birthday are a setting too: checked, versioned with the rest, audited', async () => {
    const now = (await admin('GET', '/api/v1/settings')).json;
    expectFieldError(await admin('PATCH', '/api/v1/settings', { birthday_reminder_days: -1 }), 'birthday_reminder_days');
    expectFieldError(await admin('PATCH', '/api/v1/settings', { birthday_reminder_days: '7' }), 'birthday_reminder_days');
    expectFieldError(await admin('PATCH', '/api/v1/settings', { birthday_reminder_days: 366 }), 'birthday_reminder_days');
    const res = await admin('PATCH', '/api/v1/settings', { birthday_reminder_days: 7 }, { 'If-Match': `"${now.version}"` });
    expectStatus(res, 200);
    assert.deepEqual(res.json, { base_currency: now.base_currency, birthday_reminder_days: 7, version: now.version + 1 });
    expectProblem(await admin('PATCH', '/api/v1/settings', { birthday_reminder_days: 1 }, { 'If-Match': `"${now.version}"` }), 412);
    const log = await securityLog('settings_updated');
    assert.deepEqual(log[0].changes, { birthday_reminder_days: [3, 7] });
    const back = await admin('PATCH', '/api/v1/settings', { birthday_reminder_days: 3 });
    expectStatus(back, 200);
});

test('the currencies list every known code with its decimal places and the base', async () => {
    const res = await admin('GET', '/api/v1/currencies');
    expectStatus(res, 200);
    assert.equal(res.json.base, 'RUB');
    const exp = Object.fromEntries(res.json.data.map((c) => [c.code, c.exponent]));
    assert.equal(exp.JPY, 0);
    assert.equal(exp.USD, 2);
    assert.equal(exp.KWD, 3);
    assert.equal(exp.BHD, 3);
    assert.equal(exp.XYZ, undefined);
    const codes = res.json.data.map((c) => c.code);
    assert.deepEqual(codes, [...codes].sort(), 'sorted by code');
});

/* ---- rates ---- */

test('an administrator adds a rate; the same currency and date again is a 409', async () => {
    const res = await admin('POST', '/api/v1/exchange-rates', { currency: 'usd', date: '2026-02-28', rate: '92.50' });
    expectStatus(res, 201);
    assert.equal(res.headers.get('location'), '/api/v1/exchange-rates/USD/2026-02-28');
    assert.equal(res.json.currency, 'USD');
    assert.equal(res.json.date, '2026-02-28');
    assert.equal(res.json.rate, '92.5', 'kept in canonical form');
    assert.equal(res.json.version, 1);
    assert.equal(typeof res.json.created_at, 'string');
    assert.ok(Number.isInteger(res.json.created_by));
    const again = await admin('POST', '/api/v1/exchange-rates', { currency: 'USD', date: '2026-02-28', rate: '93' });
    expectProblem(again, 409);
    assert.equal(again.json.errors?.[0]?.field, 'date');
    const log = await securityLog('exchange_rate_created');
    assert.equal(log.length, 1);
    assert.deepEqual(log[0].changes, { rate: [null, '92.5'] });
    assert.deepEqual(log[0].detail, { currency: 'USD', date: '2026-02-28' });
});

test('bad rates are 422 on the field: decimal comma, too many decimals, zero, negative, a number', async () => {
    const post = (rate) => admin('POST', '/api/v1/exchange-rates', { currency: 'CNY', date: '2026-03-01', rate });
    let p = expectFieldError(await post('12,5'), 'rate', 'a decimal comma');
    assert.match(p.errors[0].message, /decimal number like 92\.5/);
    assert.match(p.errors[0].message, /not a comma/);
    p = expectFieldError(await post('12.123456789'), 'rate', 'nine decimals');
    assert.match(p.errors[0].message, /at most 8 decimal places/);
    for (const bad of ['0', '0.00', '-5', '-0.5']) {
        p = expectFieldError(await post(bad), 'rate', `rate ${bad}`);
        assert.match(p.errors[0].message, /greater than zero/);
    }
    for (const bad of ['1e3', '1 000', '+5', '.5', 'abc', '']) expectFieldError(await post(bad), 'rate', `rate '${bad}'`);
    p = expectFieldError(await post(12.5), 'rate', 'a JSON number');
    assert.match(p.errors[0].message, /string/);
    expectFieldError(await post(undefined), 'rate', 'no rate');
    assert.equal(rateText(await allRates('?currency=CNY')), '', 'nothing was written');
});

test('bad currencies and dates are 422 on the field, and all problems come at once', async () => {
    let res = await admin('POST', '/api/v1/exchange-rates', { currency: 'XYZ', date: '2026-02-30', rate: '1,5', extra: 1 });
    const p = expectFieldError(res, 'currency');
    assert.deepEqual(p.errors.map((e) => e.field).sort(), ['currency', 'date', 'extra', 'rate']);
    assert.match(p.errors.find((e) => e.field === 'currency').message, /XYZ/);
    res = await admin('POST', '/api/v1/exchange-rates', { currency: 'RUB', date: '2026-03-01', rate: '1' });
    assert.match(expectFieldError(res, 'currency', 'the base currency').errors[0].message, /base currency/);
    expectFieldError(await admin('POST', '/api/v1/exchange-rates', { currency: 'USD', date: '01.03.2026', rate: '1' }), 'date');
});

test('everyone reads rates; only administrators write them', async () => {
    const r = await salesRep();
    const one = await r('GET', '/api/v1/exchange-rates/USD/2026-02-28');
    expectStatus(one, 200);
    assert.equal(one.json.rate, '92.5');
    assert.equal(one.headers.get('etag'), '"1"');
    expectStatus(await r('GET', '/api/v1/exchange-rates'), 200);
    expectProblem(await r('POST', '/api/v1/exchange-rates', { currency: 'CNY', date: '2026-03-01', rate: '12.7' }), 403);
    expectProblem(await r('PATCH', '/api/v1/exchange-rates/USD/2026-02-28', { rate: '1' }), 403);
    expectProblem(await r('DELETE', '/api/v1/exchange-rates/USD/2026-02-28'), 403);
    expectProblem(await r('POST', '/api/v1/exchange-rates/import', 'date,currency,rate\n2026-03-01,CNY,12.7\n', csv()), 403);
    assert.equal(rateText(await allRates()), 'USD 2026-02-28 92.5');
});

test('a rate is changed with If-Match and deleted, each audited; absent ones are 404', async () => {
    const path = '/api/v1/exchange-rates/USD/2026-02-28';
    expectProblem(await admin('PATCH', path, { rate: '93' }, { 'If-Match': '"7"' }), 412);
    expectFieldError(await admin('PATCH', path, { rate: '93,1' }), 'rate');
    expectFieldError(await admin('PATCH', path, { rate: '93', currency: 'CNY' }), 'currency');
    const res = await admin('PATCH', path, { rate: '93.10' }, { 'If-Match': '"1"' });
    expectStatus(res, 200);
    assert.equal(res.json.rate, '93.1');
    assert.equal(res.json.version, 2);
    const log = await securityLog('exchange_rate_updated');
    assert.deepEqual(log[0].changes, { rate: ['92.5', '93.1'] });

    expectStatus(await admin('POST', '/api/v1/exchange-rates', { currency: 'CNY', date: '2026-03-01', rate: '12.7' }), 201);
    expectStatus(await admin('DELETE', '/api/v1/exchange-rates/CNY/2026-03-01'), 204);
    expectProblem(await admin('DELETE', '/api/v1/exchange-rates/CNY/2026-03-01'), 404);
    expectProblem(await admin('GET', '/api/v1/exchange-rates/CNY/2026-03-01'), 404);
    expectProblem(await admin('PATCH', '/api/v1/exchange-rates/CNY/2026-03-01', { rate: '1' }), 404);
    expectProblem(await admin('GET', '/api/v1/exchange-rates/XYZ/2026-03-01'), 404);
    expectProblem(await admin('GET', '/api/v1/exchange-rates/USD/yesterday'), 404);
    assert.equal((await securityLog('exchange_rate_deleted')).length, 1);
});

test('the base currency cannot change while rates exist (409), and can once they are gone', async () => {
    const res = await admin('PATCH', '/api/v1/settings', { base_currency: 'USD' });
    const p = expectProblem(res, 409);
    assert.match(p.detail, /relative to RUB/);
    assert.equal((await admin('GET', '/api/v1/settings')).json.base_currency, 'RUB');
    await deleteAllRates();
    expectStatus(await admin('PATCH', '/api/v1/settings', { base_currency: 'EUR' }), 200);
    expectStatus(await admin('PATCH', '/api/v1/settings', { base_currency: 'RUB' }), 200);
});

test('rates are listed by currency then date, paged, and filtered by currency and dates', async () => {
    for (const [currency, date, rate] of [['USD', '2026-01-03', '3'], ['CNY', '2026-01-02', '12'],
        ['USD', '2026-01-01', '1'], ['JPY', '2026-01-01', '0.5'], ['CNY', '2026-01-01', '11'], ['USD', '2026-01-02', '2']]) {
        expectStatus(await admin('POST', '/api/v1/exchange-rates', { currency, date, rate }), 201);
    }
    const srv = await S.start();
    const { pages, items } = await listAll(srv, '/api/v1/exchange-rates?limit=2');
    assert.equal(pages.length, 3);
    assert.equal(rateText(items), 'CNY 2026-01-01 11, CNY 2026-01-02 12, JPY 2026-01-01 0.5, ' +
        'USD 2026-01-01 1, USD 2026-01-02 2, USD 2026-01-03 3');
    assert.equal(rateText(await allRates('?currency=usd&from=2026-01-02')), 'USD 2026-01-02 2, USD 2026-01-03 3');
    assert.equal(rateText(await allRates('?from=2026-01-02&to=2026-01-02')), 'CNY 2026-01-02 12, USD 2026-01-02 2');
    let p = expectProblem(await admin('GET', '/api/v1/exchange-rates?currency=XYZ'), 400);
    assert.equal(p.errors?.[0]?.field, 'currency');
    p = expectProblem(await admin('GET', '/api/v1/exchange-rates?from=2026-13-01'), 400);
    assert.equal(p.errors?.[0]?.field, 'from');
    expectProblem(await admin('GET', '/api/v1/exchange-rates?cursor=nonsense'), 400);
    expectProblem(await admin('GET', '/api/v1/exchange-rates?limit=0'), 400);
    await deleteAllRates();
});

/* ---- import ---- */

test('a CSV import writes every rate and answers how many it imported and replaced', async () => {
    expectStatus(await admin('POST', '/api/v1/exchange-rates', { currency: 'USD', date: '2026-02-27', rate: '90' }), 201);
    const res = await importCsv('date,currency,rate\n2026-02-27,USD,91\n2026-02-28,USD,92.5\n2026-02-28,JPY,0.61\n');
    expectStatus(res, 200);
    assert.deepEqual(res.json, { imported: 3, replaced: 1 });
    assert.equal(rateText(await allRates()), 'JPY 2026-02-28 0.61, USD 2026-02-27 91, USD 2026-02-28 92.5');
    const log = await securityLog('exchange_rates_imported');
    assert.equal(log.length, 1);
    assert.deepEqual(log[0].detail, { imported: 3, replaced: 1, currencies: ['JPY', 'USD'] });
});

test('an import reads semicolons, a byte order mark, CRLF, quotes, any column order and blank lines', async () => {
    const text = '\uFEFFRate;Date;Currency\r\n"301.12345678";2026-02-28;KWD\r\n;;\r\n0.376;"2026-02-28";bhd\r\n';
    const res = await importCsv(text, { 'Content-Type': 'text/csv; charset=utf-8' });
    expectStatus(res, 200);
    assert.deepEqual(res.json, { imported: 2, replaced: 0 });
    assert.equal(rateText(await allRates('?from=2026-02-28&to=2026-02-28')),
        'BHD 2026-02-28 0.376, JPY 2026-02-28 0.61, KWD 2026-02-28 301.12345678, USD 2026-02-28 92.5');
    const tabs = await importCsv('currency\tdate\trate\nCNY\t2026-02-28\t12.7\n', { 'Content-Type': 'text/tab-separated-values' });
    expectStatus(tabs, 200);
    assert.deepEqual(tabs.json, { imported: 1, replaced: 0 });
});

test('a bad row is a 422 naming rows[i].field and nothing of the file is written', async () => {
    const before = rateText(await allRates());
    const res = await importCsv('date,currency,rate\n2026-03-01,USD,93\n2026-03-01,CNY,12,7\n2026-03-02,USD,9.123456789\n' +
        '2026-03-02,XYZ,1\n2026-03-03,USD,-2\n2026-03-04,RUB,1\n31.03.2026,USD,1\n');
    const p = expectProblem(res, 422);
    const byField = Object.fromEntries(p.errors.map((e) => [e.field, e.message]));
    assert.match(byField['rows[1]'], /^line 3: has 4 columns; the header has 3/);
    assert.match(byField['rows[2].rate'], /^line 4: must have at most 8 decimal places/);
    assert.match(byField['rows[3].currency'], /^line 5: .*XYZ/);
    assert.match(byField['rows[4].rate'], /greater than zero/);
    assert.match(byField['rows[5].currency'], /base currency/);
    assert.match(byField['rows[6].date'], /must be a date like 2026-03-01/);
    assert.equal(byField['rows[0].rate'], undefined, 'the good row has no error');
    assert.match(p.detail, /6 of 7 rows have problems; nothing was imported/);
    assert.equal(rateText(await allRates()), before, 'not even the good row was written');
});

test('a decimal comma in a semicolon file is refused with a hint', async () => {
    const before = rateText(await allRates());
    const p = expectFieldError(await importCsv('date;currency;rate\n2026-03-01;USD;93,5\n'), 'rows[0].rate');
    assert.match(p.errors[0].message, /line 2: must be a decimal number like 92\.5 \(a point, not a comma/);
    assert.equal(rateText(await allRates()), before);
});

test('a currency and date given twice in one file are refused', async () => {
    const p = expectFieldError(await importCsv('date,currency,rate\n2026-03-01,USD,93\n2026-03-02,USD,94\n2026-03-01,usd,95\n'),
        'rows[2].date');
    assert.match(p.errors[0].message, /line 4: repeats the USD rate for 2026-03-01 of line 2/);
});

test('a header without the needed columns, an empty file or a file without rows is a 422', async () => {
    let p = expectFieldError(await importCsv('date,currency,value\n2026-03-01,USD,93\n'), 'header');
    const messages = p.errors.map((e) => e.message).join(' | ');
    assert.match(messages, /unknown column "value"/);
    assert.match(messages, /needs a column named rate/);
    p = expectFieldError(await importCsv('date,currency,rate,date\n'), 'header');
    assert.match(p.errors[0].message, /appears twice/);
    expectFieldError(await importCsv(''), 'header');
    expectFieldError(await importCsv('\uFEFF'), 'header');
    expectFieldError(await importCsv('date,currency,rate\n\n'), 'rows');
});

test('malformed CSV, text that is not UTF-8 and other content types are refused', async () => {
    let p = expectProblem(await importCsv('date,currency,rate\n2026-03-01,USD,"93\n'), 400);
    assert.match(p.detail, /line 2: a quoted field is not closed/);
    p = expectProblem(await importCsv(Buffer.from('date,currency,rate\n2026-03-01,USD,93\xff\n', 'latin1')), 400);
    assert.match(p.detail, /UTF-8/);
    expectProblem(await admin('POST', '/api/v1/exchange-rates/import', { date: '2026-03-01' }), 415);
    expectProblem(await importCsv('date,currency,rate\n', { 'Content-Type': 'text/csv; charset=windows-1251' }), 415);
});

/* ---- conversion ---- */

test('an amount converts at the latest rate on or before the date', async () => {
    const r = await salesRep();
    let res = await r('GET', `/api/v1/exchange-rates/convert${qs({ amount: '10.50', currency: 'USD', date: '2026-03-01' })}`);
    expectStatus(res, 200);
    assert.deepEqual(res.json, { amount: '10.50', currency: 'USD', date: '2026-03-01',
        base: { amount: '971.25', currency: 'RUB' }, rate: '92.5', rate_date: '2026-02-28' });
    res = await r('GET', `/api/v1/exchange-rates/convert${qs({ amount: '10.5', currency: 'usd', date: '2026-02-27' })}`);
    expectStatus(res, 200);
    assert.equal(res.json.amount, '10.50');
    assert.equal(res.json.base.amount, '955.50');
    assert.equal(res.json.rate_date, '2026-02-27');
});

test('no rate on or before the date is a 422, never a silent 1:1', async () => {
    const res = await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '1', currency: 'USD', date: '2026-02-26' })}`);
    const p = expectFieldError(res, 'date');
    assert.match(p.detail, /no USD rate on or before 2026-02-26/);
    expectFieldError(await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '1', currency: 'GBP' })}`), 'date');
});

test('the base currency converts to itself at 1', async () => {
    const res = await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '100', currency: 'RUB', date: '2000-01-01' })}`);
    expectStatus(res, 200);
    assert.deepEqual(res.json, { amount: '100.00', currency: 'RUB', date: '2000-01-01',
        base: { amount: '100.00', currency: 'RUB' }, rate: '1', rate_date: '2000-01-01' });
});

test('conversion knows zero- and three-decimal currencies', async () => {
    let res = await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '1050', currency: 'JPY', date: '2026-03-01' })}`);
    expectStatus(res, 200);
    assert.equal(res.json.base.amount, '640.50');
    res = await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '1.234', currency: 'KWD', date: '2026-03-01' })}`);
    expectStatus(res, 200);
    assert.equal(res.json.amount, '1.234');
    assert.equal(res.json.base.amount, '371.59', '1.234 × 301.12345678 = 371.5863… RUB');
    let p = expectFieldError(await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '10.5', currency: 'JPY' })}`), 'amount');
    assert.match(p.errors[0].message, /whole number/);
    p = expectFieldError(await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '1.2345', currency: 'KWD' })}`), 'amount');
    assert.match(p.errors[0].message, /at most 3 decimal places/);
});

test('bad conversion input is a 422 on the field: decimal comma, unknown code, missing values', async () => {
    let p = expectFieldError(await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '12,5', currency: 'USD' })}`), 'amount');
    assert.match(p.errors[0].message, /decimal number like 10\.50/);
    p = expectFieldError(await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '10.505', currency: 'USD' })}`), 'amount');
    assert.match(p.errors[0].message, /at most 2 decimal places/);
    p = expectFieldError(await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '1', currency: 'XYZ' })}`), 'currency');
    assert.match(p.errors[0].message, /XYZ/);
    p = expectProblem(await admin('GET', '/api/v1/exchange-rates/convert'), 422);
    assert.deepEqual(p.errors.map((e) => e.field).sort(), ['amount', 'currency']);
    expectFieldError(await admin('GET', `/api/v1/exchange-rates/convert${qs({ amount: '1', currency: 'USD', date: '2026-02-30' })}`), 'date');
});
