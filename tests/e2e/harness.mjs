// What the browser tests share: where the web build and Chromium are, a fresh random tag for
// names, a web build when there is none, the scenario wrapper that saves a screenshot and the
// server's last log lines on failure, API calls as the administrator, and waits on text and
// attributes. Each test file starts its own server (tests/api/server.mjs) and browser.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ADMIN_PASSWORD, startServer } from '../api/server.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB = path.join(ROOT, 'web');
export const DIST = path.join(WEB, 'dist');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const { chromium } = createRequire(path.join(WEB, 'package.json'))('playwright-core');
export const TIMEOUT = 10_000;

/* Six random letters, so that names made by one run do not meet another's. */
export function uniqueTag() {
    return Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
}

/* Builds the web UI when web/dist has none. */
export function ensureWebBuilt() {
    if (fs.existsSync(path.join(DIST, 'index.html'))) return;
    const vite = path.join(WEB, 'node_modules', '.bin', 'vite');
    const built = spawnSync(vite, ['build'], { cwd: WEB, stdio: 'inherit' });
    assert.equal(built.status, 0, 'vite build failed (run npm ci in web/ first)');
}

/*
 * A scenario runner for the file label: runs fn; on failure saves a screenshot of the page
 * (getPage()) to the temporary folder and adds the server's (getServer()) last log lines.
 */
export function scenarioRunner(label, getPage, getServer) {
    return async (name, fn) => {
        try {
            await fn();
        } catch (e) {
            const page = getPage();
            const file = path.join(os.tmpdir(), `crm-e2e-${label}-${name}-${Date.now()}.png`);
            try {
                await page.screenshot({ path: file, fullPage: true });
                e.message += `\n(screenshot: ${file}; page: ${page.url()})`;
            } catch {
                /* the page may be gone */
            }
            const srv = getServer();
            if (srv) e.message += `\nserver stderr (last lines):\n${srv.stderr().slice(-1500)}`;
            throw e;
        }
    };
}

/* An API caller as the server's administrator token: answers the JSON, asserting the status. */
export function apiCaller(getServer) {
    return async (method, urlPath, body, status, headers) => {
        const res = await getServer().api(method, urlPath, body, headers);
        assert.equal(res.status, status, `${method} ${urlPath}: ${res.status} ${res.text.slice(0, 500)}`);
        return res.json;
    };
}

/* Waits until the first element of locator shows text. */
export async function assertText(locator, text) {
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

/* Waits until the first element of locator has the attribute's value. */
export async function expectAttribute(locator, name, value) {
    const deadline = Date.now() + TIMEOUT;
    let seen;
    while (Date.now() < deadline) {
        seen = await locator.first().getAttribute(name);
        if (seen === value) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`expected ${name}="${value}", saw "${seen}"`);
}

/*
 * A server on a fresh database of the kind asked for (CRM_TEST_PG_URL), with demo data and the web
 * UI; args: more flags for `crm serve` (e.g. ['--job-tick-ms', '200']).
 */
export async function startDemoServer({ args = [] } = {}) {
    ensureWebBuilt();
    const srv = await startServer({ staticDir: DIST, args: ['--demo', ...args] });
    assert.equal(srv.dbKind, process.env.CRM_TEST_PG_URL ? 'postgresql' : 'sqlite',
        'the server runs on the database asked for');
    return srv;
}

/* Headless Chromium with one English page of 1400 x 900; page errors go to stderr. */
export async function openBrowser() {
    const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (e) => { process.stderr.write(`[page error] ${e.message}\n`); });
    return { browser, page };
}

/* On the sign-in page the first visit led to: signs in as the server's administrator. */
export async function signInAsAdmin(page, srv) {
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(srv.adminEmail);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor({ state: 'visible' });
}
