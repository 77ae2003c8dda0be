// Task report (/reports/tasks): for a day, week or month (tabs) around a date and for me or
// another user, GET /reports/tasks -> tasks created, done, done on time, overdue, cancelled,
// the time logged, and the list of the tasks done in the period. Also the tabs between the
// report pages.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { durationText, itemHref, localDate, usePeople } from '../components/dayTime.js';
import { errorText } from '../components/errors.js';
import { FormField } from '../components/FormField.js';
import { REPORT_PAGES } from '../components/ReportsMenu.js';
import { formatDate, formatDateTime, t } from '../i18n/index.js';
import { Link, setSearchParams } from '../router.js';
import { useMe } from '../session.js';
import { useTitle } from './title.js';

/** Links between the report pages. */
export function ReportTabs({ current }) {
    return html`<nav class="tabs subnav" aria-label=${t('nav.reports')}>
        ${REPORT_PAGES.map((p) => html`<${Link} key=${p.href} href=${p.href} class=${`tab${p.href === current ? ' active' : ''}`}
            aria-current=${p.href === current ? 'page' : undefined}>${t(p.key)}<//>`)}
    </nav>`;
}

const PERIODS = ['day', 'week', 'month'];
const FIGURES = ['created', 'done', 'done_on_time', 'overdue', 'cancelled'];

function problemText(e) {
    const fields = (e && e.errors ? e.errors : []).map((x) => (x.field ? `${x.field}: ${x.message}` : x.message));
    return [errorText(e), ...fields].filter(Boolean).join(' — ');
}

export function TaskReportPage() {
    const me = useMe();
    const { users } = usePeople();
    useTitle(t('nav.taskReport'));
    const params = new URLSearchParams(window.location.search);
    const [period, setPeriod] = useState(PERIODS.includes(params.get('period')) ? params.get('period') : 'week');
    const [user, setUser] = useState(params.get('user') || '');
    const [date, setDate] = useState(params.get('date') || localDate());
    const [report, setReport] = useState(null);
    const [error, setError] = useState(null);

    useEffect(() => {
        setSearchParams({ period, user, date });
        let live = true;
        setError(null);
        api.get('/reports/tasks', { period, user: user || undefined, date: date || undefined }).then(
            (r) => live && setReport(r), (e) => { if (live) { setError(e); setReport(null); } });
        return () => {
            live = false;
        };
    }, [period, user, date]);

    const myId = me && me.user ? me.user.id : null;
    const range = report && (report.from === report.to ? formatDate(report.from)
        : `${formatDate(report.from)} – ${formatDate(report.to)}`);
    return html`<section class="page reports-page" data-testid="task-report-page">
        <header class="page-header"><h1>${t('nav.taskReport')}</h1></header>
        <${ReportTabs} current="/reports/tasks" />
        <div class="tabs" role="tablist" aria-label=${t('report.period')}>
            ${PERIODS.map((p) => html`<button type="button" role="tab" key=${p} id=${`period-${p}`}
                aria-selected=${period === p ? 'true' : 'false'} class=${`tab${period === p ? ' active' : ''}`}
                onClick=${() => setPeriod(p)} data-testid=${`period-${p}`}>${t(`report.period.${p}`)}</button>`)}
        </div>
        <div role="tabpanel" aria-labelledby=${`period-${period}`}>
            <div class="toolbar filters">
                <${FormField} id="report-user" label=${t('report.user')}>
                    <select id="report-user" value=${user} onChange=${(e) => setUser(e.currentTarget.value)}
                            data-testid="report-user">
                        <option value="">${t('calendar.me')}</option>
                        ${user && !users.some((u) => String(u.id) === user) && html`<option value=${user}>#${user}</option>`}
                        ${users.filter((u) => u.id !== myId).map((u) => html`<option key=${u.id} value=${String(u.id)}>
                            ${u.name || u.email}</option>`)}
                    </select><//>
                <${FormField} id="report-date" label=${t('report.date')}>
                    <input id="report-date" type="date" value=${date} onChange=${(e) => setDate(e.currentTarget.value)}
                        data-testid="report-date" /><//>
            </div>
            ${error && html`<div class="alert alert-error" role="alert" data-testid="report-error">${problemText(error)}</div>`}
            ${!report && !error && html`<p class="muted">${t('common.loading')}</p>`}
            ${report && html`<section class="card-section" data-testid="report-figures">
                <h2>${range}</h2>
                <dl class="figures">
                    ${FIGURES.map((f) => html`<div key=${f}><dt>${t(`report.${f}`)}</dt>
                        <dd data-testid=${`report-${f}`}>${report[f] ?? 0}</dd></div>`)}
                    <div><dt>${t('report.time_logged')}</dt>
                        <dd data-testid="report-time_logged">${durationText(report.time_logged_s)}</dd></div>
                </dl>
            </section>
            <section class="card-section">
                <h2>${t('report.doneTasks')} <span class="count">${(report.done_tasks || []).length}</span></h2>
                ${(report.done_tasks || []).length === 0 ? html`<p class="muted">${t('report.noneDone')}</p>`
                    : html`<div class="table-wrap"><table class="records" data-testid="report-done-tasks">
                        <thead><tr>
                            <th scope="col">${t('report.task')}</th>
                            <th scope="col">${t('report.doneAt')}</th>
                            <th scope="col">${t('report.spent')}</th>
                        </tr></thead>
                        <tbody>${report.done_tasks.map((x) => html`<tr key=${x.id}>
                            <td><${Link} href=${itemHref('tasks', x.id)}>${x.title ?? `#${x.id}`}<//></td>
                            <td>${x.done_at && html`<time datetime=${x.done_at}>${formatDateTime(x.done_at)}</time>`}</td>
                            <td>${x.time_spent_s ? durationText(x.time_spent_s) : '—'}</td>
                        </tr>`)}</tbody>
                    </table></div>`}
            </section>`}
        </div>
    </section>`;
}
