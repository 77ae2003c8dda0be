// Browser test of the working-day screens against the real server (`crm serve --demo` with a
// 200 ms job tick, so reminders fire at once; see harness.mjs), driven through Chromium in the
// Asia/Yekaterinburg time zone (UTC+5 all year) so that local-time inputs must really be sent
// as UTC. The checks: a call logged from a contact card's quick-add shows in its timeline (with
// its duration, direction and outcome) and in its company's, the kind chips narrow the timeline,
// a quick task keeps its "1 hour before" reminder; a weekly recurring task made through the task
// form (reminder, priority, checklist, a linked contact) is saved with its RRULE and local times
// as UTC (checked through the API) and opens again with the same choices; an overdue task is
// marked in the list and its checkbox closes it (PATCH with If-Match); a card dragged on the
// board to "Today" gets today's due date; and two reminders due 3 s ahead reach the bell's badge
// and drop-down without a reload (its 15 s poll), a click opens the task and marks it read, and
// "Mark all read" clears the rest.
// Run: make && node --test tests/e2e/working_day.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
    apiCaller, assertText, expectAttribute, openBrowser, scenarioRunner, signInAsAdmin, startDemoServer,
    TIMEOUT, uniqueTag,
} from './harness.mjs';

const UNIQUE = uniqueTag();
const ZONE = 'Asia/Yekaterinburg';
const ZONE_OFFSET_MS = 5 * 3600e3;
/* The bell polls every 15 s: a reminder may take that long plus the job tick to show. */
const BELL_WAIT_MS = 35_000;

let srv;
let browser;
let page;
let contact; /* a demo contact with a company */
let adminId;

const scenario = scenarioRunner('working-day', () => page, () => srv);
const apiCall = apiCaller(() => srv);

async function waitUntil(label, fn, ms = TIMEOUT) {
    const deadline = Date.now() + ms;
    let last;
    while (Date.now() < deadline) {
        last = await fn();
        if (last) return last;
        await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`timed out waiting for ${label} (last: ${JSON.stringify(last)})`);
}

/* "YYYY-MM-DDTHH:MM" of the given day offset at hh:mm in ZONE, and the UTC instant it means. */
function zoneLocal(daysAhead, hh, mm) {
    const zoneNow = new Date(Date.now() + ZONE_OFFSET_MS); /* its UTC fields are ZONE's wall clock */
    const wall = Date.UTC(zoneNow.getUTCFullYear(), zoneNow.getUTCMonth(), zoneNow.getUTCDate() + daysAhead, hh, mm);
    const text = new Date(wall).toISOString().slice(0, 16);
    return { text, utc: new Date(wall - ZONE_OFFSET_MS).toISOString() };
}

async function findTask(title) {
    const page1 = await apiCall('GET', `/api/v1/tasks?filter=${encodeURIComponent(`title = "${title}"`)}`, undefined, 200);
    return page1.data[0] || null;
}

before(async () => {
    srv = await startDemoServer({ args: ['--job-tick-ms', '200'] });
    const me = await apiCall('GET', '/api/v1/auth/me', undefined, 200);
    adminId = me.user.id;
    const list = await apiCall('GET', '/api/v1/contacts?limit=50', undefined, 200);
    contact = list.data.find((c) => Array.isArray(c.company_ids) && c.company_ids.length > 0);
    assert.ok(contact, 'the demo data has a contact with a company');

    let first;
    ({ browser, page: first } = await openBrowser());
    await first.close();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US', timezoneId: ZONE });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
    page.on('pageerror', (e) => { process.stderr.write(`[page error] ${e.message}\n`); });
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (srv) await srv.stop();
});

test('the administrator signs in and finds Tasks in the navigation', () => scenario('sign-in', async () => {
    await page.goto(`${srv.url}/tasks`);
    await signInAsAdmin(page, srv);
    await page.waitForURL(/\/tasks$/);
    await page.getByRole('navigation').getByRole('link', { name: 'Tasks' }).waitFor({ state: 'visible' });
    await page.getByTestId('bell-button').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), ZONE);
}));

