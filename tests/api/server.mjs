/*
 * Test harness for the black-box API tests: starts the real crm binary on a free loopback
 * port with a fresh database (SQLite in a temporary directory, or a new PostgreSQL database
 * when CRM_TEST_PG_URL is set), waits for /healthz, and stops it with SIGTERM, checking that
 * it exits 0 within 10 s (the graceful-shutdown check). Also holds the small helpers that
 * every test file shares: api(), problem checks, paging through a list.
 *
 * Every server comes with a signed-in administrator: the harness reads the one-time password
 * the first start prints, signs in, sets a new password (ADMIN_PASSWORD) and makes an API token
 * with every scope, which api() sends unless the headers name an Authorization of their own
 * (null: none at all). signIn() gives a cookie session for tests of the browser's way in.
 *
 * Environment: CRM_BIN (default build/crm from the repository root), CRM_TEST_PG_URL
 * (postgresql://user@host:port/db whose user may create databases; see scripts/pg-temp.sh).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CRM_BIN = path.resolve(REPO_ROOT, process.env.CRM_BIN ?? 'build/crm');
export const PG_URL = process.env.CRM_TEST_PG_URL || null;

const HEALTH_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;

const running = new Set();
process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
});

export function assertBinaryExists() {
    assert.ok(existsSync(CRM_BIN),
        `crm binary not found at ${CRM_BIN}: build it (meson setup build && meson compile -C build) ` +
        'or set CRM_BIN');
}

/* A port nobody listens on right now (the kernel picks it; it is closed again at once). */
export function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

export function randomName(prefix = '') {
    return prefix + randomBytes(6).toString('hex');
}

