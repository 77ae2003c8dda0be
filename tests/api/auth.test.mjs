/*
 * Signing in and what guards it: the session cookie and its attributes, session fixation,
 * signing out, CSRF, GET routes that change nothing, throttling of wrong passwords, API tokens
 * (revocation, expiry, the read scope), password changes and disabled users ending access,
 * two-factor sign-in with TOTP and recovery codes, hostile input, bodies refused before any
 * credential is checked (and their security events), the security log (its entries, and no
 * secret in it), and the `crm user` command.
 *
 * The throttle counts failed sign-ins per client address too (20 are free in 15 minutes):
 * this file stays well below that, so its failures do not throttle each other. The server
 * trusts 127.0.0.1 as a proxy, so the tests of refused bodies send X-Forwarded-For with an
 * address of their own: their failures count apart, and their log entries are found by it.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import {
    ADMIN_PASSWORD, expectFieldError, expectProblem, expectStatus, qs, randomName, runCrm,
    sessionFrom, useServer,
} from './server.mjs';

const S = useServer({ args: ['--trusted-proxies', '127.0.0.1'] });
const api = async (...a) => (await S.start()).api(...a);

/* Every secret this file uses; none may appear in the security log (checked at the end). */
const secrets = new Set([ADMIN_PASSWORD]);
const keep = (s) => { if (typeof s === 'string' && s.length >= 6) secrets.add(s); return s; };

/* A user made by the admin with a known password: { ...user, email, password }. */
async function makeUser(role = 'sales_rep', prefix = 'auth') {
    const email = `${prefix}-${randomName()}@auth.example.com`;
    const password = keep(`pw ${randomName()} ${prefix}`);
    const res = await api('POST', '/api/v1/users', { email, name: `User ${prefix}`, role, password });
    expectStatus(res, 201, `create user ${email}`);
    assert.ok(!('password' in res.json), 'a given password is not answered back');
    return { ...res.json, email, password };
}

/* Signs in; fails the test unless it worked. Remembers the session's secrets. */
async function signIn(email, password) {
    const srv = await S.start();
    const s = await srv.signIn(email, password);
    assert.ok(s.api, `sign-in of ${email}: ${s.login.status} ${s.login.text}`);
    keep(cookieValue(s.cookie));
    keep(s.csrf);
    return s;
}

const login = async (body, headers = {}) =>
    (await S.start()).anon('POST', '/api/v1/auth/login', body, headers);

/* "crm_session=abc" or a whole Set-Cookie header → "abc". */
function cookieValue(cookie) {
    const m = /^\s*crm_session=([^;]*)/.exec(cookie || '');
    return m ? m[1] : null;
}

/* The session cookies an answer sets, in order (each a whole Set-Cookie line). */
const sessionCookies = (res) => res.headers.getSetCookie().filter((c) => /^\s*crm_session=/.test(c));

/* The session cookie a browser keeps after an answer (the last one set wins); null: none or cleared. */
const setCookieValue = (res) => cookieValue(sessionCookies(res).at(-1)) || null;

/* A request with only the given cookie value (no token). */
const withCookie = async (value, method, path, body, headers = {}) =>
    (await S.start()).anon(method, path, body, { Cookie: `crm_session=${value}`, ...headers });

/* A value shaped like a real session cookie that the server never made. */
const forgedCookie = () => randomBytes(32).toString('base64url');

/* How many live contacts match a filter, as the admin. */
async function contactCount(filter) {
    const res = await api('GET', `/api/v1/contacts${qs({ filter, count: 'true', limit: 1 })}`);
    expectStatus(res, 200);
    return res.json.total;
}

/* ---- TOTP (RFC 6238, HMAC-SHA1, 30 s, 6 digits) ---- */

