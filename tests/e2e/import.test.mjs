// Browser test of the import wizard and the export menu against the real server: `crm serve
// --demo` (CRM_BIN, default build/crm) with web/dist on a fresh database from the API tests'
// harness, driven through Debian's Chromium (/usr/bin/chromium, or CHROMIUM) with
// playwright-core. The checks: the contacts list leads to the wizard; a CSV written here (four
// contacts, one with a bad e-mail) is uploaded and its columns mapped; the dry run finds one
// error and saves nothing; the run reaches done with three contacts made and an error report to
// download; the contacts are in the list; undo removes them; the history shows the import; and
// "Export -> CSV" on the contacts list downloads a file holding a contact's name.
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
    apiCaller, assertText, expectAttribute, openBrowser, scenarioRunner, signInAsAdmin,
    startDemoServer, TIMEOUT, uniqueTag,
} from './harness.mjs';

const UNIQUE = uniqueTag();
const cap = (s) => s[0].toUpperCase() + s.slice(1);
/* Last names unlike each other and anything in the demo data, so no row looks like a duplicate. */
const PEOPLE = [
    { first: 'Anna', last: cap(uniqueTag()), email: `anna.${UNIQUE}@import-${UNIQUE}.org` },
    { first: 'Boris', last: cap(uniqueTag()), email: `boris.${UNIQUE}@import-${UNIQUE}.org` },
    { first: 'Vera', last: cap(uniqueTag()), email: 'vera at nowhere' },
    { first: 'Gleb', last: cap(uniqueTag()), email: `gleb.${UNIQUE}@import-${UNIQUE}.org` },
];
const GOOD = PEOPLE.filter((p) => p.email.includes('@'));
const BAD_LINE = 4; /* the header is line 1: Vera is on line 4 */
const EXPORTED = { first_name: 'Xenia', last_name: `Exportova${UNIQUE}` };
const SLOW = 30_000; /* the server's jobs run in the background */

let srv;
let browser;
let page;
let dir;
let importId;

const scenario = scenarioRunner('import', () => page, () => srv);
const apiCall = apiCaller(() => srv);

/* Writes the CSV the test uploads: a header line and one line per person. */
function writeCsv() {
    const lines = ['First name,Last name,E-mail', ...PEOPLE.map((p) => `${p.first},${p.last},${p.email}`)];
    const file = path.join(dir, `contacts-${UNIQUE}.csv`);
    fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    return file;
}

/* The contacts list searched for a last name: resolves to the number of rows shown. */
async function searchContacts(last) {
    await page.goto(`${srv.url}/contacts?q=${encodeURIComponent(last)}`);
    await page.locator('[data-testid="record-row"], [data-testid="empty"]').first().waitFor({ state: 'visible' });
    return page.getByTestId('record-row').filter({ hasText: last }).count();
}

/* Waits for a download started by click(); answers its file's text. */
async function downloadText(click) {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: SLOW }), click()]);
    const file = await download.path();
    assert.ok(file, `the download of ${download.suggestedFilename()} failed: ${await download.failure()}`);
    return fs.readFileSync(file, 'utf8');
}

before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-e2e-import-'));
    srv = await startDemoServer();
    ({ browser, page } = await openBrowser());
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (srv) await srv.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the administrator signs in', () => scenario('sign-in', async () => {
    await page.goto(`${srv.url}/contacts`);
    await signInAsAdmin(page, srv);
    await page.waitForURL(/\/contacts$/);
}));

test('a CSV uploaded from the contacts list gets its columns mapped', () => scenario('upload', async () => {
    const fields = await apiCall('GET', '/api/v1/import-fields?entity=contacts', undefined, 200);
    const names = (Array.isArray(fields) ? fields : fields.data).map((f) => f.name);
    const email = names.find((n) => /^e-?mails?$/.test(n));
    assert.ok(names.includes('first_name') && names.includes('last_name') && email, `targets: ${names}`);

    await page.goto(`${srv.url}/contacts`);
    await page.getByTestId('import').click();
    await page.waitForURL(/\/imports\?entity=contacts$/);
    assert.equal(await page.getByTestId('import-entity').inputValue(), 'contacts');
    await page.getByTestId('import-file-input').setInputFiles(writeCsv());
    await page.getByTestId('import-upload-submit').click();
    await page.waitForURL(/\/imports\/\d+$/);
    importId = Number(new URL(page.url()).pathname.split('/').pop());

    const mapping = page.getByTestId('import-mapping');
    await mapping.waitFor({ state: 'visible' });
    assert.equal(await mapping.getByTestId('mapping-row').count(), 3);
    await assertText(mapping.getByTestId('preview-table'), PEOPLE[0].last);
    const select = (column) => mapping.locator(`[data-testid="map-select"][data-column="${column}"]`);
    await select('First name').selectOption('first_name');
    await select('Last name').selectOption('last_name');
    await select('E-mail').selectOption(email);
    await mapping.getByTestId('import-mode').selectOption('create');
    await mapping.getByTestId('import-check').click();
}));

