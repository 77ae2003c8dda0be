/*
 * Activities, tasks, the client timeline and notifications (/api/v1/activities, /tasks,
 * /{contacts|companies|deals|leads}/{id}/timeline, /notifications): every kind of activity
 * with its own fields and checks; times without a zone refused; a call logged on a contact
 * shows on the contact's and its company's timelines, with field changes and deal stage
 * moves, newest first, by cursor and kind; trashed activities leave the timeline; a rep
 * sees only what their role lets them; tasks keep their done time, checklists, the assignee
 * under both names, recurrence rules checked, a closed instance of a series makes the next
 * one; a task given to someone else tells them.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, randomName, useServer } from './server.mjs';

const S = useServer();
let srv;
const TAG = randomName();

async function post(path, body, what = path) {
    const res = await srv.api('POST', path, body);
    expectStatus(res, 201, what);
    return res.json;
}

async function makeUser(role) {
    const email = `${role}-${randomName()}@day.example.com`;
    const password = `pw ${randomName()} ${role}`;
    const user = await post('/api/v1/users', { email, name: `${role} ${TAG}`, role, password });
    return { id: user.id, session: await srv.signIn(email, password) };
}

async function timeline(entity, id, query = '', session = null) {
    const path = `/api/v1/${entity}/${id}/timeline${query}`;
    const res = session ? await session.api('GET', path) : await srv.api('GET', path);
    expectStatus(res, 200, path);
    return res.json;
}

before(async () => {
    srv = await S.start();
});

describe('activities', () => {
    test('each kind keeps its own fields; bad values are field errors', async () => {
        const call = await post('/api/v1/activities', {
            type: 'call', subject: `Call ${TAG}`, at: '2026-11-20T10:00:00Z', duration_s: 420,
            direction: 'out', outcome: 'interested',
        });
        assert.equal(call.type, 'call');
        assert.equal(call.at, '2026-11-20T10:00:00.000Z');
        assert.equal(call.duration_s, 420);
        const order = await post('/api/v1/activities', {
            type: 'order', at: '2026-11-20T11:00:00+03:00', order_number: 'A-17',
            amount: { amount: '150.00', currency: 'EUR' }, status: 'paid',
        });
        assert.equal(order.at, '2026-11-20T08:00:00.000Z');
        assert.deepEqual(order.amount, { amount: '150.00', currency: 'EUR' });
        expectFieldError(await srv.api('POST', '/api/v1/activities', { type: 'fax', at: '2026-11-20T10:00:00Z' }), 'type');
        expectFieldError(await srv.api('POST', '/api/v1/activities', { type: 'note' }), 'at');
        /* A time without a zone is refused, not guessed. */
        expectFieldError(await srv.api('POST', '/api/v1/activities', { type: 'note', at: '2026-11-20T10:00:00' }), 'at');
        expectFieldError(await srv.api('POST', '/api/v1/activities', {
            type: 'meeting', at: '2026-11-20T10:00:00Z', end_at: '2026-11-20T09:00:00Z',
        }), 'end_at');
        expectFieldError(await srv.api('POST', '/api/v1/activities', { type: 'note', at: '2026-11-20T10:00:00Z', status: 'paid' }), 'status');
        expectFieldError(await srv.api('POST', '/api/v1/activities', { type: 'claim', at: '2026-11-20T10:00:00Z', status: 'paid' }), 'status');
        expectFieldError(await srv.api('POST', '/api/v1/activities', { type: 'call', at: '2026-11-20T10:00:00Z', duration_s: -5 }), 'duration_s');
        expectFieldError(await srv.api('POST', '/api/v1/activities', {
            type: 'meeting', at: '2026-11-20T10:00:00Z', rrule: 'FREQ=SECONDLY',
        }), 'rrule');
        expectFieldError(await srv.api('POST', '/api/v1/activities', {
            type: 'meeting', at: '2026-11-20T10:00:00Z', rrule: 'FREQ=WEEKLY', time_zone: 'Mars/Olympus',
        }), 'time_zone');
        const type = await srv.api('PATCH', `/api/v1/activities/${call.id}`, { type: 'note' }, { 'If-Match': '"1"' });
        expectFieldError(type, 'type');
    });

    test('a recurring meeting keeps its rule, exceptions and the zone it recurs in', async () => {
        const meeting = await post('/api/v1/activities', {
            type: 'meeting', subject: `Weekly ${TAG}`, at: '2026-03-02T08:00:00Z',
            end_at: '2026-03-02T09:00:00Z', rrule: 'FREQ=WEEKLY;COUNT=10',
            exdates: ['2026-03-09T09:00:00+01:00'], time_zone: 'Europe/Berlin',
        });
        assert.equal(meeting.rrule, 'FREQ=WEEKLY;COUNT=10');
        assert.deepEqual(meeting.exdates, ['2026-03-09T08:00:00.000Z']);
        assert.equal(meeting.time_zone, 'Europe/Berlin');
        /* Without a zone it recurs in the owner's. */
        const plain = await post('/api/v1/activities', { type: 'meeting', at: '2026-03-02T08:00:00Z', rrule: 'FREQ=DAILY;COUNT=2' });
        assert.equal(plain.time_zone, 'UTC');
        expectFieldError(await srv.api('POST', '/api/v1/activities', {
            type: 'meeting', at: '2026-03-02T08:00:00Z', exdates: ['2026-03-09'],
        }), 'exdates[0]');
    });
});

