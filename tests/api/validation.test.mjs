/*
 * Bad input through the REST API: malformed or oversized bodies, wrong content types, invalid
 * UTF-8, wrong value types, unknown and read-only fields, bad list parameters. Every rejection
 * is an application/problem+json with type, title and status, and no rejected write leaves
 * anything behind.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    countOf, expectFieldError, expectProblem, expectStatus, qs, useServer,
} from './server.mjs';

const S = useServer();
const api = async (...a) => (await S.start()).api(...a);

let company; /* an existing company that rejected patches must leave unchanged */
let contact;

before(async () => {
    let res = await api('POST', '/api/v1/companies', { name: 'Untouchable Co', industry: 'Steady' });
    expectStatus(res, 201);
    company = res.json;
    res = await api('POST', '/api/v1/contacts', { first_name: 'Untouchable', emails: ['u@example.com'] });
    expectStatus(res, 201);
    contact = res.json;
});

/*
 * Runs send() (which answers a response), checks the response with check(res), then checks
 * that nothing was written: both collections have as many records as before and the two
 * known records still have version 1.
 */
async function rejectsWithoutWriting(send, check) {
    const companiesBefore = await countOf(S.server, 'companies');
    const contactsBefore = await countOf(S.server, 'contacts');
    const res = await send();
    check(res);
    assert.equal(await countOf(S.server, 'companies'), companiesBefore, 'no company was written');
    assert.equal(await countOf(S.server, 'contacts'), contactsBefore, 'no contact was written');
    const c = await api('GET', `/api/v1/companies/${company.id}`);
    assert.equal(c.json.version, 1, 'the company was not changed');
    assert.equal(c.json.industry, 'Steady');
    const k = await api('GET', `/api/v1/contacts/${contact.id}`);
    assert.equal(k.json.version, 1, 'the contact was not changed');
    return res;
}

/* Shapes a rawRequest() answer like an api() answer. */
function asResponse(raw) {
    let json = null;
    try {
        json = raw.text ? JSON.parse(raw.text) : null;
    } catch {
        json = null;
    }
    return { status: raw.status, headers: new Headers(raw.headers), text: raw.text, json };
}

const postCompany = (body, headers) => () => api('POST', '/api/v1/companies', body, headers);
const patchCompany = (body, headers) => () => api('PATCH', `/api/v1/companies/${company.id}`, body, headers);
const postContact = (body) => () => api('POST', '/api/v1/contacts', body);
const patchContact = (body) => () => api('PATCH', `/api/v1/contacts/${contact.id}`, body);

