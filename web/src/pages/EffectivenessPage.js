// Team effectiveness (/reports/effectiveness): a team or a user and a date range (by default
// the last four ISO weeks) -> GET /reports/effectiveness; a line chart of each user's weekly
// effectiveness (done / planned tasks) and a table of the same with the range's totals.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ChartCanvas, SERIES_COLOURS } from '../components/ChartCanvas.js';
import { addDays, durationText, isoWeek, localDate, mondayOf, percentText, usePeople } from '../components/dayTime.js';
import { errorText } from '../components/errors.js';
import { FormField } from '../components/FormField.js';
import { t } from '../i18n/index.js';
import { setSearchParams } from '../router.js';
import { useMe } from '../session.js';
import { ReportTabs } from './TaskReportPage.js';
import { useTitle } from './title.js';

const percent = (done, planned) => (planned ? Math.round((100 * done) / planned) : null);

/** One user's days summed by ISO week: {label: {planned, done, time_logged_s}}. */
function byWeek(days) {
    const weeks = {};
    for (const d of days || []) {
        const w = (weeks[isoWeek(d.date)] = weeks[isoWeek(d.date)] || { planned: 0, done: 0, time_logged_s: 0 });
        w.planned += d.planned || 0;
        w.done += d.done || 0;
        w.time_logged_s += d.time_logged_s || 0;
    }
    return weeks;
}

function problemText(e) {
    const fields = (e && e.errors ? e.errors : []).map((x) => (x.field ? `${x.field}: ${x.message}` : x.message));
    return [errorText(e), ...fields].filter(Boolean).join(' — ');
}

function Report({ report }) {
    const weeks = (report.weeks || []).map((w) => w.week);
    const users = (report.data || []).map((u) => {
        const w = byWeek(u.days);
        const sum = (key) => (u.days || []).reduce((n, d) => n + (d[key] || 0), 0);
        return { ...u, weeks: w, planned: sum('planned'), done: sum('done'), logged: sum('time_logged_s') };
    });
    const config = {
        type: 'line',
        data: {
            labels: weeks,
            datasets: users.map((u, i) => ({
                label: u.user_name,
                data: weeks.map((label) => (u.weeks[label] ? percent(u.weeks[label].done, u.weeks[label].planned) : null)),
                borderColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
                backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
                spanGaps: true,
                tension: 0.2,
            })),
        },
        options: { scales: { y: { beginAtZero: true, suggestedMax: 100, ticks: { callback: (v) => `${v} %` } } } },
    };
    if (!users.length) return html`<p class="muted" data-testid="eff-empty">${t('eff.noUsers')}</p>`;
    return html`<section class="card-section">
        <${ChartCanvas} config=${config} label=${t('eff.chartLabel')} testid="eff-chart" height=${300} />
    </section>
    <div class="table-wrap">
        <table class="records eff-table" data-testid="eff-table">
            <caption class="visually-hidden">${t('eff.tableCaption')}</caption>
            <thead><tr>
                <th scope="col">${t('eff.user')}</th>
                ${weeks.map((w) => html`<th scope="col" key=${w}>${w}</th>`)}
                <th scope="col">${t('eff.planned')}</th>
                <th scope="col">${t('eff.done')}</th>
                <th scope="col">${t('eff.effectiveness')}</th>
                <th scope="col">${t('eff.timeLogged')}</th>
            </tr></thead>
            <tbody>
                ${users.map((u, i) => html`<tr key=${u.user_id} data-testid="eff-row" data-user=${u.user_id}>
                    <th scope="row"><span class="swatch" aria-hidden="true"
                        style=${`background:${SERIES_COLOURS[i % SERIES_COLOURS.length]}`}></span> ${u.user_name}</th>
                    ${weeks.map((w) => {
                        const x = u.weeks[w];
                        return html`<td key=${w} title=${x ? t('eff.doneOfPlanned', { done: x.done, planned: x.planned }) : ''}>
                            ${x ? percentText(percent(x.done, x.planned)) : '—'}
                            ${x && x.planned > 0 && html`<span class="muted small"> (${x.done}/${x.planned})</span>`}</td>`;
                    })}
                    <td>${u.planned}</td>
                    <td>${u.done}</td>
                    <td>${percentText(percent(u.done, u.planned))}</td>
                    <td>${durationText(u.logged)}</td>
                </tr>`)}
            </tbody>
            ${users.length > 1 && html`<tfoot><tr>
                <th scope="row">${t('eff.total')}</th>
                ${(report.weeks || []).map((w) => html`<td key=${w.week}>${percentText(w.effectiveness)}</td>`)}
                <td>${users.reduce((n, u) => n + u.planned, 0)}</td>
                <td>${users.reduce((n, u) => n + u.done, 0)}</td>
                <td>${percentText(percent(users.reduce((n, u) => n + u.done, 0), users.reduce((n, u) => n + u.planned, 0)))}</td>
                <td>${durationText(users.reduce((n, u) => n + u.logged, 0))}</td>
            </tr></tfoot>`}
        </table>
    </div>`;
}

