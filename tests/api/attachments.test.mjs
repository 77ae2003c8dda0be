/*
 * Attachments: files uploaded as the raw body to /{entity}/{id}/attachments?name=, listed,
 * downloaded and deleted. Every byte value survives the round trip (and a file past the JSON
 * body cap); names lose their path and control characters (the documented choice: sanitised,
 * not refused) and empty names are 422; types outside the allow-list are served as
 * application/octet-stream, always as a download with nosniff; bodies past the upload cap are
 * 413 (a 2 GB Content-Length at once, a chunked body at its end); a caller who cannot see the
 * parent record gets 404, one who cannot change it 403; uploads and deletions are audited on the
 * parent without the content; a deleted attachment is 404.
 * Runs on SQLite, or on PostgreSQL when CRM_TEST_PG_URL is set.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, randomName, useServer } from './server.mjs';

const S = useServer();

const MiB = 1024 * 1024;
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

let W = null;
let building = null;
const setup = () => (building ??= buildWorld().then((w) => { W = w; return w; }));

/* A user of role in team, with a read+write token: { id, api }. */
async function makeUser(srv, role, teamId) {
    const email = `${role}-${randomName()}@attachments.example.com`;
    const password = `pw ${randomName()}`;
    const res = await srv.api('POST', '/api/v1/users',
        { email, name: `Attachments ${role}`, role, team_id: teamId, password });
    expectStatus(res, 201, `create ${role}`);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of ${role}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'attachments', scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of ${role}`);
    const token = tok.json.token;
    return {
        id: res.json.id,
        token,
        api: (method, path, body, headers = {}) =>
            srv.api(method, path, body, { Authorization: `Bearer ${token}`, ...headers }),
    };
}

async function buildWorld() {
    const srv = await S.start();
    const team = await srv.api('POST', '/api/v1/teams', { name: randomName('Attachments team ') });
    expectStatus(team, 201, 'create team');
    const owner = await makeUser(srv, 'sales_rep', team.json.id);
    const otherRep = await makeUser(srv, 'sales_rep', team.json.id);
    const readOnly = await makeUser(srv, 'read_only', null);
    const contact = await owner.api('POST', '/api/v1/contacts', { first_name: 'Ada', last_name: randomName() });
    expectStatus(contact, 201, 'create contact');
    const company = await owner.api('POST', '/api/v1/companies', { name: randomName('Attachments Ltd ') });
    expectStatus(company, 201, 'create company');
    return { srv, owner, otherRep, readOnly, contact: contact.json, company: company.json };
}

before(setup);

/* POST the bytes as a file of the given type and name (null: no ?name=). */
function upload(who, collection, id, name, bytes, type = 'application/octet-stream', headers = {}) {
    const query = name === null ? '' : `?name=${typeof name === 'string' ? encodeURIComponent(name) : name.raw}`;
    return who.api('POST', `/api/v1/${collection}/${id}/attachments${query}`, bytes,
        { 'Content-Type': type, ...headers });
}

/* GET /attachments/{id}/content with the bytes as a Buffer. */
async function download(who, id, headers = {}) {
    const res = await fetch(`${W.srv.url}/api/v1/attachments/${id}/content`,
        { headers: { Authorization: `Bearer ${who.token}`, ...headers } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('upload and download', () => {
    test('every byte value survives the round trip, with its metadata', async () => {
        const { owner, contact } = W;
        const res = await upload(owner, 'contacts', contact.id, 'all bytes.bin', ALL_BYTES);
        expectStatus(res, 201, 'upload');
        const a = res.json;
        assert.ok(Number.isInteger(a.id) && a.id > 0);
        assert.equal(res.headers.get('location'), `/api/v1/attachments/${a.id}`);
        assert.equal(a.entity, 'contacts');
        assert.equal(a.record_id, contact.id);
        assert.equal(a.file_name, 'all bytes.bin');
        assert.equal(a.content_type, 'application/octet-stream');
        assert.equal(a.size, 256);
        assert.equal(a.sha256, sha256(ALL_BYTES));
        assert.equal(a.created_by, owner.id);
        assert.match(a.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        assert.equal('data' in a, false, 'the metadata has no content');

        const got = await download(owner, a.id);
        assert.equal(got.status, 200);
        assert.deepEqual(got.bytes, ALL_BYTES, 'the same 256 bytes come back');
        assert.equal(got.headers.get('content-type'), 'application/octet-stream');
        assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
        assert.match(got.headers.get('cache-control'), /\bprivate\b/);
        assert.equal(got.headers.get('content-disposition'),
            'attachment; filename="all bytes.bin"; filename*=UTF-8\'\'all%20bytes.bin');

        const meta = await owner.api('GET', `/api/v1/attachments/${a.id}`);
        expectStatus(meta, 200, 'metadata');
        assert.deepEqual(meta.json, a);
    });

    test('a file larger than the JSON body cap is taken whole', async () => {
        const { owner, company } = W;
        const bytes = randomBytes(3 * MiB);
        const res = await upload(owner, 'companies', company.id, 'big.zip', bytes, 'application/zip');
        expectStatus(res, 201, 'upload of 3 MiB');
        assert.equal(res.json.size, bytes.length);
        assert.equal(res.json.sha256, sha256(bytes));
        assert.equal(res.json.content_type, 'application/zip');
        const got = await download(owner, res.json.id);
        assert.equal(got.status, 200);
        assert.equal(got.headers.get('content-type'), 'application/zip');
        assert.ok(got.bytes.equals(bytes), 'the same 3 MiB come back');
    });

    test('an empty file is an attachment too', async () => {
        const res = await upload(W.owner, 'contacts', W.contact.id, 'empty.txt', Buffer.alloc(0), 'text/plain');
        expectStatus(res, 201, 'upload of nothing');
        assert.equal(res.json.size, 0);
        assert.equal(res.json.sha256, sha256(Buffer.alloc(0)));
        const got = await download(W.owner, res.json.id);
        assert.equal(got.status, 200);
        assert.equal(got.bytes.length, 0);
    });

    test('allowed types are served as themselves, parameters dropped', async () => {
        const png = await upload(W.owner, 'contacts', W.contact.id, 'pixel.png', ALL_BYTES, 'IMAGE/PNG');
        expectStatus(png, 201);
        assert.equal(png.json.content_type, 'image/png');
        const text = await upload(W.owner, 'contacts', W.contact.id, 'notes.txt', 'hello\n',
            'text/plain; charset=utf-8');
        expectStatus(text, 201);
        assert.equal(text.json.content_type, 'text/plain');
        const got = await download(W.owner, png.json.id);
        assert.equal(got.headers.get('content-type'), 'image/png');
        assert.match(got.headers.get('content-disposition'), /^attachment;/);
    });

    test('HTML, SVG and script are served as application/octet-stream with nosniff', async () => {
        const cases = [
            ['page.html', 'text/html', '<script>alert(1)</script>'],
            ['image.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
            ['app.js', 'application/javascript', 'alert(1)'],
            ['page.xhtml', 'application/xhtml+xml', '<html xmlns="http://www.w3.org/1999/xhtml"/>'],
            ['data.json', 'application/json', '{"a":1}'],
        ];
        for (const [name, type, body] of cases) {
            const res = await upload(W.owner, 'contacts', W.contact.id, name, body, type);
            expectStatus(res, 201, `upload ${name}`);
            assert.equal(res.json.content_type, 'application/octet-stream', `${name} kept as octet-stream`);
            const got = await download(W.owner, res.json.id);
            assert.equal(got.status, 200);
            assert.equal(got.headers.get('content-type'), 'application/octet-stream', `${name} served`);
            assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
            assert.match(got.headers.get('content-disposition'), /^attachment;/);
            assert.match(got.headers.get('content-security-policy') ?? '', /sandbox/);
            assert.equal(got.bytes.toString('utf8'), body);
        }
    });

    test('an unchanged file is 304 for its ETag', async () => {
        const res = await upload(W.owner, 'contacts', W.contact.id, 'etag.bin', ALL_BYTES);
        expectStatus(res, 201);
        const first = await download(W.owner, res.json.id);
        const etag = first.headers.get('etag');
        assert.equal(etag, `"${sha256(ALL_BYTES)}"`);
        const again = await download(W.owner, res.json.id, { 'If-None-Match': etag });
        assert.equal(again.status, 304);
        assert.equal(again.bytes.length, 0);
    });

    test('the list shows the record\'s live attachments without content', async () => {
        const company = await W.owner.api('POST', '/api/v1/companies', { name: randomName('List Ltd ') });
        expectStatus(company, 201);
        const a = await upload(W.owner, 'companies', company.json.id, 'a.txt', 'a', 'text/plain');
        const b = await upload(W.owner, 'companies', company.json.id, 'b.csv', 'b,c\n', 'text/csv');
        expectStatus(a, 201);
        expectStatus(b, 201);
        const list = await W.owner.api('GET', `/api/v1/companies/${company.json.id}/attachments`);
        expectStatus(list, 200, 'list');
        assert.deepEqual(list.json.data.map((x) => x.id), [a.json.id, b.json.id]);
        assert.deepEqual(list.json.data[1], b.json);
        for (const item of list.json.data) assert.equal('data' in item, false);
    });

    test('tasks take attachments too', async () => {
        const task = await W.owner.api('POST', '/api/v1/tasks', { title: randomName('Call back ') });
        expectStatus(task, 201, 'create task');
        const res = await upload(W.owner, 'tasks', task.json.id, 'brief.pdf', ALL_BYTES, 'application/pdf');
        expectStatus(res, 201, 'upload to a task');
        assert.equal(res.json.entity, 'tasks');
        assert.equal(res.json.content_type, 'application/pdf');
    });
});

describe('file names', () => {
    test('paths and control characters are taken out of the name (sanitised, not refused)', async () => {
        const cases = [
            ['../../etc/pa\u0001ss\nwd.txt', 'pa_ss_wd.txt'],
            ['..\\..\\windows\\win.ini', 'win.ini'],
            ['/tmp/x/../report.pdf', 'report.pdf'],
            ['invoice\u202Efdp.exe', 'invoice_fdp.exe'],
            ['  spaced.txt . ', 'spaced.txt'],
            ['a\r\nSet-Cookie: x=1.txt', 'a__Set-Cookie: x=1.txt'],
        ];
        for (const [given, kept] of cases) {
            const res = await upload(W.owner, 'contacts', W.contact.id, given, 'x');
            expectStatus(res, 201, `upload as ${JSON.stringify(given)}`);
            assert.equal(res.json.file_name, kept);
            const got = await download(W.owner, res.json.id);
            assert.equal(got.headers.get('set-cookie'), null);
            assert.ok(got.headers.get('content-disposition').includes(`filename="${kept}"`));
        }
    });

    test('a UTF-8 name gets an ASCII fallback and an RFC 5987 form', async () => {
        const res = await upload(W.owner, 'contacts', W.contact.id, 'Angebot Müller "final".pdf', 'x',
            'application/pdf');
        expectStatus(res, 201);
        assert.equal(res.json.file_name, 'Angebot Müller "final".pdf');
        const got = await download(W.owner, res.json.id);
        assert.equal(got.headers.get('content-disposition'),
            'attachment; filename="Angebot M_ller _final_.pdf"; ' +
            'filename*=UTF-8\'\'Angebot%20M%C3%BCller%20%22final%22.pdf');
    });

    test('a long name is cut to 255 bytes keeping its extension', async () => {
        const res = await upload(W.owner, 'contacts', W.contact.id, `${'é'.repeat(200)}.docx`, 'x');
        expectStatus(res, 201);
        const kept = res.json.file_name;
        assert.ok(Buffer.byteLength(kept) <= 255, `${Buffer.byteLength(kept)} bytes`);
        assert.ok(kept.endsWith('.docx'));
        assert.ok(!kept.includes('\uFFFD'), 'no character was split');
    });

    test('an empty, missing, dots-only or non-UTF-8 name is 422 on name', async () => {
        for (const name of ['', '   ', '..', 'dir/', null, { raw: '%FF.txt' }]) {
            const res = await upload(W.owner, 'contacts', W.contact.id, name, 'x');
            expectFieldError(res, 'name', `name ${JSON.stringify(name)}`);
        }
    });
});

describe('size limits', () => {
    test('a 2 GB Content-Length is 413 at once, without the body being read', async () => {
        const started = Date.now();
        const res = await W.srv.raw('POST',
            `/api/v1/contacts/${W.contact.id}/attachments?name=huge.bin`, 'tiny',
            { 'Content-Type': 'application/octet-stream', 'Content-Length': '2147483648' });
        assert.equal(res.status, 413);
        assert.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`);
        assert.match(res.headers['content-type'], /problem\+json/);
    });

    test('a body just over the 10 MiB upload cap is 413', async () => {
        const res = await upload(W.owner, 'contacts', W.contact.id, 'over.bin', Buffer.alloc(10 * MiB + 1));
        expectProblem(res, 413, 'over the cap');
    });

    test('a chunked body that grows past the cap is 413', async () => {
        const res = await W.srv.raw('POST',
            `/api/v1/contacts/${W.contact.id}/attachments?name=chunked.bin`, Buffer.alloc(11 * MiB),
            { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' });
        assert.equal(res.status, 413);
    });

    test('a body of exactly the cap is taken', async () => {
        const bytes = randomBytes(10 * MiB);
        const res = await upload(W.owner, 'contacts', W.contact.id, 'cap.bin', bytes);
        expectStatus(res, 201, 'upload of exactly 10 MiB');
        assert.equal(res.json.sha256, sha256(bytes));
    });

    test('JSON routes keep their own 1 MiB cap', async () => {
        const res = await W.owner.api('POST', '/api/v1/contacts',
            { first_name: 'Big', notes: 'x'.repeat(2 * MiB) });
        expectProblem(res, 413, 'a 2 MiB JSON body');
    });
});