function base32Decode(text) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = 0;
    let value = 0;
    const out = [];
    for (const c of text.replace(/=+$/, '').toUpperCase()) {
        const i = alphabet.indexOf(c);
        assert.ok(i >= 0, `base32 character ${c} in ${text}`);
        value = ((value << 5) | i) & 0xffff;
        bits += 5;
        if (bits >= 8) {
            out.push((value >>> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return Buffer.from(out);
}

function totpCode(secret, step, digits = 6) {
    const msg = Buffer.alloc(8);
    msg.writeBigUInt64BE(BigInt(step));
    const h = createHmac('sha1', base32Decode(secret)).update(msg).digest();
    const off = h[h.length - 1] & 0x0f;
    const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
    return String(bin % 10 ** digits).padStart(digits, '0');
}

const stepNow = () => Math.floor(Date.now() / 1000 / 30);

/* A six-digit code that is not the right one for the steps around now. */
function wrongCode(secret) {
    const now = stepNow();
    const right = [-2, -1, 0, 1, 2].map((d) => totpCode(secret, now + d));
    return ['000000', '123456', '999999'].find((c) => !right.includes(c));
}

test("the test's own TOTP helper gives the RFC 6238 test vector", () => {
    /* Secret "12345678901234567890", T = 59 s: 94287082 (8 digits). */
    assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1, 8), '94287082');
    assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082');
});

describe('signing in and out', () => {
    let user;
    before(async () => {
        user = await makeUser();
    });

    test("signing in keeps the user's version: an administrator's edit in progress stays valid", async () => {
        const before = await api('GET', `/api/v1/users/${user.id}`);
        expectStatus(before, 200);
        await signIn(user.email, user.password);
        const after = await api('GET', `/api/v1/users/${user.id}`);
        assert.equal(after.json.version, before.json.version);
        assert.ok(after.json.last_sign_in_at, 'the sign-in is recorded');
        const edit = await api('PATCH', `/api/v1/users/${user.id}`, { name: 'Renamed' }, { 'If-Match': `"${before.json.version}"` });
        expectStatus(edit, 200);
        assert.equal(edit.json.version, before.json.version + 1);
    });

    test('signing in answers the user and a CSRF token and sets an HttpOnly, SameSite=Lax cookie for /',
        async () => {
        const res = await login({ email: user.email, password: user.password });
        expectStatus(res, 200);
        assert.equal(res.json.user.email, user.email);
        assert.equal(res.json.user.id, user.id);
        for (const k of ['password', 'password_hash', 'totp_secret']) assert.ok(!(k in res.json.user), `no ${k}`);
        assert.equal(typeof res.json.csrf_token, 'string');
        assert.ok(res.json.csrf_token.length >= 16, 'the CSRF token is long enough to be unguessable');
        assert.equal(sessionCookies(res).length, 1, 'one session cookie');
        const setCookie = sessionCookies(res)[0];
        const value = keep(cookieValue(setCookie));
        keep(res.json.csrf_token);
        assert.ok(value && value.length >= 20, `a session cookie: ${setCookie}`);
        const attrs = setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
        assert.ok(attrs.includes('httponly'), `HttpOnly in ${setCookie}`);
        assert.ok(attrs.includes('samesite=lax'), `SameSite=Lax in ${setCookie}`);
        assert.ok(attrs.includes('path=/'), `Path=/ in ${setCookie}`);
        assert.ok(!/(^|;)\s*domain=/i.test(setCookie), 'no Domain: the cookie stays with this host');

        const me = await withCookie(value, 'GET', '/api/v1/auth/me');
        expectStatus(me, 200);
        assert.equal(me.json.user.id, user.id);
        assert.equal(me.json.csrf_token, res.json.csrf_token, '/auth/me gives the same CSRF token');
        assert.equal(me.json.is_admin, false);
        assert.equal(me.json.permissions.contacts.read, 'own');
        assert.equal(me.json.permissions.companies.read, 'team');
    });

    test('a wrong password and an unknown e-mail get the same 401 answer and no cookie', async () => {
        const wrong = await login({ email: user.email, password: keep('not the password at all') });
        const unknown = await login({ email: `nobody-${randomName()}@auth.example.com`, password: user.password });
        expectProblem(wrong, 401);
        expectProblem(unknown, 401);
        assert.equal(unknown.text, wrong.text, 'the same body for both');
        assert.equal(setCookieValue(wrong), null, 'no session cookie');
        assert.equal(setCookieValue(unknown), null, 'no session cookie');
    });

    test('signing out answers 204, clears the cookie, and the old cookie is refused afterwards', async () => {
        const s = await signIn(user.email, user.password);
        expectStatus(await s.api('GET', '/api/v1/auth/me'), 200, 'signed in');
        const out = await s.api('POST', '/api/v1/auth/logout');
        expectStatus(out, 204);
        assert.equal(sessionCookies(out).length, 1, 'one session cookie');
        const cleared = sessionCookies(out)[0];
        assert.match(cleared, /^crm_session=;/, `the cookie is cleared: ${cleared}`);
        assert.match(cleared, /max-age=0|expires=thu, 01 jan 1970/i, `the cookie expires at once: ${cleared}`);
        expectProblem(await s.api('GET', '/api/v1/auth/me'), 401, 'the old cookie after sign-out');
        const w = randomName('replay');
        expectProblem(await s.api('POST', '/api/v1/contacts', { first_name: w }), 401,
            'a change with the old cookie');
        assert.equal(await contactCount(`first_name = "${w}"`), 0);
    });

    test('a session cookie planted before signing in is replaced, and the planted value is refused after',
        async () => {
        const planted = keep(forgedCookie());
        const res = await login({ email: user.email, password: user.password }, { Cookie: `crm_session=${planted}` });
        expectStatus(res, 200);
        const fresh = keep(setCookieValue(res));
        keep(res.json.csrf_token);
        assert.ok(fresh, 'a new cookie is set');
        assert.notEqual(fresh, planted, 'the session is not the planted one');
        expectProblem(await withCookie(planted, 'GET', '/api/v1/auth/me'), 401, 'the planted value');
        expectStatus(await withCookie(fresh, 'GET', '/api/v1/auth/me'), 200, 'the new cookie');
    });

    test('a sign-in over a planted cookie sets the session cookie once, not cleared and set again', async () => {
        /* RFC 6265 4.1.1: no two Set-Cookie lines for one cookie name in an answer. */
        const res = await login({ email: user.email, password: user.password },
            { Cookie: `crm_session=${keep(forgedCookie())}` });
        expectStatus(res, 200);
        keep(setCookieValue(res));
        keep(res.json.csrf_token);
        const names = sessionCookies(res).map((c) => c.split(';')[0].replace(/=.+/, '=<new>'));
        assert.deepEqual(names, ['crm_session=<new>'], `Set-Cookie lines: ${JSON.stringify(sessionCookies(res))}`);
    });

    test('signing in again over a live session gives a new session and ends the old one', async () => {
        const first = await signIn(user.email, user.password);
        const old = cookieValue(first.cookie);
        const res = await login({ email: user.email, password: user.password }, { Cookie: first.cookie });
        expectStatus(res, 200);
        const fresh = keep(setCookieValue(res));
        keep(res.json.csrf_token);
        assert.ok(fresh && fresh !== old, 'a new cookie value');
        assert.notEqual(res.json.csrf_token, first.csrf, 'a new CSRF token');
        expectProblem(await withCookie(old, 'GET', '/api/v1/auth/me'), 401, 'the session from before');
        expectStatus(await withCookie(fresh, 'GET', '/api/v1/auth/me'), 200, 'the new session');
    });
});

describe('CSRF protection of cookie sessions', () => {
    let s;
    before(async () => {
        const user = await makeUser('manager', 'csrf');
        s = await signIn(user.email, user.password);
    });

    async function refused(headers, what) {
        const w = randomName('csrf');
        const res = await s.api('POST', '/api/v1/contacts', { first_name: w }, headers);
        expectProblem(res, 403, what);
        assert.equal(await contactCount(`first_name = "${w}"`), 0, `${what}: nothing created`);
    }

    test('a change without X-CSRF-Token gets 403 and creates nothing', async () => {
        await refused({ 'X-CSRF-Token': null }, 'no token');
    });

    test('a change with a wrong X-CSRF-Token gets 403 and creates nothing', async () => {
        await refused({ 'X-CSRF-Token': 'x'.repeat(s.csrf.length) }, 'wrong token');
        await refused({ 'X-CSRF-Token': s.csrf.slice(0, -1) }, 'a shortened token');
        await refused({ 'X-CSRF-Token': cookieValue(s.cookie) }, 'the cookie value as the token');
    });

    test("a change with another site's Origin gets 403 even with the right token", async () => {
        await refused({ Origin: 'https://evil.example' }, 'cross-site Origin');
        await refused({ Origin: 'null' }, 'an opaque Origin');
    });

    test('a change marked Sec-Fetch-Site: cross-site gets 403 even with the right token', async () => {
        await refused({ 'Sec-Fetch-Site': 'cross-site' }, 'cross-site fetch');
    });

    test('a cookie delete and update are held to the same rule', async () => {
        const rec = (await api('POST', '/api/v1/contacts', { first_name: randomName('csrfkeep') })).json;
        expectProblem(await s.api('PATCH', `/api/v1/contacts/${rec.id}`, { position: 'x' },
            { 'X-CSRF-Token': null }), 403);
        expectProblem(await s.api('DELETE', `/api/v1/contacts/${rec.id}`, undefined, { 'X-CSRF-Token': null }), 403);
        const after = await api('GET', `/api/v1/contacts/${rec.id}`);
        expectStatus(after, 200, 'still live');
        assert.equal(after.json.version, rec.version);
    });

    test('the right token from the same site is accepted', async () => {
        const srv = await S.start();
        const w = randomName('csrfok');
        const res = await s.api('POST', '/api/v1/contacts', { first_name: w },
            { Origin: srv.url, 'Sec-Fetch-Site': 'same-origin' });
        expectStatus(res, 201);
        assert.equal(await contactCount(`first_name = "${w}"`), 1);
    });

    test('reading with the cookie needs no CSRF token', async () => {
        expectStatus(await s.api('GET', '/api/v1/contacts', undefined, { 'X-CSRF-Token': null }), 200);
    });

    test('bearer requests need no CSRF token', async () => {
        const w = randomName('bearer');
        const res = await api('POST', '/api/v1/contacts', { first_name: w });
        expectStatus(res, 201);
        assert.equal(await contactCount(`first_name = "${w}"`), 1);
    });
});

describe('GET requests', () => {
    test('no GET route of the OpenAPI document changes records, users, teams, roles, tokens, fields or the '
        + 'security log', async () => {
        const srv = await S.start();
        const doc = await api('GET', '/api/v1/openapi.json');
        expectStatus(doc, 200);
        let base = '';
        const serverUrl = doc.json?.servers?.[0]?.url;
        if (typeof serverUrl === 'string') base = new URL(serverUrl, 'http://x').pathname.replace(/\/$/, '');
        const gets = Object.entries(doc.json.paths)
            .filter(([, item]) => item.get)
            .map(([p]) => (base && !p.startsWith(`${base}/`) && p !== '/healthz' ? base + p : p));
        assert.ok(gets.length >= 10, `GET routes: ${gets.join(' ')}`);

        /* Something to read in every collection. */
        const company = (await api('POST', '/api/v1/companies', { name: randomName('Get Co ') })).json;
        const contact = (await api('POST', '/api/v1/contacts',
            { first_name: randomName('get'), company_ids: [company.id] })).json;
        expectStatus(await api('PATCH', `/api/v1/contacts/${contact.id}`, { position: 'Reader' }), 200);
        const field = await api('POST', '/api/v1/fields', {
            entity: 'contacts', name: `get_${randomBytes(3).toString('hex')}`, label: 'Get', type: 'text',
            required: false,
        });
        expectStatus(field, 201);
        const team = await api('POST', '/api/v1/teams', { name: randomName('Get team ') });
        expectStatus(team, 201);
        const me = (await api('GET', '/api/v1/auth/me')).json.user;
        const roles = (await api('GET', '/api/v1/roles')).json.data;
        const ids = {
            companies: company.id, contacts: contact.id, fields: field.json.id, teams: team.json.id,
            users: me.id, roles: roles[0].id,
        };
        const session = await signIn(srv.adminEmail, ADMIN_PASSWORD);

        const paged = async (path) => {
            const res = await api('GET', path);
            expectStatus(res, 200, path);
            return res.json.data;
        };
        const state = async () => ({
            companies: await paged('/api/v1/companies?limit=500'),
            companiesTrash: await paged('/api/v1/companies?limit=500&trash=true'),
            contacts: await paged('/api/v1/contacts?limit=500'),
            contactsTrash: await paged('/api/v1/contacts?limit=500&trash=true'),
            users: await paged('/api/v1/users?limit=200'),
            teams: await paged('/api/v1/teams'),
            roles: await paged('/api/v1/roles'),
            fields: await paged('/api/v1/fields'),
            tokens: (await paged('/api/v1/tokens')).map(({ last_used_at, ...t }) => t),
            history: (await paged(`/api/v1/audit${qs({ entity: 'contacts', id: contact.id })}`))
                .filter((e) => e.action !== 'gdpr_export'),
            /* Reading may be logged (an export); a change of state may not. */
            security: (await paged('/api/v1/audit/security?limit=100'))
                .filter((e) => e.action !== 'export' && e.action !== 'gdpr_export'),
        });
        const before = await state();
        assert.ok(before.security.length > 0, 'the security log has entries to compare');

        const answered = [];
        for (const route of gets) {
            let path = route.replace(/\{[^}]+\}/g, () => {
                const collection = route.split('/').filter(Boolean).find((seg) => seg in ids);
                return String(ids[collection] ?? 1);
            });
            if (path === '/api/v1/audit') path += qs({ entity: 'contacts', id: contact.id });
            for (const [who, call] of [['token', srv.api], ['cookie', session.api]]) {
                const res = await call('GET', path);
                assert.ok(res.status < 500 && res.status !== 405,
                    `GET ${path} as ${who}: ${res.status} ${res.text.slice(0, 200)}`);
                answered.push(`${path} ${who} ${res.status}`);
                /* A calendar feed needs its secret token: 404 without one. */
                if (/\/(companies|contacts|users|teams|roles|fields|tokens|audit|auth\/me)/.test(path)
                    && !path.endsWith('/ical')) {
                    expectStatus(res, 200, `GET ${path} as ${who}`);
                }
            }
        }
        const after = await state();
        for (const key of Object.keys(before)) {
            assert.deepEqual(after[key], before[key], `${key} unchanged after ${answered.length} GETs`);
        }
    });
});

