/*
 * The job runner and scheduler from outside (docs/jobs.md): a reminder set through the API
 * reaches the bell; a recurring task gets its next instance when it falls due; a contact's
 * birthday three days ahead tells its owner once, with the jobs run by `crm worker` beside a
 * server that runs none; and the crash test: 2000 due reminders, the server killed with
 * SIGKILL while it delivers them, restarted on the same database, and every reminder
 * delivered exactly once.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import {
    CRM_BIN, createDatabase, expectStatus, freePort, randomName, startServer,
} from './server.mjs';

const execFileP = promisify(execFile);

const TICK_MS = 200;
const LEASE_MS = 1500;
const RUNNER_ARGS = ['--job-tick-ms', String(TICK_MS), '--job-lease-ms', String(LEASE_MS)];
const CRASH_TASKS = 2000;

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/* The first column of the first row of a query on the database (a string; '' for NULL). */
async function sqlValue(database, statement) {
    if (database.kind === 'postgresql') {
        const { stdout } = await execFileP('psql', [database.db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', statement],
            { timeout: 30_000 });
        return stdout.split('\n')[0];
    }
    const { stdout } = await execFileP('python3', ['-c',
        'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=10)\n'
        + 'r = c.execute(sys.argv[2]).fetchone()\nprint("" if r is None or r[0] is None else r[0])',
        database.db, statement], { timeout: 30_000 });
    return stdout.trim();
}

async function sqlNumber(database, statement) {
    return Number(await sqlValue(database, statement));
}

/* Polls check() until it answers a truthy value; fails with what() after timeoutMs. */
async function waitFor(check, what, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(100);
    }
}

/* The environment for a crm we start ourselves: ours without CRM_* settings. */
function crmEnv() {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CRM_')) env[k] = v;
    return env;
}