describe('access', () => {
    test('a rep who cannot see the contact gets 404 for its attachments', async () => {
        const { owner, otherRep, contact } = W;
        const a = await upload(owner, 'contacts', contact.id, 'secret.txt', 'secret', 'text/plain');
        expectStatus(a, 201);
        expectProblem(await otherRep.api('GET', `/api/v1/contacts/${contact.id}/attachments`), 404, 'list');
        expectProblem(await otherRep.api('GET', `/api/v1/attachments/${a.json.id}`), 404, 'metadata');
        const got = await download(otherRep, a.json.id);
        assert.equal(got.status, 404, 'content');
        assert.ok(!got.bytes.toString().includes('secret'));
        expectProblem(await upload(otherRep, 'contacts', contact.id, 'x.txt', 'x'), 404, 'upload');
        expectProblem(await otherRep.api('DELETE', `/api/v1/attachments/${a.json.id}`), 404, 'delete');
        /* The same answer as for an attachment that does not exist. */
        const none = await otherRep.api('GET', '/api/v1/attachments/999999999');
        expectProblem(none, 404);
        expectStatus(await owner.api('GET', `/api/v1/attachments/${a.json.id}`), 200, 'still there');
    });

    test('who may see but not change the record may read but not add or delete (403)', async () => {
        const { owner, otherRep, readOnly, company, contact } = W;
        const a = await upload(owner, 'companies', company.id, 'shared.txt', 'shared', 'text/plain');
        expectStatus(a, 201);
        /* A rep of the same team sees the owner's companies but may not change them. */
        expectStatus(await otherRep.api('GET', `/api/v1/companies/${company.id}/attachments`), 200);
        expectStatus(await otherRep.api('GET', `/api/v1/attachments/${a.json.id}`), 200);
        assert.equal((await download(otherRep, a.json.id)).status, 200);
        expectProblem(await upload(otherRep, 'companies', company.id, 'x.txt', 'x'), 403, 'upload');
        expectProblem(await otherRep.api('DELETE', `/api/v1/attachments/${a.json.id}`), 403, 'delete');
        /* read_only sees every contact and changes none. */
        expectStatus(await readOnly.api('GET', `/api/v1/contacts/${contact.id}/attachments`), 200);
        expectProblem(await upload(readOnly, 'contacts', contact.id, 'x.txt', 'x'), 403, 'read_only upload');
        expectStatus(await owner.api('GET', `/api/v1/attachments/${a.json.id}`), 200, 'still there');
    });

    test('a record that does not exist is 404; without credentials 401', async () => {
        expectProblem(await upload(W.owner, 'contacts', 999999999, 'x.txt', 'x'), 404);
        expectProblem(await W.owner.api('GET', '/api/v1/contacts/999999999/attachments'), 404);
        expectProblem(await W.srv.anon('GET', `/api/v1/contacts/${W.contact.id}/attachments`), 401);
    });
});