describe('sign-in throttling', () => {
    test('after five wrong passwords the next sign-ins answer 429 with Retry-After, even with the right password',
        async () => {
        const user = await makeUser('sales_rep', 'throttle');
        for (let i = 0; i < 5; i++) {
            const wrong = keep(`wrong password ${i} ${randomName()}`);
            expectProblem(await login({ email: user.email, password: wrong }), 401, `wrong password ${i + 1}`);
        }
        for (let i = 0; i < 2; i++) {
            const res = await login({ email: user.email, password: user.password });
            expectProblem(res, 429, `the right password after five wrong ones (${i + 1})`);
            const retry = res.headers.get('retry-after');
            assert.match(retry || '', /^\d+$/, `Retry-After in seconds: ${retry}`);
            assert.ok(Number(retry) >= 1, 'a wait of at least a second');
            assert.equal(setCookieValue(res), null, 'no session');
        }
        /* The same account in other letter cases is the same account. */
        expectProblem(await login({ email: user.email.toUpperCase(), password: user.password }), 429,
            'upper-case e-mail');
        const log = await api('GET', `/api/v1/audit/security${qs({ action: 'sign_in_throttled', limit: 100 })}`);
        expectStatus(log, 200);
        assert.ok(log.json.data.some((e) => JSON.stringify(e).includes(user.email)),
            'a sign_in_throttled entry names the account');
    });

    test('the throttling of one account does not stop another from signing in', async () => {
        const other = await makeUser('sales_rep', 'unthrottled');
        await signIn(other.email, other.password);
    });
});

