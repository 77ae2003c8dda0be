// Browser test of the web UI against the real server: starts `crm serve` (CRM_BIN, default
// build/crm) on a free loopback port with web/dist and a fresh database from the API tests'
// harness (a temporary SQLite file, or a new PostgreSQL database when CRM_TEST_PG_URL is set;
// see tests/api/server.mjs), drives
// Debian's Chromium (/usr/bin/chromium, or CHROMIUM) with playwright-core, and checks the
// main flows: first sign-in with the one-time password, create company, create linked contact,
// search, validation error, the history tab, Russian UI, and a sales rep who does not see
// another team's contact.
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/
// (scripts/test.sh runs it twice: without CRM_TEST_PG_URL, and with it.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createDatabase } from '../api/server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = path.join(ROOT, 'web');
const DIST = path.join(WEB, 'dist');
const BIN = process.env.CRM_BIN ? path.resolve(process.env.CRM_BIN) : path.join(ROOT, 'build', 'crm');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const { chromium } = createRequire(path.join(WEB, 'package.json'))('playwright-core');

const UNIQUE = Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const COMPANY = `Acme ${UNIQUE}`;
const LAST_NAME = `Zubrov${UNIQUE}`;
const TIMEOUT = 10_000;
const ADMIN_PASSWORD = 'e2e admin password 42';
const REP_PASSWORD = 'e2e sales rep password';

let database;
let server;
let serverLog = '';
let baseUrl;
let browser;
let context;
let page;
let companyId;

function freePort() {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.on('error', reject);
        probe.listen(0, '127.0.0.1', () => {
            const { port } = probe.address();
            probe.close(() => resolve(port));
        });
    });
}

