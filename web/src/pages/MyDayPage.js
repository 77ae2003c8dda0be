// My day (/my-day): GET /me/day — overdue tasks (highlighted), today's tasks (a tick marks one
// done with PATCH + If-Match), meetings and calls, the time logged today; a timer per task
// (start: POST /tasks/{id}/timer/start, stop: POST /timer/stop) whose running one ticks every
// second and is found again after a reload (GET /timer). Below, my effectiveness this week
// (GET /reports/effectiveness for Monday..Sunday) as figures and a planned-vs-done chart.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, request, updateRecord } from '../api.js';
import { ChartCanvas } from '../components/ChartCanvas.js';
import { addDays, clockText, durationText, itemHref, mondayOf, percentText } from '../components/dayTime.js';
import { errorText } from '../components/errors.js';
import { formatDate, formatDateTime, getLang, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { useMe } from '../session.js';
import { useTitle } from './title.js';

const timeOf = (iso) => (iso ? new Intl.DateTimeFormat(getLang(), { timeStyle: 'short' }).format(new Date(iso)) : '');

function problemText(e) {
    if (e && e.status === 412) return t('error.stale');
    const fields = (e && e.errors ? e.errors : []).map((x) => (x.field ? `${x.field}: ${x.message}` : x.message));
    return [errorText(e), ...fields].filter(Boolean).join(' — ');
}

/** The running timer's elapsed time, ticking every second. */
function Elapsed({ since }) {
    const [now, setNow] = useState(Date.now());
    useEffect(() => {
        const timer = setInterval(() => setNow(Date.now()), 1000);
        return () => clearInterval(timer);
    }, []);
    return html`<span class="timer-elapsed" data-testid="timer-elapsed" aria-live="off">
        ${clockText((now - Date.parse(since)) / 1000)}</span>`;
}

function TaskRow({ task, overdue, running, busy, closing, onDone, onStart, onStop }) {
    const mine = running && running.task_id === task.id;
    const done = task.status === 'done' || closing;
    const box = `task-done-${task.id}`;
    return html`<li class=${`day-task${overdue ? ' overdue' : ''}${done ? ' done' : ''}${mine ? ' timing' : ''}`}
            data-testid="day-task" data-id=${task.id}>
        <input type="checkbox" id=${box} checked=${done} disabled=${done || busy}
            onChange=${() => onDone(task)} data-testid="task-done" />
        <label for=${box} class="visually-hidden">${t('day.markDone', { title: task.title })}</label>
        <span class="day-task-main">
            <${Link} href=${itemHref('tasks', task.id)} class="day-task-title" data-testid="day-task-title">${task.title}<//>
            <span class="muted small">
                ${overdue ? t('day.dueOn', { at: formatDateTime(task.due_at) }) : task.due_at && timeOf(task.due_at)}
                ${task.priority === 'high' && html` · <span class="badge badge-off">${t('day.high')}</span>`}
                ${task.time_spent_s > 0 && html` · ${t('day.spent', { time: durationText(task.time_spent_s) })}`}
            </span>
        </span>
        ${!done && (mine
            ? html`<span class="timer-running"><${Elapsed} since=${running.started_at} />
                <button type="button" class="btn btn-small btn-danger" onClick=${onStop} disabled=${busy}
                    data-testid="timer-stop">${t('day.stop')}</button></span>`
            : html`<button type="button" class="btn btn-small" onClick=${() => onStart(task)} disabled=${busy}
                data-testid="timer-start" aria-label=${t('day.startFor', { title: task.title })}>
                ▶ ${t('day.start')}</button>`)}
    </li>`;
}

function ActivityList({ items, testid, empty }) {
    if (!items.length) return html`<p class="muted" data-testid=${`${testid}-empty`}>${empty}</p>`;
    return html`<ul class="day-list" data-testid=${testid}>
        ${items.map((a) => html`<li key=${a.id} class="day-activity">
            <span class="day-time">${a.all_day ? t('calendar.allDay') : `${timeOf(a.at)}${a.end_at ? `–${timeOf(a.end_at)}` : ''}`}</span>
            <${Link} href=${itemHref('activities', a.id)}>${a.subject || t(`calendar.kind.${a.type}`)}<//>
            ${a.place && html`<span class="muted small"> · ${a.place}</span>`}
        </li>`)}
    </ul>`;
}

/* The week's figures and the planned vs done chart. */
function WeekEffectiveness({ userId, date }) {
    const [report, setReport] = useState(null);
    const [error, setError] = useState(null);
    const from = mondayOf(date);
    const to = addDays(from, 6);
    useEffect(() => {
        let live = true;
        setError(null);
        api.get('/reports/effectiveness', { user: userId, from, to }).then(
            (r) => live && setReport(r), (e) => live && setError(e));
        return () => {
            live = false;
        };
    }, [userId, from]);

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="week-error">${problemText(error)}</div>`;
    if (!report) return html`<p class="muted">${t('common.loading')}</p>`;
    const days = (report.data && report.data[0] && report.data[0].days) || [];
    const sum = (key) => days.reduce((n, d) => n + (d[key] || 0), 0);
    const planned = sum('planned');
    const done = sum('done');
    const week = report.weeks && report.weeks.length === 1 ? report.weeks[0] : null;
    const effectiveness = week ? week.effectiveness : planned ? Math.round((100 * done) / planned) : null;
    const last = days.find((d) => d.date === date) || (days.length ? days[days.length - 1] : null);
    const labels = days.map((d) => new Intl.DateTimeFormat(getLang(), { weekday: 'short', timeZone: 'UTC' })
        .format(new Date(`${d.date}T12:00:00Z`)));
    const config = {
        type: 'bar',
        data: {
            labels,
            datasets: [
                { label: t('eff.planned'), data: days.map((d) => d.planned), backgroundColor: '#c7d4f2' },
                { label: t('eff.done'), data: days.map((d) => d.done), backgroundColor: '#1f9d6b' },
            ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    };
    return html`<div class="week-effectiveness" data-testid="week-effectiveness">
        <dl class="figures">
            <div><dt>${t('eff.planned')}</dt><dd data-testid="week-planned">${planned}</dd></div>
            <div><dt>${t('eff.done')}</dt><dd data-testid="week-done">${done}</dd></div>
            <div><dt>${t('eff.effectiveness')}</dt><dd data-testid="week-effectiveness-value">${percentText(effectiveness)}</dd></div>
            <div><dt>${t('eff.carried')}</dt><dd>${last ? last.overdue_carried : 0}</dd></div>
            <div><dt>${t('eff.timeLogged')}</dt><dd>${durationText(sum('time_logged_s'))}</dd></div>
            <div><dt>${t('eff.timePlanned')}</dt><dd>${durationText(sum('time_planned_s'))}</dd></div>
        </dl>
        <${ChartCanvas} config=${config} label=${t('day.chartLabel', { from: formatDate(from), to: formatDate(to) })}
            testid="week-chart" />
    </div>`;
}

export function MyDayPage() {
    const me = useMe();
    const [day, setDay] = useState(null);
    const [running, setRunning] = useState(null);
    const [loadError, setLoadError] = useState(null);
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const [closing, setClosing] = useState(null); /* the task being marked done */
    useTitle(t('nav.myDay'));

    async function load() {
        setLoadError(null);
        try {
            const [plan, timer] = await Promise.all([
                api.get('/me/day'),
                request('GET', '/timer').then((r) => (r.status === 204 ? null : r.data), () => undefined),
            ]);
            setDay(plan);
            setRunning(timer !== undefined ? timer : plan.running_timer || null);
        } catch (e) {
            setLoadError(e);
        }
    }
    useEffect(() => {
        load();
    }, []);

    async function act(fn) {
        if (busy) return;
        setBusy(true);
        setError(null);
        try {
            await fn();
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    }

    const markDone = (task) => act(async () => {
        setClosing(task.id);
        try {
            await updateRecord('tasks', task.id, { status: 'done' }, task.version);
        } finally {
            await load();
            setClosing(null);
        }
    });
    const start = (task) => act(async () => {
        setRunning(await api.post(`/tasks/${task.id}/timer/start`));
    });
    const stop = () => act(async () => {
        try {
            await api.post('/timer/stop');
        } finally {
            await load();
        }
    });

    if (loadError) {
        return html`<section class="page"><h1>${t('nav.myDay')}</h1>
            <div class="alert alert-error" role="alert" data-testid="day-error">${problemText(loadError)}</div>
            <button type="button" class="btn" onClick=${load}>${t('action.reload')}</button></section>`;
    }
    if (!day) return html`<p class="muted">${t('common.loading')}</p>`;

    const overdue = day.overdue || [];
    const today = day.today || [];
    const listed = new Set([...overdue, ...today].map((x) => x.id));
    const row = (task, isOverdue) => html`<${TaskRow} key=${task.id} task=${task} overdue=${isOverdue}
        running=${running} busy=${busy} closing=${closing === task.id} onDone=${markDone} onStart=${start} onStop=${stop} />`;
    return html`<section class="page my-day-page" data-testid="my-day-page">
        <header class="page-header">
            <div>
                <h1>${t('nav.myDay')}</h1>
                <p class="subtitle">${formatDate(day.date)}${day.time_zone && day.time_zone !== 'UTC' ? ` · ${day.time_zone}` : ''}</p>
            </div>
            <div class="page-actions">
                <span class="time-logged" data-testid="time-logged">
                    ${t('day.logged', { time: durationText(day.time_logged_s) })}</span>
                <${Link} href="/calendar" class="btn btn-small">${t('nav.calendar')}<//>
            </div>
        </header>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="day-action-error">${problemText(error)}</div>`}
        ${running && !listed.has(running.task_id) && html`<div class="alert alert-ok timer-banner" data-testid="timer-elsewhere">
            ${t('day.runningOther')} <${Link} href=${itemHref('tasks', running.task_id)}>#${running.task_id}<//>
            ${' '}<${Elapsed} since=${running.started_at} />
            ${' '}<button type="button" class="btn btn-small btn-danger" onClick=${stop} disabled=${busy}
                data-testid="timer-stop">${t('day.stop')}</button>
        </div>`}
        <div class="day-grid">
            <div>
                ${overdue.length > 0 && html`<section class="card-section day-overdue" data-testid="day-overdue">
                    <h2>${t('day.overdue')} <span class="count">${overdue.length}</span></h2>
                    <ul class="day-list">${overdue.map((x) => row(x, true))}</ul>
                </section>`}
                <section class="card-section" data-testid="day-today">
                    <h2>${t('day.today')} <span class="count">${today.length}</span></h2>
                    ${today.length ? html`<ul class="day-list">${today.map((x) => row(x, false))}</ul>`
                        : html`<p class="muted">${t('day.noTasks')}</p>`}
                </section>
            </div>
            <div>
                <section class="card-section" data-testid="day-meetings-section">
                    <h2>${t('day.meetings')}</h2>
                    <${ActivityList} items=${day.meetings || []} testid="day-meetings" empty=${t('day.noMeetings')} />
                </section>
                <section class="card-section" data-testid="day-calls-section">
                    <h2>${t('day.calls')}</h2>
                    <${ActivityList} items=${day.calls || []} testid="day-calls" empty=${t('day.noCalls')} />
                </section>
            </div>
        </div>
        <section class="card-section">
            <h2>${t('day.week')}</h2>
            ${me && me.user && html`<${WeekEffectiveness} userId=${me.user.id} date=${day.date} />`}
        </section>
    </section>`;
}
