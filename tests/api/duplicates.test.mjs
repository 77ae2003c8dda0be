/*
 * Duplicates and merges: the check a form makes while a record is typed (Иванов is found for
 * "Ivanov" typed with the same phone in another format, and by an e-mail written in another
 * case with Gmail's dots; a different person is not, nor a record the caller may not see, nor
 * the record being edited), the clusters of the whole base page by page (a planted cluster
 * with its reason, past a key held by more rows than a page reads; only for those who may
 * read it), the merge (an activity, a task, a deal's
 * contact link, a company link and an attachment move to the survivor, the merged record goes
 * to the trash, the survivor takes the field chosen and the union of its lists; audited; the
 * record's merge history), its undo (everything back, the merged record live again; twice is
 * 409), and the rights (no merge right: 403; a record one cannot see: 404).
 * Runs on SQLite, or on PostgreSQL when CRM_TEST_PG_URL is set.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, listAll, qs, randomName, useServer } from './server.mjs';

const S = useServer();
const TAG = randomName();

let W = null;
let building = null;
const setup = () => (building ??= buildWorld().then((w) => { W = w; return w; }));

/* A user of role with a read+write token: { id, api }. */
async function makeUser(srv, role) {
    const email = `${role}-${randomName()}@dup.example.com`;
    const password = `pw ${randomName()}`;
    const res = await srv.api('POST', '/api/v1/users', { email, name: `Dup ${role}`, role, password });
    expectStatus(res, 201, `create a user of ${role}`);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in as ${role}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'dup', scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of ${role}`);
    const token = tok.json.token;
    return {
        id: res.json.id,
        api: (method, path, body, headers = {}) => srv.api(method, path, body, { Authorization: `Bearer ${token}`, ...headers }),
    };
}

async function buildWorld() {
    const srv = await S.start();
    const rep = await makeUser(srv, 'sales_rep');
    /* A rep's rights without the merge right on contacts, nor any right on leads. */
    const roles = await srv.api('GET', '/api/v1/roles');
    expectStatus(roles, 200, 'list roles');
    const repRole = roles.json.data.find((r) => r.name === 'sales_rep');
    const permissions = structuredClone(repRole.permissions);
    permissions.contacts.merge = 'none';
    for (const action of Object.keys(permissions.leads)) permissions.leads[action] = 'none';
    const role = await srv.api('POST', '/api/v1/roles', {
        name: `no_merge_${TAG.slice(0, 6)}`, label: 'Sales rep without merges', permissions,
    });
    expectStatus(role, 201, 'create a role without the merge right');
    const noMerge = await makeUser(srv, role.json.name);
    return { srv, rep, noMerge };
}

before(setup);

async function create(who, collection, body) {
    const res = await who.api('POST', `/api/v1/${collection}`, body);
    expectStatus(res, 201, `create in ${collection}`);
    return res.json;
}

async function check(who, params) {
    const res = await who.api('GET', `/api/v1/duplicates/check${qs(params)}`);
    expectStatus(res, 200, `check ${JSON.stringify(params)}`);
    assert.ok(Array.isArray(res.json.data), 'the check answers data[]');
    return res.json.data;
}

describe('the check while a record is typed', () => {
    let ivanov;
    let sidorov;
    before(async () => {
        await setup();
        ivanov = await create(W.srv, 'contacts', {
            first_name: 'Иван', last_name: 'Иванов', phones: ['+7 (916) 555-12-34'],
            emails: [`ivanov.${TAG}@example.ru`],
        });
        sidorov = await create(W.srv, 'contacts', {
            first_name: 'Petr', last_name: 'Sidorov', emails: [`Petr.Sidorov.${TAG}@gmail.com`],
        });
    });

    test('finds Иванов for "Ivanov" typed with the same phone written another way', async () => {
        const found = await check(W.srv, { entity: 'contacts', first_name: 'Ivan', last_name: 'Ivanov',
            phones: '8 916 555 12 34' });
        const hit = found.find((d) => d.id === ivanov.id);
        assert.ok(hit, `Иванов is found: ${JSON.stringify(found)}`);
        assert.equal(hit.name, ivanov.name);
        assert.ok(hit.score >= 0.85 && hit.score <= 1, `a duplicate's score: ${hit.score}`);
        assert.match(hit.reason, /phone/, 'the reason names the phone');
    });

    test('finds a contact by an e-mail written in another case and without Gmail\'s dots', async () => {
        const found = await check(W.srv, { entity: 'contacts', emails: `PETRSIDOROV.${TAG.toUpperCase()}@GMAIL.COM, nobody@x.org` });
        const hit = found.find((d) => d.id === sidorov.id);
        assert.ok(hit, `Sidorov is found by his e-mail: ${JSON.stringify(found)}`);
        assert.match(hit.reason, /e-mail/);
        assert.deepEqual(found.map((d) => d.score), [...found.map((d) => d.score)].sort((a, b) => b - a), 'best first');
    });

    test('does not find a different person, even one sharing the phone', async () => {
        const other = await check(W.srv, { entity: 'contacts', first_name: 'Ivan', last_name: 'Petrov',
            phones: '+7 495 000 11 22' });
        assert.ok(!other.some((d) => d.id === ivanov.id), `another Ivan: ${JSON.stringify(other)}`);
        const samePhone = await check(W.srv, { entity: 'contacts', first_name: 'Maria', last_name: 'Kuznetsova',
            phones: '+7 916 555 12 34' });
        assert.ok(!samePhone.some((d) => d.id === ivanov.id), `another person on the same phone: ${JSON.stringify(samePhone)}`);
        const nothing = await check(W.srv, { entity: 'contacts' });
        assert.deepEqual(nothing, [], 'an empty form matches nothing');
    });

    test('leaves out the record being edited', async () => {
        const found = await check(W.srv, { entity: 'contacts', first_name: 'Иван', last_name: 'Иванов',
            phones: '+79165551234', exclude_id: ivanov.id });
        assert.ok(!found.some((d) => d.id === ivanov.id));
    });

    test('finds only records the caller may read', async () => {
        const hidden = await check(W.rep, { entity: 'contacts', first_name: 'Ivan', last_name: 'Ivanov',
            phones: '8 916 555 12 34' });
        assert.deepEqual(hidden, [], 'the administrator\'s contact is absent for a rep');
        const own = await create(W.rep, 'contacts', { first_name: 'Olga', last_name: 'Orlova', phones: ['+7 903 777 00 11'] });
        const found = await check(W.rep, { entity: 'contacts', first_name: 'Ольга', last_name: 'Орлова', phones: '89037770011' });
        assert.deepEqual(found.map((d) => d.id), [own.id], 'the rep\'s own contact is found');
    });

    test('checks companies by domain and leads by their single e-mail', async () => {
        const company = await create(W.srv, 'companies', { name: `ООО «Ромашка ${TAG}»`, website: `https://www.romashka-${TAG}.ru/` });
        const found = await check(W.srv, { entity: 'companies', name: `Romashka ${TAG} LLC`, website: `romashka-${TAG}.ru` });
        assert.ok(found.some((d) => d.id === company.id), `the company is found: ${JSON.stringify(found)}`);
        const lead = await create(W.srv, 'leads', { name: 'Ignaz Semmelweis', email: `ignaz.${TAG}@example.at` });
        const leads = await check(W.srv, { entity: 'leads', name: 'Ignaz Semmelweis', email: `IGNAZ.${TAG}@example.at` });
        assert.ok(leads.some((d) => d.id === lead.id), `the lead is found: ${JSON.stringify(leads)}`);
    });

    test('refuses an unknown entity (400) and a role without the read right (403)', async () => {
        const deals = expectProblem(await W.srv.api('GET', '/api/v1/duplicates/check?entity=deals'), 400);
        assert.equal(deals.errors[0].field, 'entity');
        expectProblem(await W.srv.api('GET', '/api/v1/duplicates/check'), 400);
        expectProblem(await W.noMerge.api('GET', '/api/v1/duplicates/check?entity=leads&name=x'), 403);
        expectProblem(await W.noMerge.api('GET', '/api/v1/duplicates?entity=leads'), 403);
    });
});