describe('audit and deletion', () => {
    test('uploads and deletions are audited on the parent, without the content', async () => {
        const { owner, contact } = W;
        const secret = `content-${randomName()}`;
        const a = await upload(owner, 'contacts', contact.id, 'audited.txt', secret, 'text/plain');
        expectStatus(a, 201);
        expectStatus(await owner.api('DELETE', `/api/v1/attachments/${a.json.id}`), 204, 'delete');

        const audit = await W.srv.api('GET', `/api/v1/audit?entity=contacts&id=${contact.id}&limit=100`);
        expectStatus(audit, 200, 'audit');
        const mine = audit.json.data.filter((e) => e.detail?.attachment_id === a.json.id);
        assert.deepEqual(mine.map((e) => e.action).sort(), ['attachment_added', 'attachment_deleted']);
        for (const e of mine) {
            assert.equal(e.entity, 'contacts');
            assert.equal(e.record_id, contact.id);
            assert.equal(e.user_id, owner.id);
            assert.equal(e.detail.file_name, 'audited.txt');
            assert.equal(e.detail.size, secret.length);
            assert.equal(e.detail.sha256, sha256(secret));
        }
        assert.ok(!audit.text.includes(secret), 'the content is never audited');
    });

    test('a deleted attachment is 404 everywhere and gone from the list', async () => {
        const { owner, contact } = W;
        const a = await upload(owner, 'contacts', contact.id, 'gone.txt', 'bye', 'text/plain');
        expectStatus(a, 201);
        expectStatus(await owner.api('DELETE', `/api/v1/attachments/${a.json.id}`), 204, 'delete');
        expectProblem(await owner.api('GET', `/api/v1/attachments/${a.json.id}`), 404, 'metadata');
        assert.equal((await download(owner, a.json.id)).status, 404, 'content');
        expectProblem(await owner.api('DELETE', `/api/v1/attachments/${a.json.id}`), 404, 'delete again');
        const list = await owner.api('GET', `/api/v1/contacts/${contact.id}/attachments`);
        expectStatus(list, 200);
        assert.ok(!list.json.data.some((x) => x.id === a.json.id));
    });

    test('attachments of a record in the trash are hidden until it is restored', async () => {
        const { owner } = W;
        const c = await owner.api('POST', '/api/v1/contacts', { first_name: 'Trash', last_name: randomName() });
        expectStatus(c, 201);
        const a = await upload(owner, 'contacts', c.json.id, 'kept.txt', 'kept', 'text/plain');
        expectStatus(a, 201);
        expectStatus(await owner.api('DELETE', `/api/v1/contacts/${c.json.id}`), 204, 'trash');
        expectProblem(await owner.api('GET', `/api/v1/attachments/${a.json.id}`), 404, 'while trashed');
        expectStatus(await owner.api('POST', `/api/v1/contacts/${c.json.id}/restore`), 200, 'restore');
        expectStatus(await owner.api('GET', `/api/v1/attachments/${a.json.id}`), 200, 'after restore');
    });
});
