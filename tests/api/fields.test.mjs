/*
 * Custom field definitions through the REST API (/api/v1/fields): create, list, change and
 * remove them, the naming rules, and the values records may hold for each of the 13 types,
 * including required fields, enum options, and filtering and sorting by custom fields.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    countOf, expectFieldError, expectProblem, expectStatus, qs, randomName, useServer,
} from './server.mjs';

const S = useServer();
const api = async (...a) => (await S.start()).api(...a);

async function createField(def) {
    const res = await api('POST', '/api/v1/fields', def);
    expectStatus(res, 201, `create field ${JSON.stringify(def)}`);
    return res.json;
}

async function listFields(entity) {
    const res = await api('GET', `/api/v1/fields?entity=${entity}`);
    expectStatus(res, 200, `list fields of ${entity}`);
    assert.ok(Array.isArray(res.json.data), 'the list has data[]');
    return res.json.data;
}

describe('a custom field definition', () => {
    test('is created with 201 and listed under its entity only', async () => {
        const def = { entity: 'contacts', name: 'region', label: 'Region', type: 'enum',
            options: ['North', 'South'], required: false };
        const res = await api('POST', '/api/v1/fields', def);
        expectStatus(res, 201);
        const f = res.json;
        assert.ok(Number.isInteger(f.id), 'it has an integer id');
        for (const [k, v] of Object.entries(def)) assert.deepEqual(f[k], v, `field ${k}`);
        const location = res.headers.get('location');
        assert.ok(location, 'Location header is present');
        assert.match(location, new RegExp(`/api/v1/fields/${f.id}$`));

        const contactsFields = await listFields('contacts');
        const listed = contactsFields.find((x) => x.id === f.id);
        assert.ok(listed, 'listed for contacts');
        assert.deepEqual(listed, f);
        assert.ok(!(await listFields('companies')).some((x) => x.id === f.id), 'not listed for companies');
    });

    test('changes its label, options and required flag with PATCH', async () => {
        const f = await createField({ entity: 'companies', name: 'tier', label: 'Tier', type: 'enum',
            options: ['Gold', 'Silver'], required: false });
        const res = await api('PATCH', `/api/v1/fields/${f.id}`,
            { label: 'Customer tier', options: ['Gold', 'Silver', 'Bronze'], required: true });
        expectStatus(res, 200);
        assert.equal(res.json.label, 'Customer tier');
        assert.deepEqual(res.json.options, ['Gold', 'Silver', 'Bronze']);
        assert.equal(res.json.required, true);
        assert.equal(res.json.name, 'tier');
        assert.equal(res.json.type, 'enum');
        const listed = (await listFields('companies')).find((x) => x.id === f.id);
        assert.equal(listed.label, 'Customer tier');

        /* Put it back so that the required flag does not disturb the other tests. */
        expectStatus(await api('DELETE', `/api/v1/fields/${f.id}`), 204);
    });

    test('keeps its name, type and entity: a PATCH of them answers 422', async () => {
        const f = await createField({ entity: 'companies', name: 'fixed', label: 'Fixed', type: 'text' });
        for (const body of [{ name: 'renamed' }, { type: 'number' }, { entity: 'contacts' }, { id: 5 },
            { colour: 'red' }]) {
            const res = await api('PATCH', `/api/v1/fields/${f.id}`, body);
            expectFieldError(res, Object.keys(body)[0], JSON.stringify(body));
        }
        const listed = (await listFields('companies')).find((x) => x.id === f.id);
        assert.equal(listed.name, 'fixed');
        assert.equal(listed.type, 'text');
        expectStatus(await api('DELETE', `/api/v1/fields/${f.id}`), 204);
    });

    test('is removed with DELETE (204), then no longer listed or accepted in records', async () => {
        const f = await createField({ entity: 'companies', name: 'ephemeral', label: 'Ephemeral', type: 'text' });
        const ok = await api('POST', '/api/v1/companies', { name: 'Eph Co', custom: { ephemeral: 'yes' } });
        expectStatus(ok, 201);
        expectStatus(await api('DELETE', `/api/v1/fields/${f.id}`), 204);
        assert.ok(!(await listFields('companies')).some((x) => x.id === f.id));
        expectFieldError(await api('POST', '/api/v1/companies', { name: 'Eph Co 2', custom: { ephemeral: 'no' } }),
            'custom.ephemeral');
        expectProblem(await api('DELETE', `/api/v1/fields/${f.id}`), 404);
        expectProblem(await api('PATCH', `/api/v1/fields/${f.id}`, { label: 'x' }), 404);
    });

    test('removed takes its values with it: a new field of the same name starts empty', async () => {
        const f = await createField({ entity: 'companies', name: 'reborn', label: 'Reborn', type: 'text' });
        const rec = await api('POST', '/api/v1/companies', { name: 'Reborn Co', custom: { reborn: 'old text' } });
        expectStatus(rec, 201);
        expectStatus(await api('DELETE', `/api/v1/fields/${f.id}`), 204);
        const again = await createField({ entity: 'companies', name: 'reborn', label: 'Reborn', type: 'integer' });
        assert.notEqual(again.id, f.id, 'ids of removed fields are not reused');
        const read = await api('GET', `/api/v1/companies/${rec.json.id}`);
        expectStatus(read, 200);
        assert.deepEqual(read.json.custom, {}, 'the old text value is gone');
    });

    test('patched with a stale If-Match answers 412 and is not changed', async () => {
        const f = await createField({ entity: 'contacts', name: 'versioned', label: 'Versioned', type: 'text' });
        const ok = await api('PATCH', `/api/v1/fields/${f.id}`, { label: 'Second' }, { 'If-Match': `"${f.version}"` });
        expectStatus(ok, 200);
        expectProblem(await api('PATCH', `/api/v1/fields/${f.id}`, { label: 'Third' }, { 'If-Match': `"${f.version}"` }), 412);
        const read = await api('GET', `/api/v1/fields/${f.id}`);
        assert.equal(read.json.label, 'Second');
    });

    test('that does not exist answers 404', async () => {
        expectProblem(await api('PATCH', '/api/v1/fields/987654321', { label: 'x' }), 404);
        expectProblem(await api('DELETE', '/api/v1/fields/987654321'), 404);
    });
});