async function psql(url, sql) {
    try {
        await execFileP('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { timeout: 30_000 });
    } catch (e) {
        throw new Error(`psql failed for ${sql}: ${e.stderr || e.message}`);
    }
}

/*
 * A fresh, empty database: { db, kind, drop() }. db is what --db takes: a SQLite file path in a
 * new temporary directory, or the URL of a new PostgreSQL database when CRM_TEST_PG_URL is set
 * (unless kind is 'sqlite').
 */
export async function createDatabase({ kind } = {}) {
    if (PG_URL && kind !== 'sqlite') {
        const name = randomName('crm_test_');
        await psql(PG_URL, `CREATE DATABASE ${name}`);
        const url = new URL(PG_URL);
        url.pathname = `/${name}`;
        return {
            db: url.toString(),
            kind: 'postgresql',
            drop: () => psql(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        };
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'crm-api-test-'));
    return {
        db: path.join(dir, 'crm.db'),
        kind: 'sqlite',
        dir,
        drop: () => rm(dir, { recursive: true, force: true }),
    };
}

/*
 * The environment for crm: ours without CRM_* settings (the server reads CRM_DB, CRM_LISTEN,
 * CRM_STATIC_DIR, ...), so that only the flags a test passes take effect; plus extra.
 */
function crmEnv(extra) {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CRM_')) env[k] = v;
    return { ...env, ...extra };
}

/*
 * Runs `crm args...` to completion in a scratch working directory (relative defaults such as
 * web/dist find nothing there): { code, signal, stdout, stderr, ms }. input: text written to
 * its standard input (which is otherwise closed).
 */
export function runCrm(args, { timeoutMs = 30_000, env, input } = {}) {
    assertBinaryExists();
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(CRM_BIN, args, {
            env: crmEnv(env),
            cwd: tmpdir(),
            stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
        running.add(child);
        if (input !== undefined) {
            child.stdin.on('error', () => {}); /* a crm that exits without reading it */
            child.stdin.end(input);
        }
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        let finished = false;
        const finish = (code, signal) => {
            if (finished) return;
            finished = true;
            clearTimeout(timer);
            running.delete(child);
            child.stdout.destroy();
            child.stderr.destroy();
            resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
        };
        child.on('close', finish);
        /* Normally 'close' follows; a grandchild holding the pipes open must not hang the test. */
        child.on('exit', (code, signal) => setTimeout(() => finish(code, signal), 1000).unref());
    });
}

export const ADMIN_PASSWORD = 'correct horse battery staple';

/* The admin API token of each database the harness has started a server on. */
const adminTokens = new Map();

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/*
 * Sends one request. body: an object (sent as JSON), a string or Buffer (sent as is), or
 * undefined. A body gets Content-Type application/json unless headers name another.
 * Answers { status, headers, json, text } where json is the parsed body when it is JSON.
 */
export async function request(baseUrl, method, urlPath, body, headers = {}) {
    const h = {};
    for (const [k, v] of Object.entries(headers)) if (v !== null && v !== undefined) h[k] = v;
    let payload;
    if (body !== undefined) {
        const hasType = Object.keys(h).some((k) => k.toLowerCase() === 'content-type');
        if (!hasType) h['Content-Type'] = 'application/json';
        payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    }
    let res;
    try {
        res = await fetch(baseUrl + urlPath, {
            method,
            headers: h,
            body: payload,
            redirect: 'manual',
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
    } catch (e) {
        /* undici says only "fetch failed"; the cause tells a refused connection from a bad header. */
        const cause = e.cause ? `${e.cause.code ?? ''} ${e.cause.message ?? ''}`.trim() : '';
        throw new Error(`${method} ${urlPath}: ${e.message}${cause ? `: ${cause}` : ''}`, { cause: e });
    }
    const text = await res.text();
    let json = null;
    const type = res.headers.get('content-type') || '';
    if (/json/i.test(type) && text.length > 0) {
        try {
            json = JSON.parse(text);
        } catch (e) {
            throw new Error(`${method} ${urlPath}: ${res.status} with unparsable JSON body: ` +
                `${text.slice(0, 200)}`);
        }
    }
    return { status: res.status, headers: res.headers, json, text };
}

/*
 * Sends bytes exactly as given (no URL normalisation, any body size) with node:http.
 * A response that arrives while the body is still being written (an early 413) is kept.
 */
export function rawRequest(port, method, rawPath, body, headers = {}) {
    return new Promise((resolve, reject) => {
        let done = false;
        const req = http.request({ host: '127.0.0.1', port, method, path: rawPath, headers,
            timeout: REQUEST_TIMEOUT_MS });
        req.on('response', (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
                done = true;
                resolve({ status: res.statusCode, headers: res.headers,
                    text: Buffer.concat(chunks).toString('utf8') });
            });
            res.on('error', (e) => { if (!done) reject(e); });
        });
        req.on('timeout', () => req.destroy(new Error('request timed out')));
        req.on('error', (e) => {
            /* EPIPE/ECONNRESET after the server already answered is fine. */
            if (!done) setTimeout(() => { if (!done) reject(e); }, 200);
        });
        if (body !== undefined) req.write(body);
        req.end();
    });
}

/*
 * Starts `crm serve` on a fresh database, or on the given one (from createDatabase(), left for
 * the caller to drop). Options: staticDir, args (extra flags), env, database.
 * Answers a server: { url, port, db, api(), raw(), stop(), stderr() }.
 */
export async function startServer({ staticDir, args = [], env, database: given } = {}) {
    assertBinaryExists();
    const database = given
        ? { ...given, drop: async () => {} }
        : await createDatabase();
    const port = await freePort();
    const argv = ['serve', '--db', database.db, '--listen', `127.0.0.1:${port}`];
    if (staticDir) argv.push('--static-dir', staticDir);
    argv.push(...args);
    /* An empty working directory: the default --static-dir (web/dist) must find nothing. */
    const cwd = await mkdtemp(path.join(tmpdir(), 'crm-api-cwd-'));
    const child = spawn(CRM_BIN, argv, {
        env: crmEnv(env),
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    /* A server a failed test forgot to stop must not keep this process alive; exit kills it. */
    child.unref();
    child.stdout.unref();
    child.stderr.unref();
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d) => { stdout += d; });
    let exited = null;
    const exitPromise = new Promise((resolve) => {
        child.on('exit', (code, signal) => {
            exited = { code, signal };
            running.delete(child);
            resolve(exited);
        });
    });
    const url = `http://127.0.0.1:${port}`;

    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let lastError = '';
    for (;;) {
        if (exited) {
            await database.drop().catch(() => {});
            await rm(cwd, { recursive: true, force: true });
            throw new Error(`crm serve exited early (code ${exited.code}, signal ${exited.signal}); ` +
                `argv: ${argv.join(' ')}\nstderr:\n${stderr}`);
        }
        try {
            const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
            await res.text();
            if (res.status === 200) break;
            lastError = `status ${res.status}`;
        } catch (e) {
            lastError = e.cause?.code || e.message;
        }
        if (Date.now() > deadline) {
            child.kill('SIGKILL');
            const alive = setInterval(() => {}, 100); /* the child is unref'd: keep the loop awake */
            await exitPromise;
            clearInterval(alive);
            await database.drop().catch(() => {});
            await rm(cwd, { recursive: true, force: true });
            throw new Error(`crm serve did not answer GET /healthz with 200 within ` +
                `${HEALTH_TIMEOUT_MS} ms (last: ${lastError}); argv: ${argv.join(' ')}\n` +
                `stderr:\n${stderr}`);
        }
        await sleep(50);
    }

    /* Adds what the server process says to a failed request: did it die, and its last words. */
    const diagnose = (e) => {
        const state = exited ? `crm serve has exited (code ${exited.code}, signal ${exited.signal})` : 'crm serve is running';
        e.message += `\n${state}; last stderr:\n${stderr.slice(-2000)}`;
        return e;
    };

    let stopped = false;
    const server = {
        url,
        port,
        db: database.db,
        dbKind: database.kind,
        adminEmail: 'admin@example.com',
        adminToken: null,
        adminId: null,
        stderr: () => stderr,
        stdout: () => stdout,
        /*
         * Runs one SQL statement on the server's database behind its back, for what no request
         * can do (a date that has passed): python3's sqlite3 module or psql.
         */
        sql: (statement) => (database.kind === 'postgresql'
            ? psql(database.db, statement)
            : execFileP('python3', ['-c', 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], timeout=10)\n'
                + 'c.execute(sys.argv[2])\nc.commit()', database.db, statement], { timeout: 30_000 })),
        /* As the administrator's API token, unless headers name an Authorization (null: none). */
        api: (method, urlPath, body, headers = {}) => {
            const auth = 'Authorization' in headers ? {} : { Authorization: `Bearer ${server.adminToken}` };
            return request(url, method, urlPath, body, { ...auth, ...headers }).catch((e) => {
                throw diagnose(e);
            });
        },
        /* Without any credentials. */
        anon: (method, urlPath, body, headers = {}) => server.api(method, urlPath, body,
            { Authorization: null, ...headers }),
        /* Signs in with e-mail and password: a session { api(), cookie, csrf, user }. */
        signIn: (email, password) => signIn(url, email, password),
        /* As api(), the administrator's token unless headers name an Authorization (null: none). */
        raw: (method, rawPath, body, headers = {}) => {
            const h = 'Authorization' in headers ? {} : { Authorization: `Bearer ${server.adminToken}` };
            for (const [k, v] of Object.entries(headers)) if (v !== null && v !== undefined) h[k] = v;
            return rawRequest(port, method, rawPath, body, h);
        },
        /* SIGKILL at once, as a crash would; a database given to startServer is kept. */
        async kill() {
            if (stopped) return;
            stopped = true;
            child.kill('SIGKILL');
            const alive = setInterval(() => {}, 100); /* the child is unref'd: keep the loop awake */
            await exitPromise;
            clearInterval(alive);
            await database.drop().catch(() => {});
            await rm(cwd, { recursive: true, force: true });
        },
        /* SIGTERM, then the process must exit 0 within 10 s; the database is dropped after. */
        async stop() {
            if (stopped) return;
            stopped = true;
            try {
                if (!exited) child.kill('SIGTERM');
                let timer;
                const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS); });
                const result = await Promise.race([exitPromise, timeout]);
                clearTimeout(timer);
                if (!result) {
                    child.kill('SIGKILL');
                    await exitPromise;
                    assert.fail(`crm serve did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n` +
                        `stderr:\n${stderr.slice(-4000)}`);
                }
                assert.equal(result.code, 0, `crm serve should exit 0 on SIGTERM, got code ` +
                    `${result.code} signal ${result.signal}\nstderr:\n${stderr.slice(-4000)}`);
            } finally {
                await database.drop().catch(() => {});
                await rm(cwd, { recursive: true, force: true });
            }
        },
    };
    try {
        server.adminToken = adminTokens.get(database.db) ?? await adminTokenFor(server);
        adminTokens.set(database.db, server.adminToken);
        const me = await server.api('GET', '/api/v1/auth/me');
        assert.equal(me.status, 200, `GET /auth/me with the admin token: ${describeResponse(me)}`);
        server.adminId = me.json.user.id;
    } catch (e) {
        await server.stop().catch(() => {});
        throw diagnose(e);
    }
    current = server;
    return server;
}

