/*
 * Exports (docs/api/exports.md): POST /exports queues a job that writes the list the caller
 * would get from GET /{entity} (filter, q, sort, fields, their read scope and field rights) as
 * CSV, XLSX, vCard 4.0 or iCalendar; GET /exports/{id} follows it and /exports/{id}/file
 * downloads it. Also: formula-like cells neutralised unless an administrator asks for raw
 * cells, another user's export is 404, the file is 409 before the job ran, and both the request
 * and the finished export are in the security log.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    createDatabase, expectFieldError, expectProblem, expectStatus, listAll, qs, randomName,
    startServer, useServer,
} from './server.mjs';

/* Jobs run every 100 ms, so that an export is done soon after it is asked for. */
const S = useServer({ args: ['--job-tick-ms', '100'] });

const TAG = randomName('exp');
const BOM = '\uFEFF';

let W = null;
let building = null;
const setup = () => (building ??= buildWorld().then((w) => { W = w; return w; }));

/* A sales rep (sees only their own contacts), some contacts of theirs and of the admin. */
async function buildWorld() {
    const srv = await S.start();
    const admin = srv.api;
    const email = `rep-${randomName()}@exports.example.com`;
    const password = `pw ${randomName()}`;
    const user = await admin('POST', '/api/v1/users', { email, name: 'Export Rep', role: 'sales_rep', password });
    expectStatus(user, 201, 'create the rep');
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `the rep signs in: ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'exports', scopes: ['read', 'write'] });
    expectStatus(tok, 201, "the rep's token");
    const rep = (method, path, body, headers = {}) =>
        srv.api(method, path, body, { Authorization: `Bearer ${tok.json.token}`, ...headers });

    const company = await admin('POST', '/api/v1/companies', { name: `Acme ${TAG}` });
    expectStatus(company, 201, 'a company');
    const contact = async (body, owner) => {
        const res = await admin('POST', '/api/v1/contacts', { tags: [TAG], ...body, owner_id: owner });
        expectStatus(res, 201, `contact ${body.last_name}`);
        return res.json;
    };
    const adminId = srv.adminId;
    const contacts = {
        anna: await contact({
            first_name: 'Anna', last_name: 'Adams', emails: ['anna@example.com', 'a.adams@example.com'],
            phones: ['+49 30 1234567'], birthday: '1985-04-12', position: 'Buyer',
            company_ids: [company.json.id],
            addresses: [{ type: 'work', street: '1 Main St', locality: 'Berlin', postal_code: '10115', country: 'DE' }],
        }, adminId),
        bert: await contact({ first_name: 'Bert', last_name: 'Brown', emails: ['bert@example.com'] }, adminId),
        evil: await contact({ first_name: '=HYPERLINK("http://evil.example")', last_name: 'Zed', emails: [] }, adminId),
        repOwn1: await contact({ first_name: 'Rita', last_name: 'Rep', emails: ['rita@example.com'] }, user.json.id),
        repOwn2: await contact({ first_name: 'Rolf', last_name: 'Rep', emails: [] }, user.json.id),
    };
    const auth = new Map([[admin, `Bearer ${srv.adminToken}`], [rep, `Bearer ${tok.json.token}`]]);
    return { srv, admin, rep, auth, repUser: user.json, contacts, company: company.json };
}

before(setup);

/* Polls the export until it is done or failed. */
async function waitDone(call, id, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const res = await call('GET', `/api/v1/exports/${id}`);
        expectStatus(res, 200, `GET /exports/${id}`);
        if (res.json.status === 'done' || res.json.status === 'failed') return res.json;
        assert.ok(Date.now() < deadline, `export ${id} still ${res.json.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

/* Asks for an export, waits for it and downloads its file: { export, file, text, bytes }. */
async function exportFile(call, body) {
    const created = await call('POST', '/api/v1/exports', body);
    expectStatus(created, 202, `POST /exports ${JSON.stringify(body)}`);
    assert.ok(['queued', 'running', 'done'].includes(created.json.status), created.text);
    assert.equal(created.headers.get('location'), `/api/v1/exports/${created.json.id}`);
    const done = await waitDone(call, created.json.id);
    assert.equal(done.status, 'done', `export done: ${JSON.stringify(done)}`);
    /* fetch() itself: the harness reads bodies as text, and an XLSX file is binary. */
    const res = await fetch(`${W.srv.url}/api/v1/exports/${done.id}/file`, {
        headers: { Authorization: W.auth.get(call) },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, `download: ${bytes.toString('utf8', 0, 300)}`);
    return { export: done, file: res, bytes, text: bytes.toString('utf8') };
}

/* Parses simple CSV (quoted fields with "" inside, CRLF rows). */
function parseCsv(text) {
    const rows = [];
    let row = [], field = '', i = 0, quoted = false;
    while (i < text.length) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
            if (c === '"') { quoted = false; i++; continue; }
            field += c; i++; continue;
        }
        if (c === '"') { quoted = true; i++; continue; }
        if (c === ',') { row.push(field); field = ''; i++; continue; }
        if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
        field += c; i++;
    }
    if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
    return rows;
}

describe('CSV', () => {
    before(setup);

    test('respects filter, sort and fields, with a header row and a safe attachment name', async () => {
        const { export: done, file, text } = await exportFile(W.admin, {
            entity: 'contacts', format: 'csv', filter: `tags contains "${TAG}" and last_name != "Zed"`,
            sort: '-last_name,first_name', fields: ['last_name', 'first_name', 'emails', 'companies', 'addresses'],
        });
        assert.equal(file.headers.get('content-type'), 'text/csv; charset=utf-8');
        const today = done.created_at.slice(0, 10);
        assert.match(file.headers.get('content-disposition'), new RegExp(`^attachment; filename="contacts-${today}\\.csv"`));
        assert.equal(Number(file.headers.get('content-length')), done.file.size);
        assert.equal(done.file.name, `contacts-${today}.csv`);
        assert.equal(done.file.content_type, 'text/csv; charset=utf-8');
        assert.ok(text.startsWith(BOM), 'a byte order mark for spreadsheets');
        const rows = parseCsv(text.slice(1));
        assert.deepEqual(rows[0], ['last_name', 'first_name', 'emails', 'companies', 'addresses']);
        assert.deepEqual(rows.slice(1).map((r) => `${r[0]} ${r[1]}`),
            ['Rep Rita', 'Rep Rolf', 'Brown Bert', 'Adams Anna']);
        const anna = rows.find((r) => r[1] === 'Anna');
        assert.equal(anna[2], 'anna@example.com, a.adams@example.com', 'lists joined with ", "');
        assert.equal(anna[3], `Acme ${TAG}`, 'linked companies by name');
        assert.equal(anna[4], '1 Main St, Berlin, 10115, DE');
        assert.equal(done.rows, 4);
        assert.equal(done.entity, 'contacts');
        assert.equal(done.format, 'csv');
        assert.ok(done.finished_at);
    });

    test('without fields has every readable field, custom fields as custom.<name>', async () => {
        const field = await W.admin('POST', '/api/v1/fields',
            { entity: 'companies', name: 'tier', label: 'Tier', type: 'text' });
        expectStatus(field, 201, 'custom field');
        const co = await W.admin('PATCH', `/api/v1/companies/${W.company.id}`, { custom: { tier: 'gold' } });
        expectStatus(co, 200);
        const { text } = await exportFile(W.admin, { entity: 'companies', format: 'csv', filter: `name = "Acme ${TAG}"` });
        const rows = parseCsv(text.slice(1));
        assert.ok(rows[0].includes('id') && rows[0].includes('name') && rows[0].includes('custom.tier'), rows[0].join());
        assert.ok(!rows[0].includes('deleted_at'));
        assert.equal(rows.length, 2);
        assert.equal(rows[1][rows[0].indexOf('custom.tier')], 'gold');
        assert.equal(rows[1][rows[0].indexOf('name')], `Acme ${TAG}`);
    });

    test('a sales rep exports only their own records', async () => {
        const { export: done, text } = await exportFile(W.rep, {
            entity: 'contacts', format: 'csv', fields: ['id', 'last_name', 'owner_id'], sort: 'id',
        });
        const rows = parseCsv(text.slice(1));
        assert.deepEqual(rows.slice(1).map((r) => Number(r[0])), [W.contacts.repOwn1.id, W.contacts.repOwn2.id]);
        assert.ok(rows.slice(1).every((r) => Number(r[2]) === W.repUser.id));
        assert.equal(done.rows, 2);
        assert.equal(done.created_by, W.repUser.id);
    });

    test('formula-like cells are neutralised; raw=true keeps them for administrators only', async () => {
        const body = { entity: 'contacts', format: 'csv', filter: `tags contains "${TAG}" and last_name = "Zed"`, fields: ['first_name', 'last_name'] };
        const safe = parseCsv((await exportFile(W.admin, body)).text.slice(1));
        assert.equal(safe[1][0], `'=HYPERLINK("http://evil.example")`);
        const raw = parseCsv((await exportFile(W.admin, { ...body, raw: true })).text.slice(1));
        assert.equal(raw[1][0], '=HYPERLINK("http://evil.example")');
        const refused = await W.rep('POST', '/api/v1/exports', { ...body, raw: true });
        expectProblem(refused, 403, 'raw for a sales rep');
    });
});

describe('requests refused', () => {
    before(setup);

    test('unknown entity, a format the entity has no use for, unknown or repeated fields: 422', async () => {
        expectFieldError(await W.admin('POST', '/api/v1/exports', { entity: 'nothing', format: 'csv' }), 'entity');
        expectFieldError(await W.admin('POST', '/api/v1/exports', { entity: 'contacts', format: 'pdf' }), 'format');
        expectFieldError(await W.admin('POST', '/api/v1/exports', { entity: 'companies', format: 'vcf' }), 'format');
        expectFieldError(await W.admin('POST', '/api/v1/exports', { entity: 'contacts', format: 'ics' }), 'format');
        expectFieldError(await W.admin('POST', '/api/v1/exports',
            { entity: 'contacts', format: 'csv', fields: ['name', 'password'] }), 'fields[1]');
        expectFieldError(await W.admin('POST', '/api/v1/exports',
            { entity: 'contacts', format: 'csv', fields: ['name', 'name'] }), 'fields[1]');
        expectFieldError(await W.admin('POST', '/api/v1/exports',
            { entity: 'contacts', format: 'vcf', fields: ['name'] }), 'fields');
        expectFieldError(await W.admin('POST', '/api/v1/exports',
            { entity: 'contacts', format: 'csv', limit: 5 }), 'limit');
        expectFieldError(await W.admin('POST', '/api/v1/exports', { format: 'csv' }), 'entity');
    });

    test('a filter or sort the list refuses is refused alike (400)', async () => {
        expectProblem(await W.admin('POST', '/api/v1/exports',
            { entity: 'contacts', format: 'csv', filter: 'last_name = ' }), 400);
        expectProblem(await W.admin('POST', '/api/v1/exports',
            { entity: 'contacts', format: 'csv', sort: 'no_such_field' }), 400);
    });

    test('without the export right: 403', async () => {
        /* sales_rep may read but not export lead scoring rules. */
        expectProblem(await W.rep('POST', '/api/v1/exports', { entity: 'lead-scoring-rules', format: 'csv' }), 403);
    });

    test("another user's export is 404; an administrator sees everyone's", async () => {
        const mine = await W.admin('POST', '/api/v1/exports', { entity: 'contacts', format: 'csv' });
        expectStatus(mine, 202);
        expectProblem(await W.rep('GET', `/api/v1/exports/${mine.json.id}`), 404);
        expectProblem(await W.rep('GET', `/api/v1/exports/${mine.json.id}/file`), 404);
        const theirs = await W.rep('POST', '/api/v1/exports', { entity: 'contacts', format: 'csv' });
        expectStatus(theirs, 202);
        expectStatus(await W.admin('GET', `/api/v1/exports/${theirs.json.id}`), 200);
        const list = await W.rep('GET', '/api/v1/exports?limit=100');
        expectStatus(list, 200);
        assert.ok(list.json.data.length > 0);
        assert.ok(list.json.data.every((e) => e.created_by === W.repUser.id), 'the rep lists only their own');
        expectProblem(await W.rep('GET', '/api/v1/exports/999999'), 404);
    });
});

describe('other formats', () => {
    before(setup);

    test('XLSX is a zip with the first worksheet', async () => {
        const { file, bytes, export: done } = await exportFile(W.admin, {
            entity: 'contacts', format: 'xlsx', filter: `tags contains "${TAG}"`,
            fields: ['id', 'first_name', 'birthday', 'emails'],
        });
        assert.equal(file.headers.get('content-type'),
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        assert.match(file.headers.get('content-disposition'), /filename="contacts-\d{4}-\d{2}-\d{2}\.xlsx"/);
        assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'a zip file');
        assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')), 'with xl/worksheets/sheet1.xml');
        assert.equal(done.rows, 5);
    });

    test('vCard 4.0 of contacts with names, e-mails, phones, address, birthday, title, company', async () => {
        /* A photo kept as an attachment, as a vCard import keeps one, goes inline. */
        const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
        const photo = await W.admin('POST', `/api/v1/contacts/${W.contacts.anna.id}/attachments?name=anna.png`,
            png, { 'Content-Type': 'image/png' });
        expectStatus(photo, 201, 'upload a photo');
        await W.srv.sql(`UPDATE contacts SET photo_id = ${photo.json.id} WHERE id = ${W.contacts.anna.id}`);
        const { file, text, export: done } = await exportFile(W.admin, {
            entity: 'contacts', format: 'vcf', filter: `tags contains "${TAG}"`, sort: 'last_name',
        });
        assert.equal(file.headers.get('content-type'), 'text/vcard; charset=utf-8');
        assert.equal(done.rows, 5);
        assert.equal((text.match(/BEGIN:VCARD\r\n/g) ?? []).length, 5);
        assert.equal((text.match(/END:VCARD\r\n/g) ?? []).length, 5);
        const unfolded = text.replace(/\r\n[ \t]/g, '');
        const anna = unfolded.split('END:VCARD')[0];
        assert.match(anna, /VERSION:4\.0/);
        assert.match(anna, /FN:Anna Adams/);
        assert.match(anna, /\nN:Adams;Anna;/);
        assert.match(anna, /EMAIL[^:\r\n]*:anna@example\.com/);
        assert.match(anna, /EMAIL[^:\r\n]*:a\.adams@example\.com/);
        assert.match(anna, /TEL[^:\r\n]*:\+49 30 1234567/);
        assert.match(anna, /ADR[^:\r\n]*:;;1 Main St;Berlin;;10115;DE/);
        assert.match(anna, /BDAY[^:\r\n]*:1985-?04-?12/);
        assert.match(anna, /TITLE:Buyer/);
        assert.match(anna, new RegExp(`ORG[^:\\r\\n]*:Acme ${TAG}`));
        assert.match(anna, new RegExp(`CATEGORIES[^:\\r\\n]*:${TAG}`));
        assert.match(anna, new RegExp(`PHOTO[^:\\r\\n]*:data:image/png;base64,${png.toString('base64')}`));
    });

    test('iCalendar of meetings (not calls) and of tasks with a due time', async () => {
        const word = randomName('ics');
        const at = '2026-05-04T09:30:00Z';
        expectStatus(await W.admin('POST', '/api/v1/activities',
            { type: 'meeting', subject: `Meeting ${word}`, at, tags: [word] }), 201);
        expectStatus(await W.admin('POST', '/api/v1/activities',
            { type: 'call', subject: `Call ${word}`, at, tags: [word] }), 201);
        expectStatus(await W.admin('POST', '/api/v1/tasks',
            { title: `Task ${word}`, due_at: at, tags: [word] }), 201);
        expectStatus(await W.admin('POST', '/api/v1/tasks', { title: `Undated ${word}`, tags: [word] }), 201);

        const meetings = await exportFile(W.admin, { entity: 'activities', format: 'ics', filter: `tags contains "${word}"` });
        assert.equal(meetings.file.headers.get('content-type'), 'text/calendar; charset=utf-8');
        const m = meetings.text.replace(/\r\n[ \t]/g, '');
        assert.ok(m.startsWith('BEGIN:VCALENDAR\r\n'), m.slice(0, 100));
        assert.ok(m.endsWith('END:VCALENDAR\r\n'));
        assert.equal((m.match(/BEGIN:VCALENDAR/g) ?? []).length, 1);
        assert.equal((m.match(/BEGIN:VEVENT/g) ?? []).length, 1);
        assert.match(m, new RegExp(`SUMMARY:Meeting ${word}`));
        assert.doesNotMatch(m, /SUMMARY:Call/);
        assert.match(m, /DTSTART[^:\r\n]*:20260504T093000Z/);
        assert.equal(meetings.export.rows, 1);

        const tasks = await exportFile(W.admin, { entity: 'tasks', format: 'ics', filter: `tags contains "${word}"` });
        const t = tasks.text.replace(/\r\n[ \t]/g, '');
        assert.equal((t.match(/BEGIN:VEVENT/g) ?? []).length, 1);
        assert.match(t, new RegExp(`SUMMARY:Task: Task ${word}`));
        assert.equal(tasks.export.rows, 1);
    });
});

/* Runs make(i) for i in 0..n-1, a few at a time. */
async function inBatches(n, make, batch = 25) {
    for (let i = 0; i < n; i += batch) {
        await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, k) => make(i + k)));
    }
}