/* Starts crm with args in a scratch directory: { child, stderr(), exited (a promise) }. */
async function spawnCrm(args) {
    const cwd = await mkdtemp(path.join(tmpdir(), 'crm-jobs-cwd-'));
    const child = spawn(CRM_BIN, args, { env: crmEnv(), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', () => {});
    const exited = new Promise((resolve) => {
        child.on('exit', (code, signal) => {
            rm(cwd, { recursive: true, force: true }).catch(() => {});
            resolve({ code, signal });
        });
    });
    process.on('exit', () => child.kill('SIGKILL'));
    return { child, stderr: () => stderr, exited };
}

function isoIn(ms) {
    return new Date(Date.now() + ms).toISOString();
}

async function notifications(srv) {
    const res = await srv.api('GET', '/api/v1/notifications?limit=100');
    return res;
}

describe('reminders and recurring tasks through the API', () => {
    let srv;
    before(async () => {
        srv = await startServer({ args: RUNNER_ARGS });
    });
    after(async () => {
        await srv?.stop();
    });

    test('a reminder set on a task shows in the bell once its time comes', async (t) => {
        const probe = await notifications(srv);
        if (probe.status === 404) {
            t.skip('GET /api/v1/notifications answers 404 in this build');
            return;
        }
        expectStatus(probe, 200, 'GET /notifications');
        const title = `Call the supplier ${randomName()}`;
        const due = isoIn(3_600_000);
        const created = await srv.api('POST', '/api/v1/tasks', { title, remind_at: isoIn(1500), due_at: due });
        expectStatus(created, 201, 'POST /tasks');
        const task = created.json;
        assert.equal(task.reminded_at ?? null, null, 'no reminder before its time');
        const mine = (res) => res.json.data.filter((n) => n.kind === 'task_reminder' && n.record?.id === task.id);
        assert.equal(mine(await notifications(srv)).length, 0, 'nothing in the bell before remind_at');
        const found = await waitFor(async () => {
            const res = await notifications(srv);
            expectStatus(res, 200);
            return mine(res).length > 0 ? mine(res) : null;
        }, 'the task_reminder notification', 15_000);
        assert.equal(found.length, 1);
        assert.deepEqual(found[0].record, { entity: 'tasks', id: task.id });
        assert.equal(found[0].read, false);
        assert.equal(found[0].summary, `Reminder: ${title} (due ${due})`);
        const again = await srv.api('GET', `/api/v1/tasks/${task.id}`);
        expectStatus(again, 200);
        assert.ok(again.json.reminded_at, 'the task keeps when it was reminded');
        /* More ticks make no second one. */
        await sleep(3 * TICK_MS);
        assert.equal(mine(await notifications(srv)).length, 1);
    });

    test("a recurring task gets its next instance when it falls due", async () => {
        const title = `Stand-up ${randomName()}`;
        const due = new Date(Date.now() + 1500);
        due.setUTCMilliseconds(0);
        const created = await srv.api('POST', '/api/v1/tasks', {
            title, due_at: due.toISOString(), rrule: 'FREQ=DAILY;COUNT=3',
        });
        expectStatus(created, 201, 'POST /tasks');
        const first = created.json;
        const series = async () => {
            const res = await srv.api('GET',
                `/api/v1/tasks?filter=${encodeURIComponent(`series_id = ${first.series_id ?? first.id}`)}&sort=due_at`);
            expectStatus(res, 200);
            return res.json.data;
        };
        assert.equal((await series()).length, 1, 'no successor before the first falls due');
        const both = await waitFor(async () => {
            const all = await series();
            return all.length >= 2 ? all : null;
        }, 'the second instance', 15_000);
        assert.equal(both.length, 2);
        assert.equal(both[0].id, first.id);
        assert.equal(both[1].title, title);
        assert.equal(both[1].status, 'open');
        assert.equal(both[1].due_at, new Date(due.getTime() + 86_400_000).toISOString());
        /* The second is due tomorrow: nothing more is made meanwhile. */
        await sleep(3 * TICK_MS);
        assert.equal((await series()).length, 2);
        assert.equal(await sqlNumber({ db: srv.db, kind: srv.dbKind },
            `SELECT COUNT(*) FROM jobs WHERE kind = 'task_recurrence' AND state = 'done' `
            + `AND idempotency_key = 'task_recurrence:${first.id}'`), 1);
    });
});

describe('birthdays, run by crm worker', () => {
    test("a contact's birthday three days ahead tells its owner once", async () => {
        const database = await createDatabase();
        /* A server that runs no jobs: the worker beside it does. */
        const srv = await startServer({ database, args: ['--job-threads', '0'] });
        let worker = null;
        try {
            const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(5, 10);
            const name = randomName('Birthday ');
            const contact = await srv.api('POST', '/api/v1/contacts', { first_name: name, birthday: `2000-${day}` });
            expectStatus(contact, 201, 'POST /contacts');
            const other = await srv.api('POST', '/api/v1/contacts', { first_name: randomName('Not yet '), birthday: '2000-01-01' });
            expectStatus(other, 201, 'POST /contacts');
            await sleep(2 * TICK_MS);
            assert.equal(await sqlNumber(database, 'SELECT COUNT(*) FROM jobs'), 0, 'the server runs no jobs');

            worker = await spawnCrm(['worker', '--db', database.db, ...RUNNER_ARGS]);
            const mine = async () => {
                const res = await notifications(srv);
                expectStatus(res, 200, 'GET /notifications');
                return res.json.data.filter((n) => n.kind === 'birthday');
            };
            const found = await waitFor(async () => ((await mine()).length > 0 ? mine() : null),
                'the birthday notification', 15_000);
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.deepEqual(found[0].record, { entity: 'contacts', id: contact.json.id });
            assert.match(found[0].summary, new RegExp(`^${name}.*'s birthday on ${day}$`));
            const year = new Date(Date.now() + 3 * 86_400_000).getUTCFullYear();
            assert.equal(await sqlNumber(database,
                `SELECT COUNT(*) FROM notifications WHERE source_key = 'birthday:${contact.json.id}:${year}'`), 1);

            worker.child.kill('SIGTERM');
            const exit = await worker.exited;
            assert.equal(exit.code, 0, `crm worker exits 0 on SIGTERM:\n${worker.stderr()}`);
            worker = null;
            /* A second worker the same day makes nothing new. */
            worker = await spawnCrm(['worker', '--db', database.db, ...RUNNER_ARGS]);
            await sleep(4 * TICK_MS);
            worker.child.kill('SIGTERM');
            assert.equal((await worker.exited).code, 0);
            worker = null;
            assert.equal((await mine()).length, 1);
        } finally {
            if (worker) {
                worker.child.kill('SIGKILL');
                await worker.exited;
            }
            await srv.stop();
            await database.drop();
        }
    });
});

describe('crash', () => {
    test(`kill -9 while ${CRASH_TASKS} reminders are delivered: after a restart each is delivered exactly once`,
        { timeout: 180_000 }, async () => {
            const database = await createDatabase();
            let killed = null;
            try {
                /* The admin and the tasks, with no runner. */
                const setup = await startServer({ database, args: ['--job-threads', '0'] });
                const owner = setup.adminId;
                const columns = 'title, remind_at, due_at, status, owner_id, created_at, updated_at';
                const values = `'Crash ' || i, '2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z', 'open', ${owner}, `
                    + "'2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z'";
                await setup.sql(database.kind === 'postgresql'
                    ? `INSERT INTO tasks (${columns}) SELECT ${values} FROM generate_series(1, ${CRASH_TASKS}) AS s (i)`
                    : `WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${CRASH_TASKS}) `
                        + `INSERT INTO tasks (${columns}) SELECT ${values} FROM n`);
                await setup.stop();
                assert.equal(await sqlNumber(database, 'SELECT COUNT(*) FROM tasks WHERE reminded_at IS NULL'),
                    CRASH_TASKS);

                /* Started by hand to be killed: SIGKILL after it has delivered a few. */
                const port = await freePort();
                killed = await spawnCrm(['serve', '--db', database.db, '--listen', `127.0.0.1:${port}`,
                    '--log-level', 'debug', ...RUNNER_ARGS]);
                await waitFor(() => (killed.stderr().match(/event=job_done kind=task_reminder/g) ?? []).length >= 20
                    || killed.child.exitCode !== null, 'the first deliveries', 30_000);
                killed.child.kill('SIGKILL');
                const exit = await killed.exited;
                assert.equal(exit.signal, 'SIGKILL', `the server was killed, not ended:\n${killed.stderr().slice(-2000)}`);
                killed = null;
                const delivered = await sqlNumber(database, "SELECT COUNT(*) FROM notifications WHERE kind = 'task_reminder'");
                assert.ok(delivered > 0 && delivered < CRASH_TASKS,
                    `the crash came in the middle of the deliveries (${delivered} of ${CRASH_TASKS} made)`);

                /* Restarted on the same database, it delivers the rest. */
                const srv = await startServer({ database, args: RUNNER_ARGS });
                try {
                    await waitFor(async () => (await sqlNumber(database,
                        "SELECT COUNT(*) FROM jobs WHERE kind = 'task_reminder' AND state <> 'done'")) === 0
                        && (await sqlNumber(database, 'SELECT COUNT(*) FROM tasks WHERE reminded_at IS NULL')) === 0,
                    'every reminder job done', 120_000);
                    assert.equal(await sqlNumber(database,
                        "SELECT COUNT(*) FROM notifications WHERE kind = 'task_reminder'"), CRASH_TASKS,
                        'one notification per task');
                    assert.equal(await sqlNumber(database,
                        "SELECT COUNT(DISTINCT record_id) FROM notifications WHERE kind = 'task_reminder'"), CRASH_TASKS);
                    assert.equal(await sqlNumber(database,
                        "SELECT COUNT(*) FROM (SELECT record_id FROM notifications WHERE kind = 'task_reminder' "
                        + 'GROUP BY record_id HAVING COUNT(*) > 1) AS twice'), 0, 'no task told twice');
                    assert.equal(await sqlNumber(database,
                        `SELECT COUNT(*) FROM notifications n JOIN tasks t ON t.id = n.record_id `
                        + `WHERE n.kind = 'task_reminder' AND n.user_id = ${srv.adminId}`), CRASH_TASKS);
                    assert.equal(await sqlNumber(database,
                        "SELECT COUNT(*) FROM jobs WHERE kind = 'task_reminder' AND state = 'done'"), CRASH_TASKS,
                        'one job per task, every one done');
                    /* Its bell shows them too. */
                    const bell = await notifications(srv);
                    if (bell.status !== 404) {
                        expectStatus(bell, 200);
                        assert.ok(bell.json.unread >= CRASH_TASKS, `unread: ${bell.json.unread}`);
                    }
                } finally {
                    await srv.stop();
                }
            } finally {
                if (killed) {
                    killed.child.kill('SIGKILL');
                    await killed.exited;
                }
                await database.drop();
            }
        });
});