/*
 * A cookie session from POST /auth/login: { api(method, path, body, headers), cookie, csrf,
 * user, login } where api() sends the cookie and, on changes, the CSRF token.
 */
export async function signIn(baseUrl, email, password) {
    const login = await request(baseUrl, 'POST', '/api/v1/auth/login', { email, password });
    if (login.status !== 200 || !login.json?.csrf_token) return { login, api: null };
    return sessionFrom(baseUrl, login);
}

/* The session a successful login (or /auth/totp) answer set up. */
export function sessionFrom(baseUrl, answer) {
    const setCookie = answer.headers.get('set-cookie') || '';
    const cookie = setCookie.split(';')[0];
    const session = {
        cookie,
        csrf: answer.json.csrf_token,
        user: answer.json.user,
        login: answer,
        api(method, urlPath, body, headers = {}) {
            const h = { Cookie: session.cookie, ...headers };
            if (method !== 'GET' && method !== 'HEAD' && !('X-CSRF-Token' in headers)) h['X-CSRF-Token'] = session.csrf;
            return request(baseUrl, method, urlPath, body, h);
        },
    };
    return session;
}

/* First start: sign in with the printed one-time password, replace it, make an admin token. */
async function adminTokenFor(server) {
    const deadline = Date.now() + 5000;
    let match;
    while (!(match = /First sign-in: (\S+), one-time password: (\S+)/.exec(server.stdout()))) {
        if (Date.now() > deadline) throw new Error(`no first sign-in line in the output:\n${server.stdout()}`);
        await sleep(20);
    }
    server.adminEmail = match[1];
    const first = await signIn(server.url, match[1], match[2]);
    assert.ok(first.api, `first sign-in failed: ${describeResponse(first.login)}`);
    const changed = await first.api('POST', '/api/v1/auth/password',
        { current_password: match[2], new_password: ADMIN_PASSWORD });
    assert.equal(changed.status, 200, `password change failed: ${describeResponse(changed)}`);
    const session = await signIn(server.url, match[1], ADMIN_PASSWORD);
    assert.ok(session.api, `sign-in with the new password failed: ${describeResponse(session.login)}`);
    const token = await session.api('POST', '/api/v1/tokens',
        { name: 'test harness', scopes: ['read', 'write', 'admin'] });
    assert.equal(token.status, 201, `token creation failed: ${describeResponse(token)}`);
    return token.json.token;
}

