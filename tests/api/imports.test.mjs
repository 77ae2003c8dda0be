/*
 * Imports: a CSV, XLSX or vCard file uploaded as multipart, read whole at upload (columns,
 * preview, row count, a suggested mapping; a file that cannot be read to its end is 422 naming
 * the line and nothing is kept), settings checked per field, a dry run that counts and reports
 * without writing, the run as batches of jobs with its progress, per-row errors by row, line and
 * column (JSON and a CSV report), update or create by a key, likely duplicates skipped, merged or
 * flagged, undo (created records to the trash, updated ones restored, unless changed since),
 * Windows-1251 text, every vCard sample with its names, e-mails, phones, addresses, birthday and
 * photo, the creator's rights (another user's import is 404), and a server killed mid-import
 * resuming without writing a row twice.
 * Runs on SQLite, or on PostgreSQL when CRM_TEST_PG_URL is set.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';

import {
    REPO_ROOT, createDatabase, expectFieldError, expectProblem, expectStatus, randomName,
    startServer, useServer,
} from './server.mjs';

const S = useServer();
const DATASETS = path.resolve(process.env.CRM_DATASETS_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'datasets'));
const VCARDS = path.join(DATASETS, 'contact-calendar-samples', 'vcard');
const SKIP_DATASETS = !existsSync(VCARDS) && process.env.CRM_TEST_NO_DATASETS === '1';

/* A multipart/form-data body of fields { name: string | { filename, data, type } }. */
export function multipart(fields) {
    const boundary = `----crm${randomName()}`;
    const parts = [];
    for (const [name, value] of Object.entries(fields)) {
        if (typeof value === 'string') {
            parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
        } else {
            parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; ` +
                `filename="${value.filename}"\r\nContent-Type: ${value.type ?? 'application/octet-stream'}\r\n\r\n`));
            parts.push(Buffer.from(value.data));
            parts.push(Buffer.from('\r\n'));
        }
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/* Uploads a file for an import as api's caller. */
export async function upload(api, entity, filename, data, settings) {
    const fields = { entity, file: { filename, data } };
    if (settings) fields.settings = JSON.stringify(settings);
    const form = multipart(fields);
    return api('POST', '/api/v1/imports', form.body, { 'Content-Type': form.type });
}

/* Polls the import until its status is one of wanted (or fails the test after timeoutMs). */
export async function waitFor(api, id, wanted, timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
        const res = await api('GET', `/api/v1/imports/${id}`);
        expectStatus(res, 200, 'get import');
        if (wanted.includes(res.json.status)) return res.json;
        if (Date.now() > until) assert.fail(`import ${id} still ${res.json.status}: ${JSON.stringify(res.json.progress)}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

async function runImport(api, id, dryRun = false) {
    const run = await api('POST', `/api/v1/imports/${id}/run`, { dry_run: dryRun });
    expectStatus(run, 202, 'run');
    return waitFor(api, id, dryRun ? ['checked', 'failed'] : ['done', 'failed']);
}

async function contactsWithTag(srv, tag) {
    const res = await srv.api('GET', `/api/v1/contacts?filter=${encodeURIComponent(`tags contains "${tag}"`)}&limit=200`);
    expectStatus(res, 200, 'list contacts');
    return res.json.data;
}

describe('imports of CSV', () => {
    test('an upload answers columns, a preview, the row count and a mapping from the headers', async () => {
        const srv = await S.start();
        const csv = 'First Name,Last Name,E-mail Address,Mobile Phone,Company,Notes\r\n' +
            'Ada,Lovelace,ada@example.com,+44 20 7946 0000,Analytical,first\r\n' +
            'Charles,Babbage,charles@example.com,,Analytical,second\r\n';
        const res = await upload(srv.api, 'contacts', 'people.csv', csv);
        expectStatus(res, 201, 'upload');
        const imp = res.json;
        assert.equal(imp.status, 'draft');
        assert.equal(imp.format, 'csv');
        assert.deepEqual(imp.columns, ['First Name', 'Last Name', 'E-mail Address', 'Mobile Phone', 'Company', 'Notes']);
        assert.equal(imp.progress.total, 2);
        assert.deepEqual(imp.preview[0], ['Ada', 'Lovelace', 'ada@example.com', '+44 20 7946 0000', 'Analytical', 'first']);
        assert.equal(imp.mapping_source, 'headers');
        assert.deepEqual(imp.suggested_mapping, {
            'First Name': 'first_name', 'Last Name': 'last_name', 'E-mail Address': 'emails',
            'Mobile Phone': 'phones', Company: 'company',
        });
        assert.deepEqual(imp.settings.mapping, imp.suggested_mapping);
        const fields = await srv.api('GET', '/api/v1/import-fields?entity=contacts');
        expectStatus(fields, 200, 'fields');
        const names = fields.json.data.map((f) => f.name);
        for (const n of ['first_name', 'last_name', 'emails', 'phones', 'company', 'address.locality', 'external_id'])
            assert.ok(names.includes(n), `${n} is a target`);
        assert.ok(!names.includes('owner_id') && !names.includes('id'));
    });

    test('settings are checked field by field against the columns', async () => {
        const srv = await S.start();
        const res = await upload(srv.api, 'contacts', 'p.csv', 'Name,Mail\nA,a@example.com\n');
        expectStatus(res, 201);
        const id = res.json.id;
        let bad = await srv.api('PATCH', `/api/v1/imports/${id}`, { settings: { mapping: { Nope: 'last_name' } } });
        expectFieldError(bad, 'settings.mapping.Nope');
        bad = await srv.api('PATCH', `/api/v1/imports/${id}`, { settings: { mapping: { Name: 'password_hash' } } });
        expectFieldError(bad, 'settings.mapping.Name');
        bad = await srv.api('PATCH', `/api/v1/imports/${id}`, { settings: { mode: 'upsert', key: null, mapping: { Name: 'last_name' } } });
        expectFieldError(bad, 'settings.key');
        bad = await srv.api('PATCH', `/api/v1/imports/${id}`, { settings: { duplicates: 'maybe' } });
        expectFieldError(bad, 'settings.duplicates');
        const ok = await srv.api('PATCH', `/api/v1/imports/${id}`,
            { settings: { mapping: { Name: 'last_name', Mail: 'emails' }, mode: 'upsert', key: 'email' } });
        expectStatus(ok, 200, 'patch');
        assert.equal(ok.json.settings.key, 'email');
    });

    test('a file that cannot be read to its end is refused naming the line, and nothing is kept', async () => {
        const srv = await S.start();
        const before = await srv.api('GET', '/api/v1/imports');
        const res = await upload(srv.api, 'contacts', 'broken.csv', 'a,b\n1,2\n3,"never closed\n4,5\n');
        expectProblem(res, 422, 'unterminated quote');
        assert.match(res.json.detail, /line 3/);
        const empty = await upload(srv.api, 'contacts', 'empty.csv', '');
        expectProblem(empty, 422, 'empty file');
        const long = await upload(srv.api, 'contacts', 'long.csv', `a\n${'x'.repeat(2 * 1024 * 1024)}\n`);
        expectProblem(long, 422, 'over-long row');
        const xls = await upload(srv.api, 'contacts', 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
        expectFieldError(xls, 'file');
        const after = await srv.api('GET', '/api/v1/imports');
        assert.equal(after.json.data.length, before.json.data.length);
    });

    test('a dry run counts and reports without writing; the run writes, reports and can be undone', async () => {
        const srv = await S.start();
        const tag = randomName('dry');
        const csv = 'first,last,email,tags\n' +
            `Grace,Hopper,grace@example.com,${tag}\n` +
            `Alan,Turing,not-an-email,${tag}\n` +
            `Edsger,Dijkstra,edsger@example.com,${tag}\n`;
        const up = await upload(srv.api, 'contacts', 'dry.csv', csv,
            { mapping: { first: 'first_name', last: 'last_name', email: 'emails', tags: 'tags' } });
        expectStatus(up, 201, 'upload');
        const id = up.json.id;
        const checked = await runImport(srv.api, id, true);
        assert.equal(checked.status, 'checked');
        assert.equal(checked.progress.created, 2);
        assert.equal(checked.progress.errors, 1);
        assert.equal((await contactsWithTag(srv, tag)).length, 0, 'a dry run writes nothing');
        const dryErrors = await srv.api('GET', `/api/v1/imports/${id}/errors`);
        expectStatus(dryErrors, 200);
        assert.equal(dryErrors.json.data.length, 1);
        assert.deepEqual({ row: dryErrors.json.data[0].row, line: dryErrors.json.data[0].line, column: dryErrors.json.data[0].column },
            { row: 2, line: 3, column: 'email' });

        const done = await runImport(srv.api, id);
        assert.equal(done.status, 'done');
        assert.equal(done.progress.done, 3);
        assert.equal(done.progress.created, 2);
        assert.equal(done.progress.errors, 1);
        const made = await contactsWithTag(srv, tag);
        assert.deepEqual(made.map((c) => c.last_name).sort(), ['Dijkstra', 'Hopper']);
        const report = await srv.api('GET', `/api/v1/imports/${id}/errors?format=csv`);
        expectStatus(report, 200, 'report');
        assert.match(report.headers.get('content-type'), /text\/csv/);
        assert.match(report.text, /^row,line,column,message\r\n2,3,email,/);

        /* An undo keeps what was changed since. */
        const hopper = made.find((c) => c.last_name === 'Hopper');
        const edit = await srv.api('PATCH', `/api/v1/contacts/${hopper.id}`, { position: 'Rear admiral' },
            { 'If-Match': `"${hopper.version}"` });
        expectStatus(edit, 200, 'edit after import');
        const undo = await srv.api('POST', `/api/v1/imports/${id}/undo`);
        expectStatus(undo, 202, 'undo');
        const undone = await waitFor(srv.api, id, ['undone']);
        assert.equal(undone.progress.undone, 1);
        assert.equal(undone.progress.kept, 1);
        const left = await contactsWithTag(srv, tag);
        assert.deepEqual(left.map((c) => c.last_name), ['Hopper']);
        const again = await srv.api('POST', `/api/v1/imports/${id}/undo`);
        expectProblem(again, 409, 'undo twice');
    });

    test('update by e-mail restores the old values on undo; create-only skips existing records', async () => {
        const srv = await S.start();
        const tag = randomName('upsert');
        const existing = await srv.api('POST', '/api/v1/contacts',
            { first_name: 'Old', last_name: 'Name', emails: ['Upsert.Person@Example.com'], position: 'Clerk', tags: [tag] });
        expectStatus(existing, 201);
        const csv = `email;last;position;tags\nupsert.person@example.com;Name;Director;${tag}\nnew.person@example.com;Newcomer;Intern;${tag}\n`;
        const settings = { mapping: { email: 'emails', last: 'last_name', position: 'position', tags: 'tags' }, mode: 'upsert', key: 'email' };
        const up = await upload(srv.api, 'contacts', 'upsert.csv', csv, settings);
        expectStatus(up, 201);
        const done = await runImport(srv.api, up.json.id);
        assert.equal(done.progress.updated, 1);
        assert.equal(done.progress.created, 1);
        let person = await srv.api('GET', `/api/v1/contacts/${existing.json.id}`);
        assert.equal(person.json.position, 'Director');
        assert.deepEqual(person.json.emails, ['Upsert.Person@Example.com'], 'the e-mail matched without case; lists keep old items');
        expectStatus(await srv.api('POST', `/api/v1/imports/${up.json.id}/undo`), 202);
        await waitFor(srv.api, up.json.id, ['undone']);
        person = await srv.api('GET', `/api/v1/contacts/${existing.json.id}`);
        assert.equal(person.json.position, 'Clerk');
        assert.deepEqual((await contactsWithTag(srv, tag)).map((c) => c.id), [existing.json.id]);

        const createOnly = await upload(srv.api, 'contacts', 'again.csv', csv, { ...settings, mode: 'create' });
        const skipped = await runImport(srv.api, createOnly.json.id);
        assert.equal(skipped.progress.skipped, 1);
        assert.equal(skipped.progress.created, 1);
    });

    test('likely duplicates are skipped, merged or created and flagged', async () => {
        const srv = await S.start();
        const tag = randomName('dup');
        const ivanov = await srv.api('POST', '/api/v1/contacts',
            { first_name: 'Иван', last_name: 'Иванов', phones: ['+7 916 123-45-67'], tags: [tag] });
        expectStatus(ivanov, 201);
        const csv = `first,last,phone,tags\nIvan,Ivanov,8 (916) 123-45-67,${tag}\n`;
        const mapping = { first: 'first_name', last: 'last_name', phone: 'phones', tags: 'tags' };
        const skip = await upload(srv.api, 'contacts', 'd.csv', csv, { mapping, duplicates: 'skip', default_country: 'RU' });
        const skipped = await runImport(srv.api, skip.json.id);
        assert.equal(skipped.progress.duplicates, 1);
        assert.equal(skipped.progress.created, 0);
        const flag = await upload(srv.api, 'contacts', 'd.csv', csv, { mapping, duplicates: 'flag' });
        const flagged = await runImport(srv.api, flag.json.id);
        assert.equal(flagged.progress.duplicates, 1);
        assert.equal(flagged.progress.created, 1);
        const merge = await upload(srv.api, 'contacts', 'd.csv', csv.replace('Ivanov,', 'Ivanov,'),
            { mapping: { ...mapping, first: null }, duplicates: 'merge' });
        const merged = await runImport(srv.api, merge.json.id);
        assert.equal(merged.progress.merged + merged.progress.created, 1);
    });

    test('Windows-1251 text with semicolons reads as the Cyrillic it is', async () => {
        const srv = await S.start();
        const tag = randomName('cp');
        /* "Фамилия;Имя;Теги\nПетров;Пётр;tag" in Windows-1251. */
        const cp1251 = (s) => Buffer.from([...s].map((ch) => {
            const c = ch.codePointAt(0);
            if (c < 0x80) return c;
            if (c >= 0x410 && c <= 0x44f) return c - 0x410 + 0xc0;
            if (c === 0x401) return 0xa8;
            if (c === 0x451) return 0xb8;
            throw new Error(`no cp1251 for ${ch}`);
        }));
        const data = cp1251(`Фамилия;Имя;Теги\r\nПетров;Пётр;${tag}\r\n`);
        const up = await upload(srv.api, 'contacts', 'ru.csv', data);
        expectStatus(up, 201);
        assert.deepEqual(up.json.columns, ['Фамилия', 'Имя', 'Теги']);
        assert.equal(up.json.settings.encoding, 'windows-1251');
        assert.equal(up.json.settings.separator, ';');
        assert.deepEqual(up.json.suggested_mapping, { Фамилия: 'last_name', Имя: 'first_name', Теги: 'tags' });
        await runImport(srv.api, up.json.id);
        const made = await contactsWithTag(srv, tag);
        assert.equal(made[0].name, 'Пётр Петров');
    });

    test('an import is its creator\'s: another user gets 404; a role without the import right 403', async () => {
        const srv = await S.start();
        const up = await upload(srv.api, 'companies', 'c.csv', 'name\nAcme\n');
        expectStatus(up, 201);
        const email = `reader-${randomName()}@imports.example.com`;
        const password = `pw ${randomName()}`;
        expectStatus(await srv.api('POST', '/api/v1/users', { email, name: 'Reader', role: 'read_only', password }), 201);
        const reader = await srv.signIn(email, password);
        expectProblem(await reader.api('GET', `/api/v1/imports/${up.json.id}`), 404, 'not theirs');
        const theirs = await upload(reader.api, 'companies', 'c.csv', 'name\nAcme\n');
        expectProblem(theirs, 403, 'read-only may not import');
    });
});

/* A minimal XLSX file of rows (strings, inline), made with python3's zipfile. */
function xlsxOf(rows) {
    const script = `
import io, json, sys, zipfile
from xml.sax.saxutils import escape
rows = json.loads(sys.argv[1])
def col(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
sheet = ''.join('<row r="%d">%s</row>' % (r + 1, ''.join(
    '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (col(c), r + 1, escape(v)) for c, v in enumerate(row)))
    for r, row in enumerate(rows))
out = io.BytesIO()
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    z.writestr('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr('xl/worksheets/sheet1.xml', '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + sheet + '</sheetData></worksheet>')
sys.stdout.buffer.write(out.getvalue())
`;
    return execFileSync('python3', ['-c', script, JSON.stringify(rows)]);
}

describe('imports of XLSX', () => {
    test('the first sheet imports as its rows', async () => {
        const srv = await S.start();
        const tag = randomName('xlsx');
        const data = xlsxOf([['Company', 'Industry', 'Tags'], ['ООО «Ромашка»', 'Retail', tag], ['Acme, Inc.', 'Tools', tag]]);
        const up = await upload(srv.api, 'companies', 'companies.xlsx', data);
        expectStatus(up, 201, 'upload');
        assert.equal(up.json.format, 'xlsx');
        assert.deepEqual(up.json.columns, ['Company', 'Industry', 'Tags']);
        assert.deepEqual(up.json.suggested_mapping, { Company: 'name', Industry: 'industry', Tags: 'tags' });
        const done = await runImport(srv.api, up.json.id);
        assert.equal(done.progress.created, 2);
        const list = await srv.api('GET', `/api/v1/companies?filter=${encodeURIComponent(`tags contains "${tag}"`)}&sort=name`);
        assert.deepEqual(list.json.data.map((c) => c.name), ['Acme, Inc.', 'ООО «Ромашка»']);
        const bomb = await upload(srv.api, 'companies', 'broken.xlsx', data.subarray(0, data.length - 30));
        expectProblem(bomb, 422, 'a truncated XLSX');
    });
});

describe('imports of vCards', { skip: SKIP_DATASETS && 'CRM_TEST_NO_DATASETS=1' }, () => {
    const files = existsSync(VCARDS) ? readdirSync(VCARDS).filter((f) => f.endsWith('.vcf')).sort() : [];
    test('the vCard samples are present', () => assert.ok(files.length > 0, `no samples at ${VCARDS}`));
    for (const file of files) {
        test(`${file} imports with its names, e-mails, phones, addresses, birthday and photo`, async () => {
            const srv = await S.start();
            const text = readFileSync(path.join(VCARDS, file));
            const up = await upload(srv.api, 'contacts', file, text);
            expectStatus(up, 201, 'upload');
            assert.equal(up.json.format, 'vcf');
            const done = await runImport(srv.api, up.json.id);
            assert.equal(done.status, 'done');
            assert.equal(done.progress.errors, 0, JSON.stringify((await srv.api('GET', `/api/v1/imports/${up.json.id}/errors`)).json));
            assert.equal(done.progress.created + done.progress.duplicates - (done.progress.created ? 0 : 0) >= 1, true);
            /* Every e-mail of the file is on some imported contact. */
            const list = await srv.api('GET', '/api/v1/contacts?limit=200&sort=id');
            const emails = new Set(list.json.data.flatMap((c) => c.emails.map((e) => e.toLowerCase())));
            const unfolded = text.toString('latin1').replace(/\r?\n[ \t]/g, '');
            for (const m of unfolded.matchAll(/^(?:item\d+\.)?EMAIL[^:\n]*:([^\r\n]+)/gim)) {
                const email = m[1].trim().toLowerCase();
                if (/^[^@\s]+@[^@\s]+\.[a-z]+$/.test(email)) assert.ok(emails.has(email), `${email} imported`);
            }
            /* A sample whose photo is broken (John_Doe_ANDROID's is cut short) says so in the report. */
            const report = (await srv.api('GET', `/api/v1/imports/${up.json.id}/errors`)).json.data;
            const brokenPhoto = report.some((e) => /photo/.test(e.message));
            const withPhoto = /^PHOTO[^:\n]*(ENCODING=(b|BASE64)|:data:)/im.test(unfolded);
            if (withPhoto && !brokenPhoto) {
                const photo = list.json.data.find((c) => c.photo_id);
                assert.ok(photo, 'a contact has the photo');
                const meta = await srv.api('GET', `/api/v1/attachments/${photo.photo_id}`);
                expectStatus(meta, 200, 'photo attachment');
                assert.ok(meta.json.size > 0);
            }
            if (/^BDAY/im.test(unfolded)) assert.ok(list.json.data.some((c) => c.birthday), 'a birthday');
            if (/^(item\d+\.)?ADR/im.test(unfolded)) assert.ok(list.json.data.some((c) => c.addresses.length > 0), 'an address');
        });
    }
});

describe('an import killed mid-way', () => {
    test('resumes after a restart without writing a row twice', { timeout: 240_000 }, async () => {
        const database = await createDatabase();
        const tag = randomName('resume');
        const rows = 6000;
        let csv = 'Last name,email,tags\n';
        for (let i = 0; i < rows; i++) csv += `Person${i},p${i}.${tag}@example.com,${tag}\n`;
        let srv = await startServer({ database, args: ['--job-lease-ms', '2000'] });
        const up = await upload(srv.api, 'contacts', 'big.csv', csv);
        expectStatus(up, 201);
        expectStatus(await srv.api('POST', `/api/v1/imports/${up.json.id}/run`, {}), 202);
        /* Kill it once some batches are in. */
        for (;;) {
            const imp = await srv.api('GET', `/api/v1/imports/${up.json.id}`);
            if (imp.json.progress.done > 0) break;
            await new Promise((r) => setTimeout(r, 20));
        }
        await srv.kill();
        srv = await startServer({ database, args: ['--job-lease-ms', '2000'] });
        try {
            const done = await waitFor(srv.api, up.json.id, ['done', 'failed'], 200_000);
            assert.equal(done.status, 'done', JSON.stringify(done));
            assert.equal(done.progress.done, rows, JSON.stringify(done.progress));
            assert.equal(done.progress.created, rows, JSON.stringify(done.progress));
            const count = await srv.api('GET', `/api/v1/contacts?filter=${encodeURIComponent(`tags contains "${tag}"`)}&limit=1&count=true`);
            expectStatus(count, 200);
            assert.equal(count.json.total, rows);
        } finally {
            await srv.stop();
            await database.drop();
        }
    });
});