describe('custom field definition rules', () => {
    const base = { entity: 'companies', label: 'L', type: 'text' };

    test('accept names matching ^[a-z][a-z0-9_]{0,39}$', async () => {
        for (const name of ['a', 'abc_123', `z${'9'.repeat(39)}`]) {
            const f = await createField({ ...base, name });
            assert.equal(f.name, name);
            expectStatus(await api('DELETE', `/api/v1/fields/${f.id}`), 204);
        }
    });

    test('reject other names with 422 on name', async () => {
        for (const name of ['', 'Region', '1abc', '_abc', 'a-b', 'a b', 'a.b', `a${'b'.repeat(40)}`, 'région',
            'abc\n', 5, null]) {
            expectFieldError(await api('POST', '/api/v1/fields', { ...base, name }), 'name', JSON.stringify(name));
        }
    });

    test('reject a name already used on the same entity, allow it on another', async () => {
        const name = randomName('dup_');
        const f = await createField({ ...base, name });
        const again = await api('POST', '/api/v1/fields', { ...base, name });
        expectProblem(again, [409, 422]);
        const other = await createField({ ...base, entity: 'contacts', name });
        expectStatus(await api('DELETE', `/api/v1/fields/${f.id}`), 204);
        expectStatus(await api('DELETE', `/api/v1/fields/${other.id}`), 204);
    });

    test('reject an unknown type or entity', async () => {
        expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'x1', type: 'float' }), 'type');
        expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'x2', type: null }), 'type');
        expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'x3', entity: 'widgets' }), 'entity');
        expectFieldError(await api('POST', '/api/v1/fields', { entity: 'companies', name: 'x4', label: 'L' }), 'type');
    });

    test('need options for enum and multi_enum, and only there', async () => {
        for (const type of ['enum', 'multi_enum']) {
            expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'o1', type }), 'options', type);
            expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'o2', type, options: [] }),
                'options', `${type} with []`);
            expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'o3', type, options: [1, 2] }),
                /^options/, `${type} with numbers`);
            expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'o4', type, options: 'a,b' }),
                'options', `${type} with a string`);
        }
        expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'o5', type: 'text', options: ['a'] }),
            'options');
        expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'o6', type: 'enum', options: ['a', 'a'] }),
            /^options/, 'duplicate options');
    });

    test('reject unknown keys in a definition', async () => {
        expectFieldError(await api('POST', '/api/v1/fields', { ...base, name: 'u1', colour: 'red' }), 'colour');
    });

    test('list only for a known entity', async () => {
        expectStatus(await api('GET', '/api/v1/fields?entity=widgets'), [400, 422]);
    });
});

