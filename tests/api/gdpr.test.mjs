/*
 * GDPR: the consent ledger of a contact (given, listed newest first with withdrawn ones,
 * withdrawn once: twice is 409; as visible as the contact; writing takes the update right),
 * the export of a person as a ZIP (person.json with the contact, its consents, activities,
 * tasks, deals, timeline and audit history, and every attachment's bytes under attachments/;
 * the export right; audited), and the erasure of a person (administrators only, the id
 * repeated as confirm: the contact keeps its id but nothing personal, search no longer finds
 * it, its attachments are gone, its activities, tasks and leads are scrubbed, its audit history
 * keeps no old value, its consents stay withdrawn, its deals name it by its pseudonym; audited).
 * Runs on SQLite, or on PostgreSQL when CRM_TEST_PG_URL is set.
 */
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { before, describe, test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, randomName, useServer } from './server.mjs';

const S = useServer();
const TAG = randomName();

let W = null;
let building = null;
const setup = () => (building ??= buildWorld().then((w) => { W = w; return w; }));

/* A user of role (in team), with a read+write token: { id, token, api }. */
async function makeUser(srv, role, teamId = null) {
    const email = `${role}-${randomName()}@gdpr.example.com`;
    const password = `pw ${randomName()}`;
    const res = await srv.api('POST', '/api/v1/users', { email, name: `GDPR ${role}`, role, team_id: teamId, password });
    expectStatus(res, 201, `create ${role}`);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of ${role}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'gdpr', scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of ${role}`);
    const token = tok.json.token;
    return {
        id: res.json.id,
        token,
        api: (method, path, body, headers = {}) => srv.api(method, path, body, { Authorization: `Bearer ${token}`, ...headers }),
    };
}

async function buildWorld() {
    const srv = await S.start();
    const rep = await makeUser(srv, 'sales_rep');
    const otherRep = await makeUser(srv, 'sales_rep');
    const readOnly = await makeUser(srv, 'read_only');
    return { srv, rep, otherRep, readOnly };
}

before(setup);

/* A contact of who's with an e-mail, an activity, a task and two attachments. */
async function makePerson(who, label) {
    const email = `${label}.${TAG}@person.example.com`;
    const contact = await who.api('POST', '/api/v1/contacts', {
        first_name: 'Henrietta', last_name: `Lacks${label}${TAG}`, emails: [email], phones: ['+44 20 7946 0958'],
        birthday: '1951-08-01', position: 'Donor', tags: ['vip'], social: { twitter: 'henrietta' },
    });
    expectStatus(contact, 201, 'create contact');
    const id = contact.json.id;
    const activity = await who.api('POST', '/api/v1/activities', {
        type: 'call', subject: `Called about ${label} biopsy results`, body: 'She asked about her cells.',
        at: '2026-11-20T10:00:00Z', contact_id: id,
    });
    expectStatus(activity, 201, 'create activity');
    const task = await who.api('POST', '/api/v1/tasks', {
        title: `Send ${label} the consent form`, description: 'Home address on file', contact_id: id,
    });
    expectStatus(task, 201, 'create task');
    const bytes = Buffer.from(`scan of ${label}: \x00\x01\x02 ${TAG}`, 'latin1');
    const file = await who.api('POST', `/api/v1/contacts/${id}/attachments?name=scan.bin`, bytes,
        { 'Content-Type': 'application/octet-stream' });
    expectStatus(file, 201, 'attach a file to the contact');
    const noteBytes = Buffer.from(`call notes ${TAG}`);
    const note = await who.api('POST', `/api/v1/activities/${activity.json.id}/attachments?name=notes.txt`, noteBytes,
        { 'Content-Type': 'text/plain' });
    expectStatus(note, 201, 'attach a file to the activity');
    return {
        id, email, contact: contact.json, activity: activity.json, task: task.json,
        file: file.json, bytes, note: note.json, noteBytes,
    };
}

/* The entries of a ZIP archive (stored or deflated): { name: Buffer }. */
function unzip(buf) {
    let eocd = -1;
    for (let i = buf.length - 22; i >= 0; i--) {
        if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    }
    assert.ok(eocd >= 0, 'the archive has an end of central directory');
    const count = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    const out = {};
    for (let n = 0; n < count; n++) {
        assert.equal(buf.readUInt32LE(p), 0x02014b50, 'a central directory entry');
        const method = buf.readUInt16LE(p + 10);
        const size = buf.readUInt32LE(p + 20);
        const nameLen = buf.readUInt16LE(p + 28);
        const extraLen = buf.readUInt16LE(p + 30);
        const commentLen = buf.readUInt16LE(p + 32);
        const local = buf.readUInt32LE(p + 42);
        const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
        assert.equal(buf.readUInt32LE(local), 0x04034b50, `a local header for ${name}`);
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(start, start + size);
        out[name] = method === 8 ? inflateRawSync(data) : Buffer.from(data);
        p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
}

/* GET path with who's token: { status, headers, bytes }. */
async function download(who, path) {
    const res = await fetch(`${W.srv.url}${path}`, { headers: { Authorization: `Bearer ${who.token ?? W.srv.adminToken}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const admin = () => ({ token: W.srv.adminToken, api: W.srv.api });

describe('the consent ledger', () => {
    test('consents are given, listed newest first and withdrawn once', async () => {
        const { rep } = W;
        const p = await makePerson(rep, 'ledger');
        let res = await rep.api('POST', `/api/v1/contacts/${p.id}/consents`,
            { purpose: 'newsletter', text_version: 'v1', source: 'form', given_at: '2026-01-10T09:00:00+03:00' });
        expectStatus(res, 201, 'give a consent');
        const first = res.json;
        assert.equal(first.contact_id, p.id);
        assert.equal(first.purpose, 'newsletter');
        assert.equal(first.text_version, 'v1');
        assert.equal(first.source, 'form');
        assert.equal(first.given_at, '2026-01-10T06:00:00.000Z', 'given_at is made canonical UTC');
        assert.equal(first.withdrawn_at, null);
        assert.equal(first.active, true);
        assert.equal(res.headers.get('location'), `/api/v1/consents/${first.id}`);

        res = await rep.api('POST', `/api/v1/contacts/${p.id}/consents`,
            { purpose: 'sms', text_version: '2026-03', source: 'met at the Leeds fair' });
        expectStatus(res, 201, 'free-text source, given now');
        const second = res.json;
        assert.ok(Date.now() - Date.parse(second.given_at) < 60_000, 'given_at defaults to now');

        res = await rep.api('POST', `/api/v1/consents/${first.id}/withdraw`);
        expectStatus(res, 200, 'withdraw');
        assert.ok(res.json.withdrawn_at, 'withdrawn_at is set');
        assert.equal(res.json.active, false);
        expectProblem(await rep.api('POST', `/api/v1/consents/${first.id}/withdraw`), 409);

        res = await rep.api('GET', `/api/v1/contacts/${p.id}/consents`);
        expectStatus(res, 200);
        assert.deepEqual(res.json.data.map((c) => c.id), [second.id, first.id], 'newest given first, withdrawn kept');
        assert.equal(res.json.data[1].active, false);
        res = await rep.api('GET', `/api/v1/consents/${second.id}`);
        expectStatus(res, 200);
        assert.equal(res.json.purpose, 'sms');

        const audit = await rep.api('GET', `/api/v1/audit?entity=contacts&id=${p.id}`);
        expectStatus(audit, 200);
        const actions = audit.json.data.map((e) => e.action);
        assert.ok(actions.includes('consent_given') && actions.includes('consent_withdrawn'),
            `the ledger's changes are audited: ${actions}`);
    });

    test('bad consents are 422 field by field', async () => {
        const { rep } = W;
        const p = await makePerson(rep, 'bad');
        const post = (body) => rep.api('POST', `/api/v1/contacts/${p.id}/consents`, body);
        expectFieldError(await post({ text_version: 'v1', source: 'form' }), 'purpose');
        expectFieldError(await post({ purpose: '', text_version: 'v1', source: 'form' }), 'purpose');
        expectFieldError(await post({ purpose: 'x'.repeat(101), text_version: 'v1', source: 'form' }), 'purpose');
        expectFieldError(await post({ purpose: 'news', text_version: 'v'.repeat(51), source: 'form' }), 'text_version');
        expectFieldError(await post({ purpose: 'news', text_version: 'v1', source: 7 }), 'source');
        expectFieldError(await post({ purpose: 'news', text_version: 'v1', source: 'form', given_at: 'yesterday' }), 'given_at');
        expectFieldError(await post({ purpose: 'news', text_version: 'v1', source: 'form', given_at: '2999-01-01T00:00:00Z' }), 'given_at');
        expectFieldError(await post({ purpose: 'news', text_version: 'v1', source: 'form', colour: 'red' }), 'colour');
        const list = await rep.api('GET', `/api/v1/contacts/${p.id}/consents`);
        assert.deepEqual(list.json.data, [], 'nothing was written');
    });

    test('the ledger is as visible as its contact; writing it takes the update right', async () => {
        const { rep, otherRep, readOnly } = W;
        const p = await makePerson(rep, 'hidden');
        const given = await rep.api('POST', `/api/v1/contacts/${p.id}/consents`,
            { purpose: 'newsletter', text_version: 'v1', source: 'api' });
        expectStatus(given, 201);
        expectProblem(await otherRep.api('GET', `/api/v1/contacts/${p.id}/consents`), 404);
        expectProblem(await otherRep.api('GET', `/api/v1/consents/${given.json.id}`), 404);
        expectProblem(await otherRep.api('POST', `/api/v1/contacts/${p.id}/consents`,
            { purpose: 'newsletter', text_version: 'v1', source: 'api' }), 404);
        expectProblem(await otherRep.api('POST', `/api/v1/consents/${given.json.id}/withdraw`), 404);
        expectProblem(await rep.api('GET', '/api/v1/contacts/99999999/consents'), 404);
        expectProblem(await rep.api('POST', '/api/v1/consents/99999999/withdraw'), 404);
        expectStatus(await readOnly.api('GET', `/api/v1/contacts/${p.id}/consents`), 200, 'read_only reads');
        expectProblem(await readOnly.api('POST', `/api/v1/contacts/${p.id}/consents`,
            { purpose: 'newsletter', text_version: 'v1', source: 'api' }), 403);
        expectProblem(await readOnly.api('POST', `/api/v1/consents/${given.json.id}/withdraw`), 403);
    });
});

describe('the export of a person', () => {
    test('a ZIP with person.json and every attachment, audited', async () => {
        const { rep } = W;
        const p = await makePerson(rep, 'export');
        expectStatus(await rep.api('POST', `/api/v1/contacts/${p.id}/consents`,
            { purpose: 'newsletter', text_version: 'v1', source: 'form' }), 201);
        const res = await download(rep, `/api/v1/contacts/${p.id}/gdpr-export`);
        assert.equal(res.status, 200, res.bytes.toString('utf8').slice(0, 300));
        assert.equal(res.headers.get('content-type'), 'application/zip');
        assert.match(res.headers.get('content-disposition') || '', /^attachment;.*\.zip/);
        const entries = unzip(res.bytes);
        assert.ok(entries['person.json'], `person.json is in the archive: ${Object.keys(entries)}`);
        const person = JSON.parse(entries['person.json'].toString('utf8'));
        assert.equal(person.contact.id, p.id);
        assert.deepEqual(person.contact.emails, [p.email]);
        assert.equal(person.consents.length, 1);
        assert.equal(person.consents[0].purpose, 'newsletter');
        assert.deepEqual(person.activities.map((a) => a.subject), [p.activity.subject]);
        assert.deepEqual(person.tasks.map((t) => t.title), [p.task.title]);
        assert.ok(Array.isArray(person.deals) && Array.isArray(person.companies));
        assert.ok(person.timeline.length >= 2, 'the timeline holds the activity and the task');
        assert.ok(person.audit.some((e) => e.action === 'create'), 'the audit history holds its creation');
        assert.equal(person.attachments.length, 2);
        const scan = person.attachments.find((a) => a.id === p.file.id);
        const notes = person.attachments.find((a) => a.id === p.note.id);
        assert.ok(scan && notes, 'both attachments are listed');
        assert.match(scan.path, /^attachments\//);
        assert.ok(entries[scan.path].equals(p.bytes), 'the contact\'s attachment bytes are in the archive');
        assert.ok(entries[notes.path].equals(p.noteBytes), 'the activity\'s attachment bytes are in the archive');

        const log = await W.srv.api('GET', '/api/v1/audit/security?action=gdpr_export');
        expectStatus(log, 200);
        assert.ok(log.json.data.some((e) => e.record_id === p.id && e.user_id === rep.id),
            'the export is in the security log');
    });

    test('who may not see the contact gets 404; without the export right 403', async () => {
        const { rep, otherRep, readOnly } = W;
        const p = await makePerson(rep, 'noexport');
        expectProblem(await otherRep.api('GET', `/api/v1/contacts/${p.id}/gdpr-export`), 404);
        expectProblem(await readOnly.api('GET', `/api/v1/contacts/${p.id}/gdpr-export`), 403);
        expectProblem(await rep.api('GET', '/api/v1/contacts/99999999/gdpr-export'), 404);
    });
});

describe('the erasure of a person', () => {
    test('administrators only, and the id must be confirmed', async () => {
        const { rep } = W;
        const p = await makePerson(rep, 'guarded');
        expectProblem(await rep.api('POST', `/api/v1/contacts/${p.id}/gdpr-erase`, { confirm: String(p.id) }), 403);
        expectFieldError(await W.srv.api('POST', `/api/v1/contacts/${p.id}/gdpr-erase`, { confirm: String(p.id + 1) }), 'confirm');
        expectFieldError(await W.srv.api('POST', `/api/v1/contacts/${p.id}/gdpr-erase`, { confirm: p.id }), 'confirm');
        expectFieldError(await W.srv.api('POST', `/api/v1/contacts/${p.id}/gdpr-erase`, {}), 'confirm');
        expectProblem(await W.srv.api('POST', '/api/v1/contacts/99999999/gdpr-erase', { confirm: '99999999' }), 404);
        const still = await rep.api('GET', `/api/v1/contacts/${p.id}`);
        assert.deepEqual(still.json.emails, [p.email], 'nothing was erased');
    });

    test('the contact keeps its id and nothing personal; everything about it is scrubbed', async () => {
        const { rep } = W;
        const srv = W.srv;
        const p = await makePerson(rep, 'erase');
        expectStatus(await rep.api('POST', `/api/v1/contacts/${p.id}/consents`,
            { purpose: 'newsletter', text_version: 'v3', source: 'in the shop, by Ann' }), 201);
        expectStatus(await rep.api('PATCH', `/api/v1/contacts/${p.id}`, { position: 'Patient' }), 200);
        const found = await rep.api('GET', `/api/v1/contacts?q=${encodeURIComponent(p.email)}`);
        assert.deepEqual(found.json.data.map((c) => c.id), [p.id], 'found by e-mail before');

        const res = await srv.api('POST', `/api/v1/contacts/${p.id}/gdpr-erase`, { confirm: String(p.id) });
        expectStatus(res, 200, 'erase');
        assert.equal(res.json.contact_id, p.id);
        assert.equal(res.json.erased.activities, 1);
        assert.equal(res.json.erased.attachments, 2);

        const contact = (await srv.api('GET', `/api/v1/contacts/${p.id}`)).json;
        assert.equal(contact.first_name, 'Erased');
        assert.equal(contact.last_name, `#${p.id}`);
        assert.deepEqual([contact.emails, contact.phones, contact.tags, contact.addresses], [[], [], [], []]);
        assert.deepEqual([contact.birthday, contact.position, contact.photo_url, contact.external_id], [null, null, null, null]);
        assert.deepEqual(contact.social, {});
        for (const q of [p.email, p.contact.last_name, 'Henrietta']) {
            const after = await srv.api('GET', `/api/v1/contacts?q=${encodeURIComponent(q)}`);
            expectStatus(after, 200);
            assert.ok(!after.json.data.some((c) => c.id === p.id), `search for ${q} no longer finds it`);
        }

        expectProblem(await srv.api('GET', `/api/v1/attachments/${p.file.id}/content`), 404);
        expectProblem(await srv.api('GET', `/api/v1/attachments/${p.note.id}/content`), 404);
        const files = await srv.api('GET', `/api/v1/contacts/${p.id}/attachments`);
        assert.deepEqual(files.json.data ?? files.json, [], 'no attachment is listed');

        const activity = (await srv.api('GET', `/api/v1/activities/${p.activity.id}`)).json;
        assert.equal(activity.subject, '[erased]');
        assert.equal(activity.body, '[erased]');
        assert.equal(activity.contact_id, p.id, 'the activity keeps its link');
        const task = (await srv.api('GET', `/api/v1/tasks/${p.task.id}`)).json;
        assert.equal(task.title, '[erased]');
        assert.equal(task.description, '[erased]');
        const acts = await srv.api('GET', `/api/v1/activities?q=${encodeURIComponent('biopsy')}`);
        assert.ok(!acts.json.data.some((a) => a.id === p.activity.id), 'the activity is no longer found by its subject');

        const timeline = await srv.api('GET', `/api/v1/contacts/${p.id}/timeline`);
        expectStatus(timeline, 200);
        const timelineText = JSON.stringify(timeline.json);
        for (const old of ['biopsy', 'consent form', 'Henrietta', p.email, 'Patient']) {
            assert.ok(!timelineText.includes(old), `the timeline no longer holds "${old}"`);
        }

        const audit = await srv.api('GET', `/api/v1/audit?entity=contacts&id=${p.id}`);
        expectStatus(audit, 200);
        const auditText = JSON.stringify(audit.json.data);
        for (const old of [p.email, 'Henrietta', p.contact.last_name, 'Patient', 'Donor', 'scan.bin', 'by Ann']) {
            assert.ok(!auditText.includes(old), `the audit history no longer holds "${old}"`);
        }
        const erase = audit.json.data.find((e) => e.action === 'gdpr_erase');
        assert.ok(erase, 'the erasure is in the contact\'s history');
        assert.equal(erase.detail.contact_id, p.id);
        assert.ok(audit.json.data.some((e) => e.action === 'create'), 'the entries stay, with their actions');
        const activityAudit = await srv.api('GET', `/api/v1/audit?entity=activities&id=${p.activity.id}`);
        assert.ok(!JSON.stringify(activityAudit.json.data).includes('biopsy'), 'the activity\'s history is scrubbed too');

        const log = await srv.api('GET', '/api/v1/audit/security?action=gdpr_erase');
        const entry = log.json.data.find((e) => e.record_id === p.id);
        assert.ok(entry, 'the erasure is in the security log');
        assert.ok(!JSON.stringify(entry).includes('Henrietta'), 'with the pseudonymous id only');

        const consents = (await srv.api('GET', `/api/v1/contacts/${p.id}/consents`)).json.data;
        assert.equal(consents.length, 1, 'the ledger keeps its rows');
        assert.equal(consents[0].purpose, 'newsletter', 'the purpose stays: it is the proof');
        assert.equal(consents[0].active, false, 'an erased person consents to nothing');
        assert.equal(consents[0].source, '[erased]', 'a free-text source is erased');
    });

    test('leads converted into the contact are scrubbed; its deals stay and name it by its pseudonym', async () => {
        const srv = W.srv;
        const pipeline = await srv.api('POST', '/api/v1/pipelines', {
            name: `GDPR ${TAG}`,
            stages: [{ name: 'New', probability: 10, kind: 'open' }, { name: 'Won', probability: 100, kind: 'won' },
                { name: 'Lost', probability: 0, kind: 'lost' }],
        });
        expectStatus(pipeline, 201);
        const email = `lead.${TAG}@person.example.com`;
        const lead = await srv.api('POST', '/api/v1/leads',
            { name: 'Ignaz Semmelweis', email, phone: '+43 1 4000', notes: 'Wash your hands', title: 'Hygiene audit' });
        expectStatus(lead, 201);
        const conv = await srv.api('POST', `/api/v1/leads/${lead.json.id}/convert`, { pipeline_id: pipeline.json.id });
        expectStatus(conv, 200, 'convert');
        const { contact_id: id, deal_id: dealId } = conv.json;
        expectStatus(await srv.api('POST', `/api/v1/contacts/${id}/gdpr-erase`, { confirm: String(id) }), 200);

        const scrubbed = (await srv.api('GET', `/api/v1/leads/${lead.json.id}`)).json;
        assert.deepEqual([scrubbed.name, scrubbed.email, scrubbed.phone, scrubbed.notes], ['[erased]', null, null, '[erased]']);
        assert.equal(scrubbed.converted_contact_id, id, 'the lead keeps its link');
        const leads = await srv.api('GET', `/api/v1/leads?q=${encodeURIComponent('Semmelweis')}`);
        assert.ok(!leads.json.data.some((l) => l.id === lead.json.id), 'the lead is no longer found by name');
        const deal = (await srv.api('GET', `/api/v1/deals/${dealId}`)).json;
        assert.deepEqual(deal.contact_ids, [id], 'the deal keeps its contact');
        assert.deepEqual(deal.contacts.map((c) => c.name), [`Erased #${id}`]);
    });

    test('a contact in the trash can be erased', async () => {
        const { rep } = W;
        const p = await makePerson(rep, 'trashed');
        expectStatus(await rep.api('DELETE', `/api/v1/contacts/${p.id}`), 204);
        expectStatus(await W.srv.api('POST', `/api/v1/contacts/${p.id}/gdpr-erase`, { confirm: String(p.id) }), 200);
        const trash = await W.srv.api('GET', `/api/v1/contacts?trash=true&q=${encodeURIComponent(p.email)}`);
        expectStatus(trash, 200);
        assert.deepEqual(trash.json.data, [], 'not found in the trash by its old e-mail');
    });
});
