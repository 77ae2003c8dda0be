/*
 * Companies through the REST API: create, read, update with versions and If-Match, the trash,
 * listing (limits, keyset paging, counts, field selection), full-text search, the filter
 * language including custom fields and the parent relation, and the branch hierarchy rules.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    expectFieldError, expectProblem, expectRecordBasics, expectStatus, listAll, qs, randomName,
    useServer,
} from './server.mjs';

const S = useServer();
const api = async (...a) => (await S.start()).api(...a);

async function createCompany(fields) {
    const res = await api('POST', '/api/v1/companies', fields);
    expectStatus(res, 201, `create company ${JSON.stringify(fields).slice(0, 200)}`);
    return res.json;
}

async function createField(def) {
    const res = await api('POST', '/api/v1/fields', def);
    expectStatus(res, 201, `create field ${def.name}`);
    return res.json;
}

const ids = (items) => items.map((r) => r.id);
const sortedIds = (items) => ids(items).sort((a, b) => a - b);

describe('a company', () => {
    const full = {
        name: 'Acme Trading Ltd',
        industry: 'Wholesale',
        size: '51-200',
        website: 'https://acme.example.com',
        phones: ['+1 555 0100', '+44 20 7946 0000'],
        emails: ['info@acme.example.com', 'sales@acme.example.com'],
        address: '1 Main Street\nSpringfield',
        tags: ['vip', 'b2b'],
        custom: {},
    };

    test('is created with 201, a Location header and every field round-tripping', async () => {
        const res = await api('POST', '/api/v1/companies', full);
        expectStatus(res, 201);
        const rec = res.json;
        expectRecordBasics(rec);
        const location = res.headers.get('location');
        assert.ok(location, 'Location header is present');
        assert.match(location, new RegExp(`/api/v1/companies/${rec.id}$`));
        for (const [k, v] of Object.entries(full)) assert.deepEqual(rec[k], v, `field ${k}`);
        assert.equal(rec.parent_id, null);
        assert.equal(rec.version, 1);
        assert.equal(rec.deleted_at, null);
        assert.equal(rec.owner_id, S.server.adminId, 'the creator owns a new record');
        assert.equal(rec.created_by, S.server.adminId, 'created_by is the creator');

        const got = await api('GET', new URL(location, S.server.url).pathname);
        expectStatus(got, 200);
        assert.deepEqual(got.json, rec, 'GET answers what POST answered');
    });

    test('with only a name gets empty or null defaults for the rest', async () => {
        const rec = await createCompany({ name: 'Minimal Co' });
        assert.equal(rec.name, 'Minimal Co');
        for (const k of ['phones', 'emails', 'tags']) assert.deepEqual(rec[k], [], `${k} defaults to []`);
        assert.deepEqual(rec.custom, {}, 'custom defaults to {}');
        for (const k of ['industry', 'size', 'website', 'address', 'parent_id']) {
            assert.ok(rec[k] === null || rec[k] === '', `${k} defaults to null or "": ${rec[k]}`);
        }
    });

    test('is read with ETag "1" after creation', async () => {
        const rec = await createCompany({ name: 'Etag Co' });
        const res = await api('GET', `/api/v1/companies/${rec.id}`);
        expectStatus(res, 200);
        assert.equal(res.headers.get('etag'), '"1"');
        assert.match(res.headers.get('content-type'), /^application\/json/);
    });

    test('patched gets its version incremented, the ETag changed and other fields kept', async () => {
        const rec = await createCompany({ name: 'Patch Co', industry: 'Food', tags: ['a'] });
        const res = await api('PATCH', `/api/v1/companies/${rec.id}`, { industry: 'Retail' });
        expectStatus(res, 200);
        assert.equal(res.json.version, 2);
        assert.equal(res.json.industry, 'Retail');
        assert.equal(res.json.name, 'Patch Co', 'a partial update keeps the name');
        assert.deepEqual(res.json.tags, ['a'], 'a partial update keeps the tags');
        assert.equal(res.json.created_at, rec.created_at, 'created_at does not change');
        assert.ok(res.json.updated_at >= rec.updated_at, 'updated_at does not go back');

        const got = await api('GET', `/api/v1/companies/${rec.id}`);
        assert.equal(got.headers.get('etag'), '"2"');
        assert.equal(got.json.industry, 'Retail');

        const again = await api('PATCH', `/api/v1/companies/${rec.id}`, { industry: null, tags: [] });
        expectStatus(again, 200);
        assert.equal(again.json.version, 3);
        assert.equal(again.json.industry, null, 'null clears a field');
        assert.deepEqual(again.json.tags, []);
    });

    test('patched with a stale If-Match gets 412 and is not changed', async () => {
        const rec = await createCompany({ name: 'Stale Co' });
        expectStatus(await api('PATCH', `/api/v1/companies/${rec.id}`, { industry: 'One' }), 200);
        const stale = await api('PATCH', `/api/v1/companies/${rec.id}`, { industry: 'Two' },
            { 'If-Match': '"1"' });
        expectProblem(stale, 412);
        const got = await api('GET', `/api/v1/companies/${rec.id}`);
        assert.equal(got.json.version, 2);
        assert.equal(got.json.industry, 'One');

        const fresh = await api('PATCH', `/api/v1/companies/${rec.id}`, { industry: 'Two' },
            { 'If-Match': '"2"' });
        expectStatus(fresh, 200, 'a current If-Match is accepted');
        assert.equal(fresh.json.version, 3);
        assert.equal(fresh.json.industry, 'Two');
    });

    test('deleted answers 204, then GET, PATCH and DELETE answer 404', async () => {
        const rec = await createCompany({ name: 'Doomed Co' });
        const del = await api('DELETE', `/api/v1/companies/${rec.id}`);
        expectStatus(del, 204);
        assert.equal(del.text, '', '204 has no body');
        expectProblem(await api('GET', `/api/v1/companies/${rec.id}`), 404);
        expectProblem(await api('PATCH', `/api/v1/companies/${rec.id}`, { industry: 'x' }), 404);
        expectProblem(await api('DELETE', `/api/v1/companies/${rec.id}`), 404);
    });

    test('in the trash is listed with trash=true and not in the default list', async () => {
        const tag = randomName('trash');
        const keep = await createCompany({ name: 'Kept Co', tags: [tag] });
        const gone = await createCompany({ name: 'Trashed Co', tags: [tag] });
        expectStatus(await api('DELETE', `/api/v1/companies/${gone.id}`), 204);
        const filter = `tags contains "${tag}"`;

        const live = await api('GET', `/api/v1/companies${qs({ filter })}`);
        expectStatus(live, 200);
        assert.deepEqual(ids(live.json.data), [keep.id]);

        const trash = await api('GET', `/api/v1/companies${qs({ filter, trash: 'true' })}`);
        expectStatus(trash, 200);
        assert.deepEqual(ids(trash.json.data), [gone.id]);
        assert.match(trash.json.data[0].deleted_at, /^\d{4}-\d{2}-\d{2}T/, 'deleted_at is set in the trash');
    });

    test('restored from the trash is readable and listed again', async () => {
        const tag = randomName('restore');
        const rec = await createCompany({ name: 'Phoenix Co', tags: [tag] });
        expectStatus(await api('DELETE', `/api/v1/companies/${rec.id}`), 204);
        const res = await api('POST', `/api/v1/companies/${rec.id}/restore`);
        expectStatus(res, 200);
        assert.equal(res.json.id, rec.id);
        assert.equal(res.json.deleted_at, null);
        assert.equal(res.json.name, 'Phoenix Co');
        expectStatus(await api('GET', `/api/v1/companies/${rec.id}`), 200);
        const filter = `tags contains "${tag}"`;
        const live = await api('GET', `/api/v1/companies${qs({ filter })}`);
        assert.deepEqual(ids(live.json.data), [rec.id]);
        const trash = await api('GET', `/api/v1/companies${qs({ filter, trash: 'true' })}`);
        assert.deepEqual(trash.json.data, []);
    });

    test('that does not exist answers 404 problems', async () => {
        expectProblem(await api('GET', '/api/v1/companies/987654321'), 404);
        expectProblem(await api('PATCH', '/api/v1/companies/987654321', { name: 'x' }), 404);
        expectProblem(await api('DELETE', '/api/v1/companies/987654321'), 404);
        expectProblem(await api('POST', '/api/v1/companies/987654321/restore'), 404);
        const bad = await api('GET', '/api/v1/companies/not-a-number');
        expectProblem(bad, [400, 404]);
    });
});

describe('the company list', () => {
    const tag = randomName('page');
    let created = [];
    let rankField;

    before(async () => {
        rankField = await createField({ entity: 'companies', name: 'rank', label: 'Rank',
            type: 'integer', required: false });
        /* Names repeat (7 distinct) so that paging must break ties; every 13th has no rank. */
        for (let i = 0; i < 120; i++) {
            const custom = i % 13 === 0 ? {} : { rank: (i * 37) % 11 };
            created.push(await createCompany({
                name: `Page ${String(i % 7).padStart(2, '0')}`, tags: [tag], custom,
            }));
        }
        created = created.sort((a, b) => a.id - b.id);
    });

    const filter = () => `tags contains "${tag}"`;

    test('answers data and next_cursor, 50 records by default, newest id first', async () => {
        const res = await api('GET', '/api/v1/companies');
        expectStatus(res, 200);
        assert.ok(Array.isArray(res.json.data));
        assert.equal(res.json.data.length, 50, 'the default limit is 50');
        assert.equal(typeof res.json.next_cursor, 'string');
        assert.ok(!('total' in res.json), 'total only comes with count=true');
        const got = ids(res.json.data);
        assert.deepEqual(got, [...got].sort((a, b) => b - a), 'the default order is -id');
    });

    test('rejects limits outside 1..500 with 400', async () => {
        for (const limit of ['0', '501', '-1', 'abc', '1.5']) {
            expectProblem(await api('GET', `/api/v1/companies?limit=${limit}`), 400, `limit=${limit}`);
        }
        const one = await api('GET', '/api/v1/companies?limit=1');
        expectStatus(one, 200);
        assert.equal(one.json.data.length, 1);
        const max = await api('GET', '/api/v1/companies?limit=500');
        expectStatus(max, 200, 'limit=500 is allowed');
        assert.ok(max.json.data.length > 120);
    });

    test('pages 120 records by 50 in three pages with no duplicates and no gaps', async () => {
        const { pages, items } = await listAll(S.server, `/api/v1/companies${qs({ filter: filter(), limit: 50 })}`);
        assert.deepEqual(pages.map((p) => p.length), [50, 50, 20]);
        assert.deepEqual(sortedIds(items), ids(created));
        const got = ids(items);
        assert.deepEqual(got, [...got].sort((a, b) => b - a), 'pages follow the default -id order');
    });

    test('pages stably when sorted by -name, breaking ties between equal names', async () => {
        const { pages, items } = await listAll(S.server,
            `/api/v1/companies${qs({ filter: filter(), sort: '-name', limit: 50 })}`);
        assert.deepEqual(pages.map((p) => p.length), [50, 50, 20]);
        assert.equal(new Set(ids(items)).size, 120, 'no record appears twice');
        assert.deepEqual(sortedIds(items), ids(created), 'no record is missing');
        for (let i = 1; i < items.length; i++) {
            assert.ok(items[i - 1].name >= items[i].name,
                `names descend: ${items[i - 1].name} then ${items[i].name}`);
        }
    });

    test('pages stably when sorted by a custom field with missing values', async () => {
        for (const sort of ['custom.rank', '-custom.rank', 'custom.rank,-name', '-custom.rank,id']) {
            const { items } = await listAll(S.server,
                `/api/v1/companies${qs({ filter: filter(), sort, limit: 50 })}`);
            assert.equal(items.length, 120, `sort=${sort}: 120 records`);
            assert.deepEqual(sortedIds(items), ids(created), `sort=${sort}: no duplicates, no gaps`);
            const ranks = items.map((r) => r.custom?.rank ?? null);
            const present = ranks.filter((r) => r !== null);
            const sortedPresent = [...present].sort((a, b) => (sort.startsWith('-') ? b - a : a - b));
            assert.deepEqual(present, sortedPresent, `sort=${sort}: ranks are in order`);
            const firstNull = ranks.indexOf(null);
            const lastNull = ranks.lastIndexOf(null);
            assert.equal(lastNull - firstNull + 1, ranks.filter((r) => r === null).length,
                `sort=${sort}: records without a rank are together at one end`);
            assert.ok(firstNull === 0 || lastNull === ranks.length - 1,
                `sort=${sort}: records without a rank come first or last`);
        }
    });

    test('gives the total with count=true, independent of the limit', async () => {
        const res = await api('GET', `/api/v1/companies${qs({ filter: filter(), count: 'true', limit: 10 })}`);
        expectStatus(res, 200);
        assert.equal(res.json.total, 120);
        assert.equal(res.json.data.length, 10);
    });

    test('returns only the keys named in fields', async () => {
        const res = await api('GET', `/api/v1/companies${qs({ filter: filter(), fields: 'id,name', limit: 5 })}`);
        expectStatus(res, 200);
        assert.equal(res.json.data.length, 5);
        for (const r of res.json.data) assert.deepEqual(Object.keys(r).sort(), ['id', 'name']);
    });

    test('rejects an unknown name in fields with 400', async () => {
        expectProblem(await api('GET', '/api/v1/companies?fields=id,nosuchfield'), 400);
    });

    test('pages with fields=id,name and a sort on a field not selected', async () => {
        const { items } = await listAll(S.server,
            `/api/v1/companies${qs({ filter: filter(), fields: 'id,name', sort: 'custom.rank', limit: 50 })}`);
        assert.deepEqual(sortedIds(items), ids(created));
    });

    test('answers 400 for a cursor made up by the client', async () => {
        expectProblem(await api('GET', '/api/v1/companies?cursor=not-a-cursor'), 400);
    });
});