let current = null;

/*
 * Registers before/after hooks that start one server for the test file and stop it at the
 * end (the stop asserts the graceful exit). Answers a handle: .server is set once started;
 * .start() starts it (once) and answers it. Node 20 does not wait for one top-level before()
 * hook before the next, so other top-level hooks must go through start() rather than .server.
 */
export function useServer(options) {
    let starting = null;
    const handle = {
        server: null,
        start() {
            starting ??= startServer(options).then((srv) => {
                handle.server = srv;
                return srv;
            });
            return starting;
        },
    };
    before(() => handle.start());
    after(async () => {
        if (starting) await (await starting.catch(() => null))?.stop();
    });
    return handle;
}

/* api() against the most recently started server. */
export function api(method, urlPath, body, headers) {
    assert.ok(current, 'no server started: call useServer() or startServer() first');
    return current.api(method, urlPath, body, headers);
}

/* ---- assertions shared by the test files ---- */

export function describeResponse(res) {
    return `${res.status} ${res.text.length > 600 ? res.text.slice(0, 600) + '...' : res.text}`;
}

/* Asserts res has the given status, with a readable message. */
export function expectStatus(res, status, what = '') {
    const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
    assert.ok(ok, `${what ? what + ': ' : ''}expected status ${status}, got ${describeResponse(res)}`);
}