describe('timeline', () => {
    let company, contact, deal, pipeline;

    before(async () => {
        company = await post('/api/v1/companies', { name: `Timeline Co ${TAG}` });
        contact = await post('/api/v1/contacts', { first_name: 'Tima', last_name: `Line ${TAG}`, company_ids: [company.id] });
        pipeline = await post('/api/v1/pipelines', {
            name: `Timeline ${TAG}`,
            stages: [
                { name: 'Qualification', probability: 10, kind: 'open' },
                { name: 'Proposal', probability: 60, kind: 'open' },
                { name: 'Won', probability: 100, kind: 'won' },
                { name: 'Lost', probability: 0, kind: 'lost' },
            ],
        });
        deal = await post('/api/v1/deals', { title: `Timeline deal ${TAG}`, pipeline_id: pipeline.id, company_id: company.id, contact_ids: [contact.id] });
    });

    test('a call on a contact shows on the contact and its company, with changes and moves, newest first', async () => {
        const call = await post('/api/v1/activities', {
            type: 'call', subject: 'First call', at: '2026-11-01T10:00:00Z', contact_id: contact.id,
        });
        assert.equal(call.company_id, company.id, 'the contact brings its company');
        await post('/api/v1/activities', { type: 'note', subject: 'A note', body: 'x'.repeat(1000), at: '2026-11-02T10:00:00Z', contact_id: contact.id });
        const patched = await srv.api('PATCH', `/api/v1/contacts/${contact.id}`, { position: 'Buyer' }, { 'If-Match': `"${contact.version}"` });
        expectStatus(patched, 200);
        const open = pipeline.stages.filter((s) => s.kind === 'open');
        const moved = await srv.api('POST', `/api/v1/deals/${deal.id}/move`, { stage_id: open[1].id });
        expectStatus(moved, 200);

        const mine = await timeline('contacts', contact.id);
        const kinds = mine.data.map((i) => i.kind);
        assert.ok(kinds.includes('call') && kinds.includes('note') && kinds.includes('change') && kinds.includes('created'), kinds.join());
        const note = mine.data.find((i) => i.kind === 'note');
        assert.equal(note.detail.body.length, 300, 'a body shows as an excerpt');
        const change = mine.data.find((i) => i.kind === 'change');
        assert.deepEqual(change.detail.changes.position, [null, 'Buyer']);
        for (let i = 1; i < mine.data.length; i++) {
            const a = mine.data[i - 1], b = mine.data[i];
            assert.ok(a.at > b.at || (a.at === b.at && a.id > b.id), 'newest first');
        }
        const theirs = await timeline('companies', company.id);
        const companyKinds = theirs.data.map((i) => i.kind);
        assert.ok(companyKinds.includes('call') && companyKinds.includes('stage'), companyKinds.join());
        const stage = theirs.data.find((i) => i.kind === 'stage');
        assert.equal(stage.detail.to_stage_id, open[1].id);
        assert.match(stage.summary, /→/);
        const dealLine = await timeline('deals', deal.id);
        assert.ok(dealLine.data.some((i) => i.kind === 'stage'));

        const calls = await timeline('companies', company.id, '?kind=call');
        assert.deepEqual(calls.data.map((i) => i.kind), ['call']);
        expectProblem(await srv.api('GET', `/api/v1/companies/${company.id}/timeline?kind=fax`), 400);
        expectProblem(await srv.api('GET', `/api/v1/companies/999999/timeline`), 404);
    });

    test("a contact's timeline also holds its company's own items, not its colleagues'", async () => {
        const colleague = await post('/api/v1/contacts', { first_name: 'Col', last_name: `League ${TAG}`, company_ids: [company.id] });
        await post('/api/v1/activities', { type: 'note', subject: `Company note ${TAG}`, at: '2026-11-06T10:00:00Z', company_id: company.id });
        await post('/api/v1/activities', { type: 'call', subject: `Colleague call ${TAG}`, at: '2026-11-06T11:00:00Z', contact_id: colleague.id });
        const mine = await timeline('contacts', contact.id, '?limit=200');
        const summaries = mine.data.map((i) => i.summary);
        assert.ok(summaries.includes(`Company note ${TAG}`), summaries.join(' | '));
        assert.ok(!summaries.includes(`Colleague call ${TAG}`));
        for (let i = 1; i < mine.data.length; i++) {
            const a = mine.data[i - 1], b = mine.data[i];
            assert.ok(a.at > b.at || (a.at === b.at && a.id > b.id), 'still newest first');
        }
        /* Paged by two, the merged list comes out whole and in order. */
        const seen = [];
        let cursor = '';
        for (let page = 0; page < 100; page++) {
            const res = await timeline('contacts', contact.id, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
            seen.push(...res.data.map((i) => i.id));
            if (!res.next_cursor) break;
            cursor = res.next_cursor;
        }
        assert.deepEqual(seen, mine.data.map((i) => i.id));
    });

    test('pages by cursor without gaps or repeats; the trash takes an activity off', async () => {
        const c = await post('/api/v1/contacts', { first_name: 'Paged', last_name: TAG });
        const made = [];
        for (let i = 0; i < 7; i++)
            made.push(await post('/api/v1/activities', { type: 'sms', subject: `sms ${i}`, at: '2026-11-05T10:00:00Z', contact_id: c.id }));
        const seen = [];
        let cursor = '';
        for (let page = 0; page < 10; page++) {
            const res = await timeline('contacts', c.id, `?kind=sms&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
            seen.push(...res.data.map((i) => i.record_id));
            if (!res.next_cursor) break;
            cursor = res.next_cursor;
        }
        assert.deepEqual(seen, made.map((m) => m.id).reverse());
        expectStatus(await srv.api('DELETE', `/api/v1/activities/${made[0].id}`), 204);
        let after = await timeline('contacts', c.id, '?kind=sms');
        assert.equal(after.data.length, 6);
        expectStatus(await srv.api('POST', `/api/v1/activities/${made[0].id}/restore`), 200);
        after = await timeline('contacts', c.id, '?kind=sms');
        assert.equal(after.data.length, 7);
        expectProblem(await srv.api('GET', `/api/v1/contacts/${c.id}/timeline?cursor=garbage`), 400);
    });

    test("a rep sees the timeline only of cards they may see, and only their own activities on it", async () => {
        const rep = await makeUser('sales_rep');
        const other = await makeUser('sales_rep');
        const theirCompany = await rep.session.api('POST', '/api/v1/companies', { name: `Rep Co ${TAG}` });
        expectStatus(theirCompany, 201);
        const cid = theirCompany.json.id;
        expectStatus(await rep.session.api('POST', '/api/v1/activities', { type: 'note', subject: 'mine', at: '2026-11-03T10:00:00Z', company_id: cid }), 201);
        /* The admin logs a call there too: the rep may not read the admin's activities. */
        await post('/api/v1/activities', { type: 'call', subject: 'admin call', at: '2026-11-04T10:00:00Z', company_id: cid });
        const seen = await timeline('companies', cid, '', rep.session);
        assert.ok(seen.data.some((i) => i.summary === 'mine'));
        assert.ok(!seen.data.some((i) => i.summary === 'admin call'));
        const all = await timeline('companies', cid);
        assert.ok(all.data.some((i) => i.summary === 'admin call'));
        expectProblem(await other.session.api('GET', `/api/v1/contacts/${contact.id}/timeline`), 404);
    });
});

describe('time zones', () => {
    test('users set their own time zone; unknown zones are field errors', async () => {
        const rep = await makeUser('sales_rep');
        const me = await rep.session.api('GET', '/api/v1/auth/me');
        assert.equal(me.json.user.time_zone, 'UTC');
        const set = await rep.session.api('PATCH', '/api/v1/auth/me', { time_zone: 'Europe/Moscow' });
        expectStatus(set, 200);
        assert.equal(set.json.time_zone, 'Europe/Moscow');
        expectFieldError(await rep.session.api('PATCH', '/api/v1/auth/me', { time_zone: 'Moscow' }), 'time_zone');
        expectFieldError(await rep.session.api('PATCH', '/api/v1/auth/me', { name: 'x' }), 'name');
        const byAdmin = await srv.api('PATCH', `/api/v1/users/${rep.id}`, { time_zone: 'Asia/Tokyo' }, { 'If-Match': `"${set.json.version}"` });
        expectStatus(byAdmin, 200);
        assert.equal(byAdmin.json.time_zone, 'Asia/Tokyo');
        /* A recurring meeting of theirs recurs in their zone. */
        const m = await rep.session.api('POST', '/api/v1/activities', { type: 'meeting', at: '2026-03-02T08:00:00Z', rrule: 'FREQ=WEEKLY;COUNT=2' });
        expectStatus(m, 201);
        assert.equal(m.json.time_zone, 'Asia/Tokyo');
    });
});

describe('tasks', () => {
    test('a task keeps when it was done, its checklist and its assignee under both names', async () => {
        const task = await post('/api/v1/tasks', {
            title: `Send offer ${TAG}`, due_at: '2026-11-25T09:00:00Z', priority: 'high',
            checklist: [{ text: 'prices' }, { text: 'terms', done: true }],
        });
        assert.equal(task.status, 'open');
        assert.equal(task.assignee_id, task.owner_id);
        assert.deepEqual(task.checklist, [{ text: 'prices', done: false }, { text: 'terms', done: true }]);
        assert.equal(task.done_at, null);
        const done = await srv.api('PATCH', `/api/v1/tasks/${task.id}`, { status: 'done' }, { 'If-Match': '"1"' });
        expectStatus(done, 200);
        assert.match(done.json.done_at, /^\d{4}-/);
        const reopened = await srv.api('PATCH', `/api/v1/tasks/${task.id}`, { status: 'open' }, { 'If-Match': '"2"' });
        assert.equal(reopened.json.done_at, null);
        expectFieldError(await srv.api('POST', '/api/v1/tasks', { title: 'x', checklist: [{ txt: 'a' }] }), 'checklist[0]');
        expectFieldError(await srv.api('POST', '/api/v1/tasks', { title: 'x', status: 'later' }), 'status');
        expectFieldError(await srv.api('POST', '/api/v1/tasks', { title: 'x', rrule: 'FREQ=DAILY' }), 'due_at');
        expectFieldError(await srv.api('POST', '/api/v1/tasks', { title: 'x', due_at: '2026-11-25T09:00:00Z', rrule: 'FREQ=SECONDLY' }), 'rrule');
        expectFieldError(await srv.api('POST', '/api/v1/tasks', { title: 'x', due_at: '2026-11-25T09:00:00Z', rrule: 'not a rule' }), 'rrule');
        expectFieldError(await srv.api('POST', '/api/v1/tasks', { title: 'x', series_id: 3 }), 'series_id');
        const filtered = await srv.api('GET', `/api/v1/tasks?filter=${encodeURIComponent(`assignee_id = ${task.owner_id} and priority = "high"`)}`);
        expectStatus(filtered, 200);
        assert.ok(filtered.json.data.some((t) => t.id === task.id));
    });

    test('closing an instance of a recurring task makes the next one, once', async () => {
        const first = await post('/api/v1/tasks', {
            title: `Weekly report ${TAG}`, due_at: '2030-01-07T09:00:00Z', remind_at: '2030-01-07T08:30:00Z',
            rrule: 'FREQ=WEEKLY;COUNT=3', checklist: [{ text: 'numbers', done: true }],
        });
        assert.equal(first.series_id, first.id);
        assert.equal(first.recurrence_start, '2030-01-07T09:00:00.000Z');
        const closed = await srv.api('PATCH', `/api/v1/tasks/${first.id}`, { status: 'done' }, { 'If-Match': `"${first.version}"` });
        expectStatus(closed, 200);
        const series = async () => {
            const res = await srv.api('GET', `/api/v1/tasks?filter=${encodeURIComponent(`series_id = ${first.id}`)}&sort=due_at`);
            expectStatus(res, 200);
            return res.json.data;
        };
        let all = await series();
        assert.deepEqual(all.map((t) => t.due_at), ['2030-01-07T09:00:00.000Z', '2030-01-14T09:00:00.000Z']);
        const second = all[1];
        assert.equal(second.remind_at, '2030-01-14T08:30:00.000Z');
        assert.equal(second.status, 'open');
        assert.deepEqual(second.checklist, [{ text: 'numbers', done: false }]);
        /* Reopening and closing again makes nothing new. */
        const reopened = await srv.api('PATCH', `/api/v1/tasks/${first.id}`, { status: 'open' }, { 'If-Match': `"${closed.json.version}"` });
        await srv.api('PATCH', `/api/v1/tasks/${first.id}`, { status: 'done' }, { 'If-Match': `"${reopened.json.version}"` });
        assert.equal((await series()).length, 2);
        await srv.api('PATCH', `/api/v1/tasks/${second.id}`, { status: 'cancelled' }, { 'If-Match': `"${second.version}"` });
        all = await series();
        assert.equal(all.length, 3);
        await srv.api('PATCH', `/api/v1/tasks/${all[2].id}`, { status: 'done' }, { 'If-Match': `"${all[2].version}"` });
        assert.equal((await series()).length, 3, 'COUNT=3 ends the series');
    });

    test('a series long past due skips the occurrences it missed: one overdue instance at most', async () => {
        const daysAgo = new Date(Date.now() - 5 * 86400000);
        daysAgo.setUTCHours(7, 0, 0, 0);
        const first = await post('/api/v1/tasks', {
            title: `Daily check ${TAG}`, due_at: daysAgo.toISOString(), rrule: 'FREQ=DAILY',
        });
        const closed = await srv.api('PATCH', `/api/v1/tasks/${first.id}`, { status: 'done' }, { 'If-Match': `"${first.version}"` });
        expectStatus(closed, 200);
        const res = await srv.api('GET', `/api/v1/tasks?filter=${encodeURIComponent(`series_id = ${first.id}`)}&sort=due_at`);
        const all = res.json.data;
        assert.equal(all.length, 2);
        const next = new Date(all[1].due_at);
        assert.ok(next > new Date(), `the next one (${all[1].due_at}) is after now`);
        assert.ok(next - new Date() <= 86400000, 'and within a day');
        assert.equal(next.getUTCHours(), 7, 'at the series time of day');
    });

    test('a task given to someone else tells them; the bell counts and marks read', async () => {
        const rep = await makeUser('sales_rep');
        const task = await post('/api/v1/tasks', { title: `Call back ${TAG}`, assignee_id: rep.id, due_at: '2026-12-01T10:00:00Z' });
        assert.equal(task.owner_id, rep.id);
        const bell = await rep.session.api('GET', '/api/v1/notifications');
        expectStatus(bell, 200);
        assert.equal(bell.json.unread, 1);
        const n = bell.json.data[0];
        assert.equal(n.kind, 'task_assigned');
        assert.deepEqual(n.record, { entity: 'tasks', id: task.id });
        assert.equal(n.read, false);
        /* The admin cannot mark it: it is not theirs. */
        expectProblem(await srv.api('POST', `/api/v1/notifications/${n.id}/read`), 404);
        const read = await rep.session.api('POST', `/api/v1/notifications/${n.id}/read`);
        expectStatus(read, 200);
        assert.equal(read.json.unread, 0);
        const unread = await rep.session.api('GET', '/api/v1/notifications?unread=true');
        assert.equal(unread.json.data.length, 0);
        expectProblem(await rep.session.api('GET', '/api/v1/notifications?unread=maybe'), 400);
        expectFieldError(await srv.api('POST', '/api/v1/tasks', { title: 'x', assignee_id: rep.id, owner_id: 1 }), 'assignee_id');
        const all = await rep.session.api('POST', '/api/v1/notifications/read-all');
        expectStatus(all, 200);
    });
});