describe('a malformed body', () => {
    test('of broken JSON answers 400', async () => {
        for (const text of ['{"name": "x",', '{name: "x"}', "{'name': 'x'}", '', '{"name": "x"} trailing',
            '{"name": "x",}']) {
            await rejectsWithoutWriting(postCompany(text), (res) => expectProblem(res, 400, `body ${text}`));
        }
        await rejectsWithoutWriting(patchCompany('{"industry": '), (res) => expectProblem(res, 400));
    });

    test('that is JSON but not an object is rejected', async () => {
        for (const text of ['[{"name":"x"}]', '"x"', '42', 'true', 'null']) {
            await rejectsWithoutWriting(postCompany(text), (res) => expectProblem(res, [400, 422], `body ${text}`));
        }
    });

    test('with invalid UTF-8 bytes answers 400', async () => {
        const bad = [
            Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
            Buffer.concat([Buffer.from('{"name":"ab'), Buffer.from([0xc3]), Buffer.from('"}')]),
            Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
            Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
        ];
        for (const body of bad) {
            await rejectsWithoutWriting(postCompany(body), (res) => expectProblem(res, 400, body.toString('hex')));
        }
    });

    test('with a NUL character inside a string is rejected', async () => {
        await rejectsWithoutWriting(postCompany('{"name":"Nul\\u0000Co"}'),
            (res) => expectProblem(res, [400, 422]));
    });

    test('nested thousands deep is rejected and the server keeps serving', async () => {
        const deep = `{"name":"Deep","custom":${'['.repeat(20000)}${']'.repeat(20000)}}`;
        await rejectsWithoutWriting(postCompany(deep), (res) => expectProblem(res, [400, 422]));
        expectStatus(await api('GET', '/healthz'), 200);
    });

    test('over the size limit answers 413', async () => {
        const big = JSON.stringify({ name: 'Big Co', address: 'a'.repeat(2 * 1024 * 1024) });
        await rejectsWithoutWriting(async () => {
            const res = await S.server.raw('POST', '/api/v1/companies', big,
                { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(big) });
            return asResponse(res);
        }, (res) => expectProblem(res, 413));
        expectStatus(await api('GET', '/healthz'), 200, 'the server is fine afterwards');
    });

    test('sent chunked over the size limit answers 413', async () => {
        const big = JSON.stringify({ name: 'Chunked Co', address: 'b'.repeat(3 * 1024 * 1024) });
        await rejectsWithoutWriting(async () => {
            const res = await S.server.raw('POST', '/api/v1/companies', big,
                { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
            return asResponse(res);
        }, (res) => expectProblem(res, 413));
    });
});

describe('the content type', () => {
    test('of anything but JSON answers 415', async () => {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
            'application/xml']) {
            await rejectsWithoutWriting(postCompany('{"name":"Typed Co"}', { 'Content-Type': type }),
                (res) => expectProblem(res, 415, type));
            await rejectsWithoutWriting(patchCompany('{"industry":"Typed"}', { 'Content-Type': type }),
                (res) => expectProblem(res, 415, `PATCH ${type}`));
        }
    });

    test('missing on a body answers 415', async () => {
        await rejectsWithoutWriting(async () => {
            const body = '{"name":"Untyped Co"}';
            const res = await S.server.raw('POST', '/api/v1/companies', body,
                { 'Content-Length': Buffer.byteLength(body) });
            return asResponse(res);
        }, (res) => expectProblem(res, 415));
    });

    test('of JSON with a charset parameter is accepted', async () => {
        const res = await api('POST', '/api/v1/companies', '{"name":"Charset Co"}',
            { 'Content-Type': 'application/json; charset=utf-8' });
        expectStatus(res, 201);
        expectStatus(await api('DELETE', `/api/v1/companies/${res.json.id}`), 204);
    });
});