describe('API tokens', () => {
    test('a revoked token is refused with 401 from the next request on', async () => {
        const made = await api('POST', '/api/v1/tokens', { name: 'to revoke', scopes: ['read', 'write'] });
        expectStatus(made, 201);
        const secret = keep(made.json.token);
        assert.match(secret, /^crm_/);
        const use = (m, p, b) => api(m, p, b, { Authorization: `Bearer ${secret}` });
        expectStatus(await use('GET', '/api/v1/auth/me'), 200, 'before revoking');
        expectStatus(await api('DELETE', `/api/v1/tokens/${made.json.id}`), 204);
        expectProblem(await use('GET', '/api/v1/auth/me'), 401, 'after revoking');
        const w = randomName('revoked');
        expectProblem(await use('POST', '/api/v1/contacts', { first_name: w }), 401);
        assert.equal(await contactCount(`first_name = "${w}"`), 0);
        const listed = (await api('GET', '/api/v1/tokens')).json.data.find((t) => t.id === made.json.id);
        assert.ok(listed, 'a revoked token is still listed');
        assert.notEqual(listed.revoked_at, null, 'with revoked_at');
    });

    test('the secret of a token is answered once and never listed', async () => {
        const made = await api('POST', '/api/v1/tokens', { name: 'listed', scopes: ['read'] });
        expectStatus(made, 201);
        const secret = keep(made.json.token);
        assert.equal(made.json.prefix, secret.slice(0, 8));
        const list = await api('GET', '/api/v1/tokens');
        expectStatus(list, 200);
        assert.ok(!list.text.includes(secret), 'the secret is not in the list');
        const mine = list.json.data.find((t) => t.id === made.json.id);
        assert.ok(mine && !('token' in mine), 'no token key in the list');
        assert.deepEqual(mine.scopes, ['read']);
    });

    test('a token cannot expire in the past (422), and one expiring later works', async () => {
        const make = (expiresAt) => api('POST', '/api/v1/tokens',
            { name: 'expiring', scopes: ['read'], expires_at: expiresAt });
        expectFieldError(await make('2000-01-01T00:00:00Z'), 'expires_at');
        const yesterday = new Date(Date.now() - 86_400_000).toISOString();
        expectFieldError(await make(yesterday), 'expires_at');
        const later = new Date(Date.now() + 86_400_000).toISOString();
        const ok = await make(later);
        expectStatus(ok, 201);
        keep(ok.json.token);
        assert.notEqual(ok.json.expires_at, null);
        expectStatus(await api('GET', '/api/v1/auth/me', undefined, { Authorization: `Bearer ${ok.json.token}` }),
            200);
    });

    test('a token with only the read scope may read but gets 403 for any change', async () => {
        const made = await api('POST', '/api/v1/tokens', { name: 'reader', scopes: ['read'] });
        expectStatus(made, 201);
        const auth = { Authorization: `Bearer ${keep(made.json.token)}` };
        const rec = (await api('POST', '/api/v1/contacts', { first_name: randomName('readtok') })).json;
        expectStatus(await api('GET', `/api/v1/contacts/${rec.id}`, undefined, auth), 200);
        const w = randomName('readtok');
        expectProblem(await api('POST', '/api/v1/contacts', { first_name: w }, auth), 403);
        assert.equal(await contactCount(`first_name = "${w}"`), 0, 'nothing created');
        expectProblem(await api('PATCH', `/api/v1/contacts/${rec.id}`, { position: 'x' }, auth), 403);
        expectProblem(await api('DELETE', `/api/v1/contacts/${rec.id}`, undefined, auth), 403);
        const after = await api('GET', `/api/v1/contacts/${rec.id}`);
        expectStatus(after, 200);
        assert.equal(after.json.version, rec.version, 'the record is unchanged');
        expectProblem(await api('POST', '/api/v1/tokens', { name: 'more', scopes: ['read'] }, auth), 403,
            'nor make tokens');
    });
});

