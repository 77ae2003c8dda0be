/*
 * The working day of a user: GET /api/v1/me/day (overdue and due tasks, meetings and calls of
 * one local day in the caller's time zone), the timer on tasks (a second start stops the first
 * and stopping adds the time to the task), time entries logged by hand (checked bodies, own
 * entries only), the effectiveness report per day and ISO week for a crafted week, the task
 * report of a day, week or month, and who may see whose figures (another rep's are a 404).
 * Dates are in March 2025 (2025-03-10 is a Monday); Europe/Moscow is UTC+3 all year.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    expectFieldError, expectProblem, expectStatus, randomName, useServer,
} from './server.mjs';

const S = useServer();
let srv;

/* A user of the role (in the team, if any) with an API token: { id, api() }. */
async function makeUser(role, { teamId = null, timeZone = null } = {}) {
    const email = `${role}-${randomName()}@day.example.com`;
    const password = `pw ${randomName()} ${role}`;
    const res = await srv.api('POST', '/api/v1/users',
        { email, name: `${role} ${randomName()}`, role, password, team_id: teamId });
    expectStatus(res, 201, `create a ${role}`);
    const id = res.json.id;
    if (timeZone) await setTimeZone(id, timeZone);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of the ${role}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'day', scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of the ${role}`);
    const token = tok.json.token;
    return {
        id,
        api: (method, path, body, headers = {}) =>
            srv.api(method, path, body, { Authorization: `Bearer ${token}`, ...headers }),
    };
}

/* Through the users API when it takes a time zone, else behind the server's back. */
async function setTimeZone(userId, zone) {
    const res = await srv.api('PATCH', `/api/v1/users/${userId}`, { time_zone: zone });
    if (res.status === 200 && res.json.time_zone === zone) return;
    await srv.sql(`UPDATE users SET time_zone = '${zone}' WHERE id = ${userId}`);
}

async function createTeam() {
    const res = await srv.api('POST', '/api/v1/teams', { name: `Day ${randomName()}` });
    expectStatus(res, 201, 'create a team');
    return res.json.id;
}

async function task(user, body) {
    const res = await user.api('POST', '/api/v1/tasks', { title: `Task ${randomName()}`, ...body });
    expectStatus(res, 201, `create task ${JSON.stringify(body)}`);
    return res.json;
}

async function activity(user, body) {
    const res = await user.api('POST', '/api/v1/activities', { subject: randomName(), ...body });
    expectStatus(res, 201, `create activity ${JSON.stringify(body)}`);
    return res.json;
}

/* Sets a task's status and done_at as if it had been closed then (done_at is server-kept). */
async function closeTask(id, status, doneAt = null) {
    await srv.sql(`UPDATE tasks SET status = '${status}', done_at = ${doneAt ? `'${doneAt}'` : 'NULL'} ` +
        `WHERE id = ${id}`);
}

async function timeSpent(user, taskId) {
    const res = await user.api('GET', `/api/v1/tasks/${taskId}`);
    expectStatus(res, 200, 'read task');
    return res.json.time_spent_s;
}

const ids = (list) => list.map((r) => r.id);

/* Today's date in a zone, as the server computes it. */
function localToday(zone) {
    return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
        .format(new Date());
}

before(async () => {
    srv = await S.start();
});

describe('my day', () => {
    let moscow;
    let utc;
    const made = {};

    before(async () => {
        moscow = await makeUser('sales_rep', { timeZone: 'Europe/Moscow' });
        utc = await makeUser('sales_rep', { timeZone: 'UTC' });
        for (const [name, user] of [['moscow', moscow], ['utc', utc]]) {
            const t = {};
            /* Moscow: 01:30 on the 10th; UTC: 22:30 on the 9th. */
            t.lateNinth = await task(user, { due_at: '2025-03-09T22:30:00Z' });
            /* Moscow: 00:30 on the 11th; UTC: 21:30 on the 10th. */
            t.lateTenth = await task(user, { due_at: '2025-03-10T21:30:00Z' });
            /* Both: the 9th, open: overdue. */
            t.ninth = await task(user, { due_at: '2025-03-09T20:00:00Z' });
            /* Both: the 10th; cancelled (left out) and done (shown). */
            t.cancelled = await task(user, { due_at: '2025-03-10T10:00:00Z' });
            await closeTask(t.cancelled.id, 'cancelled');
            t.done = await task(user, { due_at: '2025-03-10T12:00:00Z' });
            await closeTask(t.done.id, 'done', '2025-03-10T11:00:00.000Z');
            /* Overdue but done: not overdue. */
            t.doneEarlier = await task(user, { due_at: '2025-03-05T12:00:00Z' });
            await closeTask(t.doneEarlier.id, 'done', '2025-03-06T11:00:00.000Z');
            /* In the trash: nowhere. */
            t.trashed = await task(user, { due_at: '2025-03-10T12:00:00Z' });
            expectStatus(await user.api('DELETE', `/api/v1/tasks/${t.trashed.id}`), [200, 204], 'trash');
            /* Moscow: 00:30 on the 10th; UTC: 21:30 on the 9th. */
            t.meeting = await activity(user, { type: 'meeting', at: '2025-03-09T21:30:00Z' });
            /* Moscow: 01:00 on the 11th; UTC: 22:00 on the 10th. */
            t.call = await activity(user, { type: 'call', at: '2025-03-10T22:00:00Z' });
            t.note = await activity(user, { type: 'note', at: '2025-03-10T12:00:00Z' });
            made[name] = t;
        }
        /* Someone else's task on that day is not in their day. */
        await task({ api: srv.api }, { due_at: '2025-03-10T12:00:00Z' });
    });

    test('lists the tasks, meetings and calls of the local day in the caller\'s time zone', async () => {
        const t = made.moscow;
        const res = await moscow.api('GET', '/api/v1/me/day?date=2025-03-10');
        expectStatus(res, 200, 'my day in Moscow');
        const day = res.json;
        assert.equal(day.date, '2025-03-10');
        assert.equal(day.time_zone, 'Europe/Moscow');
        assert.deepEqual(ids(day.today), [t.lateNinth.id, t.done.id], 'due within the Moscow day, by due time');
        assert.deepEqual(ids(day.overdue), [t.ninth.id], 'open and due before the Moscow day');
        assert.deepEqual(ids(day.meetings), [t.meeting.id]);
        assert.deepEqual(day.calls, []);
        assert.equal(day.today[0].title, t.lateNinth.title, 'tasks are shown as the record API shows them');
        assert.equal(day.time_logged_s, 0);
        assert.equal(day.running_timer, null);
    });

    test('the same instants fall on other days for a user in UTC', async () => {
        const t = made.utc;
        const res = await utc.api('GET', '/api/v1/me/day?date=2025-03-10');
        expectStatus(res, 200, 'my day in UTC');
        assert.equal(res.json.time_zone, 'UTC');
        assert.deepEqual(ids(res.json.today), [t.done.id, t.lateTenth.id]);
        assert.deepEqual(ids(res.json.overdue), [t.ninth.id, t.lateNinth.id]);
        assert.deepEqual(res.json.meetings, []);
        assert.deepEqual(ids(res.json.calls), [t.call.id]);
    });

    test('the day before in Moscow holds the meeting no more and the 9th\'s task', async () => {
        const res = await moscow.api('GET', '/api/v1/me/day?date=2025-03-09');
        expectStatus(res, 200);
        assert.deepEqual(ids(res.json.today), [made.moscow.ninth.id]);
        assert.deepEqual(res.json.meetings, []);
    });

    test('without a date it is today in the caller\'s time zone', async () => {
        const res = await moscow.api('GET', '/api/v1/me/day');
        expectStatus(res, 200);
        assert.equal(res.json.date, localToday('Europe/Moscow'));
        const overdue = ids(res.json.overdue);
        for (const t of [made.moscow.lateNinth, made.moscow.lateTenth, made.moscow.ninth]) {
            assert.ok(overdue.includes(t.id), `task ${t.id} is overdue today`);
        }
        assert.ok(!overdue.includes(made.moscow.done.id), 'a done task is not overdue');
        assert.ok(!overdue.includes(made.moscow.cancelled.id), 'a cancelled task is not overdue');
    });

    test('a recurring meeting shows on each day it recurs, in its own zone, but not on a left-out one', async () => {
        const user = await makeUser('sales_rep', { timeZone: 'Europe/Berlin' });
        /* Mondays at 09:00 Berlin time from 2025-03-03 (08:00 UTC in winter, 07:00 UTC in summer). */
        const series = await activity(user, {
            type: 'meeting', subject: 'Weekly sync', at: '2025-03-03T08:00:00Z', end_at: '2025-03-03T08:30:00Z',
            rrule: 'FREQ=WEEKLY;COUNT=6', exdates: ['2025-03-10T08:00:00Z'],
        });
        const meetingsOn = async (date) => {
            const res = await user.api('GET', `/api/v1/me/day?date=${date}`);
            expectStatus(res, 200, date);
            return res.json.meetings.filter((m) => m.id === series.id);
        };
        assert.equal((await meetingsOn('2025-03-03')).length, 1, 'its first day');
        assert.equal((await meetingsOn('2025-03-10')).length, 0, 'left out by exdates');
        const afterDst = await meetingsOn('2025-03-31');
        assert.equal(afterDst.length, 1);
        assert.equal(afterDst[0].at, '2025-03-31T07:00:00.000Z', '09:00 Berlin time after the change');
        assert.equal(afterDst[0].end_at, '2025-03-31T07:30:00.000Z');
        assert.equal(afterDst[0].occurrence_of, '2025-03-03T08:00:00.000Z');
        assert.equal((await meetingsOn('2025-04-14')).length, 0, 'COUNT=6 has ended');
        assert.equal((await meetingsOn('2025-03-04')).length, 0, 'not on other weekdays');
    });

    test('a malformed date is a 400 naming the field', async () => {
        for (const bad of ['2025-02-30', '10.03.2025', '2025-03-10T00:00:00Z']) {
            const p = expectProblem(await moscow.api('GET', `/api/v1/me/day?date=${encodeURIComponent(bad)}`), 400, bad);
            assert.equal(p.errors?.[0]?.field, 'date', JSON.stringify(p));
        }
    });
});

describe('the timer', () => {
    let rep;
    let other;
    let a;
    let b;

    before(async () => {
        rep = await makeUser('sales_rep');
        other = await makeUser('sales_rep');
        a = await task(rep, { due_at: '2025-03-10T12:00:00Z' });
        b = await task(rep, { due_at: '2025-03-10T12:00:00Z' });
    });

    test('starts on a task, shows in GET /timer and my day, and stops adding the time to the task', async () => {
        expectStatus(await rep.api('GET', '/api/v1/timer'), 204, 'no timer yet');
        const started = await rep.api('POST', `/api/v1/tasks/${a.id}/timer/start`);
        expectStatus(started, 201, 'start');
        assert.equal(started.json.task_id, a.id);
        assert.equal(started.json.user_id, rep.id);
        assert.equal(started.json.ended_at, null);
        assert.equal(started.json.seconds, null);

        const running = await rep.api('GET', '/api/v1/timer');
        expectStatus(running, 200);
        assert.equal(running.json.id, started.json.id);
        const day = await rep.api('GET', '/api/v1/me/day');
        assert.deepEqual(day.json.running_timer,
            { id: started.json.id, task_id: a.id, started_at: started.json.started_at });

        /* As if it had run for two minutes. */
        const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
        await srv.sql(`UPDATE time_entries SET started_at = '${twoMinutesAgo}' WHERE id = ${started.json.id}`);
        const stopped = await rep.api('POST', '/api/v1/timer/stop');
        expectStatus(stopped, 200, 'stop');
        assert.equal(stopped.json.id, started.json.id);
        assert.ok(stopped.json.seconds >= 120 && stopped.json.seconds < 180, `seconds ${stopped.json.seconds}`);
        assert.ok(stopped.json.ended_at > stopped.json.started_at);
        assert.equal(await timeSpent(rep, a.id), stopped.json.seconds, 'added to the task');

        expectProblem(await rep.api('POST', '/api/v1/timer/stop'), 409, 'stop with none running');
        expectStatus(await rep.api('GET', '/api/v1/timer'), 204, 'none running');
    });

    test('a second start stops the first and adds its time to the first task', async () => {
        const before = await timeSpent(rep, a.id);
        const first = await rep.api('POST', `/api/v1/tasks/${a.id}/timer/start`);
        expectStatus(first, 201);
        const minuteAgo = new Date(Date.now() - 60_000).toISOString();
        await srv.sql(`UPDATE time_entries SET started_at = '${minuteAgo}' WHERE id = ${first.json.id}`);
        const second = await rep.api('POST', `/api/v1/tasks/${b.id}/timer/start`);
        expectStatus(second, 201);
        assert.notEqual(second.json.id, first.json.id);
        assert.equal(second.json.task_id, b.id);

        const running = await rep.api('GET', '/api/v1/timer');
        assert.equal(running.json.id, second.json.id, 'only the second runs');
        const spent = await timeSpent(rep, a.id);
        assert.ok(spent - before >= 60 && spent - before < 120, `added ${spent - before}`);
        const list = await rep.api('GET', `/api/v1/time-entries?task_id=${a.id}`);
        expectStatus(list, 200);
        const firstNow = list.json.data.find((e) => e.id === first.json.id);
        assert.ok(firstNow.ended_at, 'the first entry ended');
        assert.equal(firstNow.seconds, spent - before);

        expectStatus(await rep.api('POST', '/api/v1/timer/stop'), 200);
    });

    test('starts at the same moment leave exactly one running timer', async () => {
        const starts = await Promise.all(Array.from({ length: 8 }, (_, i) =>
            rep.api('POST', `/api/v1/tasks/${i % 2 ? a.id : b.id}/timer/start`)));
        for (const s of starts) expectStatus(s, 201, 'each start stops the one before');
        const list = await rep.api('GET', '/api/v1/time-entries?limit=500');
        const running = list.json.data.filter((e) => e.ended_at === null);
        assert.equal(running.length, 1, JSON.stringify(running));
        expectStatus(await rep.api('POST', '/api/v1/timer/stop'), 200);
    });

    test('a task the caller cannot see is a 404 and nothing starts', async () => {
        const theirs = await task(other, { due_at: '2025-03-10T12:00:00Z' });
        expectProblem(await rep.api('POST', `/api/v1/tasks/${theirs.id}/timer/start`), 404);
        expectProblem(await rep.api('POST', '/api/v1/tasks/999999/timer/start'), 404);
        expectStatus(await rep.api('GET', '/api/v1/timer'), 204);
    });

    test('each user has their own timer', async () => {
        const theirs = await task(other, {});
        expectStatus(await rep.api('POST', `/api/v1/tasks/${a.id}/timer/start`), 201);
        expectStatus(await other.api('POST', `/api/v1/tasks/${theirs.id}/timer/start`), 201);
        expectStatus(await rep.api('POST', '/api/v1/timer/stop'), 200);
        const still = await other.api('GET', '/api/v1/timer');
        expectStatus(still, 200, 'the other user\'s timer runs on');
        assert.equal(still.json.task_id, theirs.id);
        expectStatus(await other.api('POST', '/api/v1/timer/stop'), 200);
    });
});

describe('time entries', () => {
    let rep;
    let other;
    let t;

    before(async () => {
        rep = await makeUser('sales_rep', { timeZone: 'Europe/Moscow' });
        other = await makeUser('sales_rep');
        t = await task(rep, { due_at: '2025-03-10T12:00:00Z' });
    });

    test('time logged by hand is added to its task and taken off when deleted', async () => {
        const res = await rep.api('POST', '/api/v1/time-entries',
            { task_id: t.id, started_at: '2025-03-10T09:00:00+03:00', seconds: 1800, note: 'call prep' });
        expectStatus(res, 201, 'log time');
        assert.equal(res.json.started_at, '2025-03-10T06:00:00.000Z');
        assert.equal(res.json.ended_at, '2025-03-10T06:30:00.000Z');
        assert.equal(res.json.seconds, 1800);
        assert.equal(res.json.note, 'call prep');
        assert.equal(await timeSpent(rep, t.id), 1800);

        const free = await rep.api('POST', '/api/v1/time-entries',
            { started_at: '2025-03-10T23:30:00+03:00', seconds: 600 });
        expectStatus(free, 201, 'time without a task');
        assert.equal(free.json.task_id, null);

        const day = await rep.api('GET', '/api/v1/me/day?date=2025-03-10');
        assert.equal(day.json.time_logged_s, 2400, 'both started on the Moscow 10th');

        expectStatus(await rep.api('DELETE', `/api/v1/time-entries/${res.json.id}`), 204);
        assert.equal(await timeSpent(rep, t.id), 0);
        expectProblem(await rep.api('DELETE', `/api/v1/time-entries/${res.json.id}`), 404, 'gone');
        expectProblem(await other.api('DELETE', `/api/v1/time-entries/${free.json.id}`), 404,
            'someone else\'s entry');
        expectProblem(await srv.api('DELETE', `/api/v1/time-entries/${free.json.id}`), 404,
            'even for an administrator');
    });

    test('are listed by start within local dates, paged, with their total', async () => {
        const u = await makeUser('sales_rep', { timeZone: 'Europe/Moscow' });
        const starts = ['2025-03-11T20:59:00Z', '2025-03-11T21:00:00Z', '2025-03-12T10:00:00Z',
            '2025-03-12T20:59:59Z', '2025-03-12T21:00:00Z'];
        for (const [i, started_at] of starts.entries()) {
            expectStatus(await u.api('POST', '/api/v1/time-entries', { started_at, seconds: 100 + i }), 201);
        }
        /* The Moscow 12th is [11th 21:00Z, 12th 21:00Z). */
        const all = await u.api('GET', '/api/v1/time-entries?from=2025-03-12&to=2025-03-12');
        expectStatus(all, 200);
        assert.deepEqual(all.json.data.map((e) => e.started_at),
            ['2025-03-11T21:00:00.000Z', '2025-03-12T10:00:00.000Z', '2025-03-12T20:59:59.000Z']);
        assert.equal(all.json.total_s, 101 + 102 + 103);
        assert.equal(all.json.next_cursor, null);

        const seen = [];
        let cursor = null;
        for (let i = 0; i < 10; i++) {
            const q = `/api/v1/time-entries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
            const page = await u.api('GET', q);
            expectStatus(page, 200, q);
            assert.equal(page.json.total_s, 100 + 101 + 102 + 103 + 104);
            seen.push(...page.json.data.map((e) => e.seconds));
            cursor = page.json.next_cursor;
            if (!cursor) break;
        }
        assert.deepEqual(seen, [100, 101, 102, 103, 104]);
        expectProblem(await u.api('GET', '/api/v1/time-entries?cursor=nonsense'), 400);
    });

    test('bodies are checked field by field', async () => {
        const cases = [
            [{ started_at: '2025-03-10T09:00:00Z', seconds: 0 }, 'seconds'],
            [{ started_at: '2025-03-10T09:00:00Z', seconds: 86401 }, 'seconds'],
            [{ started_at: '2025-03-10T09:00:00Z', seconds: '60' }, 'seconds'],
            [{ started_at: '2025-03-10T09:00:00Z' }, 'seconds'],
            [{ started_at: '2025-03-10T09:00:00', seconds: 60 }, 'started_at'],
            [{ started_at: '2025-03-10', seconds: 60 }, 'started_at'],
            [{ seconds: 60 }, 'started_at'],
            [{ started_at: '2999-01-01T00:00:00Z', seconds: 60 }, 'started_at'],
            [{ started_at: '2025-03-10T09:00:00Z', seconds: 60, user_id: 1 }, 'user_id'],
            [{ started_at: '2025-03-10T09:00:00Z', seconds: 60, task_id: 'x' }, 'task_id'],
            [{ started_at: '2025-03-10T09:00:00Z', seconds: 60, note: 5 }, 'note'],
        ];
        for (const [body, field] of cases) {
            expectFieldError(await rep.api('POST', '/api/v1/time-entries', body), field, JSON.stringify(body));
        }
        const theirs = await task(other, {});
        expectFieldError(await rep.api('POST', '/api/v1/time-entries',
            { task_id: theirs.id, started_at: '2025-03-10T09:00:00Z', seconds: 60 }), 'task_id',
        'a task the caller cannot see');
        assert.equal(await timeSpent(other, theirs.id), 0);
    });

    test('another user\'s entries: a rep gets 404, an administrator sees them', async () => {
        expectProblem(await other.api('GET', `/api/v1/time-entries?user=${rep.id}`), 404);
        const res = await srv.api('GET', `/api/v1/time-entries?user=${rep.id}`);
        expectStatus(res, 200);
        assert.ok(res.json.data.every((e) => e.user_id === rep.id));
        assert.ok(res.json.data.length >= 1);
        const p = expectProblem(await rep.api('GET', '/api/v1/time-entries?from=2025-3-1'), 400);
        assert.equal(p.errors?.[0]?.field, 'from');
        const q = expectProblem(await rep.api('GET', '/api/v1/time-entries?from=2025-03-02&to=2025-03-01'), 400);
        assert.equal(q.errors?.[0]?.field, 'to');
    });
});

