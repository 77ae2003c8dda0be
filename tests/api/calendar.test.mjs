/*
 * The calendar (docs/api/calendar.md): GET /calendar with recurring meetings expanded in their
 * zone (a weekly 09:00 Berlin meeting stays at 09:00 across both changes of the clocks, EXDATEs
 * left out, a rule without an end expanded only within the range) and the series of recurring
 * tasks; its checks (from/to with a zone, at most 93 days) and whose calendar one may see (another
 * rep's is a 404, a manager sees the team's); one activity or task as an .ics file; the import of
 * every iCalendar sample in ../shared/datasets/contact-calendar-samples/icalendar with the number
 * of events and the recurrences kept, a second import updating instead of adding, and refusals
 * that write nothing; the secret feed URL: made once, read by a calendar app without signing in,
 * parsed back, never in the log, 404 once revoked or replaced.
 *
 * Without the dataset the import-of-samples tests fail, unless CRM_TEST_NO_DATASETS=1 (then
 * they say they skip).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import {
    expectProblem, expectStatus, qs, randomName, REPO_ROOT, request, useServer,
} from './server.mjs';

const DATASET = path.resolve(process.env.CRM_DATASETS_DIR ?? path.join(REPO_ROOT, '..', 'shared', 'datasets'),
    'contact-calendar-samples', 'icalendar');
const PRESENT = existsSync(DATASET);
const SKIPPED = !PRESENT && process.env.CRM_TEST_NO_DATASETS === '1';

const S = useServer();
let srv;

/* A user of the role (in the team, if any) in a time zone, with an API token: { id, api() }. */
async function makeUser(role, { teamId = null, timeZone = 'UTC' } = {}) {
    const email = `${role}-${randomName()}@calendar.example.com`;
    const password = `pw ${randomName()} ${role}`;
    const res = await srv.api('POST', '/api/v1/users',
        { email, name: `${role} ${randomName()}`, role, password, team_id: teamId });
    expectStatus(res, 201, `create a ${role}`);
    const id = res.json.id;
    const tz = await srv.api('PATCH', `/api/v1/users/${id}`, { time_zone: timeZone });
    if (tz.status !== 200 || tz.json.time_zone !== timeZone)
        await srv.sql(`UPDATE users SET time_zone = '${timeZone}' WHERE id = ${id}`);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of the ${role}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'calendar', scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of the ${role}`);
    const token = tok.json.token;
    return {
        id,
        token,
        api: (method, urlPath, body, headers = {}) =>
            srv.api(method, urlPath, body, { Authorization: `Bearer ${token}`, ...headers }),
    };
}

async function createTeam() {
    const res = await srv.api('POST', '/api/v1/teams', { name: `Calendar ${randomName()}` });
    expectStatus(res, 201, 'create a team');
    return res.json.id;
}

async function activity(user, body) {
    const res = await user.api('POST', '/api/v1/activities', { subject: `Activity ${randomName()}`, ...body });
    expectStatus(res, 201, `create activity ${JSON.stringify(body)}`);
    return res.json;
}

async function task(user, body) {
    const res = await user.api('POST', '/api/v1/tasks', { title: `Task ${randomName()}`, ...body });
    expectStatus(res, 201, `create task ${JSON.stringify(body)}`);
    return res.json;
}

function calendar(user, params) {
    return user.api('GET', `/api/v1/calendar${qs(params)}`);
}

function importIcs(user, text, contentType = 'text/calendar; charset=utf-8') {
    return user.api('POST', '/api/v1/calendar/import', text, { 'Content-Type': contentType });
}

async function activitiesOf(user) {
    const res = await user.api('GET', '/api/v1/activities?limit=500&sort=id');
    expectStatus(res, 200, 'list activities');
    return res.json.data;
}

/* The local wall-clock time of an instant in a zone: "09:00". */
function localTime(iso, zone) {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .format(new Date(iso));
}

/* The content lines of an iCalendar text, unfolded. */
function icsLines(text) {
    return text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l.length > 0);
}

before(async () => {
    srv = await S.start();
});

describe('GET /calendar', () => {
    let rep;
    let other;
    let manager;
    let otherTeamRep;
    const made = {};

    before(async () => {
        const team = await createTeam();
        const otherTeam = await createTeam();
        rep = await makeUser('sales_rep', { teamId: team, timeZone: 'Europe/Berlin' });
        other = await makeUser('sales_rep', { teamId: team });
        manager = await makeUser('manager', { teamId: team });
        otherTeamRep = await makeUser('sales_rep', { teamId: otherTeam });
        /* Mondays 09:00 Berlin time from 2030-03-18; the clocks move on 2030-03-31 and 2030-10-27. */
        made.weekly = await activity(rep, {
            type: 'meeting', subject: 'Weekly', at: '2030-03-18T08:00:00Z', end_at: '2030-03-18T09:00:00Z',
            rrule: 'FREQ=WEEKLY;COUNT=5', time_zone: 'Europe/Berlin', exdates: ['2030-04-01T07:00:00Z'],
        });
        made.endless = await activity(rep, {
            type: 'meeting', subject: 'Endless', at: '2030-01-07T08:00:00Z', duration_s: 1800,
            rrule: 'FREQ=WEEKLY', time_zone: 'Europe/Berlin',
        });
        made.call = await activity(rep, { type: 'call', at: '2030-03-20T10:00:00Z' });
        made.note = await activity(rep, { type: 'note', at: '2030-03-20T11:00:00Z' });
        made.outside = await activity(rep, { type: 'meeting', at: '2030-06-01T10:00:00Z' });
        made.task = await task(rep, { due_at: '2030-03-21T16:00:00Z' });
        made.daily = await task(rep, { due_at: '2030-03-25T07:00:00Z', rrule: 'FREQ=DAILY;COUNT=3' });
        made.cancelled = await task(rep, { due_at: '2030-03-21T17:00:00Z', status: 'cancelled' });
        made.othersMeeting = await activity(other, { type: 'meeting', at: '2030-03-19T10:00:00Z' });
        made.foreignMeeting = await activity(otherTeamRep, { type: 'meeting', at: '2030-03-19T11:00:00Z' });
    });

    test('expands a weekly 09:00 Berlin meeting at 09:00 local time across the spring change, without its EXDATE', async () => {
        const res = await calendar(rep, { from: '2030-03-01T00:00:00Z', to: '2030-05-01T00:00:00Z' });
        expectStatus(res, 200);
        const weekly = res.json.data.filter((i) => i.entity === 'activities' && i.id === made.weekly.id);
        assert.deepEqual(weekly.map((i) => i.start), [
            '2030-03-18T08:00:00.000Z', '2030-03-25T08:00:00.000Z',
            '2030-04-08T07:00:00.000Z', '2030-04-15T07:00:00.000Z',
        ], 'COUNT=5 less the EXDATE of 1 April; 09:00 CET, then 09:00 CEST');
        for (const item of weekly) {
            assert.equal(localTime(item.start, 'Europe/Berlin'), '09:00');
            assert.equal(Date.parse(item.end) - Date.parse(item.start), 3600_000);
            assert.equal(item.occurrence, item.start);
            assert.equal(item.recurring, true);
            assert.equal(item.kind, 'meeting');
            assert.equal(item.title, 'Weekly');
            assert.equal(item.owner_id, rep.id);
        }
    });

    test('expands a rule without an end only within the range, at 09:00 across the autumn change', async () => {
        const res = await calendar(rep, { from: '2030-10-14T00:00:00Z', to: '2030-11-11T00:00:00Z' });
        expectStatus(res, 200);
        const endless = res.json.data.filter((i) => i.id === made.endless.id && i.entity === 'activities');
        assert.deepEqual(endless.map((i) => i.start), [
            '2030-10-14T07:00:00.000Z', '2030-10-21T07:00:00.000Z',
            '2030-10-28T08:00:00.000Z', '2030-11-04T08:00:00.000Z',
        ]);
        assert.deepEqual(endless.map((i) => i.end), endless.map((i) => new Date(Date.parse(i.start) + 1800_000).toISOString()));
        assert.equal(res.json.truncated, false);
    });

    test('shows meetings, calls and tasks in start order, with tasks\' series beyond their latest instance', async () => {
        const res = await calendar(rep, { from: '2030-03-18T00:00:00Z', to: '2030-03-28T00:00:00Z' });
        expectStatus(res, 200);
        const data = res.json.data;
        const starts = data.map((i) => i.start);
        assert.deepEqual(starts, [...starts].sort(), 'ordered by start');
        const of = (entity, id) => data.filter((i) => i.entity === entity && i.id === id);
        assert.equal(of('activities', made.call.id).length, 1);
        assert.equal(of('activities', made.call.id)[0].kind, 'call');
        assert.equal(of('activities', made.call.id)[0].recurring, false);
        assert.equal(of('activities', made.call.id)[0].occurrence, null);
        assert.equal(of('activities', made.note.id).length, 0, 'notes are not calendar items');
        assert.equal(of('activities', made.outside.id).length, 0, 'outside the range');
        assert.equal(of('tasks', made.cancelled.id).length, 0, 'cancelled tasks are left out');
        const t = of('tasks', made.task.id);
        assert.equal(t.length, 1);
        assert.equal(t[0].kind, 'task');
        assert.equal(t[0].end, null);
        assert.equal(t[0].title, made.task.title);
        const daily = of('tasks', made.daily.id);
        assert.deepEqual(daily.map((i) => [i.start, i.occurrence]), [
            ['2030-03-25T07:00:00.000Z', null],
            ['2030-03-26T07:00:00.000Z', '2030-03-26T07:00:00.000Z'],
            ['2030-03-27T07:00:00.000Z', '2030-03-27T07:00:00.000Z'],
        ], 'the instance itself, then the series expanded in the owner\'s zone');
        assert.ok(daily.every((i) => i.recurring));
        assert.equal(of('activities', made.othersMeeting.id).length, 0, 'another user\'s meeting is not in mine');
    });

    test('a series with two open instances is expanded once, from its latest', async () => {
        const first = await task(rep, { due_at: '2031-05-05T07:00:00Z', rrule: 'FREQ=DAILY;COUNT=10' });
        const closed = await rep.api('PATCH', `/api/v1/tasks/${first.id}`, { status: 'done' }, { 'If-Match': `"${first.version}"` });
        expectStatus(closed, 200);
        const reopened = await rep.api('PATCH', `/api/v1/tasks/${first.id}`, { status: 'open' }, { 'If-Match': `"${closed.json.version}"` });
        expectStatus(reopened, 200);
        const res = await calendar(rep, { from: '2031-05-05T00:00:00Z', to: '2031-05-09T00:00:00Z' });
        expectStatus(res, 200);
        const mine = res.json.data.filter((i) => i.entity === 'tasks' && (i.id === first.id || i.title === first.title));
        assert.deepEqual(mine.map((i) => i.start), [
            '2031-05-05T07:00:00.000Z', '2031-05-06T07:00:00.000Z', '2031-05-07T07:00:00.000Z',
            '2031-05-08T07:00:00.000Z',
        ], 'each day once: the reopened first, the second, the series beyond it');
    });

    test('refuses a range of more than 93 days, a time without a zone and a missing bound', async () => {
        let p = expectProblem(await calendar(rep, { from: '2030-01-01T00:00:00Z', to: '2030-04-05T00:00:00Z' }), 400);
        assert.ok(p.errors.some((e) => e.field === 'to'));
        p = expectProblem(await calendar(rep, { from: '2030-01-01T10:00', to: '2030-01-05T00:00:00Z' }), 400);
        assert.ok(p.errors.some((e) => e.field === 'from'), 'a time without a zone is refused');
        p = expectProblem(await calendar(rep, { to: '2030-01-05T00:00:00Z' }), 400);
        assert.ok(p.errors.some((e) => e.field === 'from'));
        p = expectProblem(await calendar(rep, { from: '2030-01-05T00:00:00Z', to: '2030-01-05T00:00:00Z' }), 400);
        assert.ok(p.errors.some((e) => e.field === 'to'));
        expectStatus(await calendar(rep, { from: '2030-01-01T00:00:00+01:00', to: '2030-04-04T00:00:00+01:00' }), 200,
            'exactly 93 days, with offsets');
    });

    test('a calendar of a user the caller may not see is a 404; a manager sees the team\'s', async () => {
        const range = { from: '2030-03-18T00:00:00Z', to: '2030-03-25T00:00:00Z' };
        expectProblem(await calendar(rep, { ...range, user: other.id }), 404, 'a rep asks for a teammate');
        expectProblem(await calendar(manager, { ...range, user: otherTeamRep.id }), 404, 'another team\'s rep');
        expectProblem(await calendar(manager, { ...range, user: 999999 }), 404, 'no such user');
        expectProblem(await calendar(rep, { ...range, user: 'somebody' }), 400);
        const theirs = await calendar(manager, { ...range, user: rep.id });
        expectStatus(theirs, 200);
        assert.ok(theirs.json.data.some((i) => i.id === made.call.id && i.entity === 'activities'));
        assert.ok(theirs.json.data.every((i) => i.owner_id === rep.id));
        const team = await calendar(manager, { ...range, user: 'team' });
        expectStatus(team, 200);
        const owners = new Set(team.json.data.map((i) => i.owner_id));
        assert.ok(owners.has(rep.id) && owners.has(other.id), 'both reps of the team');
        assert.ok(!team.json.data.some((i) => i.id === made.foreignMeeting.id && i.entity === 'activities'),
            'nothing of another team');
        const own = await calendar(rep, { ...range, user: 'team' });
        expectStatus(own, 200);
        assert.ok(own.json.data.every((i) => i.owner_id === rep.id), 'a rep\'s team calendar is their own');
    });

    test('an activity and a task as .ics files; another rep\'s is a 404', async () => {
        const res = await rep.api('GET', `/api/v1/activities/${made.weekly.id}/ics`);
        expectStatus(res, 200);
        assert.match(res.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
        assert.match(res.headers.get('content-disposition'), /^attachment; filename="activity-\d+\.ics"$/);
        const lines = icsLines(res.text);
        assert.equal(lines[0], 'BEGIN:VCALENDAR');
        assert.ok(lines.some((l) => l.startsWith('PRODID:')));
        assert.ok(lines.includes(`UID:activities-${made.weekly.id}@crm.invalid`));
        assert.ok(lines.includes('DTSTART;TZID=Europe/Berlin:20300318T090000'));
        assert.ok(lines.includes('RRULE:FREQ=WEEKLY;COUNT=5'));
        assert.ok(lines.includes('EXDATE;TZID=Europe/Berlin:20300401T090000'));
        assert.ok(lines.includes('TZID:Europe/Berlin'), 'with its VTIMEZONE');
        const t = await rep.api('GET', `/api/v1/tasks/${made.task.id}/ics`);
        expectStatus(t, 200);
        const tl = icsLines(t.text);
        assert.ok(tl.includes('DTSTART:20300321T160000Z'));
        assert.ok(tl.includes(`SUMMARY:Task: ${made.task.title}`));
        expectProblem(await other.api('GET', `/api/v1/activities/${made.weekly.id}/ics`), 404);
        expectProblem(await other.api('GET', `/api/v1/tasks/${made.task.id}/ics`), 404);
    });
});

/* What each sample of the dataset holds, as this server imports it (docs/calendar.md). */
const SAMPLES = {
    'blank_description.ics': { events: 1, recurring: [] },
    'blank_line_end.ics': { events: 0, recurring: [] },
    'blank_line_mid.ics': { refused: 400, detail: /line 3: an empty line/ },
    'daily_recur.ics': { events: 1, recurring: [{ rrule: 'FREQ=DAILY', time_zone: 'America/Los_Angeles' }] },
    'day_long_recur_yearly.ics': { events: 1, recurring: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', all_day: true }] },
    'duration_instead_of_dtend.ics': { events: 1, recurring: [] },
    'forced_types.ics': { events: 1, recurring: [] },
    /* A series of one (its unreadable RDATEs dropped) and three changed occurrences of another. */
    'google_birthday.ics': { events: 4, recurring: [{ rrule: 'FREQ=DAILY;COUNT=1', all_day: true }], warnings: 2 },
    'minimal.ics': { events: 1, recurring: [] },
    'multiple_rrules.ics': { events: 1, recurring: [{ rrule: 'FREQ=WEEKLY;UNTIL=20120730T065959Z' }], warnings: 1 },
    'only_dtstart_date.ics': { events: 1, recurring: [] },
    'only_dtstart_time.ics': { events: 1, recurring: [] },
    'parserv2.ics': { events: 1, recurring: [{ rrule: 'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR' }] },
    'rdate_exdate.ics': {
        events: 1,
        recurring: [{ rrule: 'FREQ=DAILY;COUNT=4', time_zone: 'UTC', exdates: ['2024-06-11T03:00:00.000Z'] }],
    },
    /* The series, its RDATEs as events (one of them replaced by a changed occurrence), two changes. */
    'recur_instances.ics': {
        events: 7,
        recurring: [{
            rrule: 'FREQ=MONTHLY;BYDAY=1TU',
            exdates: ['2012-10-02T17:00:00.000Z', '2012-12-04T18:00:00.000Z', '2013-02-05T18:00:00.000Z',
                '2013-04-02T17:00:00.000Z'],
        }],
    },
    'recur_instances_finite.ics': { events: 3, recurring: [{ rrule: 'FREQ=MONTHLY;UNTIL=20121231T100000;BYDAY=1TU' }] },
    'timezone_from_file.ics': { events: 1, recurring: [], at: '2023-03-06T21:23:00.000Z' },
    'utc_negative_zero.ics': { events: 1, recurring: [], at: '2012-08-21T21:00:00.000Z' },
};

test('the iCalendar samples are present (CRM_TEST_NO_DATASETS=1 skips their import)', { skip: SKIPPED && 'CRM_TEST_NO_DATASETS=1' }, () => {
    assert.ok(PRESENT, `the samples are not at ${DATASET}: the import tests need them ` +
        '(set CRM_TEST_NO_DATASETS=1 to skip them knowingly)');
});

const runIf = PRESENT ? describe : describe.skip;

runIf('POST /calendar/import of the dataset samples', () => {
    const files = PRESENT ? readdirSync(DATASET).filter((f) => f.endsWith('.ics')).sort() : [];

    test('every sample file is known to this test', () => {
        assert.deepEqual(files, Object.keys(SAMPLES).sort());
    });

    for (const file of files) {
        test(`${file}: ${SAMPLES[file]?.refused ? 'refused with its line' : `${SAMPLES[file]?.events} events`}`, async () => {
            const expected = SAMPLES[file];
            const text = readFileSync(path.join(DATASET, file));
            const user = await makeUser('sales_rep', { timeZone: 'Europe/Berlin' });
            const res = await importIcs(user, text);
            if (expected.refused) {
                const p = expectProblem(res, expected.refused);
                assert.match(p.detail, expected.detail);
                assert.deepEqual(await activitiesOf(user), [], 'nothing was written');
                return;
            }
            expectStatus(res, 200, `import ${file}`);
            assert.equal(res.json.imported, expected.events);
            assert.equal(res.json.updated, 0);
            assert.equal(res.json.activity_ids.length, expected.events);
            assert.equal(res.json.warnings.length, expected.warnings ?? 0, JSON.stringify(res.json.warnings));
            const made = await activitiesOf(user);
            assert.deepEqual(made.map((a) => a.id).sort((a, b) => a - b),
                [...res.json.activity_ids].sort((a, b) => a - b));
            assert.ok(made.every((a) => a.type === 'meeting' && a.owner_id === user.id));
            const recurring = made.filter((a) => a.rrule !== null);
            assert.equal(recurring.length, expected.recurring.length, 'the recurring ones keep their rule');
            for (const want of expected.recurring) {
                const a = recurring.find((r) => r.rrule === want.rrule);
                assert.ok(a, `a meeting with RRULE ${want.rrule}: ${JSON.stringify(recurring.map((r) => r.rrule))}`);
                if (want.time_zone) assert.equal(a.time_zone, want.time_zone);
                if (want.all_day) assert.equal(a.all_day, true);
                if (want.exdates) assert.deepEqual([...a.exdates].sort(), want.exdates);
                assert.ok(a.ical_uid, 'the UID is kept');
            }
            if (expected.at) assert.equal(made[0].at, expected.at);
            /* Again: the same UIDs update the same meetings. */
            if (expected.events > 0 && made.every((a) => a.ical_uid)) {
                const again = await importIcs(user, text);
                expectStatus(again, 200, `import ${file} again`);
                assert.equal(again.json.imported, 0);
                assert.equal(again.json.updated, expected.events);
                assert.deepEqual(again.json.activity_ids, res.json.activity_ids);
                assert.equal((await activitiesOf(user)).length, expected.events);
            }
        });
    }

    test('an imported daily series shows every day in the calendar, at 05:00 Los Angeles time', async () => {
        const user = await makeUser('sales_rep', { timeZone: 'Europe/Berlin' });
        expectStatus(await importIcs(user, readFileSync(path.join(DATASET, 'daily_recur.ics'))), 200);
        const res = await calendar(user, { from: '2012-11-01T00:00:00Z', to: '2012-11-08T00:00:00Z' });
        expectStatus(res, 200);
        assert.deepEqual(res.json.data.map((i) => i.start), [
            '2012-11-01T12:00:00.000Z', '2012-11-02T12:00:00.000Z', '2012-11-03T12:00:00.000Z',
            '2012-11-04T13:00:00.000Z', '2012-11-05T13:00:00.000Z', '2012-11-06T13:00:00.000Z',
            '2012-11-07T13:00:00.000Z',
        ], 'PDT, then PST from 4 November');
        assert.ok(res.json.data.every((i) => localTime(i.start, 'America/Los_Angeles') === '05:00'));
        assert.ok(res.json.data.every((i) => i.title === 'Every day recurring'));
    });

    test('the changed occurrences of recur_instances.ics replace theirs in the calendar', async () => {
        const user = await makeUser('sales_rep');
        expectStatus(await importIcs(user, readFileSync(path.join(DATASET, 'recur_instances.ics'))), 200);
        const res = await calendar(user, { from: '2012-10-01T00:00:00Z', to: '2012-12-31T00:00:00Z' });
        expectStatus(res, 200);
        assert.deepEqual(res.json.data.map((i) => i.start), [
            '2012-10-02T22:00:00.000Z', /* the changed first occurrence (15:00 instead of 10:00) */
            '2012-11-06T18:00:00.000Z', /* the series: first Tuesday, 10:00 PST */
            '2012-11-07T04:00:00.000Z', /* the changed RDATE of 5 November */
            '2012-11-10T18:00:00.000Z', '2012-11-30T18:00:00.000Z', /* RDATEs */
        ], '4 December is an EXDATE');
    });
});

describe('POST /calendar/import', () => {
    let user;
    before(async () => {
        user = await makeUser('sales_rep', { timeZone: 'Europe/Berlin' });
    });

    const wrap = (events) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n${events}END:VCALENDAR\r\n`;

    test('keeps a floating time in the user\'s zone and leaves out a SECONDLY rule with a warning', async () => {
        const uid = randomName('floating-');
        const res = await importIcs(user, wrap(
            `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTART:20300701T090000\r\nSUMMARY:Floating\r\nLOCATION:Room 1\r\n` +
            'DESCRIPTION:Two\\nlines\r\nEND:VEVENT\r\n' +
            `BEGIN:VEVENT\r\nUID:${uid}-fast\r\nDTSTART:20300701T090000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n`));
        expectStatus(res, 200);
        assert.equal(res.json.imported, 1);
        assert.equal(res.json.warnings.length, 1);
        assert.equal(res.json.warnings[0].line, 11);
        assert.equal(res.json.warnings[0].uid, `${uid}-fast`);
        assert.match(res.json.warnings[0].message, /FREQ=SECONDLY is not supported/);
        const a = await user.api('GET', `/api/v1/activities/${res.json.activity_ids[0]}`);
        expectStatus(a, 200);
        assert.equal(a.json.at, '2030-07-01T07:00:00.000Z', '09:00 in Berlin');
        assert.equal(a.json.subject, 'Floating');
        assert.equal(a.json.place, 'Room 1');
        assert.equal(a.json.body, 'Two\nlines');
        assert.equal(a.json.ical_uid, uid);
    });

    test('refuses what is not an .ics file and writes nothing', async () => {
        const before = (await activitiesOf(user)).length;
        let p = expectProblem(await importIcs(user, 'hello\n'), 400);
        assert.match(p.detail, /line 1/);
        p = expectProblem(await importIcs(user, ''), 400);
        assert.match(p.detail, /no VCALENDAR/);
        p = expectProblem(await importIcs(user, wrap('BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20300101T100000Z\r\n' +
            'END:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:no start\r\nEND:VEVENT\r\n')), 422);
        assert.match(p.detail, /line 8: a VEVENT without DTSTART/);
        p = expectProblem(await importIcs(user, wrap('BEGIN:VEVENT\r\nDTSTART:20300101T100000Z\r\nEND:VTODO\r\n')), 400);
        assert.match(p.detail, /line 6: END:VTODO does not close BEGIN:VEVENT of line 4/);
        expectProblem(await importIcs(user, wrap(''), 'application/json'), 415);
        assert.equal((await activitiesOf(user)).length, before);
    });

    test('a role that may not create activities may not import', async () => {
        const reader = await makeUser('read_only');
        expectProblem(await importIcs(reader, wrap('')), 403);
    });
});