describe("changing one's password", () => {
    test('ends every other session and API token of the user, and keeps the browser that changed it signed in',
        async () => {
        const srv = await S.start();
        const user = await makeUser('sales_rep', 'pwchange');
        const s1 = await signIn(user.email, user.password);
        const s2 = await signIn(user.email, user.password);
        const tok = await s1.api('POST', '/api/v1/tokens', { name: 'before change', scopes: ['read', 'write'] });
        expectStatus(tok, 201);
        const bearer = { Authorization: `Bearer ${keep(tok.json.token)}` };
        expectStatus(await api('GET', '/api/v1/auth/me', undefined, bearer), 200, 'the token works before');
        expectStatus(await s2.api('GET', '/api/v1/auth/me'), 200, 'the other session works before');

        const fresh = keep(`new pw ${randomName()}`);
        const res = await s1.api('POST', '/api/v1/auth/password',
            { current_password: user.password, new_password: fresh });
        expectStatus(res, 200);
        assert.equal(typeof res.json.csrf_token, 'string');
        const renewed = sessionFrom(srv.url, res);
        keep(cookieValue(renewed.cookie));
        keep(renewed.csrf);
        assert.ok(cookieValue(renewed.cookie), 'a new cookie for the browser that changed it');
        assert.notEqual(renewed.cookie, s1.cookie, 'a new session, not the old one');

        expectProblem(await s2.api('GET', '/api/v1/auth/me'), 401, 'the other session');
        expectProblem(await api('GET', '/api/v1/auth/me', undefined, bearer), 401, 'the token');
        expectProblem(await s1.api('GET', '/api/v1/auth/me'), 401, 'the old cookie of the changing browser');
        expectStatus(await renewed.api('GET', '/api/v1/auth/me'), 200, 'the new cookie');
        const w = randomName('renewed');
        expectStatus(await renewed.api('POST', '/api/v1/contacts', { first_name: w }), 201,
            'with the new CSRF token');

        await signIn(user.email, fresh);
        expectProblem(await login({ email: user.email, password: user.password }), 401, 'the old password');
    });

    test('a new password shorter than 10 bytes is a 422 and the old one stays', async () => {
        const user = await makeUser('sales_rep', 'pwshort');
        const s = await signIn(user.email, user.password);
        expectFieldError(await s.api('POST', '/api/v1/auth/password',
            { current_password: user.password, new_password: 'short' }), 'new_password');
        expectStatus(await s.api('GET', '/api/v1/auth/me'), 200, 'the session goes on');
    });
});

describe('a disabled user', () => {
    test('loses their session and tokens at once (401) and cannot sign in', async () => {
        const user = await makeUser('sales_rep', 'disabled');
        const s = await signIn(user.email, user.password);
        const tok = await s.api('POST', '/api/v1/tokens', { name: 'soon dead', scopes: ['read', 'write'] });
        expectStatus(tok, 201);
        const bearer = { Authorization: `Bearer ${keep(tok.json.token)}` };
        expectStatus(await api('GET', '/api/v1/auth/me', undefined, bearer), 200, 'the token works before');
        const off = await api('PATCH', `/api/v1/users/${user.id}`, { disabled: true });
        expectStatus(off, 200);
        assert.equal(off.json.disabled, true);
        expectProblem(await s.api('GET', '/api/v1/auth/me'), 401, 'the session');
        expectProblem(await api('GET', '/api/v1/auth/me', undefined, bearer), 401, 'the token');
        const w = randomName('disabled');
        expectProblem(await api('POST', '/api/v1/contacts', { first_name: w }, bearer), 401);
        assert.equal(await contactCount(`first_name = "${w}"`), 0);
        expectProblem(await login({ email: user.email, password: user.password }), 401, 'signing in');
        /* Enabled again, they sign in anew; the old token stays dead. */
        const on = await api('PATCH', `/api/v1/users/${user.id}`, { disabled: false });
        expectStatus(on, 200);
        expectProblem(await api('GET', '/api/v1/auth/me', undefined, bearer), 401, 'the token after enabling');
        await signIn(user.email, user.password);
    });
});