describe('reports', () => {
    let team;
    let rep;
    let mate;
    let head;
    let stranger;
    const t = {};

    /*
     * The crafted week, 2025-03-10 (Monday) to 2025-03-16, for rep in UTC:
     *   before it:  one task due 03-02, never done (carried every day);
     *   Monday:     two tasks due 18:00 (estimates 1 h each): one done Monday 15:00, one Wednesday;
     *   Tuesday:    three tasks due 18:00, one done Tuesday 12:00, two never; one cancelled;
     *   Thursday:   two tasks due 18:00, one done Thursday 17:00, one never;
     *   Friday:     one task in the trash;
     *   time:       30 min started Monday 09:00, 10 min Tuesday 23:30.
     */
    before(async () => {
        team = await createTeam();
        rep = await makeUser('sales_rep', { teamId: team, timeZone: 'UTC' });
        mate = await makeUser('sales_rep', { teamId: team, timeZone: 'Europe/Moscow' });
        head = await makeUser('manager', { teamId: team });
        stranger = await makeUser('manager', { teamId: await createTeam() });

        t.before = await task(rep, { due_at: '2025-03-02T09:00:00Z' });
        t.monA = await task(rep, { due_at: '2025-03-10T18:00:00Z', estimate_s: 3600 });
        t.monB = await task(rep, { due_at: '2025-03-10T18:00:00Z', estimate_s: 3600 });
        t.tueA = await task(rep, { due_at: '2025-03-11T18:00:00Z' });
        t.tueB = await task(rep, { due_at: '2025-03-11T18:00:00Z', estimate_s: 600 });
        t.tueC = await task(rep, { due_at: '2025-03-11T18:00:00Z' });
        t.tueX = await task(rep, { due_at: '2025-03-11T18:00:00Z', estimate_s: 9999 });
        t.thuA = await task(rep, { due_at: '2025-03-13T18:00:00Z' });
        t.thuB = await task(rep, { due_at: '2025-03-13T18:00:00Z' });
        t.friX = await task(rep, { due_at: '2025-03-14T18:00:00Z' });
        await closeTask(t.monA.id, 'done', '2025-03-10T15:00:00.000Z');
        await closeTask(t.monB.id, 'done', '2025-03-12T09:00:00.000Z');
        await closeTask(t.tueA.id, 'done', '2025-03-11T12:00:00.000Z');
        await closeTask(t.tueX.id, 'cancelled');
        await closeTask(t.thuA.id, 'done', '2025-03-13T17:00:00.000Z');
        expectStatus(await rep.api('DELETE', `/api/v1/tasks/${t.friX.id}`), [200, 204], 'trash');
        expectStatus(await rep.api('POST', '/api/v1/time-entries',
            { task_id: t.monA.id, started_at: '2025-03-10T09:00:00Z', seconds: 1800 }), 201);
        expectStatus(await rep.api('POST', '/api/v1/time-entries',
            { started_at: '2025-03-11T23:30:00Z', seconds: 600 }), 201);
        /* The mate's one task: due 00:30 Moscow time on Tuesday (21:30Z on Monday), done. */
        const m = await task(mate, { due_at: '2025-03-10T21:30:00Z' });
        await closeTask(m.id, 'done', '2025-03-10T22:00:00.000Z');
    });

    test('effectiveness of a crafted week, day by day and for the ISO week', async () => {
        const res = await rep.api('GET', '/api/v1/reports/effectiveness?from=2025-03-10&to=2025-03-16');
        expectStatus(res, 200);
        assert.equal(res.json.data.length, 1);
        const row = res.json.data[0];
        assert.equal(row.user_id, rep.id);
        const days = row.days.map((d) => [d.date, d.planned, d.done, d.overdue_carried, d.time_planned_s,
            d.time_logged_s, d.effectiveness]);
        assert.deepEqual(days, [
            ['2025-03-10', 2, 1, 2, 7200, 1800, 50],
            ['2025-03-11', 3, 1, 4, 600, 600, 33],
            ['2025-03-12', 0, 0, 3, 0, 0, null],
            ['2025-03-13', 2, 1, 4, 0, 0, 50],
            ['2025-03-14', 0, 0, 4, 0, 0, null],
            ['2025-03-15', 0, 0, 4, 0, 0, null],
            ['2025-03-16', 0, 0, 4, 0, 0, null],
        ]);
        /* 3 of 7 is 42.86 %: 43. */
        assert.deepEqual(res.json.weeks, [{ week: '2025-W11', planned: 7, done: 3, effectiveness: 43,
            time_logged_s: 2400, time_planned_s: 7800 }]);
    });

    test('a range across weeks gives one row per ISO week it touches', async () => {
        const res = await rep.api('GET', '/api/v1/reports/effectiveness?from=2025-03-09&to=2025-03-17');
        expectStatus(res, 200);
        assert.equal(res.json.data[0].days.length, 9);
        assert.deepEqual(res.json.weeks.map((w) => [w.week, w.planned, w.done, w.effectiveness]),
            [['2025-W10', 0, 0, null], ['2025-W11', 7, 3, 43], ['2025-W12', 0, 0, null]]);
    });

    test('a head of team sees the team, each member in their own time zone', async () => {
        const res = await head.api('GET', `/api/v1/reports/effectiveness?team=${team}&from=2025-03-10&to=2025-03-16`);
        expectStatus(res, 200);
        const byUser = Object.fromEntries(res.json.data.map((r) => [r.user_id, r]));
        assert.ok(byUser[rep.id] && byUser[mate.id] && byUser[head.id], 'every member has a row');
        const mateDays = byUser[mate.id].days.filter((d) => d.planned > 0).map((d) => [d.date, d.done]);
        assert.deepEqual(mateDays, [['2025-03-11', 1]], 'the mate\'s task is on the Moscow Tuesday');
        assert.equal(byUser[mate.id].time_zone, 'Europe/Moscow');
        assert.deepEqual(res.json.weeks.map((w) => [w.week, w.planned, w.done, w.effectiveness]),
            [['2025-W11', 8, 4, 50]]);
        const one = await head.api('GET', `/api/v1/reports/effectiveness?user=${rep.id}&from=2025-03-10&to=2025-03-16`);
        expectStatus(one, 200, 'one member');
        assert.equal(one.json.weeks[0].effectiveness, 43);
    });

    test('a rep asking for another rep\'s or another team\'s figures gets 404', async () => {
        const week = 'from=2025-03-10&to=2025-03-16';
        expectProblem(await mate.api('GET', `/api/v1/reports/effectiveness?user=${rep.id}&${week}`), 404);
        expectProblem(await mate.api('GET', `/api/v1/reports/tasks?user=${rep.id}`), 404);
        expectProblem(await mate.api('GET', `/api/v1/reports/effectiveness?team=${team}&${week}`), 404);
        expectProblem(await stranger.api('GET', `/api/v1/reports/effectiveness?team=${team}&${week}`), 404);
        expectProblem(await stranger.api('GET', `/api/v1/reports/tasks?user=${rep.id}`), 404);
        expectProblem(await mate.api('GET', `/api/v1/reports/effectiveness?user=999999&${week}`), 404,
            'no such user: the same answer');
        expectProblem(await srv.api('GET', `/api/v1/reports/effectiveness?team=999999&${week}`), 404);
        expectStatus(await srv.api('GET', `/api/v1/reports/effectiveness?team=${team}&${week}`), 200);
    });

    test('the task report of a week, a day and a month', async () => {
        const week = await head.api('GET', `/api/v1/reports/tasks?period=week&user=${rep.id}&date=2025-03-12`);
        expectStatus(week, 200);
        const { done_tasks: doneTasks, ...figures } = week.json;
        assert.deepEqual(figures, {
            period: 'week', from: '2025-03-10', to: '2025-03-16', time_zone: 'UTC', user_id: rep.id,
            created: 0, done: 4, done_on_time: 3, overdue: 4, cancelled: 1, time_logged_s: 2400,
        });
        assert.deepEqual(doneTasks.map((d) => d.id), [t.monA.id, t.tueA.id, t.monB.id, t.thuA.id]);
        assert.deepEqual(doneTasks[0], { id: t.monA.id, title: t.monA.title, done_at: '2025-03-10T15:00:00.000Z',
            time_spent_s: 1800 });

        const day = await rep.api('GET', '/api/v1/reports/tasks?period=day&date=2025-03-11');
        expectStatus(day, 200);
        assert.deepEqual([day.json.from, day.json.to, day.json.done, day.json.overdue, day.json.cancelled,
            day.json.time_logged_s], ['2025-03-11', '2025-03-11', 1, 4, 1, 600]);

        const month = await rep.api('GET', '/api/v1/reports/tasks?period=month&date=2025-03-31');
        expectStatus(month, 200);
        assert.deepEqual([month.json.from, month.json.to, month.json.done, month.json.overdue,
            month.json.cancelled], ['2025-03-01', '2025-03-31', 4, 4, 1]);

        const today = await rep.api('GET', '/api/v1/reports/tasks?period=month');
        expectStatus(today, 200);
        assert.equal(today.json.user_id, rep.id);
        assert.ok(today.json.overdue >= 4, 'what is overdue now');
    });

    test('bad dates, periods and ranges are 400s naming the field', async () => {
        const cases = [
            ['/api/v1/reports/effectiveness?from=2025-03-32&to=2025-04-01', 'from'],
            ['/api/v1/reports/effectiveness?from=2025-03-10&to=yesterday', 'to'],
            ['/api/v1/reports/effectiveness?from=2025-03-10&to=2025-03-09', 'to'],
            ['/api/v1/reports/effectiveness?from=2025-01-01&to=2025-04-04', 'to'],
            [`/api/v1/reports/effectiveness?user=${rep.id}&team=${team}`, 'team'],
            ['/api/v1/reports/effectiveness?user=abc', 'user'],
            ['/api/v1/reports/tasks?period=year', 'period'],
            ['/api/v1/reports/tasks?period=week&date=2025-02-29', 'date'],
            ['/api/v1/reports/tasks?user=-1', 'user'],
        ];
        for (const [path, field] of cases) {
            const p = expectProblem(await rep.api('GET', path), 400, path);
            assert.equal(p.errors?.[0]?.field, field, `${path}: ${JSON.stringify(p)}`);
        }
        /* 93 days is the longest range. */
        const longest = await rep.api('GET', '/api/v1/reports/effectiveness?from=2025-01-01&to=2025-04-03');
        expectStatus(longest, 200, '93 days');
        assert.equal(longest.json.data[0].days.length, 93);
    });
});