test('a call logged from a contact card shows in its timeline and in its company\'s', () => scenario('call', async () => {
    const subject = `Call about renewal ${UNIQUE}`;
    await page.goto(`${srv.url}/contacts/${contact.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor({ state: 'visible' });
    await page.getByTestId('quick-call').click();
    const form = page.getByTestId('quick-form-call');
    /* "when" starts at now, in local time */
    const when = await form.getByTestId('qa-at').inputValue();
    assert.ok(Math.abs(Date.parse(`${when}:00.000Z`) - ZONE_OFFSET_MS - Date.now()) < 2 * 60e3, `${when} is now in ${ZONE}`);
    await form.getByTestId('qa-subject').fill(subject);
    await form.getByTestId('qa-duration').fill('7');
    await form.getByTestId('qa-direction').selectOption('in');
    await form.getByTestId('qa-outcome').fill('reached');
    await form.getByTestId('qa-save').click();
    await form.waitFor({ state: 'detached' });
    await assertText(page.getByTestId('quick-done'), 'Call logged');

    const item = timeline.locator('[data-testid="timeline-item"][data-kind="call"]').filter({ hasText: subject });
    await item.waitFor({ state: 'visible' });
    await assertText(item.getByTestId('timeline-detail'), 'Incoming');
    await assertText(item.getByTestId('timeline-duration'), '7 minutes');
    await assertText(item.getByTestId('timeline-outcome'), 'reached');
    const activityId = Number(await item.getAttribute('data-record-id'));
    assert.equal(await item.getByTestId('timeline-link').getAttribute('href'), `/activities/${activityId}`);

    const activity = await apiCall('GET', `/api/v1/activities/${activityId}`, undefined, 200);
    assert.equal(activity.type, 'call');
    assert.equal(activity.contact_id, contact.id);
    assert.equal(activity.company_id, contact.company_ids[0], 'the server names the contact\'s company');
    assert.equal(activity.duration_s, 420);
    assert.equal(activity.direction, 'in');
    assert.ok(Math.abs(Date.parse(activity.at) - Date.now()) < 5 * 60e3, `at ${activity.at} is about now`);

    /* A note, then the "Calls" chip hides it. */
    await page.getByTestId('quick-note').click();
    await page.getByTestId('qa-body').fill(`Prefers e-mail ${UNIQUE}`);
    await page.getByTestId('qa-save').click();
    const note = timeline.locator('[data-testid="timeline-item"][data-kind="note"]').filter({ hasText: `Prefers e-mail ${UNIQUE}` });
    await note.waitFor({ state: 'visible' });
    await page.getByTestId('timeline-kind-calls').click();
    await expectAttribute(page.getByTestId('timeline-kind-calls'), 'aria-pressed', 'true');
    await note.waitFor({ state: 'detached' });
    await item.waitFor({ state: 'visible' });
    const kinds = await timeline.getByTestId('timeline-item').evaluateAll((els) => els.map((e) => e.dataset.kind));
    assert.ok(kinds.length > 0 && kinds.every((k) => k === 'call'), kinds.join(','));
    await page.getByTestId('timeline-kind-all').click();
    await note.waitFor({ state: 'visible' });

    /* A quick task keeps "1 hour before" as its reminder. */
    await page.getByTestId('quick-task').click();
    await page.getByTestId('qa-title').fill(`Send the offer ${UNIQUE}`);
    const due = zoneLocal(2, 10, 30);
    await page.getByTestId('qa-due_at').fill(due.text);
    await page.getByTestId('qa-remind').selectOption('60');
    await page.getByTestId('qa-save').click();
    await timeline.locator('[data-testid="timeline-item"][data-kind="task"]').filter({ hasText: `Send the offer ${UNIQUE}` })
        .waitFor({ state: 'visible' });
    const quick = await findTask(`Send the offer ${UNIQUE}`);
    assert.equal(quick.contact_id, contact.id);
    assert.equal(Date.parse(quick.due_at), Date.parse(due.utc), `${quick.due_at} is ${due.text} in ${ZONE}`);
    assert.equal(Date.parse(quick.due_at) - Date.parse(quick.remind_at), 3600e3);

    /* The company's timeline has the call too. */
    await page.goto(`${srv.url}/companies/${contact.company_ids[0]}`);
    const companyItem = page.getByTestId('timeline').locator(`[data-testid="timeline-item"][data-record-id="${activityId}"]`);
    await companyItem.waitFor({ state: 'visible' });
    await assertText(companyItem, subject);
    await expectAttribute(companyItem, 'data-kind', 'call');
}));

test('a weekly recurring task made through the form is saved with its rule', () => scenario('recurring', async () => {
    const title = `Weekly report ${UNIQUE}`;
    await page.goto(`${srv.url}/tasks`);
    await page.getByTestId('new').click();
    await page.waitForURL(/\/tasks\/new$/);
    /* no title: the server's message at the field */
    await page.getByTestId('save').click();
    await page.getByTestId('error-title').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#title').getAttribute('aria-invalid'), 'true');

    await page.getByTestId('task-title').fill(title);
    await page.getByTestId('task-description').fill('Numbers for the Monday call');
    const due = zoneLocal(1, 9, 0);
    await page.getByTestId('task-due_at').fill(due.text);
    await page.getByTestId('task-remind').selectOption('60');
    await page.getByTestId('task-priority').selectOption('high');
    await page.getByTestId('recurrence-freq').selectOption('weekly');
    await page.getByTestId('recurrence-ends-after').check();
    await page.getByTestId('recurrence-count').fill('5');
    await assertText(page.getByTestId('recurrence-rule'), 'FREQ=WEEKLY;COUNT=5');
    await page.getByTestId('checklist-new').fill('Collect the numbers');
    await page.getByTestId('checklist-add').click();
    await page.getByTestId('checklist-new').fill('Send to the team');
    await page.getByTestId('checklist-new').press('Enter');
    await page.getByTestId('checklist-done').first().check();
    await page.locator('#link-contact_id').fill(contact.last_name || contact.name);
    await page.getByTestId('picker-link-contact_id').getByTestId('picker-option').filter({ hasText: contact.name }).first().click();
    await assertText(page.getByTestId('picker-link-contact_id'), contact.name);
    await page.getByTestId('save').click();
    await page.waitForURL(/\/tasks$/);

    const task = await waitUntil('the task', () => findTask(title));
    assert.equal(task.rrule, 'FREQ=WEEKLY;COUNT=5');
    assert.equal(Date.parse(task.due_at), Date.parse(due.utc), `${task.due_at} is ${due.text} in ${ZONE}`);
    assert.equal(Date.parse(task.due_at) - Date.parse(task.remind_at), 3600e3, 'reminded 1 hour before');
    assert.equal(task.priority, 'high');
    assert.equal(task.assignee_id, adminId);
    assert.equal(task.contact_id, contact.id);
    assert.equal(task.series_id, task.id, 'the first of its series');
    assert.deepEqual(task.checklist, [{ text: 'Collect the numbers', done: true }, { text: 'Send to the team', done: false }]);

    /* In the list (due tomorrow: upcoming), and its page shows the same choices. */
    await page.getByTestId('filter-upcoming').click();
    const row = page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`);
    await assertText(row, title);
    await expectAttribute(row, 'data-overdue', 'false');
    await row.getByTestId('task-title').click();
    await page.waitForURL(new RegExp(`/tasks/${task.id}$`));
    await assertText(page.getByTestId('record-title'), title);
    assert.equal(await page.getByTestId('recurrence-freq').inputValue(), 'weekly');
    assert.equal(await page.getByTestId('recurrence-count').inputValue(), '5');
    assert.equal(await page.getByTestId('task-due_at').inputValue(), due.text);
    assert.equal(await page.getByTestId('task-remind').inputValue(), '60');
    await assertText(page.getByTestId('picker-link-contact_id'), contact.name);
    assert.equal(await page.getByTestId('checklist-item').count(), 2);

    /* An edit sends only what changed, with the version. */
    await page.getByTestId('recurrence-interval').fill('2');
    await page.getByTestId('save').click();
    await page.getByTestId('task-saved').waitFor({ state: 'visible' });
    const edited = await apiCall('GET', `/api/v1/tasks/${task.id}`, undefined, 200);
    assert.equal(edited.rrule, 'FREQ=WEEKLY;INTERVAL=2;COUNT=5');
    assert.equal(edited.version, task.version + 1);
}));

