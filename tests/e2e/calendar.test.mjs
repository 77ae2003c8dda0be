// Browser test of the working-day screens against the real server (`crm serve --demo`, CRM_BIN,
// with web/dist; SQLite or CRM_TEST_PG_URL) through Debian's Chromium with playwright-core.
// The checks: a meeting made through the API for tomorrow 10:00 UTC is dragged with the mouse
// in the calendar's week view to another day and hour, and the API then has at and end_at
// moved by exactly that much (its length kept); a synthetic .ics imported through the page's
// "Import .ics" control is counted and shown in the calendar; "Subscribe" shows a feed URL that
// answers without signing in until "Revoke"; on "My day" a task due today is
// listed, its timer started, found running again after a reload, stopped after about two
// seconds, GET /time-entries has at least one second logged on it, and ticking it marks it done.
// Run: (cd web && npm ci && npx vite build) && node --test tests/e2e/calendar.test.mjs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
    apiCaller, assertText, openBrowser, scenarioRunner, signInAsAdmin, startDemoServer, TIMEOUT, uniqueTag,
} from './harness.mjs';

const UNIQUE = uniqueTag();
const MEETING = `Planning ${UNIQUE}`;
const IMPORTED = `Imported ${UNIQUE}`;
const TASK = `Call back ${UNIQUE}`;
const HOUR = 3600_000;

let srv;
let browser;
let page;

const scenario = scenarioRunner('calendar', () => page, () => srv);
const apiCall = apiCaller(() => srv);

const pad = (n) => String(n).padStart(2, '0');
/* The local (this machine's, which is also the browser's) date of a Date as YYYY-MM-DD. */
const localDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const icsStamp = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/* Tomorrow at 10:00 UTC. */
const now = new Date();
const meetingAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 10));
let meetingId;

/* Polls fn until it answers something truthy. */
async function eventually(fn, what) {
    const deadline = Date.now() + TIMEOUT;
    let last;
    while (Date.now() < deadline) {
        last = await fn();
        if (last) return last;
        await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
    srv = await startDemoServer();
    const meeting = await apiCall('POST', '/api/v1/activities', {
        type: 'meeting', subject: MEETING, at: meetingAt.toISOString(),
        end_at: new Date(+meetingAt + HOUR).toISOString(),
    }, 201);
    meetingId = meeting.id;
    ({ browser, page } = await openBrowser());
});

after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (srv) await srv.stop();
});

test('the administrator signs in and lands on the page asked for', () => scenario('sign-in', async () => {
    await page.goto(`${srv.url}/my-day`);
    await signInAsAdmin(page, srv);
    await page.waitForURL(/\/my-day$/);
    await page.getByRole('navigation').getByRole('link', { name: 'Calendar' }).waitFor({ state: 'visible' });
}));

test('a meeting dragged in the week view moves by the dragged amount', () => scenario('drag', async () => {
    const probe = await srv.api('GET', `/api/v1/calendar?from=${encodeURIComponent(meetingAt.toISOString())}`
        + `&to=${encodeURIComponent(new Date(+meetingAt + 24 * HOUR).toISOString())}`);
    assert.notEqual(probe.status, 404, `GET /api/v1/calendar is missing: ${probe.text.slice(0, 200)}`);

    const day = localDate(meetingAt);
    await page.goto(`${srv.url}/calendar?view=week&date=${day}`);
    const event = page.locator(`[data-testid="calendar-event"][data-entity="activities"][data-id="${meetingId}"]`);
    await event.waitFor({ state: 'visible' });
    await assertText(event, MEETING);

    /* Another day of the same week, two hours later (earlier near the end of the day). */
    const dates = await page.locator('td.fc-timegrid-col[data-date]')
        .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-date')));
    const index = dates.indexOf(day);
    assert.ok(index >= 0, `the week view shows ${day}: ${dates}`);
    const targetDay = dates[index + 1] || dates[index - 1];
    const startMinutes = meetingAt.getHours() * 60 + Math.floor(meetingAt.getMinutes() / 30) * 30;
    const targetMinutes = startMinutes + (startMinutes <= 19 * 60 ? 120 : -120);
    const slotTime = `${pad(Math.floor(targetMinutes / 60))}:${pad(targetMinutes % 60)}:00`;

    await event.scrollIntoViewIfNeeded();
    const column = await page.locator(`td.fc-timegrid-col[data-date="${targetDay}"]`).boundingBox();
    const slot = page.locator(`td.fc-timegrid-slot-lane[data-time="${slotTime}"]`);
    await slot.scrollIntoViewIfNeeded();
    const to = await slot.boundingBox();
    const start = await event.boundingBox();
    await page.mouse.move(start.x + start.width / 2, start.y + 4);
    await page.mouse.down();
    await page.mouse.move(start.x + start.width / 2 + 10, start.y + 14, { steps: 4 });
    await page.mouse.move(column.x + column.width / 2, to.y + to.height / 2, { steps: 20 });
    await page.mouse.up();

    const [ty, tm, td] = targetDay.split('-').map(Number);
    const [dy, dm, dd] = day.split('-').map(Number);
    const expected = new Date(ty, tm - 1, td, Math.floor(targetMinutes / 60), targetMinutes % 60)
        - new Date(dy, dm - 1, dd, Math.floor(startMinutes / 60), startMinutes % 60);
    const moved = await eventually(async () => {
        const r = await apiCall('GET', `/api/v1/activities/${meetingId}`, undefined, 200);
        return r.at !== meetingAt.toISOString() && r;
    }, 'the meeting to move');
    assert.equal(Date.parse(moved.at) - +meetingAt, expected, `moved from ${meetingAt.toISOString()} to ${moved.at}`);
    assert.equal(Date.parse(moved.end_at) - Date.parse(moved.at), HOUR, 'the meeting keeps its length');
    await page.getByTestId('calendar-notice').waitFor({ state: 'visible' });
}));