describe('company search with q', () => {
    let ivanov;
    let muller;
    let acme;
    let byEmail;

    before(async () => {
        ivanov = await createCompany({ name: 'Иванов и партнёры' });
        muller = await createCompany({ name: 'Müller Maschinenbau GmbH' });
        acme = await createCompany({ name: 'Quixotic Widgets Inc' });
        byEmail = await createCompany({ name: 'Mailbox Co', emails: ['zephyrine@mailbox.example.com'] });
    });

    async function search(q) {
        const res = await api('GET', `/api/v1/companies${qs({ q, limit: 500 })}`);
        expectStatus(res, 200, `q=${q}`);
        return ids(res.json.data);
    }

    test('matches a word by its prefix', async () => {
        assert.ok((await search('Quixo')).includes(acme.id));
        assert.ok((await search('widg')).includes(acme.id), 'a later word matches too');
    });

    test('ignores letter case, Latin and Cyrillic', async () => {
        assert.ok((await search('QUIXOTIC')).includes(acme.id));
        assert.ok((await search('Иван')).includes(ivanov.id), '"Иван" finds "Иванов"');
        assert.ok((await search('иван')).includes(ivanov.id), '"иван" finds "Иванов"');
        assert.ok((await search('ИВАНОВ')).includes(ivanov.id));
    });

    test('folds diacritics both ways', async () => {
        assert.ok((await search('Muller')).includes(muller.id), '"Muller" finds "Müller"');
        assert.ok((await search('müll')).includes(muller.id));
    });

    test('folds ё to е in Cyrillic', async () => {
        assert.ok((await search('партнер')).includes(ivanov.id), '"партнер" finds "партнёры"');
    });

    test('searches e-mail addresses', async () => {
        assert.ok((await search('zephyrine')).includes(byEmail.id));
    });

    test('finds nothing for a word nobody has', async () => {
        assert.deepEqual(await search('xylophonically'), []);
    });

    test('combines with a filter', async () => {
        const res = await api('GET', `/api/v1/companies${qs({ q: 'Quixo', filter: `name = "Nope"` })}`);
        expectStatus(res, 200);
        assert.deepEqual(res.json.data, []);
    });

    test('survives query syntax characters and SQL in q', async () => {
        for (const q of ['"', "'", 'a AND', '*', '-', 'NEAR(', "'); DROP TABLE companies; --", '%', '_', '\\']) {
            const res = await api('GET', `/api/v1/companies${qs({ q })}`);
            expectStatus(res, [200, 400], `q=${q}`);
        }
        expectStatus(await api('GET', `/api/v1/companies/${acme.id}`), 200, 'the table is still there');
    });
});