/*
 * For each type: a field on companies named t_<type>, values that must be accepted (and read back
 * as sent) and values that must be rejected with a field error on custom.t_<type>.
 */
const TYPES = [
    { type: 'text', good: ['hello', '', 'Привет, мир'], bad: [5, true, ['a'], { a: 1 }] },
    { type: 'textarea', good: ['line 1\nline 2'], bad: [5, ['a']] },
    { type: 'number', good: [3.25, -2, 0, 1e6], bad: ['3.14', true, [1], { n: 1 }] },
    { type: 'integer', good: [42, -7, 0], bad: [4.5, '42', true, [1]] },
    {
        type: 'money',
        good: [{ amount: '10.50', currency: 'EUR' }, { amount: '-3.00', currency: 'RUB' },
            { amount: '1234567.89', currency: 'USD' }],
        bad: [{ amount: 10.5, currency: 'EUR' }, { amount: 'abc', currency: 'EUR' }, { amount: '10.50' },
            { amount: '10.50', currency: 'euro' }, { amount: '10.50', currency: 'EUR', extra: 1 }, '10.50 EUR', 10.5],
    },
    {
        type: 'date',
        good: ['2026-11-23', '2024-02-29'],
        bad: ['2026-02-30', '2023-02-29', '23.11.2026', '2026-11-23T10:00:00Z', 20261123, '2026-1-2'],
    },
    {
        type: 'datetime',
        good: ['2026-11-23T10:15:00.000Z'],
        bad: ['2026-11-23', 'yesterday', '2026-13-01T00:00:00Z', '2026-11-23T25:00:00Z', 5],
    },
    { type: 'bool', good: [true, false], bad: ['true', 1, 0, 'yes'] },
    { type: 'enum', options: ['North', 'South'], good: ['North', 'South'], bad: ['East', '', 1, ['North']] },
    { type: 'multi_enum', options: ['a', 'b', 'c'], good: [['a', 'c'], [], ['b']], bad: [['a', 'z'], 'a', [1], [['a']]] },
    {
        type: 'email',
        good: ['someone@example.com', 'first.last+tag@sub.example.org'],
        bad: ['not-an-email', 'a@', '@example.com', 'a b@example.com', 5],
    },
    { type: 'phone', good: ['+7 495 123-45-67', '+1 (555) 010-0199', '84951234567'], bad: ['call me', 'abc', 5] },
    {
        type: 'url',
        good: ['https://example.com/x?y=1', 'http://example.org'],
        bad: ['not a url', 'example', 'javascript:alert(1)', 5],
    },
];