describe('a company body', () => {
    test('with a wrong type answers 422 naming the field', async () => {
        const cases = [
            [{ name: 5 }, 'name'],
            [{ name: 'T', industry: ['x'] }, 'industry'],
            [{ name: 'T', tags: 'vip' }, 'tags'],
            [{ name: 'T', tags: [1] }, /^tags(\[0\])?$/],
            [{ name: 'T', phones: [{}] }, /^phones(\[0\])?$/],
            [{ name: 'T', custom: [] }, 'custom'],
            [{ name: 'T', parent_id: 1.5 }, 'parent_id'],
            [{ name: 'T', website: 42 }, 'website'],
        ];
        for (const [body, field] of cases) {
            await rejectsWithoutWriting(postCompany(body), (res) => expectFieldError(res, field, JSON.stringify(body)));
        }
        await rejectsWithoutWriting(patchCompany({ name: false }), (res) => expectFieldError(res, 'name'));
    });

    test('with a missing, empty or null name answers 422', async () => {
        for (const body of [{}, { name: '' }, { name: null }, { industry: 'No Name' }]) {
            await rejectsWithoutWriting(postCompany(body), (res) => expectFieldError(res, 'name', JSON.stringify(body)));
        }
        await rejectsWithoutWriting(patchCompany({ name: null }), (res) => expectFieldError(res, 'name'));
        await rejectsWithoutWriting(patchCompany({ name: '' }), (res) => expectFieldError(res, 'name'));
    });

    test('with an over-long name answers 422', async () => {
        await rejectsWithoutWriting(postCompany({ name: 'x'.repeat(10_000) }), (res) => expectFieldError(res, 'name'));
        await rejectsWithoutWriting(postCompany({ name: 'x'.repeat(201) }), (res) => expectFieldError(res, 'name'));
        await rejectsWithoutWriting(patchCompany({ name: 'x'.repeat(10_000) }), (res) => expectFieldError(res, 'name'));
    });

    test('with a name of 200 characters is accepted even when they take 400 bytes', async () => {
        for (const name of ['x'.repeat(200), 'ж'.repeat(200)]) {
            const res = await api('POST', '/api/v1/companies', { name });
            expectStatus(res, 201, `${name.length} characters`);
            assert.equal(res.json.name, name);
            expectStatus(await api('DELETE', `/api/v1/companies/${res.json.id}`), 204);
        }
    });

    test('with a bad e-mail, size or website answers 422 naming the field', async () => {
        const cases = [
            [{ name: 'T', emails: ['not-an-email'] }, 'emails[0]'],
            [{ name: 'T', emails: ['ok@example.com', 'a@'] }, 'emails[1]'],
            [{ name: 'T', size: 'huge' }, 'size'],
            [{ name: 'T', website: 'not a url' }, 'website'],
        ];
        for (const [body, field] of cases) {
            await rejectsWithoutWriting(postCompany(body), (res) => expectFieldError(res, field, JSON.stringify(body)));
        }
    });

    test('with a javascript: website answers 422', async () => {
        await rejectsWithoutWriting(postCompany({ name: 'T', website: 'javascript:alert(1)' }),
            (res) => expectFieldError(res, 'website'));
    });

    test('with several bad fields reports each of them', async () => {
        await rejectsWithoutWriting(postCompany({ name: 5, size: 'huge', emails: ['x'] }), (res) => {
            const p = expectFieldError(res, 'name');
            const fields = p.errors.map((e) => e.field);
            assert.ok(fields.includes('size'), `size is reported too: ${fields}`);
            assert.ok(fields.includes('emails[0]'), `emails[0] is reported too: ${fields}`);
        });
    });

    test('with an unknown field answers 422 naming it', async () => {
        await rejectsWithoutWriting(postCompany({ name: 'T', colour: 'red' }), (res) => {
            const p = expectFieldError(res, 'colour');
            assert.match(p.errors.find((e) => e.field === 'colour').message, /unknown/i);
        });
        await rejectsWithoutWriting(patchCompany({ colour: 'red' }), (res) => expectFieldError(res, 'colour'));
        await rejectsWithoutWriting(postCompany({ name: 'T', custom: { nosuch: 1 } }),
            (res) => expectFieldError(res, 'custom.nosuch'));
    });

    test('with a read-only field answers 422 naming it', async () => {
        for (const field of ['id', 'version', 'created_at', 'updated_at', 'deleted_at', 'created_by']) {
            const value = field === 'id' || field === 'version' || field === 'created_by'
                ? 7 : '2026-01-01T00:00:00.000Z';
            await rejectsWithoutWriting(postCompany({ name: 'T', [field]: value }),
                (res) => expectFieldError(res, field, `POST ${field}`));
            await rejectsWithoutWriting(patchCompany({ [field]: value }),
                (res) => expectFieldError(res, field, `PATCH ${field}`));
        }
    });

    test('that repeats the current id or version is still rejected', async () => {
        await rejectsWithoutWriting(patchCompany({ id: company.id, industry: 'Changed' }),
            (res) => expectFieldError(res, 'id'));
        await rejectsWithoutWriting(patchCompany({ version: 1, industry: 'Changed' }),
            (res) => expectFieldError(res, 'version'));
    });
});