async function waitForHealth(url, child, ms) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) {
            throw new Error(`server exited with ${child.exitCode}:\n${serverLog}`);
        }
        try {
            const res = await fetch(`${url}/healthz`);
            if (res.ok) return;
        } catch {
            /* not up yet */
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not answer /healthz within ${ms} ms:\n${serverLog}`);
}

/* Runs one scenario; on failure saves a screenshot to /tmp and rethrows. */
async function scenario(name, fn) {
    try {
        await fn();
    } catch (e) {
        const file = path.join(os.tmpdir(), `crm-e2e-${name}-${Date.now()}.png`);
        try {
            await page.screenshot({ path: file, fullPage: true });
            e.message += `\n(screenshot: ${file}; page: ${page.url()})`;
        } catch {
            /* the page may be gone */
        }
        throw e;
    }
}

before(async () => {
    assert.ok(fs.existsSync(BIN), `server binary not found: ${BIN} (build it or set CRM_BIN)`);
    if (!fs.existsSync(path.join(DIST, 'index.html'))) {
        const vite = path.join(WEB, 'node_modules', '.bin', 'vite');
        const built = spawnSync(vite, ['build'], { cwd: WEB, stdio: 'inherit' });
        assert.equal(built.status, 0, 'vite build failed (run npm ci in web/ first)');
    }
    database = await createDatabase();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(BIN, ['serve', '--db', database.db, '--listen', `127.0.0.1:${port}`,
                         '--static-dir', DIST], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout.on('data', (d) => { serverLog += d; });
    server.stderr.on('data', (d) => { serverLog += d; });
    await waitForHealth(baseUrl, server, 15_000);
    for (let i = 0; i < 50 && !/\bdb=\w+/.test(serverLog); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(serverLog, new RegExp(`\\bdb=${database.kind}\\b`), `the server runs on ${database.kind}`);

    browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
    page.on('pageerror', (e) => { serverLog += `\n[page error] ${e.message}`; });
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (server && server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
    }
    if (database) await database.drop().catch(() => {});
});

/* Signs in through the sign-in page. */
async function signInThroughPage(email, password) {
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
}

/* JSON over the API with a cookie session: { status, json }; the session is { cookie, csrf }. */
async function call(session, method, urlPath, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (session) Object.assign(headers, { Cookie: session.cookie, 'X-CSRF-Token': session.csrf });
    const res = await fetch(baseUrl + urlPath, { method, headers, body: body && JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

async function apiSignIn(email, password) {
    const res = await call(null, 'POST', '/api/v1/auth/login', { email, password });
    assert.equal(res.status, 200, `sign-in of ${email}: ${JSON.stringify(res.json)}`);
    return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: res.json.csrf_token };
}

test('the administrator signs in with the one-time password and must replace it', () => scenario('first-sign-in', async () => {
    const match = /First sign-in: (\S+), one-time password: (\S+)/.exec(serverLog);
    assert.ok(match, `the server printed the first sign-in:\n${serverLog}`);
    await page.goto(`${baseUrl}/companies`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(match[1]);
    await page.getByTestId('login-password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor({ state: 'visible' });
    await page.getByTestId('login-password').fill(match[2]);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('password-current').fill(match[2]);
    await page.getByTestId('password-new').fill(ADMIN_PASSWORD);
    await page.getByTestId('password-repeat').fill(ADMIN_PASSWORD);
    await page.getByTestId('password-submit').click();
    await page.getByTestId('user-menu').waitFor({ state: 'visible' });
}));

test('a company is created through the form', () => scenario('create-company', async () => {
    await page.goto(`${baseUrl}/companies`);
    await page.getByTestId('new').click();
    await page.waitForURL(/\/companies\/new$/);
    await page.getByRole('textbox', { name: /^Name/ }).fill(COMPANY);
    await page.getByLabel('Industry').fill('Retail');
    await page.getByLabel('E-mails').fill('info@acme.example');
    await page.getByLabel('E-mails').press('Enter');
    await page.getByTestId('save').click();
    await page.waitForURL(/\/companies\/\d+$/);
    companyId = Number(new URL(page.url()).pathname.split('/').pop());
    await assertText(page.getByTestId('record-title'), COMPANY);
    await assertText(page.getByTestId('prop-emails'), 'info@acme.example');
}));

test('an empty company shows the error under Name', () => scenario('validation', async () => {
    await page.goto(`${baseUrl}/companies/new`);
    await page.getByTestId('save').click();
    const error = page.getByTestId('error-name');
    await error.waitFor({ state: 'visible' });
    const row = page.locator('.form-row[data-field="name"]');
    assert.equal(await row.locator('[data-testid="error-name"]').count(), 1, 'error sits in the Name row');
    assert.equal(await page.locator('#name').getAttribute('aria-invalid'), 'true');
    assert.match(page.url(), /\/companies\/new$/);
}));

test('a contact linked to the company is created through the form', () => scenario('create-contact', async () => {
    assert.ok(companyId, 'the company was created');
    await page.goto(`${baseUrl}/contacts/new`);
    await page.getByLabel('First name').fill('Ivan');
    await page.getByLabel('Last name').fill(LAST_NAME);
    await page.getByLabel('Position').fill('Buyer');
    const picker = page.getByRole('combobox', { name: 'Companies' });
    await picker.fill(COMPANY);
    await page.getByRole('option', { name: COMPANY }).click();
    await page.getByLabel(`Role at ${COMPANY}`).fill('Purchasing');
    await page.getByTestId('save').click();
    await page.waitForURL(/\/contacts\/\d+$/);
    await assertText(page.getByTestId('record-title'), `Ivan ${LAST_NAME}`);
}));

test('the contact is found by the search box and links to its company', () => scenario('search', async () => {
    await page.goto(`${baseUrl}/contacts`);
    await page.getByTestId('search').fill(LAST_NAME);
    const rows = page.getByTestId('record-row');
    await page.waitForFunction((name) => {
        const r = document.querySelectorAll('[data-testid="record-row"]');
        return r.length === 1 && r[0].textContent.includes(name);
    }, LAST_NAME, { timeout: TIMEOUT });
    assert.equal(await rows.count(), 1);
    await rows.first().getByRole('link', { name: `Ivan ${LAST_NAME}` }).click();
    await page.waitForURL(/\/contacts\/\d+$/);
    const link = page.getByTestId('company-link');
    await assertText(link, COMPANY);
    assert.equal(await link.getAttribute('href'), `/companies/${companyId}`);
    await assertText(page.getByTestId('contact-companies'), 'Purchasing');
    await link.click();
    await page.waitForURL(new RegExp(`/companies/${companyId}$`));
    await assertText(page.getByTestId('company-contacts'), `Ivan ${LAST_NAME}`);
}));

test('the history tab shows who changed which field', () => scenario('history', async () => {
    assert.ok(companyId, 'the company was created');
    const admin = await apiSignIn('admin@example.com', ADMIN_PASSWORD);
    const changed = await call(admin, 'PATCH', `/api/v1/companies/${companyId}`, { industry: 'Wholesale' });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    await page.goto(`${baseUrl}/companies/${companyId}`);
    await page.getByTestId('history-tab').click();
    const change = page.locator('[data-testid="history-change"][data-field="industry"]');
    await assertText(change, 'Wholesale');
    await assertText(change, 'Retail');
    await assertText(page.getByTestId('history-user').first(), 'Administrator');
}));

test('a sales rep does not see another team\'s contact', () => scenario('visibility', async () => {
    const admin = await apiSignIn('admin@example.com', ADMIN_PASSWORD);
    const teams = [];
    for (const name of [`North ${UNIQUE}`, `South ${UNIQUE}`]) {
        const t = await call(admin, 'POST', '/api/v1/teams', { name });
        assert.equal(t.status, 201, JSON.stringify(t.json));
        teams.push(t.json.id);
    }
    const reps = [`north.${UNIQUE}@example.com`, `south.${UNIQUE}@example.com`];
    for (let i = 0; i < 2; i++) {
        const u = await call(admin, 'POST', '/api/v1/users',
            { email: reps[i], name: `Rep ${i}`, role: 'sales_rep', team_id: teams[i], password: REP_PASSWORD });
        assert.equal(u.status, 201, JSON.stringify(u.json));
    }
    const south = await apiSignIn(reps[1], REP_PASSWORD);
    const hidden = await call(south, 'POST', '/api/v1/contacts', { first_name: 'Hidden', last_name: `Southern${UNIQUE}` });
    assert.equal(hidden.status, 201, JSON.stringify(hidden.json));

    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/login/);
    await signInThroughPage(reps[0], REP_PASSWORD);
    await page.getByTestId('user-menu').waitFor({ state: 'visible' });
    await page.goto(`${baseUrl}/contacts`);
    await page.getByTestId('search').fill(`Southern${UNIQUE}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="record-row"]').length === 0 &&
        document.body.textContent.length > 0, null, { timeout: TIMEOUT });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.getByTestId('record-row').count(), 0, 'the other team\'s contact is not listed');
    const direct = await page.request.get(`${baseUrl}/api/v1/contacts/${hidden.json.id}`);
    assert.equal(direct.status(), 404, 'by id the other team\'s contact is absent');
    await page.goto(`${baseUrl}/contacts/${hidden.json.id}`);
    await page.waitForFunction(() => !document.body.textContent.includes('Southern'), null, { timeout: TIMEOUT });
}));

test('the language switch shows Russian labels and is remembered', () => scenario('language', async () => {
    await page.goto(`${baseUrl}/companies/new`);
    await page.getByTestId('lang-select').selectOption('ru');
    await page.getByRole('textbox', { name: /^Название/ }).waitFor();
    await assertText(page.getByRole('navigation'), 'Компании');
    await page.reload();
    await page.getByRole('textbox', { name: /^Название/ }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru');
    await page.getByTestId('lang-select').selectOption('en');
    await page.getByRole('textbox', { name: /^Name/ }).waitFor();
}));

async function assertText(locator, text) {
    await locator.first().waitFor({ state: 'visible' });
    const deadline = Date.now() + TIMEOUT;
    let seen = '';
    while (Date.now() < deadline) {
        seen = await locator.first().textContent();
        if (seen && seen.includes(text)) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`expected "${text}" in "${seen}"`);
}