describe('custom field values', () => {
    before(async () => {
        for (const t of TYPES) {
            const def = { entity: 'companies', name: `t_${t.type}`, label: `T ${t.type}`, type: t.type, required: false };
            if (t.options) def.options = t.options;
            await createField(def);
        }
    });

    test('exist for all 13 types', async () => {
        const types = new Set((await listFields('companies')).map((f) => f.type));
        for (const t of TYPES) assert.ok(types.has(t.type), `type ${t.type} defined`);
        assert.equal(TYPES.length, 13);
    });

    for (const t of TYPES) {
        test(`of type ${t.type} accept good values and read them back`, async () => {
            for (const value of t.good) {
                const res = await api('POST', '/api/v1/companies',
                    { name: `Typed ${t.type}`, custom: { [`t_${t.type}`]: value } });
                expectStatus(res, 201, `${t.type} ${JSON.stringify(value)}`);
                assert.deepEqual(res.json.custom[`t_${t.type}`], value, `${t.type} ${JSON.stringify(value)} round-trips`);
                const got = await api('GET', `/api/v1/companies/${res.json.id}`);
                assert.deepEqual(got.json.custom[`t_${t.type}`], value);
            }
        });

        test(`of type ${t.type} reject bad values with 422 on custom.t_${t.type}`, async () => {
            const before = await countOf(S.server, 'companies');
            for (const value of t.bad) {
                const res = await api('POST', '/api/v1/companies',
                    { name: `Bad ${t.type}`, custom: { [`t_${t.type}`]: value } });
                expectFieldError(res, `custom.t_${t.type}`, `${t.type} ${JSON.stringify(value)}`);
            }
            assert.equal(await countOf(S.server, 'companies'), before, 'nothing was written');
        });
    }

    test('of type datetime accept other ISO 8601 forms', async () => {
        for (const value of ['2026-11-23T10:15:00Z', '2026-11-23T12:15:00+02:00']) {
            const res = await api('POST', '/api/v1/companies', { name: 'Dt', custom: { t_datetime: value } });
            expectStatus(res, 201, value);
            assert.equal(res.json.custom.t_datetime, '2026-11-23T10:15:00.000Z', `${value} is stored in UTC`);
        }
    });

    test('may be cleared with null when the field is not required', async () => {
        const res = await api('POST', '/api/v1/companies', { name: 'Clearable', custom: { t_text: 'x', t_integer: 3 } });
        expectStatus(res, 201);
        const patched = await api('PATCH', `/api/v1/companies/${res.json.id}`, { custom: { t_text: null } });
        expectStatus(patched, 200);
        assert.equal(patched.json.custom.t_text ?? null, null);
    });

    test('of a patch are checked like those of a create', async () => {
        const res = await api('POST', '/api/v1/companies', { name: 'Patchable', custom: { t_integer: 3 } });
        expectStatus(res, 201);
        expectFieldError(await api('PATCH', `/api/v1/companies/${res.json.id}`, { custom: { t_integer: 'three' } }),
            'custom.t_integer');
        expectFieldError(await api('PATCH', `/api/v1/companies/${res.json.id}`, { custom: { t_enum: 'West' } }),
            'custom.t_enum');
        const got = await api('GET', `/api/v1/companies/${res.json.id}`);
        assert.equal(got.json.version, 1);
        assert.equal(got.json.custom.t_integer, 3);
    });

    test('follow a change of enum options', async () => {
        const f = (await listFields('companies')).find((x) => x.name === 't_enum');
        expectFieldError(await api('POST', '/api/v1/companies', { name: 'E', custom: { t_enum: 'East' } }), 'custom.t_enum');
        expectStatus(await api('PATCH', `/api/v1/fields/${f.id}`, { options: ['North', 'South', 'East'] }), 200);
        expectStatus(await api('POST', '/api/v1/companies', { name: 'E', custom: { t_enum: 'East' } }), 201,
            'a new option is accepted');
        expectStatus(await api('PATCH', `/api/v1/fields/${f.id}`, { options: ['North', 'South'] }), 200);
        expectFieldError(await api('POST', '/api/v1/companies', { name: 'E', custom: { t_enum: 'East' } }), 'custom.t_enum',
            'a removed option is refused again');
    });
});