test('the dry run finds the bad e-mail and saves nothing', () => scenario('dry-run', async () => {
    assert.ok(importId, 'the file was uploaded');
    const panel = page.getByTestId('import-dry-run');
    await panel.waitFor({ state: 'visible', timeout: SLOW });
    await expectAttribute(page.getByTestId('import-wizard'), 'data-status', 'checked');
    await expectAttribute(panel.getByTestId('count-errors'), 'data-value', '1');
    await expectAttribute(panel.getByTestId('count-created'), 'data-value', String(GOOD.length));
    const rows = panel.getByTestId('import-error-row');
    await rows.first().waitFor({ state: 'visible' });
    assert.equal(await rows.count(), 1);
    await assertText(rows.first().locator('td').nth(1), String(BAD_LINE));
    assert.equal(await searchContacts(GOOD[0].last), 0, 'a dry run creates nothing');
}));

test('the import runs to done, with an error report, and the contacts are in the list', () => scenario('run', async () => {
    await page.goto(`${srv.url}/imports/${importId}`);
    await page.getByTestId('import-run').click();
    const panel = page.getByTestId('import-run-panel');
    await panel.waitFor({ state: 'visible' });
    const deadline = Date.now() + SLOW;
    while (await page.getByTestId('import-wizard').getAttribute('data-status') !== 'done') {
        assert.ok(Date.now() < deadline, 'the import did not finish');
        await new Promise((r) => setTimeout(r, 200));
    }
    await expectAttribute(panel.getByTestId('count-created'), 'data-value', String(GOOD.length));
    await expectAttribute(panel.getByTestId('count-errors'), 'data-value', '1');
    const imp = await apiCall('GET', `/api/v1/imports/${importId}`, undefined, 200);
    assert.equal(imp.progress.done, imp.progress.total, JSON.stringify(imp.progress));
    assert.equal(imp.progress.total, PEOPLE.length);

    const report = await downloadText(() => panel.getByTestId('import-error-report').click());
    assert.match(report.split(/\r?\n/)[0], /row.*line.*column.*message/i, report);
    assert.ok(report.split(/\r?\n/).some((l) => l.split(',')[1] === String(BAD_LINE)), report);

    await panel.getByTestId('import-open-list').click();
    await page.waitForURL(/\/contacts$/);
    for (const p of GOOD) assert.equal(await searchContacts(p.last), 1, `${p.first} ${p.last} was imported`);
    assert.equal(await searchContacts(PEOPLE[2].last), 0, 'the row with the bad e-mail was left out');
}));

test('undo removes the imported contacts and the history shows it', () => scenario('undo', async () => {
    await page.goto(`${srv.url}/imports/${importId}`);
    const panel = page.getByTestId('import-run-panel');
    page.once('dialog', (d) => d.accept());
    await panel.getByTestId('import-undo').click();
    const deadline = Date.now() + SLOW;
    while (await page.getByTestId('import-wizard').getAttribute('data-status') !== 'undone') {
        assert.ok(Date.now() < deadline, 'the undo did not finish');
        await new Promise((r) => setTimeout(r, 200));
    }
    for (const p of GOOD) assert.equal(await searchContacts(p.last), 0, `${p.first} ${p.last} was removed`);

    await page.goto(`${srv.url}/imports`);
    const row = page.locator(`[data-testid="import-row"][data-id="${importId}"]`);
    await expectAttribute(row.getByTestId('import-status'), 'data-status', 'undone');
    await assertText(row, `contacts-${UNIQUE}.csv`);
}));

test('"Export -> CSV" on the contacts list downloads the contacts shown', () => scenario('export', async () => {
    await apiCall('POST', '/api/v1/contacts', EXPORTED, 201);
    assert.equal(await searchContacts(EXPORTED.last_name), 1);
    await page.getByTestId('export-menu').click();
    /* the export's error, when the server gives one, instead of waiting for a download in vain */
    const refused = page.getByTestId('export-error').waitFor({ state: 'visible', timeout: SLOW })
        .then(async () => assert.fail(`export: ${await page.getByTestId('export-error').textContent()}`), () => null);
    const csv = await Promise.race([downloadText(() => page.getByTestId('export-csv').click()), refused]);
    assert.ok(csv, 'the export did not finish');
    assert.ok(csv.includes(EXPORTED.last_name), csv.slice(0, 500));
    assert.ok(csv.includes(EXPORTED.first_name), csv.slice(0, 500));
    await page.getByTestId('export-download').waitFor({ state: 'visible', timeout: TIMEOUT });
}));
