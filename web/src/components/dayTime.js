// Small date and duration helpers of the calendar, day plan and report pages: local
// "YYYY-MM-DD" dates, the Monday of a week, ISO week labels, durations as text, and the
// user list the pickers offer.
import { useEffect, useState } from 'preact/hooks';
import { listAll } from '../api.js';
import { t } from '../i18n/index.js';

const pad = (n) => String(n).padStart(2, '0');

/** The page a calendar item (a task or an activity) opens. */
export function itemHref(entity, id) {
    return entity === 'tasks' ? `/tasks/${id}` : `/activities/${id}`;
}

/** The local date of a Date as "YYYY-MM-DD". */
export function localDate(d = new Date()) {
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "YYYY-MM-DD" as a Date at noon UTC (safe for day arithmetic). */
function parseDate(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], 12)) : null;
}

function formatUtcDate(d) {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** date ("YYYY-MM-DD") plus n days. */
export function addDays(date, n) {
    const d = parseDate(date);
    if (!d) return date;
    d.setUTCDate(d.getUTCDate() + n);
    return formatUtcDate(d);
}

/** The Monday of date's week. */
export function mondayOf(date) {
    const d = parseDate(date);
    if (!d) return date;
    return addDays(date, -((d.getUTCDay() + 6) % 7));
}

/** ISO week label of a date: "2026-W05" (as the server's reports name weeks). */
export function isoWeek(date) {
    const d = parseDate(date);
    if (!d) return '';
    const thursday = new Date(d);
    thursday.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7));
    const year = thursday.getUTCFullYear();
    const week = Math.floor((thursday - Date.UTC(year, 0, 1, 12)) / 86400000 / 7) + 1;
    return `${year}-W${pad(week)}`;
}

/** Seconds as "h:mm:ss" (a running timer). */
export function clockText(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** Seconds as "1 h 05 min" / "12 min" / "40 s". */
export function durationText(seconds) {
    const s = Math.max(0, Math.round(seconds || 0));
    if (s < 60) return t('time.seconds', { s });
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? t('time.hoursMinutes', { h, m: pad(m) }) : t('time.minutes', { m });
}

/** A percentage or a dash for none (null). */
export function percentText(value) {
    return value === null || value === undefined ? '—' : `${value} %`;
}

/** The users (GET /users, all pages) as [{id, name, email, team_id}], and the teams. */
export function usePeople({ teams = false } = {}) {
    const [state, setState] = useState({ users: [], teams: [], error: null });
    useEffect(() => {
        let live = true;
        Promise.all([listAll('/users'), teams ? listAll('/teams') : Promise.resolve([])]).then(
            ([u, tm]) => live && setState({ users: u, teams: tm, error: null }),
            (e) => live && setState({ users: [], teams: [], error: e }));
        return () => {
            live = false;
        };
    }, [teams]);
    return state;
}