describe('two-factor sign-in', () => {
    let user;
    let secret;
    let recovery;
    let lastStep;

    /* A code for a step the server has not accepted yet (it refuses a replayed step). */
    const nextCode = () => {
        const step = Math.max(stepNow(), lastStep + 1);
        lastStep = step;
        return totpCode(secret, step);
    };
    const password = () => login({ email: user.email, password: user.password });

    test('is set up with a base32 secret and an otpauth URL, and turned on with a code from it', async () => {
        user = await makeUser('sales_rep', 'totp');
        const s = await signIn(user.email, user.password);
        const setup = await s.api('POST', '/api/v1/auth/totp/setup');
        expectStatus(setup, 200);
        secret = keep(setup.json.secret);
        assert.match(secret, /^[A-Z2-7]{16,}=*$/);
        const url = new URL(setup.json.otpauth_url);
        assert.equal(url.protocol, 'otpauth:');
        assert.equal(url.searchParams.get('secret'), secret);
        assert.equal(url.searchParams.get('issuer'), 'CRM');
        assert.ok(decodeURIComponent(setup.json.otpauth_url).includes(`CRM:${user.email}`), setup.json.otpauth_url);

        const wrong = wrongCode(secret);
        expectFieldError(await s.api('POST', '/api/v1/auth/totp/enable', { code: wrong }), 'code');
        assert.equal((await s.api('GET', '/api/v1/auth/me')).json.user.totp_enabled, false, 'still off');

        lastStep = stepNow() - 2;
        const on = await s.api('POST', '/api/v1/auth/totp/enable', { code: nextCode() });
        expectStatus(on, 200);
        recovery = on.json.recovery_codes;
        assert.equal(recovery.length, 10);
        for (const c of recovery) assert.match(c, /^[a-z0-9]{4}-[a-z0-9]{4}$/);
        assert.equal(new Set(recovery).size, 10, 'ten different codes');
        recovery.forEach(keep);
        const me = await s.api('GET', '/api/v1/auth/me');
        assert.equal(me.json.user.totp_enabled, true);
        assert.ok(!me.text.includes(secret), 'the secret is not shown again');
    });

    test('the password alone then answers totp_required without a session, and the code signs in', async () => {
        const first = await password();
        expectStatus(first, 200);
        assert.equal(first.json.totp_required, true);
        const challenge = keep(first.json.challenge);
        assert.equal(typeof challenge, 'string');
        assert.ok(!('csrf_token' in first.json) && !('user' in first.json), `no session: ${first.text}`);
        assert.equal(setCookieValue(first), null, 'no cookie');

        const srv = await S.start();
        const done = await srv.anon('POST', '/api/v1/auth/totp', { challenge, code: nextCode() });
        expectStatus(done, 200);
        assert.equal(done.json.user.id, user.id);
        const s = sessionFrom(srv.url, done);
        keep(cookieValue(s.cookie));
        keep(s.csrf);
        expectStatus(await s.api('GET', '/api/v1/auth/me'), 200, 'signed in');
        expectProblem(await srv.anon('POST', '/api/v1/auth/totp', { challenge, code: nextCode() }), 401,
            'a used challenge');
    });

    test('a recovery code signs in once', async () => {
        const srv = await S.start();
        const first = await password();
        expectStatus(first, 200);
        const done = await srv.anon('POST', '/api/v1/auth/totp',
            { challenge: keep(first.json.challenge), code: recovery[0] });
        expectStatus(done, 200);
        assert.ok(setCookieValue(done), 'a session');
        keep(setCookieValue(done));
        keep(done.json.csrf_token);
        const again = await password();
        expectStatus(again, 200);
        const reused = await srv.anon('POST', '/api/v1/auth/totp',
            { challenge: keep(again.json.challenge), code: recovery[0] });
        expectProblem(reused, 401, 'the same recovery code again');
        assert.equal(setCookieValue(reused), null);
        const log = await api('GET',
            `/api/v1/audit/security${qs({ action: 'recovery_code_used', user_id: user.id })}`);
        expectStatus(log, 200);
        assert.equal(log.json.data.length, 1, 'one recovery_code_used entry');
    });

    test('a wrong code is 401 and signs nobody in', async () => {
        const srv = await S.start();
        const first = await password();
        expectStatus(first, 200);
        const wrong = wrongCode(secret);
        const res = await srv.anon('POST', '/api/v1/auth/totp',
            { challenge: keep(first.json.challenge), code: wrong });
        expectProblem(res, 401);
        assert.equal(setCookieValue(res), null, 'no cookie');
        expectProblem(await withCookie(first.json.challenge, 'GET', '/api/v1/auth/me'), 401,
            'the challenge is not a session');
    });
});

describe('hostile input', () => {
    test('a password of 1 MB is a 422 on password', async () => {
        const user = await makeUser('sales_rep', 'huge');
        const huge = 'p'.repeat(1_000_000);
        keep(huge.slice(0, 64));
        const res = await login({ email: user.email, password: huge });
        expectFieldError(res, 'password');
        const forCreate = await api('POST', '/api/v1/users',
            { email: `huge-${randomName()}@auth.example.com`, name: 'Huge', role: 'sales_rep', password: huge });
        expectFieldError(forCreate, 'password');
    });

    test('a NUL character in JSON is refused with 400 or 422 and changes nothing', async () => {
        const nul = await login('{"email":"a\\u0000b@auth.example.com","password":"pass\\u0000word12"}');
        assert.ok([400, 422].includes(nul.status), `login: ${nul.status} ${nul.text}`);
        expectProblem(nul, nul.status);
        const w = randomName('nul');
        const rec = await api('POST', '/api/v1/contacts', `{"first_name":"${w}\\u0000x"}`);
        assert.ok([400, 422].includes(rec.status), `contact: ${rec.status} ${rec.text}`);
        assert.equal(await contactCount(`first_name = "${w}"`), 0);
    });

    test('a malformed Authorization header is 401', async () => {
        const srv = await S.start();
        const values = ['Bearer', 'Bearer ', 'Bearer not a token!', `Bearer crm_${randomName()}`,
            `Bearer ${srv.adminToken}x`, 'Basic YWRtaW46cGFzcw==', `bearer${srv.adminToken}`,
            `Bearer ${'A'.repeat(5000)}`];
        for (const value of values) {
            const res = await srv.anon('GET', '/api/v1/contacts', undefined, { Authorization: value });
            expectProblem(res, 401, `Authorization: ${value.slice(0, 40)}`);
        }
    });

    test('a forged session cookie is 401', async () => {
        const values = [forgedCookie(), 'x', '../../etc/passwd', 'A'.repeat(5000),
            `${forgedCookie()}; crm_session=${forgedCookie()}`];
        for (const value of values) {
            const res = await withCookie(value, 'GET', '/api/v1/auth/me');
            expectProblem(res, 401, `cookie ${value.slice(0, 40)}`);
        }
    });
});