describe('a required custom field', () => {
    let field;
    before(async () => {
        field = await createField({ entity: 'contacts', name: 'must', label: 'Must', type: 'text', required: true });
    });

    test('must be given when creating a record', async () => {
        const before = await countOf(S.server, 'contacts');
        expectFieldError(await api('POST', '/api/v1/contacts', { first_name: 'Req' }), 'custom.must');
        expectFieldError(await api('POST', '/api/v1/contacts', { first_name: 'Req', custom: {} }), 'custom.must');
        expectFieldError(await api('POST', '/api/v1/contacts', { first_name: 'Req', custom: { must: null } }),
            'custom.must');
        assert.equal(await countOf(S.server, 'contacts'), before, 'nothing was written');
        const ok = await api('POST', '/api/v1/contacts', { first_name: 'Req', custom: { must: 'here' } });
        expectStatus(ok, 201);
        assert.equal(ok.json.custom.must, 'here');
    });

    test('cannot be cleared by a patch', async () => {
        const ok = await api('POST', '/api/v1/contacts', { first_name: 'Req2', custom: { must: 'here' } });
        expectStatus(ok, 201);
        expectFieldError(await api('PATCH', `/api/v1/contacts/${ok.json.id}`, { custom: { must: null } }), 'custom.must');
        const got = await api('GET', `/api/v1/contacts/${ok.json.id}`);
        assert.equal(got.json.custom.must, 'here');
    });

    test('is optional again once required is switched off', async () => {
        expectStatus(await api('PATCH', `/api/v1/fields/${field.id}`, { required: false }), 200);
        expectStatus(await api('POST', '/api/v1/contacts', { first_name: 'Free' }), 201);
        expectStatus(await api('DELETE', `/api/v1/fields/${field.id}`), 204);
    });
});