describe('the calendar feed', () => {
    let user;
    let stranger;
    let meeting;
    let series;
    let due;

    before(async () => {
        user = await makeUser('sales_rep', { timeZone: 'Europe/Berlin' });
        stranger = await makeUser('sales_rep');
        const soon = new Date(Date.now() + 7 * 86400_000);
        soon.setUTCHours(10, 0, 0, 0);
        meeting = await activity(user, { type: 'meeting', subject: 'Feed meeting', at: soon.toISOString(), duration_s: 3600 });
        series = await activity(user, {
            type: 'meeting', subject: 'Feed series', at: soon.toISOString(), rrule: 'FREQ=WEEKLY;COUNT=4',
            time_zone: 'Europe/Berlin',
        });
        due = await task(user, { due_at: new Date(Date.now() + 3 * 86400_000).toISOString() });
        await activity(user, { type: 'meeting', subject: 'Long ago', at: '2020-01-01T10:00:00Z' });
        await activity(stranger, { type: 'meeting', subject: 'Not mine', at: soon.toISOString() });
    });

    test('is made once, read without signing in, parsed back, and never written to the log', async () => {
        expectStatus(await user.api('GET', '/api/v1/me/calendar-feed'), 200);
        assert.equal((await user.api('GET', '/api/v1/me/calendar-feed')).json.active, false);
        const made = await user.api('POST', '/api/v1/me/calendar-feed');
        expectStatus(made, 201);
        const { url, token } = made.json;
        assert.ok(token.length >= 43, 'a 32-byte token');
        assert.equal(url, `${srv.url}/api/v1/users/${user.id}/ical?token=${token}`);
        const state = await user.api('GET', '/api/v1/me/calendar-feed');
        assert.equal(state.json.active, true);
        assert.match(state.json.created_at, /^\d{4}-\d\d-\d\dT/);
        assert.equal(state.json.token, undefined, 'the token is shown once');

        const feed = await request(srv.url, 'GET', url.slice(srv.url.length));
        expectStatus(feed, 200, 'the feed without credentials');
        assert.match(feed.headers.get('content-type'), /^text\/calendar/);
        const lines = icsLines(feed.text);
        assert.equal(lines[0], 'BEGIN:VCALENDAR');
        assert.ok(lines.includes(`UID:activities-${meeting.id}@crm.invalid`));
        assert.ok(lines.includes(`UID:activities-${series.id}@crm.invalid`));
        assert.ok(lines.includes('RRULE:FREQ=WEEKLY;COUNT=4'), 'recurring ones as RRULE, not expanded');
        assert.ok(lines.includes(`UID:tasks-${due.id}@crm.invalid`));
        assert.ok(!lines.includes('SUMMARY:Long ago'), 'older than 60 days');
        assert.ok(!lines.includes('SUMMARY:Not mine'));
        assert.equal(lines.filter((l) => l === 'BEGIN:VEVENT').length, 3);

        /* Parsed back: imported by someone else, the same events come out. */
        const back = await importIcs(stranger, feed.text);
        expectStatus(back, 200, 'the feed imported again');
        assert.equal(back.json.imported, 3);
        const copy = (await activitiesOf(stranger)).find((a) => a.ical_uid === `activities-${series.id}@crm.invalid`);
        assert.equal(copy.rrule, 'FREQ=WEEKLY;COUNT=4');
        assert.equal(copy.time_zone, 'Europe/Berlin');
        assert.equal(copy.at, series.at);

        assert.ok(!srv.stderr().includes(token), 'the token is not in the server\'s log');
        assert.ok(!srv.stdout().includes(token), 'the token is not in the server\'s output');
    });

    test('a wrong token, another user\'s token and a revoked one are 404s', async () => {
        const made = await user.api('POST', '/api/v1/me/calendar-feed');
        expectStatus(made, 201);
        const feedPath = (id, token) => `/api/v1/users/${id}/ical?token=${encodeURIComponent(token)}`;
        expectStatus(await srv.anon('GET', feedPath(user.id, made.json.token)), 200);
        expectProblem(await srv.anon('GET', feedPath(user.id, `${made.json.token.slice(0, -2)}xx`)), 404);
        expectProblem(await srv.anon('GET', `/api/v1/users/${user.id}/ical`), 404);
        expectProblem(await srv.anon('GET', feedPath(stranger.id, made.json.token)), 404);

        const replaced = await user.api('POST', '/api/v1/me/calendar-feed');
        expectStatus(replaced, 201);
        expectProblem(await srv.anon('GET', feedPath(user.id, made.json.token)), 404, 'the replaced token');
        expectStatus(await srv.anon('GET', feedPath(user.id, replaced.json.token)), 200);

        expectStatus(await user.api('DELETE', '/api/v1/me/calendar-feed'), 204);
        expectProblem(await srv.anon('GET', feedPath(user.id, replaced.json.token)), 404, 'the revoked token');
        assert.equal((await user.api('GET', '/api/v1/me/calendar-feed')).json.active, false);
        expectStatus(await user.api('DELETE', '/api/v1/me/calendar-feed'), 204, 'revoking twice is fine');
    });
});
