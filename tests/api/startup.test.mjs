/*
 * The crm command line: version and help, clear failures when the database cannot be opened or
 * reached or the port is taken, and migrations that create the schema once and are a no-op
 * the second time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';

import { createDatabase, expectStatus, freePort, PG_URL, runCrm, startServer } from './server.mjs';

const output = (r) => `${r.stdout}${r.stderr}`;
const describeRun = (r) => `code ${r.code} signal ${r.signal} after ${r.ms} ms\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

function expectCleanFailure(r, what) {
    assert.equal(r.signal, null, `${what}: exits by itself, not by a signal (no crash, no hang): ${describeRun(r)}`);
    assert.notEqual(r.code, 0, `${what}: exits non-zero: ${describeRun(r)}`);
    assert.ok(r.stderr.trim().length > 0, `${what}: says why on stderr`);
    assert.ok(!/Segmentation|Aborted|AddressSanitizer|runtime error/.test(r.stderr), `${what}: no crash report`);
}

test('crm version prints a version and exits 0', async () => {
    const r = await runCrm(['version']);
    assert.equal(r.code, 0, describeRun(r));
    assert.match(output(r), /\b\d+\.\d+\.\d+\b/);
});

test('crm --help lists the commands and the options of serve', async () => {
    const r = await runCrm(['--help']);
    assert.equal(r.code, 0, describeRun(r));
    const text = output(r);
    for (const word of ['serve', 'migrate', 'version', '--db', '--listen', '--static-dir']) {
        assert.ok(text.includes(word), `--help mentions ${word}:\n${text}`);
    }
});

test('an unknown command or option fails and names it', async () => {
    const cmd = await runCrm(['frobnicate']);
    expectCleanFailure(cmd, 'crm frobnicate');
    assert.match(cmd.stderr, /frobnicate/);
    const opt = await runCrm(['serve', '--no-such-option']);
    expectCleanFailure(opt, 'crm serve --no-such-option');
    assert.match(opt.stderr, /no-such-option/);
    const missing = await runCrm(['serve', '--listen']);
    expectCleanFailure(missing, 'crm serve --listen (no value)');
});

test('serve with a database in a missing directory fails with a clear message', async () => {
    const port = await freePort();
    const r = await runCrm(['serve', '--db', '/nonexistent/dir/crm.db', '--listen', `127.0.0.1:${port}`],
        { timeoutMs: 20_000 });
    expectCleanFailure(r, 'serve --db /nonexistent/dir/crm.db');
    assert.match(r.stderr, /\/nonexistent\/dir/, 'the message names the path');
});

test('serve with an unreachable PostgreSQL fails quickly with a clear message', async () => {
    const port = await freePort();
    const r = await runCrm(['serve', '--db', 'postgresql://127.0.0.1:1/x', '--listen', `127.0.0.1:${port}`],
        { timeoutMs: 30_000 });
    expectCleanFailure(r, 'serve --db postgresql://127.0.0.1:1/x');
    assert.ok(r.ms < 10_000, `fails within 10 s (took ${r.ms} ms)`);
    assert.match(r.stderr, /127\.0\.0\.1|connect|database|postgres/i, 'the message says what failed');
});

test('serve does not print the database password when it cannot connect', async () => {
    const port = await freePort();
    const r = await runCrm(['serve', '--db', 'postgresql://crm:Sup3rSecretPw@127.0.0.1:1/x',
        '--listen', `127.0.0.1:${port}`], { timeoutMs: 30_000 });
    expectCleanFailure(r, 'serve with a password in the URL');
    assert.ok(!output(r).includes('Sup3rSecretPw'), `the password is not printed:\n${output(r)}`);
});

test('serve on a port already in use fails with a clear message', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address();
    const db = await createDatabase();
    try {
        const r = await runCrm(['serve', '--db', db.db, '--listen', `127.0.0.1:${port}`], { timeoutMs: 20_000 });
        expectCleanFailure(r, 'serve on a busy port');
        assert.match(r.stderr, new RegExp(`${port}|in use|bind|listen`, 'i'), 'the message says the port is taken');
    } finally {
        blocker.close();
        await db.drop();
    }
});

test('serve with a malformed --listen fails with a clear message', async () => {
    const db = await createDatabase();
    try {
        for (const listen of ['127.0.0.1', '127.0.0.1:notaport', '127.0.0.1:70000']) {
            const r = await runCrm(['serve', '--db', db.db, '--listen', listen], { timeoutMs: 20_000 });
            expectCleanFailure(r, `--listen ${listen}`);
        }
    } finally {
        await db.drop();
    }
});

function hasSqlite3Cli() {
    try {
        execFileSync('sqlite3', ['-version'], { stdio: 'ignore' });
        return true;
    } catch {
        return false;
    }
}

/* What a second migration must not change: the schema text and the migration bookkeeping. */
function sqliteSnapshot(file) {
    const schema = execFileSync('sqlite3', [file, '.schema'], { encoding: 'utf8' });
    const tables = execFileSync('sqlite3', [file, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"],
        { encoding: 'utf8' });
    return { schema, tables };
}

test('migrate creates the SQLite schema and a second run is a no-op', async () => {
    const db = await createDatabase({ kind: 'sqlite' });
    try {
        const first = await runCrm(['migrate', '--db', db.db]);
        assert.equal(first.code, 0, `first migrate: ${describeRun(first)}`);
        assert.ok(existsSync(db.db), 'the database file exists');
        assert.ok(statSync(db.db).size > 0, 'the database file is not empty');
        let snap1;
        if (hasSqlite3Cli()) {
            snap1 = sqliteSnapshot(db.db);
            for (const table of ['companies', 'contacts']) {
                assert.match(snap1.tables, new RegExp(`^${table}$`, 'm'), `table ${table} exists`);
            }
        }
        const hash1 = createHash('sha256').update(readFileSync(db.db)).digest('hex');

        const second = await runCrm(['migrate', '--db', db.db]);
        assert.equal(second.code, 0, `second migrate: ${describeRun(second)}`);
        if (snap1) assert.deepEqual(sqliteSnapshot(db.db), snap1, 'the schema is unchanged');
        const hash2 = createHash('sha256').update(readFileSync(db.db)).digest('hex');
        assert.equal(hash2, hash1, 'the second migrate wrote nothing to the database file');

        const srv = await startServer({ database: db });
        try {
            expectStatus(await srv.api('GET', '/api/v1/companies'), 200, 'serve works on the migrated database');
        } finally {
            await srv.stop();
        }
    } finally {
        await db.drop();
    }
});

test('migrate creates the PostgreSQL schema and a second run is a no-op', { skip: !PG_URL && 'CRM_TEST_PG_URL is not set' },
    async () => {
        const db = await createDatabase();
        const psql = (sql) => execFileSync('psql', [db.db, '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
        const snapshot = () => psql(
            "SELECT table_name || ':' || column_name || ':' || data_type FROM information_schema.columns " +
            "WHERE table_schema = 'public' ORDER BY 1");
        try {
            const first = await runCrm(['migrate', '--db', db.db]);
            assert.equal(first.code, 0, `first migrate: ${describeRun(first)}`);
            const snap1 = snapshot();
            for (const table of ['companies', 'contacts']) {
                assert.match(snap1, new RegExp(`^${table}:`, 'm'), `table ${table} exists`);
            }
            const second = await runCrm(['migrate', '--db', db.db]);
            assert.equal(second.code, 0, `second migrate: ${describeRun(second)}`);
            assert.equal(snapshot(), snap1, 'the schema is unchanged');
        } finally {
            await db.drop();
        }
    });
