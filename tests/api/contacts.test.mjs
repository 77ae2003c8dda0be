/*
 * Contacts through the REST API: create, read, update with versions and If-Match, the trash,
 * listing (limits, keyset paging, counts, field selection), full-text search, the filter
 * language including custom fields and the company relation, and links to companies with roles.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    expectFieldError, expectProblem, expectRecordBasics, expectStatus, listAll, qs, randomName,
    useServer,
} from './server.mjs';

const S = useServer();
const api = async (...a) => (await S.start()).api(...a);

async function createContact(fields) {
    const res = await api('POST', '/api/v1/contacts', fields);
    expectStatus(res, 201, `create contact ${JSON.stringify(fields).slice(0, 200)}`);
    return res.json;
}

async function createCompany(fields) {
    const res = await api('POST', '/api/v1/companies', fields);
    expectStatus(res, 201, `create company ${fields.name}`);
    return res.json;
}

async function createField(def) {
    const res = await api('POST', '/api/v1/fields', def);
    expectStatus(res, 201, `create field ${def.name}`);
    return res.json;
}

const ids = (items) => items.map((r) => r.id);
const sortedIds = (items) => ids(items).sort((a, b) => a - b);
const byId = (a, b) => a.id - b.id;

describe('a contact', () => {
    let acme;
    before(async () => {
        acme = await createCompany({ name: 'Acme Contacts Ltd', industry: 'Retail' });
    });

    test('is created with 201, a Location header and every field round-tripping', async () => {
        const full = {
            first_name: 'Ivan',
            last_name: 'Petrov',
            emails: ['ivan@example.com', 'i.petrov@work.example.com'],
            phones: ['+7 495 123-45-67'],
            birthday: '1985-04-12',
            position: 'Head of Purchasing',
            company_ids: [acme.id],
            interests: ['fishing', 'chess'],
            skills: ['negotiation'],
            social: { telegram: '@ivan', linkedin: 'https://www.linkedin.com/in/ivan' },
            photo_url: 'https://cdn.example.com/ivan.jpg',
            source: 'Trade fair',
            tags: ['vip'],
            custom: {},
        };
        const res = await api('POST', '/api/v1/contacts', full);
        expectStatus(res, 201);
        const rec = res.json;
        expectRecordBasics(rec);
        assert.match(res.headers.get('location') || '', new RegExp(`/api/v1/contacts/${rec.id}$`));
        for (const [k, v] of Object.entries(full)) assert.deepEqual(rec[k], v, `field ${k}`);
        assert.equal(rec.version, 1);
        assert.equal(rec.deleted_at, null);
        assert.equal(rec.owner_id, S.server.adminId, 'the creator owns a new record');
        assert.equal(rec.created_by, S.server.adminId, 'created_by is the creator');
        assert.equal(rec.name, 'Ivan Petrov', 'name is "first last"');
        assert.equal(rec.companies.length, 1);
        assert.equal(rec.companies[0].id, acme.id);
        assert.equal(rec.companies[0].name, 'Acme Contacts Ltd');
        assert.ok('role' in rec.companies[0], 'a company link has a role key');

        const got = await api('GET', `/api/v1/contacts/${rec.id}`);
        expectStatus(got, 200);
        assert.deepEqual(got.json, rec, 'GET answers what POST answered');
    });

    test('needs only one of first_name and last_name', async () => {
        const first = await createContact({ first_name: 'Solo' });
        assert.equal(first.name.trim(), 'Solo');
        const last = await createContact({ last_name: 'Only' });
        assert.equal(last.name.trim(), 'Only');
        expectFieldError(await api('POST', '/api/v1/contacts', { position: 'Nobody' }), /^(first_name|last_name)$/);
        expectFieldError(await api('POST', '/api/v1/contacts', { first_name: '', last_name: '' }),
            /^(first_name|last_name)$/);
        expectFieldError(await api('PATCH', `/api/v1/contacts/${first.id}`, { first_name: null }),
            /^(first_name|last_name)$/, 'a patch may not remove the last name part');
    });

    test('is read with ETag "1" after creation', async () => {
        const rec = await createContact({ first_name: 'Etag' });
        const res = await api('GET', `/api/v1/contacts/${rec.id}`);
        expectStatus(res, 200);
        assert.equal(res.headers.get('etag'), '"1"');
    });

    test('patched gets its version incremented, the ETag changed and other fields kept', async () => {
        const rec = await createContact({ first_name: 'Pat', last_name: 'Chen', position: 'Buyer' });
        const res = await api('PATCH', `/api/v1/contacts/${rec.id}`, { last_name: 'Cheng' });
        expectStatus(res, 200);
        assert.equal(res.json.version, 2);
        assert.equal(res.json.last_name, 'Cheng');
        assert.equal(res.json.name, 'Pat Cheng', 'the read-only name follows');
        assert.equal(res.json.position, 'Buyer');
        const got = await api('GET', `/api/v1/contacts/${rec.id}`);
        assert.equal(got.headers.get('etag'), '"2"');
    });

    test('patched with a stale If-Match gets 412 and is not changed', async () => {
        const rec = await createContact({ first_name: 'Stale' });
        expectStatus(await api('PATCH', `/api/v1/contacts/${rec.id}`, { position: 'One' }), 200);
        expectProblem(await api('PATCH', `/api/v1/contacts/${rec.id}`, { position: 'Two' },
            { 'If-Match': '"1"' }), 412);
        const got = await api('GET', `/api/v1/contacts/${rec.id}`);
        assert.equal(got.json.version, 2);
        assert.equal(got.json.position, 'One');
        expectStatus(await api('PATCH', `/api/v1/contacts/${rec.id}`, { position: 'Two' },
            { 'If-Match': '"2"' }), 200);
    });

    test('deleted answers 204, then 404; the trash lists it; restore brings it back', async () => {
        const tag = randomName('trash');
        const rec = await createContact({ first_name: 'Lazarus', tags: [tag] });
        expectStatus(await api('DELETE', `/api/v1/contacts/${rec.id}`), 204);
        expectProblem(await api('GET', `/api/v1/contacts/${rec.id}`), 404);
        expectProblem(await api('DELETE', `/api/v1/contacts/${rec.id}`), 404);
        const filter = `tags contains "${tag}"`;
        assert.deepEqual((await api('GET', `/api/v1/contacts${qs({ filter })}`)).json.data, []);
        const trash = await api('GET', `/api/v1/contacts${qs({ filter, trash: 'true' })}`);
        expectStatus(trash, 200);
        assert.deepEqual(ids(trash.json.data), [rec.id]);

        const res = await api('POST', `/api/v1/contacts/${rec.id}/restore`);
        expectStatus(res, 200);
        assert.equal(res.json.deleted_at, null);
        expectStatus(await api('GET', `/api/v1/contacts/${rec.id}`), 200);
        assert.deepEqual(ids((await api('GET', `/api/v1/contacts${qs({ filter })}`)).json.data), [rec.id]);
    });

    test('that does not exist answers 404 problems', async () => {
        expectProblem(await api('GET', '/api/v1/contacts/987654321'), 404);
        expectProblem(await api('PATCH', '/api/v1/contacts/987654321', { position: 'x' }), 404);
        expectProblem(await api('DELETE', '/api/v1/contacts/987654321'), 404);
        expectProblem(await api('POST', '/api/v1/contacts/987654321/restore'), 404);
    });
});

describe('contact links to companies', () => {
    let a;
    let b;
    before(async () => {
        a = await createCompany({ name: 'Link Alpha' });
        b = await createCompany({ name: 'Link Beta' });
    });

    test('are written with roles through companies[] and read back with names', async () => {
        const rec = await createContact({
            first_name: 'Role', companies: [{ id: a.id, role: 'Buyer' }, { id: b.id, role: 'Decision maker' }],
        });
        assert.deepEqual([...rec.company_ids].sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));
        assert.deepEqual([...rec.companies].sort(byId), [
            { id: a.id, name: 'Link Alpha', role: 'Buyer' },
            { id: b.id, name: 'Link Beta', role: 'Decision maker' },
        ].sort(byId));
        const got = await api('GET', `/api/v1/contacts/${rec.id}`);
        assert.deepEqual([...got.json.companies].sort(byId), [...rec.companies].sort(byId));
    });

    test('are replaced by a patch of company_ids or companies, and removed with []', async () => {
        const rec = await createContact({ first_name: 'Mover', company_ids: [a.id] });
        assert.equal(rec.companies[0].role ?? null, null, 'a link written by id has no role');
        let res = await api('PATCH', `/api/v1/contacts/${rec.id}`, { company_ids: [b.id] });
        expectStatus(res, 200);
        assert.deepEqual(res.json.company_ids, [b.id]);
        assert.deepEqual(res.json.companies.map((x) => x.id), [b.id]);

        res = await api('PATCH', `/api/v1/contacts/${rec.id}`, { companies: [{ id: b.id, role: 'Owner' }] });
        expectStatus(res, 200);
        assert.deepEqual(res.json.companies, [{ id: b.id, name: 'Link Beta', role: 'Owner' }]);

        res = await api('PATCH', `/api/v1/contacts/${rec.id}`, { companies: [] });
        expectStatus(res, 200);
        assert.deepEqual(res.json.company_ids, []);
        assert.deepEqual(res.json.companies, []);
    });

    test('are kept by a patch that does not name them', async () => {
        const rec = await createContact({ first_name: 'Keeper', companies: [{ id: a.id, role: 'CFO' }] });
        const res = await api('PATCH', `/api/v1/contacts/${rec.id}`, { position: 'CFO' });
        expectStatus(res, 200);
        assert.deepEqual(res.json.companies, [{ id: a.id, name: 'Link Alpha', role: 'CFO' }]);
    });

    test('follow a company that is renamed, trashed or restored', async () => {
        const co = await createCompany({ name: 'Follow Old' });
        const rec = await createContact({ first_name: 'Follower', companies: [{ id: co.id, role: 'Buyer' }] });
        const read = async () => {
            const one = await api('GET', `/api/v1/contacts/${rec.id}`);
            expectStatus(one, 200);
            const page = await api('GET', `/api/v1/contacts${qs({ filter: `id = ${rec.id}` })}`);
            expectStatus(page, 200);
            assert.deepEqual(page.json.data[0].companies, one.json.companies, 'list and card agree');
            return one.json;
        };
        expectStatus(await api('PATCH', `/api/v1/companies/${co.id}`, { name: 'Follow New' }), 200);
        assert.deepEqual((await read()).companies, [{ id: co.id, name: 'Follow New', role: 'Buyer' }]);
        expectStatus(await api('DELETE', `/api/v1/companies/${co.id}`), 204);
        const hidden = await read();
        assert.deepEqual(hidden.companies, [], 'a company in the trash is not shown');
        assert.deepEqual(hidden.company_ids, []);
        expectStatus(await api('POST', `/api/v1/companies/${co.id}/restore`), 200);
        assert.deepEqual((await read()).companies, [{ id: co.id, name: 'Follow New', role: 'Buyer' }]);
    });

    test('keep their roles when a patch lists company ids only', async () => {
        const rec = await createContact({ first_name: 'Roles', companies: [{ id: a.id, role: 'Buyer' }] });
        const res = await api('PATCH', `/api/v1/contacts/${rec.id}`, { company_ids: [a.id, b.id] });
        expectStatus(res, 200);
        const byId = Object.fromEntries(res.json.companies.map((c) => [c.id, c.role]));
        assert.equal(byId[a.id], 'Buyer', 'the existing link keeps its role');
        assert.equal(byId[b.id], null, 'a new link has no role');
    });

    test('to a company that does not exist are rejected with 422', async () => {
        expectFieldError(await api('POST', '/api/v1/contacts', { first_name: 'X', company_ids: [987654321] }),
            /^company_ids/);
        expectFieldError(await api('POST', '/api/v1/contacts',
            { first_name: 'X', companies: [{ id: 987654321, role: 'Buyer' }] }), /^compan(ies|y_ids)\b/);
        expectFieldError(await api('POST', '/api/v1/contacts', { first_name: 'X', company_ids: ['one'] }),
            /^company_ids/);
        expectFieldError(await api('POST', '/api/v1/contacts',
            { first_name: 'X', companies: [{ id: a.id, role: 'Buyer', extra: 1 }] }), /^compan(ies|y_ids)\b/);
    });
});

describe('the contact list', () => {
    const tag = randomName('page');
    let created = [];

    before(async () => {
        await createField({ entity: 'contacts', name: 'score', label: 'Score', type: 'integer',
            required: false });
        for (let i = 0; i < 120; i++) {
            const custom = i % 13 === 0 ? {} : { score: (i * 37) % 11 };
            created.push(await createContact({
                first_name: 'Page', last_name: String(i % 7).padStart(2, '0'), tags: [tag], custom,
            }));
        }
        created = created.sort(byId);
    });

    const filter = () => `tags contains "${tag}"`;

    test('answers data and next_cursor, 50 records by default', async () => {
        const res = await api('GET', '/api/v1/contacts');
        expectStatus(res, 200);
        assert.equal(res.json.data.length, 50);
        assert.equal(typeof res.json.next_cursor, 'string');
        assert.ok(!('total' in res.json));
    });

    test('rejects limits outside 1..500 with 400', async () => {
        expectProblem(await api('GET', '/api/v1/contacts?limit=0'), 400);
        expectProblem(await api('GET', '/api/v1/contacts?limit=501'), 400);
        expectStatus(await api('GET', '/api/v1/contacts?limit=500'), 200);
    });

    test('pages 120 records by 50 in three pages with no duplicates and no gaps', async () => {
        const { pages, items } = await listAll(S.server, `/api/v1/contacts${qs({ filter: filter(), limit: 50 })}`);
        assert.deepEqual(pages.map((p) => p.length), [50, 50, 20]);
        assert.deepEqual(sortedIds(items), ids(created));
    });

    test('pages stably when sorted by -name, breaking ties between equal names', async () => {
        const { items } = await listAll(S.server,
            `/api/v1/contacts${qs({ filter: filter(), sort: '-name', limit: 50 })}`);
        assert.equal(new Set(ids(items)).size, 120);
        assert.deepEqual(sortedIds(items), ids(created));
        for (let i = 1; i < items.length; i++) {
            assert.ok(items[i - 1].name >= items[i].name, `names descend: ${items[i - 1].name}, ${items[i].name}`);
        }
    });

    test('pages stably when sorted by a custom field with missing values', async () => {
        for (const sort of ['custom.score', '-custom.score,last_name']) {
            const { items } = await listAll(S.server, `/api/v1/contacts${qs({ filter: filter(), sort, limit: 50 })}`);
            assert.deepEqual(sortedIds(items), ids(created), `sort=${sort}: no duplicates, no gaps`);
            const present = items.map((r) => r.custom?.score ?? null).filter((v) => v !== null);
            assert.deepEqual(present, [...present].sort((x, y) => (sort.startsWith('-') ? y - x : x - y)),
                `sort=${sort}: scores in order`);
        }
    });

    test('gives the total with count=true', async () => {
        const res = await api('GET', `/api/v1/contacts${qs({ filter: filter(), count: 'true', limit: 7 })}`);
        expectStatus(res, 200);
        assert.equal(res.json.total, 120);
        assert.equal(res.json.data.length, 7);
    });

    test('returns only the keys named in fields', async () => {
        const res = await api('GET', `/api/v1/contacts${qs({ filter: filter(), fields: 'id,name', limit: 3 })}`);
        expectStatus(res, 200);
        for (const r of res.json.data) assert.deepEqual(Object.keys(r).sort(), ['id', 'name']);
        assert.match(res.json.data[0].name, /^Page \d\d$/);
    });
});

describe('contact search with q', () => {
    let ivanov;
    let muller;
    let byEmail;
    let byPosition;
    let byPhone;

    before(async () => {
        ivanov = await createContact({ first_name: 'Пётр', last_name: 'Иванов' });
        muller = await createContact({ first_name: 'Jürgen', last_name: 'Müller' });
        byEmail = await createContact({ first_name: 'Mail', emails: ['quetzalcoatl@example.org'] });
        byPosition = await createContact({ first_name: 'Zebulon', last_name: 'Xanthopoulos' });
        byPhone = await createContact({ first_name: 'Phoned', phones: ['+7 (903) 812-44-19'] });
    });

    async function search(q) {
        const res = await api('GET', `/api/v1/contacts${qs({ q, limit: 500 })}`);
        expectStatus(res, 200, `q=${q}`);
        return ids(res.json.data);
    }

    test('finds a phone number however its digits are grouped', async () => {
        for (const q of ['+7 903 812', '79038124419', '+7-903-812-44-19', '903 812', '(903) 812-44']) {
            assert.ok((await search(q)).includes(byPhone.id), `"${q}" finds +7 (903) 812-44-19`);
        }
        assert.ok(!(await search('+7 903 813')).includes(byPhone.id), 'another number does not match');
    });

    test('finds a Cyrillic surname by its prefix in any case', async () => {
        assert.ok((await search('Иван')).includes(ivanov.id), '"Иван" finds "Иванов"');
        assert.ok((await search('иван')).includes(ivanov.id));
        assert.ok((await search('ИВАНОВ')).includes(ivanov.id));
    });

    test('folds diacritics', async () => {
        assert.ok((await search('Muller')).includes(muller.id), '"Muller" finds "Müller"');
        assert.ok((await search('jurgen')).includes(muller.id));
    });

    test('folds ё to е in Cyrillic', async () => {
        assert.ok((await search('Петр')).includes(ivanov.id), '"Петр" finds "Пётр"');
    });

    test('matches first and last name together', async () => {
        assert.ok((await search('Zebulon Xantho')).includes(byPosition.id));
        assert.ok(!(await search('Zebulon Müller')).includes(byPosition.id), 'all words must match');
    });

    test('searches e-mail addresses', async () => {
        assert.ok((await search('quetzalcoatl')).includes(byEmail.id));
    });

    test('finds nothing for a word nobody has', async () => {
        assert.deepEqual(await search('xylophonically'), []);
    });
});

describe('contact filters', () => {
    const tag = randomName('flt');
    const k = {};
    let retail;
    let steel;

    before(async () => {
        await createField({ entity: 'contacts', name: 'region', label: 'Region', type: 'enum',
            options: ['North', 'South'], required: false });
        retail = await createCompany({ name: 'Filter Retail Co', industry: 'Retail' });
        steel = await createCompany({ name: 'Filter Steel Co', industry: 'Steel' });
        k.a = await createContact({ first_name: 'Anna', last_name: 'Alpha', tags: [tag, 'vip'],
            birthday: '1990-05-01', position: 'CEO', company_ids: [retail.id], custom: { region: 'North' } });
        k.b = await createContact({ first_name: 'Boris', last_name: 'Beta', tags: [tag],
            birthday: '1975-12-31', position: 'CFO', company_ids: [steel.id], custom: { region: 'South' } });
        k.c = await createContact({ first_name: 'Clara', last_name: 'Gamma', tags: [tag, 'vip'],
            position: 'Buyer', companies: [{ id: retail.id, role: 'Buyer' }, { id: steel.id, role: 'Buyer' }] });
        k.d = await createContact({ first_name: 'Dmitri', last_name: 'Delta', tags: [tag],
            photo_url: 'https://cdn.example.com/d.png' });
    });

    async function matching(expr) {
        const filter = `tags contains "${tag}" and (${expr})`;
        const res = await api('GET', `/api/v1/contacts${qs({ filter, limit: 500 })}`);
        expectStatus(res, 200, `filter ${expr}`);
        return sortedIds(res.json.data);
    }
    const idsOf = (...keys) => keys.map((x) => k[x].id).sort((x, y) => x - y);

    test('supports =, != and in', async () => {
        assert.deepEqual(await matching('position = "CEO"'), idsOf('a'));
        assert.deepEqual(await matching('last_name != "Alpha"'), idsOf('b', 'c', 'd'));
        assert.deepEqual(await matching('position in ("CFO", "Buyer")'), idsOf('b', 'c'));
    });

    test('supports tags contains and is null', async () => {
        assert.deepEqual(await matching('tags contains "vip"'), idsOf('a', 'c'));
        assert.deepEqual(await matching('photo_url is not null'), idsOf('d'));
        assert.deepEqual(await matching('birthday is null'), idsOf('c', 'd'));
    });

    test('compares dates', async () => {
        assert.deepEqual(await matching('birthday >= "1980-01-01"'), idsOf('a'));
        assert.deepEqual(await matching('birthday < "1980-01-01"'), idsOf('b'));
    });

    test('follows company. to the linked companies', async () => {
        assert.deepEqual(await matching('company.industry = "Retail"'), idsOf('a', 'c'));
        assert.deepEqual(await matching('company.industry = "Steel"'), idsOf('b', 'c'));
        assert.deepEqual(await matching('company.name = "Filter Steel Co" and tags contains "vip"'), idsOf('c'));
        assert.deepEqual(await matching('company.industry = "Nothing"'), []);
    });

    test('filters and sorts by a custom enum field', async () => {
        assert.deepEqual(await matching('custom.region = "North"'), idsOf('a'));
        assert.deepEqual(await matching('custom.region in ("North", "South")'), idsOf('a', 'b'));
        assert.deepEqual(await matching('custom.region is null'), idsOf('c', 'd'));
        const filter = `tags contains "${tag}" and custom.region is not null`;
        const res = await api('GET', `/api/v1/contacts${qs({ filter, sort: '-custom.region' })}`);
        expectStatus(res, 200);
        assert.deepEqual(ids(res.json.data), [k.b.id, k.a.id]);
    });

    test('sorts by name parts in both directions', async () => {
        const filter = `tags contains "${tag}"`;
        const asc = await api('GET', `/api/v1/contacts${qs({ filter, sort: 'last_name' })}`);
        expectStatus(asc, 200);
        assert.deepEqual(asc.json.data.map((r) => r.last_name), ['Alpha', 'Beta', 'Delta', 'Gamma']);
        const desc = await api('GET', `/api/v1/contacts${qs({ filter, sort: '-first_name' })}`);
        assert.deepEqual(desc.json.data.map((r) => r.first_name), ['Dmitri', 'Clara', 'Boris', 'Anna']);
    });
});