describe('a body refused before any credential is checked', () => {
    /* A client address of its own for each test (TEST-NET-3), sent as X-Forwarded-For. */
    let clients = 0;
    const newClient = () => `203.0.113.${(clients += 1)}`;
    const loginFrom = (client, body, headers = {}) => login(body, { 'X-Forwarded-For': client, ...headers });

    /* The security log entries of one action made for one client address, newest first. */
    async function eventsOf(action, client) {
        const res = await api('GET', `/api/v1/audit/security${qs({ action, limit: 100 })}`);
        expectStatus(res, 200, `security log ${action}`);
        return res.json.data.filter((e) => e.client === client);
    }

    /* Exactly one sign_in_rejected entry for client, naming problem (and field); no secret in it. */
    async function expectRejected(client, problem, field, secret) {
        const events = await eventsOf('sign_in_rejected', client);
        assert.equal(events.length, 1, `one sign_in_rejected entry for ${client}: ${JSON.stringify(events)}`);
        const [e] = events;
        assert.equal(e.detail.problem, problem, `problem: ${JSON.stringify(e)}`);
        if (field) {
            assert.ok(e.detail.errors.some((x) => x.field === field), `field ${field}: ${JSON.stringify(e)}`);
        }
        if (secret) assert.ok(!JSON.stringify(e).includes(secret), `no secret in ${JSON.stringify(e)}`);
        return e;
    }

    test('a password of 1 MB is a 422 on password, logged as sign_in_rejected with the e-mail only',
        async () => {
        const user = await makeUser('sales_rep', 'rejected');
        const client = newClient();
        const head = keep(`huge-${randomName()}-`);
        const res = await loginFrom(client, { email: user.email, password: head + 'p'.repeat(1_000_000) });
        expectFieldError(res, 'password');
        const e = await expectRejected(client, 'validation', 'password', head);
        assert.equal(e.detail.email, user.email, 'the well-formed e-mail is kept');
        assert.ok(JSON.stringify(e).length < 2000, 'a small entry');
        assert.ok(!/p{100}/.test(JSON.stringify(e)), 'no part of the password');
    });

    test('a NUL character in the password is refused and logged without the password', async () => {
        const client = newClient();
        const secret = keep(`nul${randomName()}`);
        const res = await loginFrom(client,
            `{"email":"nobody@auth.example.com","password":"${secret}\\u0000${secret}"}`);
        assert.ok([400, 422].includes(res.status), `login: ${res.status} ${res.text}`);
        expectProblem(res, res.status);
        if (res.status === 422) expectFieldError(res, 'password');
        await expectRejected(client, res.status === 422 ? 'validation' : 'bad-json',
            res.status === 422 ? 'password' : null, secret);
    });

    test('malformed JSON is a 400 and its entry does not quote the body', async () => {
        const client = newClient();
        const secret = keep(`cut${randomName()}`);
        const res = await loginFrom(client, `{"email":"a@auth.example.com","password":"${secret}`);
        expectProblem(res, 400);
        await expectRejected(client, 'bad-json', null, secret);
        const bare = newClient();
        const unquoted = keep(`bare${randomName()}`);
        expectProblem(await loginFrom(bare, `{"email":"a@auth.example.com","password":${unquoted}}`), 400);
        await expectRejected(bare, 'bad-json', null, unquoted);
    });

    test('an unknown key is a 422 on that key and logged', async () => {
        const client = newClient();
        const secret = keep(`pw ${randomName()}`);
        const res = await loginFrom(client, { email: 'a@auth.example.com', password: secret, admin: true });
        expectFieldError(res, 'admin');
        await expectRejected(client, 'validation', 'admin', secret);
    });

    test('a body that is not JSON is a 415 and logged', async () => {
        const client = newClient();
        const secret = keep(`form${randomName()}`);
        const res = await loginFrom(client, `email=a%40auth.example.com&password=${secret}`,
            { 'Content-Type': 'application/x-www-form-urlencoded' });
        expectProblem(res, 415);
        await expectRejected(client, 'unsupported-media-type', null, secret);
    });

    test('a body past the server limit is a 413 and logged too', async () => {
        const client = newClient();
        const head = keep(`toolarge-${randomName()}-`);
        const res = await loginFrom(client, { email: 'a@auth.example.com', password: head + 'q'.repeat(1_100_000) });
        expectProblem(res, 413);
        const e = await expectRejected(client, 'too-large', null, head);
        assert.equal(e.detail.email, undefined, 'the body was never read');
    });

    test('two-factor sign-in bodies are held to the same rule', async () => {
        const client = newClient();
        const res = await (await S.start()).anon('POST', '/api/v1/auth/totp',
            { challenge: 'x', code: '1'.repeat(40) }, { 'X-Forwarded-For': client });
        expectFieldError(res, 'code');
        await expectRejected(client, 'validation', 'code');
    });

    test('refused bodies count as failures of the client address, not of the account', async () => {
        const user = await makeUser('sales_rep', 'rejectcount');
        const client = newClient();
        for (let i = 0; i < 20; i++) {
            expectFieldError(await loginFrom(client, { email: user.email, password: 'x', extra: i }), 'extra',
                `refused body ${i + 1}`);
        }
        /*
         * The next attempts from that address wait (1 s after the 20th failure), even with the
         * right password; a refused body then is a 429 too, logged as sign_in_throttled.
         */
        const waited = await loginFrom(client, { email: user.email, password: user.password });
        const refused = await loginFrom(client, { email: user.email, password: 'x', extra: 1 });
        expectProblem(waited, 429, 'the right password after 20 refused bodies');
        assert.match(waited.headers.get('retry-after') || '', /^\d+$/);
        expectProblem(refused, 429, 'a refused body from a throttled address');
        assert.equal((await eventsOf('sign_in_rejected', client)).length, 20,
            'each refused body before the throttle is logged, none after');
        assert.equal((await eventsOf('sign_in_throttled', client)).length, 2, 'one entry per throttled attempt');
        /* The account itself is not throttled: from another address it signs in. */
        const other = await loginFrom(newClient(), { email: user.email, password: user.password });
        expectStatus(other, 200, 'the same account from another address');
        keep(cookieValue(other.headers.get('set-cookie')));
        keep(other.json.csrf_token);
    });

    test("a password change with a 1 MB or NUL password is refused and logged as password_rejected",
        async () => {
        const user = await makeUser('sales_rep', 'pwrejected');
        const s = await signIn(user.email, user.password);
        const head = keep(`newhuge-${randomName()}-`);
        const huge = await s.api('POST', '/api/v1/auth/password',
            { current_password: user.password, new_password: head + 'n'.repeat(1_000_000) });
        expectFieldError(huge, 'new_password');
        const nulSecret = keep(`nulcur${randomName()}`);
        const nul = await s.api('POST', '/api/v1/auth/password',
            `{"current_password":"${nulSecret}\\u0000x","new_password":"long enough password"}`);
        assert.ok([400, 422].includes(nul.status), `NUL: ${nul.status} ${nul.text}`);
        expectProblem(nul, nul.status);
        const res = await api('GET', `/api/v1/audit/security${qs({ action: 'password_rejected', user_id: user.id })}`);
        expectStatus(res, 200);
        assert.equal(res.json.data.length, 2, `two entries: ${res.text.slice(0, 600)}`);
        assert.ok(res.json.data.some((e) => e.detail.errors.some((x) => x.field === 'new_password')),
            'the field is named');
        assert.ok(res.json.data.every((e) => e.detail.path === '/api/v1/auth/password'));
        assert.ok(!res.text.includes(head) && !res.text.includes(nulSecret) && !res.text.includes(user.password),
            'no password in the entries');
        /* Nothing changed: the old password still signs in. */
        await signIn(user.email, user.password);
    });

    test('a role naming an unknown entity is a 422 on permissions.<entity>, not created, and logged',
        async () => {
        const name = randomName('rej_');
        const entity = randomName('nosuch');
        const res = await api('POST', '/api/v1/roles',
            { name, label: 'Rejected', permissions: { [entity]: { read: 'all' } } });
        expectFieldError(res, `permissions.${entity}`);
        const roles = await api('GET', '/api/v1/roles');
        expectStatus(roles, 200);
        assert.ok(!roles.json.data.some((r) => r.name === name), 'no role was created');
        const log = await api('GET', `/api/v1/audit/security${qs({ action: 'role_rejected', limit: 100 })}`);
        expectStatus(log, 200);
        const e = log.json.data.find((x) => x.detail?.name === name);
        assert.ok(e, `a role_rejected entry names the role: ${log.text.slice(0, 600)}`);
        assert.ok(e.detail.errors.some((x) => x.field === `permissions.${entity}`), JSON.stringify(e));
        assert.equal(e.user_id, (await S.start()).adminId, 'the administrator who tried');
    });

    test('a role change naming an unknown action or scope is a 422, changes nothing, and is logged',
        async () => {
        const made = await api('POST', '/api/v1/roles', { name: randomName('chg_'), label: 'To change' });
        expectStatus(made, 201);
        const res = await api('PATCH', `/api/v1/roles/${made.json.id}`,
            { permissions: { contacts: { steal: 'all', read: 'everything' } } });
        expectFieldError(res, 'permissions.contacts.steal');
        expectFieldError(res, 'permissions.contacts.read');
        const after = await api('GET', `/api/v1/roles/${made.json.id}`);
        assert.deepEqual(after.json, made.json, 'the role is unchanged');
        const log = await api('GET', `/api/v1/audit/security${qs({ action: 'role_rejected', limit: 100 })}`);
        const e = log.json.data.find((x) => x.detail?.id === made.json.id);
        assert.ok(e, `a role_rejected entry for role ${made.json.id}: ${log.text.slice(0, 600)}`);
        assert.equal(e.detail.name, made.json.name);
        assert.deepEqual(e.detail.errors.map((x) => x.field).sort(),
            ['permissions.contacts.read', 'permissions.contacts.steal']);
    });
});