describe('company filters', () => {
    const tag = randomName('flt');
    const c = {};
    let employeesField;

    before(async () => {
        employeesField = await createField({ entity: 'companies', name: 'employees', label: 'Employees',
            type: 'number', required: false });
        c.a = await createCompany({ name: 'Alpha Retail', industry: 'Retail', size: '11-50', tags: [tag, 'vip'],
            website: 'https://alpha.example.com', custom: { employees: 40 } });
        c.b = await createCompany({ name: 'Beta Retail', industry: 'Retail', size: '51-200', tags: [tag],
            custom: { employees: 150 } });
        c.c = await createCompany({ name: 'Gamma Steel', industry: 'Manufacturing', size: '5000+',
            tags: [tag, 'vip', 'export'], website: 'https://gamma.example.com', custom: { employees: 9000 } });
        c.d = await createCompany({ name: 'Delta Foods', industry: 'Food', tags: [tag] });
    });

    async function matching(expr) {
        const filter = `tags contains "${tag}" and (${expr})`;
        const res = await api('GET', `/api/v1/companies${qs({ filter, limit: 500 })}`);
        expectStatus(res, 200, `filter ${expr}`);
        return sortedIds(res.json.data);
    }
    const idsOf = (...keys) => keys.map((k) => c[k].id).sort((x, y) => x - y);

    test('supports = and !=', async () => {
        assert.deepEqual(await matching('industry = "Retail"'), idsOf('a', 'b'));
        assert.deepEqual(await matching('industry != "Retail"'), idsOf('c', 'd'));
    });

    test('supports tags contains', async () => {
        assert.deepEqual(await matching('tags contains "vip"'), idsOf('a', 'c'));
        assert.deepEqual(await matching('tags contains "export"'), idsOf('c'));
    });

    test('supports in with a list', async () => {
        assert.deepEqual(await matching('size in ("11-50", "5000+")'), idsOf('a', 'c'));
    });

    test('supports is null and is not null', async () => {
        assert.deepEqual(await matching('website is null'), idsOf('b', 'd'));
        assert.deepEqual(await matching('website is not null'), idsOf('a', 'c'));
        assert.deepEqual(await matching('size is null'), idsOf('d'));
    });

    test('supports and, or and parentheses', async () => {
        assert.deepEqual(await matching('industry = "Retail" and tags contains "vip"'), idsOf('a'));
        assert.deepEqual(await matching('industry = "Food" or (industry = "Retail" and size = "51-200")'),
            idsOf('b', 'd'));
    });

    test('compares custom number fields', async () => {
        assert.deepEqual(await matching('custom.employees >= 150'), idsOf('b', 'c'));
        assert.deepEqual(await matching('custom.employees < 100'), idsOf('a'));
        assert.deepEqual(await matching('custom.employees is null'), idsOf('d'));
    });

    test('sorts by a custom field', async () => {
        const filter = `tags contains "${tag}" and custom.employees is not null`;
        const asc = await api('GET', `/api/v1/companies${qs({ filter, sort: 'custom.employees' })}`);
        expectStatus(asc, 200);
        assert.deepEqual(ids(asc.json.data), [c.a.id, c.b.id, c.c.id]);
        const desc = await api('GET', `/api/v1/companies${qs({ filter, sort: '-custom.employees' })}`);
        assert.deepEqual(ids(desc.json.data), [c.c.id, c.b.id, c.a.id]);
    });

    test('treats a filter value as data, never as SQL', async () => {
        assert.deepEqual(await matching(`name = "x' OR '1'='1"`), []);
        /* A backslash either escapes the quote (one odd string: no match) or is a syntax error. */
        const filter = `tags contains "${tag}" and name = "Alpha Retail\\" or name != \\"x"`;
        const res = await api('GET', `/api/v1/companies${qs({ filter })}`);
        expectStatus(res, [200, 400]);
        if (res.status === 200) assert.deepEqual(res.json.data, []);
    });

    test('follows parent. to the parent company of branches', async () => {
        const btag = randomName('branch');
        const hq = await createCompany({ name: `HQ ${btag}`, industry: 'Holding', tags: [btag] });
        const b1 = await createCompany({ name: 'Branch North', parent_id: hq.id, tags: [btag] });
        const b2 = await createCompany({ name: 'Branch South', parent_id: hq.id, tags: [btag] });
        await createCompany({ name: 'Independent', tags: [btag] });
        const filter = `tags contains "${btag}" and parent.name = "HQ ${btag}"`;
        const res = await api('GET', `/api/v1/companies${qs({ filter })}`);
        expectStatus(res, 200);
        assert.deepEqual(sortedIds(res.json.data), [b1.id, b2.id].sort((x, y) => x - y));
        const byIndustry = await api('GET',
            `/api/v1/companies${qs({ filter: `tags contains "${btag}" and parent.industry = "Holding"` })}`);
        assert.deepEqual(sortedIds(byIndustry.json.data), [b1.id, b2.id].sort((x, y) => x - y));
        assert.equal(b1.parent_id, hq.id);
    });
});