describe('a contact body', () => {
    test('with bad values answers 422 naming the field', async () => {
        const cases = [
            [{ first_name: 5 }, 'first_name'],
            [{ first_name: 'T', birthday: '1985-13-45' }, 'birthday'],
            [{ first_name: 'T', birthday: '12/04/1985' }, 'birthday'],
            [{ first_name: 'T', birthday: '2023-02-29' }, 'birthday'],
            [{ first_name: 'T', emails: ['x@'] }, 'emails[0]'],
            [{ first_name: 'T', social: { telegram: 5 } }, /^social(\.telegram)?$/],
            [{ first_name: 'T', social: ['@x'] }, 'social'],
            [{ first_name: 'T', photo_url: 'not a url' }, 'photo_url'],
            [{ first_name: 'T', interests: 'chess' }, 'interests'],
            [{ first_name: 'T', skills: [null] }, /^skills(\[0\])?$/],
            [{ first_name: 'T', company_ids: 'x' }, 'company_ids'],
            [{ first_name: 'T', last_name: 'x'.repeat(10_000) }, 'last_name'],
        ];
        for (const [body, field] of cases) {
            await rejectsWithoutWriting(postContact(body), (res) => expectFieldError(res, field, JSON.stringify(body)));
        }
        await rejectsWithoutWriting(patchContact({ birthday: 'yesterday' }), (res) => expectFieldError(res, 'birthday'));
    });

    test('with an unknown or read-only field answers 422 naming it', async () => {
        await rejectsWithoutWriting(postContact({ first_name: 'T', nickname: 'x' }), (res) => expectFieldError(res, 'nickname'));
        await rejectsWithoutWriting(postContact({ first_name: 'T', name: 'T X' }), (res) => expectFieldError(res, 'name'));
        await rejectsWithoutWriting(patchContact({ name: 'New Name' }), (res) => expectFieldError(res, 'name'));
        await rejectsWithoutWriting(patchContact({ id: 1 }), (res) => expectFieldError(res, 'id'));
        await rejectsWithoutWriting(patchContact({ created_at: '2026-01-01T00:00:00.000Z' }),
            (res) => expectFieldError(res, 'created_at'));
    });
});

describe('list parameters', () => {
    test('with a bad filter answer 400 with the position in the detail', async () => {
        const res = await api('GET', `/api/v1/companies${qs({ filter: 'industry = "x" and bogus = 1' })}`);
        const p = expectProblem(res, 400);
        assert.equal(typeof p.detail, 'string', 'the problem has a detail');
        const m = /\bat (\d+)\b/.exec(p.detail);
        assert.ok(m, `the detail gives the position as "at N": ${p.detail}`);
        assert.ok(['19', '20'].includes(m[1]), `the position points at "bogus" (19 counting from 0, 20 from 1): ${p.detail}`);
        assert.match(p.detail, /bogus/, 'the detail names the unknown field');
    });

    test('with filter syntax errors answer 400', async () => {
        for (const filter of ['industry =', 'industry = "unterminated', '(industry = "x"', 'industry ~~ "x"',
            'and', 'industry = "x" and', 'tags contains', 'size in ()', 'size in ("a"', 'custom.nosuch = 1',
            'company.name = "x"', 'parent.bogus = "x"', 'name = "x" ) (', 'industry = x"']) {
            const res = await api('GET', `/api/v1/companies${qs({ filter })}`);
            const p = expectProblem(res, 400, `filter ${filter}`);
            assert.match(p.detail || '', /\d/, `the detail of '${filter}' gives a position: ${p.detail}`);
        }
    });

    test('with a bad cursor answer 400', async () => {
        for (const cursor of ['not-a-cursor', 'AAAA', '%%%', 'eyJ4IjoxfQ', "1' OR '1'='1"]) {
            expectProblem(await api('GET', `/api/v1/companies${qs({ cursor })}`), 400, `cursor ${cursor}`);
        }
    });

    test('with a bad sort answer 400', async () => {
        for (const sort of ['nosuch', '-nosuch', 'name;drop table companies', 'name desc', 'custom.nosuch', ',', '--name',
            'name,,id']) {
            expectProblem(await api('GET', `/api/v1/companies${qs({ sort })}`), 400, `sort ${sort}`);
        }
        expectStatus(await api('GET', `/api/v1/companies${qs({ sort: '-created_at,name' })}`), 200,
            'a good sort still works');
    });

    test('with a bad limit answer 400', async () => {
        for (const limit of ['0', '501', 'ten', '-5', '1e2', '99999999999999999999']) {
            expectProblem(await api('GET', `/api/v1/companies${qs({ limit })}`), 400, `limit ${limit}`);
        }
    });

    test('with a bad count or trash value answer 400 or are ignored, never 500', async () => {
        for (const q of ['count=maybe', 'trash=perhaps']) {
            expectStatus(await api('GET', `/api/v1/companies?${q}`), [200, 400], q);
        }
    });
});