test('an .ics file imported through the page shows its meeting', () => scenario('import', async () => {
    const start = new Date(+meetingAt + 3 * HOUR);
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//crm e2e//calendar test//EN', 'BEGIN:VEVENT',
        `UID:${UNIQUE}@e2e.example.com`, `DTSTAMP:${icsStamp(new Date())}`, `DTSTART:${icsStamp(start)}`,
        `DTEND:${icsStamp(new Date(+start + HOUR / 2))}`, `SUMMARY:${IMPORTED}`, 'LOCATION:Room 4',
        'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    await page.goto(`${srv.url}/calendar?view=week&date=${localDate(start)}`);
    await page.getByTestId('calendar-import-input').setInputFiles({
        name: 'meeting.ics', mimeType: 'text/calendar', buffer: Buffer.from(ics, 'utf8'),
    });
    await assertText(page.getByTestId('calendar-import-result'), '1 imported, 0 updated');
    const event = page.locator('[data-testid="calendar-event"]', { hasText: IMPORTED });
    await event.waitFor({ state: 'visible' });
    assert.equal(await event.getAttribute('data-kind'), 'meeting');
}));

test('"Subscribe" shows the feed URL once and "Revoke" ends it', () => scenario('feed', async () => {
    await page.goto(`${srv.url}/calendar`);
    await page.getByTestId('calendar-subscribe').click();
    const url = (await page.getByTestId('calendar-feed-url').textContent()).trim();
    assert.match(url, /\/ical\?token=/);
    const feed = await srv.anon('GET', new URL(url, srv.url).pathname + new URL(url, srv.url).search);
    assert.equal(feed.status, 200, 'the feed answers without signing in');
    assert.match(feed.text, /BEGIN:VCALENDAR/);
    await page.getByTestId('calendar-feed-close').click();
    page.once('dialog', (d) => d.accept());
    await page.getByTestId('calendar-revoke').click();
    await page.getByTestId('calendar-subscribe').waitFor({ state: 'visible' });
    await eventually(async () => (await srv.anon('GET', new URL(url, srv.url).pathname
        + new URL(url, srv.url).search)).status === 404, 'the revoked feed to answer 404');
}));

test('my day lists a task due today, times it and marks it done', () => scenario('my-day', async () => {
    const today = new Date().toISOString().slice(0, 10); /* the administrator's zone is UTC */
    const task = await apiCall('POST', '/api/v1/tasks', { title: TASK, due_at: `${today}T23:59:00.000Z` }, 201);
    await page.goto(`${srv.url}/my-day`);
    const row = page.locator('[data-testid="day-task"]', { hasText: TASK });
    await row.waitFor({ state: 'visible' });

    await row.getByTestId('timer-start').click();
    await row.getByTestId('timer-elapsed').waitFor({ state: 'visible' });
    await page.waitForTimeout(1200);
    await page.reload();
    const again = page.locator('[data-testid="day-task"]', { hasText: TASK });
    await again.getByTestId('timer-elapsed').waitFor({ state: 'visible' });
    await page.waitForTimeout(1000);
    assert.match(await again.getByTestId('timer-elapsed').textContent(), /^0:00:0[1-9]$/);
    await again.getByTestId('timer-stop').click();
    await again.getByTestId('timer-start').waitFor({ state: 'visible' });

    const entries = await apiCall('GET', `/api/v1/time-entries?task_id=${task.id}`, undefined, 200);
    const logged = (entries.data || []).reduce((n, e) => n + (e.seconds || 0), 0);
    assert.ok(logged >= 1, `at least one second logged: ${JSON.stringify(entries)}`);
    await eventually(async () => !/: 0 s$/.test((await page.getByTestId('time-logged').textContent()).trim()),
        'the time logged today to grow');

    await again.getByTestId('task-done').click();
    await eventually(async () => (await apiCall('GET', `/api/v1/tasks/${task.id}`, undefined, 200)).status === 'done',
        'the task to be done');
    await page.getByTestId('week-effectiveness').waitFor({ state: 'visible' });
}));