describe('the company hierarchy', () => {
    test('accepts a branch and clears its parent with null', async () => {
        const hq = await createCompany({ name: 'Root Holding' });
        const branch = await createCompany({ name: 'Leaf Branch', parent_id: hq.id });
        assert.equal(branch.parent_id, hq.id);
        const res = await api('PATCH', `/api/v1/companies/${branch.id}`, { parent_id: null });
        expectStatus(res, 200);
        assert.equal(res.json.parent_id, null);
    });

    test('rejects a company as its own parent with 422', async () => {
        const a = await createCompany({ name: 'Selfish Co' });
        expectFieldError(await api('PATCH', `/api/v1/companies/${a.id}`, { parent_id: a.id }), 'parent_id');
        assert.equal((await api('GET', `/api/v1/companies/${a.id}`)).json.parent_id, null);
    });

    test('rejects a parent_id cycle with 422 and changes nothing', async () => {
        const a = await createCompany({ name: 'Cycle A' });
        const b = await createCompany({ name: 'Cycle B', parent_id: a.id });
        const c = await createCompany({ name: 'Cycle C', parent_id: b.id });
        const res = await api('PATCH', `/api/v1/companies/${a.id}`, { parent_id: c.id });
        expectFieldError(res, 'parent_id');
        const got = await api('GET', `/api/v1/companies/${a.id}`);
        assert.equal(got.json.parent_id, null);
        assert.equal(got.json.version, 1);
    });

    test('rejects a parent_id that names no company with 422', async () => {
        expectFieldError(await api('POST', '/api/v1/companies', { name: 'Orphan', parent_id: 987654321 }),
            'parent_id');
        const a = await createCompany({ name: 'Would-be Orphan' });
        expectFieldError(await api('PATCH', `/api/v1/companies/${a.id}`, { parent_id: 987654321 }),
            'parent_id');
        expectFieldError(await api('POST', '/api/v1/companies', { name: 'Orphan', parent_id: 'one' }),
            'parent_id');
    });
});