describe('clusters across the whole base', () => {
    let anna;
    let anya;
    before(async () => {
        await setup();
        anna = await create(W.srv, 'contacts', { first_name: 'Anna', last_name: 'Smirnova',
            emails: [`anna.smirnova.${TAG}@example.org`] });
        anya = await create(W.srv, 'contacts', { first_name: 'Анна', last_name: 'Смирнова',
            emails: [`ANNA.SMIRNOVA.${TAG}@EXAMPLE.ORG`], phones: ['+44 20 7946 0000'] });
        /* A key held by more rows than a page looks at (of records long gone), before the cluster's. */
        await W.srv.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)
            INSERT INTO dup_keys (entity, key, record_id) SELECT 'contacts', 'd:giant.example', 900000000 + i FROM n`);
    });

    test('a planted cluster is listed with its reason, page after page', async () => {
        const { pages, items } = await listAll(W.srv, '/api/v1/duplicates?entity=contacts&limit=2', 200);
        assert.ok(pages.length >= 2, 'small pages of keys page on');
        const cluster = items.find((c) => c.ids.includes(anna.id));
        assert.ok(cluster, `the planted cluster is listed: ${JSON.stringify(items)}`);
        assert.deepEqual(cluster.ids, [anna.id, anya.id].sort((a, b) => a - b));
        assert.match(cluster.reason, /e-mail/);
        assert.ok(cluster.score >= 0.85);
        assert.deepEqual(cluster.records.map((r) => r.id), cluster.ids);
        assert.equal(cluster.records.find((r) => r.id === anya.id).name, anya.name);
        const one = await W.srv.api('GET', '/api/v1/duplicates?entity=contacts&limit=1000');
        expectStatus(one, 200);
        const scores = one.json.data.map((c) => c.score);
        assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'clusters best first');
    });

    test('holds only records the caller may read', async () => {
        const { items } = await listAll(W.rep, '/api/v1/duplicates?entity=contacts', 200);
        assert.ok(!items.some((c) => c.ids.includes(anna.id)), 'the administrator\'s cluster is absent for a rep');
    });

    test('refuses a cursor it did not give', async () => {
        expectProblem(await W.srv.api('GET', '/api/v1/duplicates?entity=contacts&cursor=zz'), 400);
    });
});

describe('merge and undo', () => {
    let survivor;
    let merged;
    let company;
    let deal;
    let activity;
    let task;
    let attachment;
    let merge;

    before(async () => {
        await setup();
        const srv = W.srv;
        company = await create(srv, 'companies', { name: `Merge Co ${TAG}` });
        survivor = await create(srv, 'contacts', { first_name: 'Boris', last_name: 'Godunov', position: 'Tsar',
            emails: [`boris.${TAG}@kremlin.ru`], tags: ['a'] });
        merged = await create(srv, 'contacts', { first_name: 'Борис', last_name: 'Годунов', position: 'Regent',
            emails: [`BORIS.${TAG}@kremlin.ru`, `regent.${TAG}@kremlin.ru`], tags: ['b'], company_ids: [company.id] });
        const pipeline = await srv.api('POST', '/api/v1/pipelines', {
            name: `Merges ${TAG}`,
            stages: [{ name: 'New', probability: 10, kind: 'open' }, { name: 'Won', probability: 100, kind: 'won' },
                { name: 'Lost', probability: 0, kind: 'lost' }],
        });
        expectStatus(pipeline, 201, 'create a pipeline');
        deal = await create(srv, 'deals', { title: `Deal ${TAG}`, pipeline_id: pipeline.json.id, contact_ids: [merged.id] });
        activity = await create(srv, 'activities', { type: 'call', subject: `Call ${TAG}`, at: '2026-11-20T10:00:00Z',
            contact_id: merged.id });
        task = await create(srv, 'tasks', { title: `Task ${TAG}`, contact_id: merged.id });
        const file = await srv.api('POST', `/api/v1/contacts/${merged.id}/attachments?name=scan.txt`, Buffer.from(`scan ${TAG}`),
            { 'Content-Type': 'text/plain' });
        expectStatus(file, 201, 'attach a file');
        attachment = file.json;
    });

    const get = async (path) => {
        const res = await W.srv.api('GET', path);
        expectStatus(res, 200, `GET ${path}`);
        return res.json;
    };

    test('a rep without the merge right gets 403; a record one cannot see is 404', async () => {
        const a = await create(W.noMerge, 'contacts', { first_name: 'Nina', last_name: 'Noright' });
        const b = await create(W.noMerge, 'contacts', { first_name: 'Nina', last_name: 'Noright' });
        expectProblem(await W.noMerge.api('POST', '/api/v1/duplicates/merge',
            { entity: 'contacts', survivor_id: a.id, merged_ids: [b.id] }), 403);
        const own = await create(W.rep, 'contacts', { first_name: 'Rita', last_name: 'Rep' });
        expectProblem(await W.rep.api('POST', '/api/v1/duplicates/merge',
            { entity: 'contacts', survivor_id: own.id, merged_ids: [merged.id] }), 404);
        assert.equal((await get(`/api/v1/contacts/${merged.id}`)).id, merged.id, 'nothing was merged');
    });

    test('a malformed merge is a 422 naming the field', async () => {
        expectFieldError(await W.srv.api('POST', '/api/v1/duplicates/merge',
            { entity: 'contacts', survivor_id: survivor.id, merged_ids: [survivor.id] }), 'merged_ids[0]');
        expectFieldError(await W.srv.api('POST', '/api/v1/duplicates/merge',
            { entity: 'contacts', survivor_id: survivor.id, merged_ids: [merged.id], fields: { id: merged.id } }), 'fields.id');
        expectFieldError(await W.srv.api('POST', '/api/v1/duplicates/merge',
            { entity: 'contacts', survivor_id: survivor.id, merged_ids: [merged.id], fields: { position: 1 } }), 'fields.position');
        expectFieldError(await W.srv.api('POST', '/api/v1/duplicates/merge',
            { entity: 'deals', survivor_id: survivor.id, merged_ids: [merged.id], extra: 1 }), 'extra');
    });

    test('moves the relations, trashes the merged record, and the survivor takes the chosen field', async () => {
        const res = await W.srv.api('POST', '/api/v1/duplicates/merge', {
            entity: 'contacts', survivor_id: survivor.id, merged_ids: [merged.id], fields: { position: merged.id },
        });
        expectStatus(res, 201, 'merge');
        merge = res.json;
        assert.ok(Number.isInteger(merge.id));
        assert.equal(merge.entity, 'contacts');
        assert.equal(merge.survivor_id, survivor.id);
        assert.deepEqual(merge.merged_ids, [merged.id]);
        assert.match(merge.created_at, /^\d{4}-\d\d-\d\dT/);
        assert.equal(res.headers.get('location'), `/api/v1/merges/${merge.id}`);

        const s = await get(`/api/v1/contacts/${survivor.id}`);
        assert.equal(s.position, 'Regent', 'the survivor took the chosen field');
        assert.equal(s.first_name, 'Boris', 'fields not named stay');
        assert.deepEqual(s.emails, [`boris.${TAG}@kremlin.ru`, `regent.${TAG}@kremlin.ru`],
            'e-mails are joined, the same address in another case once');
        assert.deepEqual(s.tags, ['a', 'b'], 'tags are joined');
        assert.deepEqual(s.company_ids, [company.id], 'the company link moved');

        expectProblem(await W.srv.api('GET', `/api/v1/contacts/${merged.id}`), 404);
        const trash = await get(`/api/v1/contacts?trash=true&limit=500`);
        assert.ok(trash.data.some((c) => c.id === merged.id), 'the merged record is in the trash');

        assert.equal((await get(`/api/v1/activities/${activity.id}`)).contact_id, survivor.id, 'the activity moved');
        assert.equal((await get(`/api/v1/tasks/${task.id}`)).contact_id, survivor.id, 'the task moved');
        assert.deepEqual((await get(`/api/v1/deals/${deal.id}`)).contact_ids, [survivor.id], 'the deal link moved');
        const files = await get(`/api/v1/contacts/${survivor.id}/attachments`);
        assert.ok(files.data.some((f) => f.id === attachment.id), 'the attachment moved');
        const timeline = await get(`/api/v1/contacts/${survivor.id}/timeline`);
        assert.ok(timeline.data.some((i) => i.entity === 'activities' && i.record_id === activity.id),
            'the activity shows on the survivor\'s timeline');

        assert.equal(merge.moved.activities, 1);
        assert.equal(merge.moved.tasks, 1);
        assert.equal(merge.moved.deal_contacts, 1);
        assert.equal(merge.moved.attachments, 1);
        assert.ok(merge.fields.includes('position') && merge.fields.includes('emails'));
    });

    test('the merge is audited and listed in the survivor\'s history', async () => {
        for (const id of [survivor.id, merged.id]) {
            const audit = await get(`/api/v1/audit${qs({ entity: 'contacts', id })}`);
            const entry = audit.data.find((e) => e.action === 'merge');
            assert.ok(entry, `a merge entry for ${id}: ${JSON.stringify(audit.data)}`);
        }
        const history = await get(`/api/v1/merges${qs({ entity: 'contacts', record_id: survivor.id })}`);
        assert.deepEqual(history.data.map((m) => m.id), [merge.id]);
        assert.equal(history.next_cursor, null);
        const one = await get(`/api/v1/merges/${merge.id}`);
        assert.equal(one.undone, false);
        assert.equal(one.snapshot, undefined, 'the snapshot is not shown');
        expectProblem(await W.rep.api('GET', `/api/v1/merges/${merge.id}`), 404);
        const mine = await get('/api/v1/merges');
        assert.ok(mine.data.some((m) => m.id === merge.id));
    });

    test('undo puts everything back, the merged record live again; a second undo is 409', async () => {
        const res = await W.srv.api('POST', `/api/v1/merges/${merge.id}/undo`);
        expectStatus(res, 200, 'undo');
        assert.equal(res.json.undone, true);
        assert.deepEqual(res.json.kept_fields, []);

        const m = await get(`/api/v1/contacts/${merged.id}`);
        assert.equal(m.deleted_at, null, 'the merged record is live again');
        assert.deepEqual(m.company_ids, [company.id], 'with its company link');
        const s = await get(`/api/v1/contacts/${survivor.id}`);
        assert.equal(s.position, 'Tsar');
        assert.deepEqual(s.emails, [`boris.${TAG}@kremlin.ru`]);
        assert.deepEqual(s.tags, ['a']);
        assert.deepEqual(s.company_ids, []);

        assert.equal((await get(`/api/v1/activities/${activity.id}`)).contact_id, merged.id, 'the activity is back');
        assert.equal((await get(`/api/v1/tasks/${task.id}`)).contact_id, merged.id, 'the task is back');
        assert.deepEqual((await get(`/api/v1/deals/${deal.id}`)).contact_ids, [merged.id], 'the deal link is back');
        const files = await get(`/api/v1/contacts/${merged.id}/attachments`);
        assert.ok(files.data.some((f) => f.id === attachment.id), 'the attachment is back');
        const survivorFiles = await get(`/api/v1/contacts/${survivor.id}/attachments`);
        assert.ok(!survivorFiles.data.some((f) => f.id === attachment.id));

        expectProblem(await W.srv.api('POST', `/api/v1/merges/${merge.id}/undo`), 409);
        const audit = await get(`/api/v1/audit${qs({ entity: 'contacts', id: merged.id })}`);
        assert.ok(audit.data.some((e) => e.action === 'merge_undo'), 'the undo is audited');
    });

    test('an undo keeps a field changed since the merge', async () => {
        const a = await create(W.srv, 'contacts', { first_name: 'Kept', last_name: `Field${TAG}`, position: 'A' });
        const b = await create(W.srv, 'contacts', { first_name: 'Kept', last_name: `Field${TAG}`, position: 'B' });
        const res = await W.srv.api('POST', '/api/v1/duplicates/merge',
            { entity: 'contacts', survivor_id: a.id, merged_ids: [b.id], fields: { position: b.id } });
        expectStatus(res, 201);
        const changed = await W.srv.api('PATCH', `/api/v1/contacts/${a.id}`, { position: 'C' });
        expectStatus(changed, 200);
        const undo = await W.srv.api('POST', `/api/v1/merges/${res.json.id}/undo`);
        expectStatus(undo, 200);
        assert.deepEqual(undo.json.kept_fields, ['position']);
        assert.equal((await get(`/api/v1/contacts/${a.id}`)).position, 'C');
        assert.equal((await get(`/api/v1/contacts/${b.id}`)).position, 'B');
    });
});

describe('merging companies', () => {
    test('contacts, deals and child companies move to the survivor and back', async () => {
        await setup();
        const srv = W.srv;
        const get = async (path) => {
            const res = await srv.api('GET', path);
            expectStatus(res, 200, `GET ${path}`);
            return res.json;
        };
        const a = await create(srv, 'companies', { name: `Acme ${TAG}`, website: `https://acme-${TAG}.com`, tags: ['x'] });
        const b = await create(srv, 'companies', { name: `ACME ${TAG} Inc.`, website: `acme-${TAG}.com`, tags: ['y'] });
        const child = await create(srv, 'companies', { name: `Acme ${TAG} Labs`, parent_id: b.id });
        const person = await create(srv, 'contacts', { first_name: 'Wile', last_name: 'Coyote', company_ids: [b.id] });
        const pipeline = await srv.api('POST', '/api/v1/pipelines', {
            name: `Company merges ${TAG}`,
            stages: [{ name: 'New', probability: 10, kind: 'open' }, { name: 'Won', probability: 100, kind: 'won' },
                { name: 'Lost', probability: 0, kind: 'lost' }],
        });
        expectStatus(pipeline, 201);
        const deal = await create(srv, 'deals', { title: `Rockets ${TAG}`, pipeline_id: pipeline.json.id, company_id: b.id });

        const found = await check(srv, { entity: 'companies', name: `Acme ${TAG}`, website: `http://acme-${TAG}.com/about` });
        assert.deepEqual(found.map((d) => d.id).sort((x, y) => x - y), [a.id, b.id].sort((x, y) => x - y));

        const res = await srv.api('POST', '/api/v1/duplicates/merge', { entity: 'companies', survivor_id: a.id, merged_ids: [b.id] });
        expectStatus(res, 201, 'merge companies');
        const person1 = await get(`/api/v1/contacts/${person.id}`);
        assert.deepEqual(person1.company_ids, [a.id]);
        assert.equal(person1.companies[0].name, `Acme ${TAG}`, 'the contact shows the survivor\'s name');
        assert.equal((await get(`/api/v1/deals/${deal.id}`)).company_id, a.id);
        assert.equal((await get(`/api/v1/companies/${child.id}`)).parent_id, a.id);
        assert.deepEqual((await get(`/api/v1/companies/${a.id}`)).tags, ['x', 'y']);
        expectProblem(await srv.api('GET', `/api/v1/companies/${b.id}`), 404);

        expectStatus(await srv.api('POST', `/api/v1/merges/${res.json.id}/undo`), 200, 'undo');
        const person2 = await get(`/api/v1/contacts/${person.id}`);
        assert.deepEqual(person2.company_ids, [b.id]);
        assert.equal(person2.companies[0].name, `ACME ${TAG} Inc.`);
        assert.equal((await get(`/api/v1/deals/${deal.id}`)).company_id, b.id);
        assert.equal((await get(`/api/v1/companies/${child.id}`)).parent_id, b.id);
        assert.deepEqual((await get(`/api/v1/companies/${a.id}`)).tags, ['x']);
        assert.equal((await get(`/api/v1/companies/${b.id}`)).deleted_at, null);
    });
});