describe('lists longer than a page (1000 rows)', () => {
    before(setup);

    test('CSV holds every row once, in the order the list gives them', async () => {
        const tag = randomName('big');
        await inBatches(2100, async (i) => {
            const res = await W.admin('POST', '/api/v1/contacts',
                { first_name: `F${i}`, last_name: `L${i % 7}`, tags: [tag] });
            expectStatus(res, 201);
        });
        const filter = `tags contains "${tag}"`;
        const { export: done, text } = await exportFile(W.admin,
            { entity: 'contacts', format: 'csv', filter, sort: '-last_name', fields: ['id'] });
        assert.equal(done.rows, 2100);
        const ids = parseCsv(text.slice(1)).slice(1).map((r) => Number(r[0]));
        assert.equal(new Set(ids).size, 2100);
        const listed = await listAll(W.srv, `/api/v1/contacts${qs({ filter, sort: '-last_name', fields: 'id', limit: 500 })}`);
        assert.deepEqual(ids, listed.items.map((r) => r.id));
    });

    test('iCalendar writes each time zone once across pages', async () => {
        const tag = randomName('cal');
        await inBatches(1005, async (i) => {
            const res = await W.admin('POST', '/api/v1/activities', {
                type: 'meeting', subject: `M${i}`, tags: [tag], time_zone: 'Europe/Berlin',
                at: `2026-06-${String(1 + (i % 28)).padStart(2, '0')}T08:00:00Z`, rrule: 'FREQ=WEEKLY;COUNT=2',
            });
            expectStatus(res, 201);
        });
        const { export: done, text } = await exportFile(W.admin,
            { entity: 'activities', format: 'ics', filter: `tags contains "${tag}"` });
        assert.equal(done.rows, 1005);
        assert.equal((text.match(/BEGIN:VEVENT\r\n/g) ?? []).length, 1005);
        assert.equal((text.match(/BEGIN:VTIMEZONE\r\n/g) ?? []).length, 1);
        assert.equal((text.match(/BEGIN:VCALENDAR\r\n/g) ?? []).length, 1);
        assert.equal((text.match(/END:VCALENDAR\r\n/g) ?? []).length, 1);
    });
});