export function EffectivenessPage() {
    const me = useMe();
    const { users, teams } = usePeople({ teams: true });
    useTitle(t('nav.effectiveness'));
    const params = new URLSearchParams(window.location.search);
    const monday = mondayOf(localDate());
    const user = (me && me.user) || {};
    const [who, setWho] = useState(params.get('who') || (user.team_id ? `team:${user.team_id}` : `user:${user.id}`));
    const [from, setFrom] = useState(params.get('from') || addDays(monday, -21));
    const [to, setTo] = useState(params.get('to') || addDays(monday, 6));
    const [report, setReport] = useState(null);
    const [error, setError] = useState(null);
    const [loading, setLoading] = useState(false);

    useEffect(() => {
        setSearchParams({ who, from, to });
        if (!from || !to) return undefined;
        let live = true;
        const [kind, id] = who.split(':');
        setLoading(true);
        setError(null);
        api.get('/reports/effectiveness', { [kind === 'team' ? 'team' : 'user']: id, from, to }).then(
            (r) => { if (live) { setReport(r); setLoading(false); } },
            (e) => { if (live) { setError(e); setReport(null); setLoading(false); } });
        return () => {
            live = false;
        };
    }, [who, from, to]);

    return html`<section class="page reports-page" data-testid="effectiveness-page">
        <header class="page-header"><h1>${t('nav.effectiveness')}</h1></header>
        <${ReportTabs} current="/reports/effectiveness" />
        <div class="toolbar filters">
            <${FormField} id="eff-who" label=${t('eff.who')}>
                <select id="eff-who" value=${who} onChange=${(e) => setWho(e.currentTarget.value)} data-testid="eff-who">
                    ${teams.length > 0 && html`<optgroup label=${t('eff.teams')}>
                        ${teams.map((tm) => html`<option key=${`t${tm.id}`} value=${`team:${tm.id}`}>${tm.name}</option>`)}
                    </optgroup>`}
                    <optgroup label=${t('eff.users')}>
                        ${!users.some((u) => `user:${u.id}` === who) && who.startsWith('user:')
                            && html`<option value=${who}>${who === `user:${user.id}` ? user.name || user.email : who}</option>`}
                        ${users.map((u) => html`<option key=${`u${u.id}`} value=${`user:${u.id}`}>${u.name || u.email}</option>`)}
                    </optgroup>
                    ${!teams.some((tm) => `team:${tm.id}` === who) && who.startsWith('team:')
                        && html`<option value=${who}>${who}</option>`}
                </select><//>
            <${FormField} id="eff-from" label=${t('eff.from')}>
                <input id="eff-from" type="date" value=${from} onChange=${(e) => setFrom(e.currentTarget.value)}
                    data-testid="eff-from" /><//>
            <${FormField} id="eff-to" label=${t('eff.to')}>
                <input id="eff-to" type="date" value=${to} onChange=${(e) => setTo(e.currentTarget.value)}
                    data-testid="eff-to" /><//>
        </div>
        <p class="hint">${t('eff.hint')}</p>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="eff-error">${problemText(error)}</div>`}
        ${loading && !report && html`<p class="muted">${t('common.loading')}</p>`}
        ${report && html`<${Report} report=${report} />`}
    </section>`;
}