describe('filtering and sorting by custom fields', () => {
    const tag = randomName('cf');
    const r = {};

    before(async () => {
        for (const name of ['c_int', 'c_num', 'c_date', 'c_bool', 'c_enum', 'c_multi', 'c_text', 'c_money']) {
            const type = { c_int: 'integer', c_num: 'number', c_date: 'date', c_bool: 'bool', c_enum: 'enum',
                c_multi: 'multi_enum', c_text: 'text', c_money: 'money' }[name];
            const def = { entity: 'companies', name, label: name, type };
            if (type === 'enum') def.options = ['North', 'South'];
            if (type === 'multi_enum') def.options = ['x', 'y', 'z'];
            await createField(def);
        }
        const mk = async (key, custom) => {
            const res = await api('POST', '/api/v1/companies', { name: `CF ${key}`, tags: [tag], custom });
            expectStatus(res, 201);
            r[key] = res.json;
        };
        await mk('a', { c_int: 9, c_num: 2.5, c_date: '2026-01-15', c_bool: true, c_enum: 'North',
            c_multi: ['x', 'y'], c_text: 'apple', c_money: { amount: '9.99', currency: 'EUR' } });
        await mk('b', { c_int: 50, c_num: -1, c_date: '2025-06-01', c_bool: false, c_enum: 'South',
            c_multi: ['z'], c_text: 'Banana', c_money: { amount: '20.00', currency: 'EUR' } });
        await mk('c', { c_int: 500, c_num: 10.75, c_date: '2026-11-23', c_bool: true, c_enum: 'South',
            c_multi: [], c_text: 'cherry', c_money: { amount: '1500', currency: 'JPY' } });
        await mk('d', {});
    });

    async function matching(expr) {
        const filter = `tags contains "${tag}" and (${expr})`;
        const res = await api('GET', `/api/v1/companies${qs({ filter, limit: 500 })}`);
        expectStatus(res, 200, `filter ${expr}`);
        return res.json.data.map((x) => x.id).sort((a, b) => a - b);
    }
    const idsOf = (...keys) => keys.map((k) => r[k].id).sort((a, b) => a - b);

    test('compare integers and numbers numerically, not as text', async () => {
        assert.deepEqual(await matching('custom.c_int > 10'), idsOf('b', 'c'));
        assert.deepEqual(await matching('custom.c_int <= 50'), idsOf('a', 'b'));
        assert.deepEqual(await matching('custom.c_int = 500'), idsOf('c'));
        assert.deepEqual(await matching('custom.c_num > 2'), idsOf('a', 'c'));
        assert.deepEqual(await matching('custom.c_num < 0'), idsOf('b'));
    });

    test('compare dates, booleans, enums and text', async () => {
        assert.deepEqual(await matching('custom.c_date >= "2026-01-01"'), idsOf('a', 'c'));
        assert.deepEqual(await matching('custom.c_bool = true'), idsOf('a', 'c'));
        assert.deepEqual(await matching('custom.c_bool = false'), idsOf('b'));
        assert.deepEqual(await matching('custom.c_enum = "South"'), idsOf('b', 'c'));
        assert.deepEqual(await matching('custom.c_enum in ("North")'), idsOf('a'));
        assert.deepEqual(await matching('custom.c_text = "apple"'), idsOf('a'));
        assert.deepEqual(await matching('custom.c_text is null'), idsOf('d'));
    });

    test('compare and sort money values by their amount', async () => {
        assert.deepEqual(await matching('custom.c_money >= 10.5'), idsOf('b', 'c'));
        assert.deepEqual(await matching('custom.c_money < 10'), idsOf('a'));
        const filter = `tags contains "${tag}" and custom.c_money is not null`;
        const res = await api('GET', `/api/v1/companies${qs({ filter, sort: '-custom.c_money', limit: 1 })}`);
        expectStatus(res, 200);
        const seen = [res.json.data[0].id];
        let cursor = res.json.next_cursor;
        while (cursor) {
            const page = await api('GET', `/api/v1/companies${qs({ filter, sort: '-custom.c_money', limit: 1, cursor })}`);
            expectStatus(page, 200);
            seen.push(...page.json.data.map((x) => x.id));
            cursor = page.json.next_cursor;
        }
        assert.deepEqual(seen, [r.c.id, r.b.id, r.a.id], '1500 > 20.00 > 9.99, paged one by one');
    });

    test('test membership in multi_enum values with contains', async () => {
        assert.deepEqual(await matching('custom.c_multi contains "x"'), idsOf('a'));
        assert.deepEqual(await matching('custom.c_multi contains "z"'), idsOf('b'));
    });

    test('sort numerically in both directions', async () => {
        const filter = `tags contains "${tag}" and custom.c_int is not null`;
        const asc = await api('GET', `/api/v1/companies${qs({ filter, sort: 'custom.c_int' })}`);
        expectStatus(asc, 200);
        assert.deepEqual(asc.json.data.map((x) => x.id), [r.a.id, r.b.id, r.c.id], '9 < 50 < 500 as numbers, not as text');
        const desc = await api('GET', `/api/v1/companies${qs({ filter, sort: '-custom.c_num' })}`);
        assert.deepEqual(desc.json.data.map((x) => x.id), [r.c.id, r.a.id, r.b.id]);
        const byDate = await api('GET', `/api/v1/companies${qs({ filter, sort: 'custom.c_date' })}`);
        assert.deepEqual(byDate.json.data.map((x) => x.id), [r.b.id, r.a.id, r.c.id]);
    });

    test('reject a filter or sort on an undefined custom field with 400', async () => {
        expectProblem(await api('GET', `/api/v1/companies${qs({ filter: 'custom.undefined_one = 1' })}`), 400);
        expectProblem(await api('GET', `/api/v1/companies${qs({ sort: 'custom.undefined_one' })}`), 400);
    });

    test('reject a value of the wrong type in a filter with 400', async () => {
        expectProblem(await api('GET', `/api/v1/companies${qs({ filter: 'custom.c_int > "many"' })}`), 400);
    });
});