test('an overdue task is marked in the list and its checkbox closes it', () => scenario('overdue', async () => {
    const title = `Call back ${UNIQUE}`;
    const task = await apiCall('POST', '/api/v1/tasks', {
        title, due_at: new Date(Date.now() - 3600e3).toISOString(), contact_id: contact.id,
    }, 201);
    await page.goto(`${srv.url}/tasks?filter=overdue`);
    const row = page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`);
    await assertText(row, title);
    await expectAttribute(row, 'data-overdue', 'true');
    assert.match(await row.getAttribute('class'), /\boverdue\b/);
    await assertText(row.getByTestId('task-overdue'), 'Overdue');
    await assertText(row.getByTestId('task-link'), contact.name);
    await row.getByTestId('task-done').check();
    await expectAttribute(row, 'data-status', 'done');
    const done = await apiCall('GET', `/api/v1/tasks/${task.id}`, undefined, 200);
    assert.equal(done.status, 'done');
    assert.ok(done.done_at, 'done_at is set');
    await page.getByTestId('filter-done').click();
    await assertText(page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`), title);
}));

test('a card dragged on the board to Today gets today\'s date', () => scenario('board', async () => {
    const title = `Plan the fair ${UNIQUE}`;
    const dueLater = zoneLocal(20, 15, 45);
    const task = await apiCall('POST', '/api/v1/tasks', { title, due_at: dueLater.utc }, 201);
    await page.goto(`${srv.url}/tasks`);
    await page.getByTestId('view-board').click();
    const column = (key) => page.locator(`[data-testid="task-column"][data-column="${key}"]`);
    const card = page.locator(`[data-testid="task-card"][data-task-id="${task.id}"]`);
    await assertText(column('later').locator(`[data-task-id="${task.id}"]`), title);
    await card.dragTo(column('today'), { sourcePosition: { x: 4, y: 4 } });
    await column('today').locator(`[data-task-id="${task.id}"]`).waitFor({ state: 'visible' });
    const moved = await apiCall('GET', `/api/v1/tasks/${task.id}`, undefined, 200);
    const sameDay = await page.evaluate((iso) => new Date(iso).toDateString() === new Date().toDateString(), moved.due_at);
    assert.ok(sameDay, `${moved.due_at} is today in ${ZONE}`);
    assert.ok(Date.parse(moved.due_at) >= Date.now() - 60e3, 'not in the past');
    /* the "Move to…" select does the same for keyboard users */
    await card.getByTestId('task-move').selectOption('done');
    await column('done').locator(`[data-task-id="${task.id}"]`).waitFor({ state: 'visible' });
    /* the board moves the card at once; the PATCH may still be on its way */
    await waitUntil('the task is done', async () =>
        (await apiCall('GET', `/api/v1/tasks/${task.id}`, undefined, 200)).status === 'done');
}));