/*
 * Asserts an RFC 9457 problem with the status: content type application/problem+json and a
 * body with type, title and status (equal to the HTTP status). Answers the problem body.
 */
export function expectProblem(res, status, what = '') {
    expectStatus(res, status, what);
    const type = res.headers.get('content-type') || '';
    assert.match(type, /^application\/problem\+json\b/,
        `${what ? what + ': ' : ''}content type of a problem, got '${type}'`);
    const p = res.json;
    assert.ok(p && typeof p === 'object', `problem body is a JSON object: ${res.text}`);
    assert.equal(typeof p.type, 'string', `problem has a type: ${res.text}`);
    assert.ok(p.type.length > 0, 'problem type is not empty');
    assert.equal(typeof p.title, 'string', `problem has a title: ${res.text}`);
    assert.equal(p.status, res.status, `problem status equals the HTTP status: ${res.text}`);
    return p;
}

/* Asserts a 422 whose errors[] has an entry for field (a string, or a RegExp). */
export function expectFieldError(res, field, what = '') {
    const p = expectProblem(res, 422, what);
    assert.ok(Array.isArray(p.errors), `422 problem has errors[]: ${res.text}`);
    const hit = p.errors.find((e) => (field instanceof RegExp ? field.test(e.field) : e.field === field));
    assert.ok(hit, `${what ? what + ': ' : ''}expected a field error for ${field}, got ${res.text}`);
    assert.equal(typeof hit.message, 'string', 'field error has a message');
    assert.ok(hit.message.length > 0, 'field error message is not empty');
    return p;
}

export const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/* Asserts the fields every record carries. */
export function expectRecordBasics(rec) {
    assert.ok(Number.isInteger(rec.id) && rec.id > 0, `id is a positive integer: ${rec.id}`);
    assert.match(rec.created_at, ISO_UTC_MS, 'created_at is ISO 8601 UTC with milliseconds');
    assert.match(rec.updated_at, ISO_UTC_MS, 'updated_at is ISO 8601 UTC with milliseconds');
    assert.ok(Number.isInteger(rec.version) && rec.version >= 1, `version is an integer: ${rec.version}`);
    assert.ok('created_by' in rec, 'created_by is present');
    assert.ok('owner_id' in rec, 'owner_id is present');
    assert.ok('deleted_at' in rec, 'deleted_at is present');
}

/*
 * Follows next_cursor from query (a path with its query string) to the end; answers
 * { pages: [data arrays], items: [all records] }. Stops with a failure after maxPages.
 */
export async function listAll(srv, query, maxPages = 50) {
    const pages = [];
    let cursor = null;
    for (let i = 0; ; i++) {
        assert.ok(i < maxPages, `paging ${query} did not end after ${maxPages} pages`);
        const sep = query.includes('?') ? '&' : '?';
        const q = cursor === null ? query : `${query}${sep}cursor=${encodeURIComponent(cursor)}`;
        const res = await srv.api('GET', q);
        expectStatus(res, 200, `GET ${q}`);
        assert.ok(Array.isArray(res.json.data), 'list has data[]');
        assert.ok('next_cursor' in res.json, 'list has next_cursor');
        pages.push(res.json.data);
        cursor = res.json.next_cursor;
        if (cursor === null) break;
        assert.equal(typeof cursor, 'string', 'next_cursor is a string or null');
        assert.ok(cursor.length > 0, 'next_cursor is not empty');
    }
    return { pages, items: pages.flat() };
}

/* encodeURIComponent for query values, as a tagged helper: qs({filter: 'a = 1', limit: 5}). */
export function qs(params) {
    const parts = [];
    for (const [k, v] of Object.entries(params)) {
        if (v === undefined || v === null) continue;
        parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
    }
    return parts.length ? `?${parts.join('&')}` : '';
}

/* Total number of live records in a collection (count=true). */
export async function countOf(srv, collection, extra = '') {
    const res = await srv.api('GET', `/api/v1/${collection}?count=true&limit=1${extra}`);
    expectStatus(res, 200, `count ${collection}`);
    assert.ok(Number.isInteger(res.json.total), `count=true gives an integer total: ${res.text}`);
    return res.json.total;
}