describe('the crm user command', () => {
    let email;
    let pw;
    let s;

    test('crm user add makes a user who signs in with the password given on standard input', async () => {
        const srv = await S.start();
        email = `cli-${randomName()}@auth.example.com`;
        pw = keep(`cli pw ${randomName()}`);
        const r = await runCrm(
            ['user', 'add', '--db', srv.db, '--email', email, '--name', 'Cli User', '--role', 'sales_rep'],
            { input: `${pw}\n` });
        assert.equal(r.code, 0, `crm user add: ${r.stdout}${r.stderr}`);
        assert.ok(!r.stdout.includes(pw) && !r.stderr.includes(pw), 'the password is not echoed');
        s = await signIn(email, pw);
        assert.equal(s.user.email, email);
        assert.equal(s.user.role, 'sales_rep');
        assert.equal(s.user.password_must_change, false);
    });

    test("crm user disable ends the user's session and stops them signing in", async () => {
        const srv = await S.start();
        assert.ok(s, 'the user from the test before');
        expectStatus(await s.api('GET', '/api/v1/auth/me'), 200, 'signed in before');
        const r = await runCrm(['user', 'disable', '--db', srv.db, '--email', email]);
        assert.equal(r.code, 0, `crm user disable: ${r.stdout}${r.stderr}`);
        expectProblem(await s.api('GET', '/api/v1/auth/me'), 401, 'the session after disabling');
        expectProblem(await login({ email, password: pw }), 401, 'signing in after disabling');
        const listed = await api('GET', `/api/v1/users${qs({ q: email })}`);
        assert.equal(listed.json.data.find((u) => u.email === email)?.disabled, true);
    });
});

describe('the security log', () => {
    test('records sign-ins, failed sign-ins, token changes and refused credentials', async () => {
        const actions = ['sign_in', 'sign_in_failed', 'token_created', 'token_revoked', 'auth_rejected', 'sign_out',
            'password_changed', 'totp_enabled', 'user_created'];
        for (const action of actions) {
            const res = await api('GET', `/api/v1/audit/security${qs({ action, limit: 100 })}`);
            expectStatus(res, 200, action);
            assert.ok(res.json.data.length > 0, `a ${action} entry`);
            for (const e of res.json.data) {
                assert.equal(e.action, action);
                assert.ok(Number.isInteger(e.id), 'an id');
                assert.match(e.at, /^\d{4}-\d{2}-\d{2}T/);
            }
        }
    });

    test('is for administrators only', async () => {
        const user = await makeUser('manager', 'seclog');
        const s = await signIn(user.email, user.password);
        expectProblem(await s.api('GET', '/api/v1/audit/security'), 403);
        expectProblem(await (await S.start()).anon('GET', '/api/v1/audit/security'), 401);
    });

    test('never holds a password, a token, a cookie, a CSRF token or a code used in this file', async () => {
        const srv = await S.start();
        keep(srv.adminToken);
        let text = '';
        let cursor = null;
        for (let i = 0; i < 100; i++) {
            const res = await api('GET', `/api/v1/audit/security${qs({ limit: 100, cursor })}`);
            expectStatus(res, 200);
            text += res.text;
            cursor = res.json.next_cursor;
            if (cursor === null || cursor === undefined) break;
        }
        assert.ok(text.includes('sign_in_failed'), 'the log was read');
        const leaked = [...secrets].filter((s) => text.includes(s));
        assert.deepEqual(leaked, [], 'secrets found in the security log');
    });
});