test('reminders reach the bell without a reload; a click opens the task, "mark all read" clears', () => scenario('bell', async () => {
    await page.goto(`${srv.url}/tasks`);
    await page.getByTestId('bell-button').waitFor({ state: 'visible' });
    const startUnread = Number(await page.getByTestId('bell').getAttribute('data-unread'));
    await page.evaluate(() => { window.__noReload = 'still here'; });

    const remindAt = new Date(Date.now() + 3000).toISOString();
    const due = new Date(Date.now() + 3600e3).toISOString();
    const first = await apiCall('POST', '/api/v1/tasks',
        { title: `Prepare the demo ${UNIQUE}`, due_at: due, remind_at: remindAt, assignee_id: adminId }, 201);
    const second = await apiCall('POST', '/api/v1/tasks',
        { title: `Book the room ${UNIQUE}`, due_at: due, remind_at: remindAt, assignee_id: adminId }, 201);

    /* the server makes them once the time comes (job tick 200 ms) ... */
    const unread = await waitUntil('the reminders', async () => {
        const list = await apiCall('GET', '/api/v1/notifications?limit=10', undefined, 200);
        const ours = list.data.filter((n) => n.kind === 'task_reminder' && !n.read
            && [first.id, second.id].includes(n.record && n.record.id));
        return ours.length === 2 && list.unread;
    });
    assert.ok(unread >= startUnread + 2);
    /* ... and the page shows them on its own */
    await waitUntil('the badge', async () => Number(await page.getByTestId('bell').getAttribute('data-unread')) === unread,
        BELL_WAIT_MS);
    await assertText(page.getByTestId('bell-badge'), String(unread));
    assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'the page was not reloaded');

    await page.getByTestId('bell-button').click();
    const panel = page.getByTestId('bell-panel');
    const item = panel.getByTestId('bell-item').filter({ hasText: `Prepare the demo ${UNIQUE}` });
    await item.waitFor({ state: 'visible' });
    await expectAttribute(item, 'data-kind', 'task_reminder');
    await expectAttribute(item, 'data-read', 'false');
    await item.click();
    await page.waitForURL(new RegExp(`/tasks/${first.id}$`));
    await assertText(page.getByTestId('record-title'), `Prepare the demo ${UNIQUE}`);
    await expectAttribute(page.getByTestId('bell'), 'data-unread', String(unread - 1));
    await waitUntil('the clicked one read', async () => {
        const list = await apiCall('GET', '/api/v1/notifications?limit=10', undefined, 200);
        return list.data.find((n) => n.record && n.record.id === first.id).read === true;
    });

    await page.getByTestId('bell-button').click();
    await page.getByTestId('bell-read-all').click();
    await expectAttribute(page.getByTestId('bell'), 'data-unread', '0');
    assert.equal(await page.getByTestId('bell-badge').count(), 0);
    await waitUntil('nothing unread', async () => (await apiCall('GET', '/api/v1/notifications?limit=10', undefined, 200)).unread === 0);
    assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'still the same page');
}));

test('the administrator sets the birthday notice and their own time zone', () => scenario('settings', async () => {
    await page.goto(`${srv.url}/settings/reminders`);
    const days = page.getByTestId('birthday-days');
    await days.waitFor({ state: 'visible' });
    await days.fill('400');
    await page.getByTestId('reminders-save').click();
    await page.getByTestId('error-birthday-days').waitFor({ state: 'visible' });
    await days.fill('5');
    await page.getByTestId('reminders-save').click();
    await page.getByTestId('reminders-saved').waitFor({ state: 'visible' });
    assert.equal((await apiCall('GET', '/api/v1/settings', undefined, 200)).birthday_reminder_days, 5);

    await page.goto(`${srv.url}/account`);
    await page.getByTestId('time-zone-select').selectOption('Europe/Moscow');
    await page.getByTestId('time-zone-save').click();
    await page.getByTestId('time-zone-saved').waitFor({ state: 'visible' });
    const me = await apiCall('GET', '/api/v1/auth/me', undefined, 200);
    assert.equal(me.user.time_zone, 'Europe/Moscow');
}));