describe('state and audit', () => {
    before(setup);

    test('the request and the finished export are in the security log', async () => {
        const filter = `tags contains "${TAG}"`;
        const { export: done } = await exportFile(W.rep, { entity: 'contacts', format: 'csv', filter, fields: ['id', 'name'] });
        const log = await W.admin('GET', `/api/v1/audit/security${qs({ action: 'export', limit: 100 })}`);
        expectStatus(log, 200);
        const entry = log.json.data.find((e) => e.detail?.export_id === done.id);
        assert.ok(entry, `an export entry for ${done.id}: ${log.text.slice(0, 500)}`);
        assert.equal(entry.user_id, W.repUser.id);
        assert.equal(entry.detail.entity, 'contacts');
        assert.equal(entry.detail.format, 'csv');
        assert.equal(entry.detail.filter, filter);
        assert.deepEqual(entry.detail.fields, ['id', 'name']);
        const finished = await W.admin('GET', `/api/v1/audit/security${qs({ action: 'export_done', limit: 100 })}`);
        const doneEntry = finished.json.data.find((e) => e.detail?.export_id === done.id);
        assert.ok(doneEntry, 'an export_done entry');
        assert.equal(doneEntry.detail.rows, 2);
        assert.equal(doneEntry.user_id, W.repUser.id);
    });

    test('the file is 409 until the export is done; a user disabled meanwhile fails it', async () => {
        /* A server that runs no jobs: exports stay queued. Then one that runs them. */
        const database = await createDatabase();
        let srv = await startServer({ database, args: ['--job-threads', '0'] });
        try {
            const email = `late-${randomName()}@exports.example.com`;
            const password = `pw ${randomName()}`;
            const user = await srv.api('POST', '/api/v1/users', { email, name: 'Late', role: 'sales_rep', password });
            expectStatus(user, 201);
            const session = await srv.signIn(email, password);
            const theirs = await session.api('POST', '/api/v1/exports', { entity: 'contacts', format: 'csv' });
            expectStatus(theirs, 202, 'the rep asks for an export');
            const created = await srv.api('POST', '/api/v1/exports', { entity: 'contacts', format: 'csv' });
            expectStatus(created, 202);
            assert.equal(created.json.status, 'queued');
            assert.equal(created.json.file, null);
            expectProblem(await srv.api('GET', `/api/v1/exports/${created.json.id}/file`), 409);
            assert.equal((await srv.api('GET', `/api/v1/exports/${created.json.id}`)).json.status, 'queued');
            expectStatus(await srv.api('PATCH', `/api/v1/users/${user.json.id}`, { disabled: true }), 200);
            await srv.stop();

            srv = await startServer({ database, args: ['--job-tick-ms', '100'] });
            const done = await waitDone(srv.api, created.json.id);
            assert.equal(done.status, 'done');
            const failed = await waitDone(srv.api, theirs.json.id);
            assert.equal(failed.status, 'failed');
            assert.match(failed.error, /disabled/);
            assert.equal(failed.file, null);
            expectProblem(await srv.api('GET', `/api/v1/exports/${theirs.json.id}/file`), 409);
        } finally {
            await srv.stop();
            await database.drop();
        }
    });
});
