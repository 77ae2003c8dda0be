// Local time for the working-day screens: <input type="datetime-local"> values (local wall
// time, "YYYY-MM-DDTHH:MM") to and from ISO UTC, the local day and ISO week (Monday first)
// boundaries, and date-times written the way the filter language takes them.

const pad = (n) => String(n).padStart(2, '0');

/** An ISO instant (or Date) as a datetime-local value in the browser's zone; '' for none. */
export function toLocalInput(value) {
    if (!value) return '';
    const d = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(d.getTime())) return '';
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local wall time) as ISO UTC; null when empty or unreadable. */
export function fromLocalInput(text) {
    if (!text) return null;
    const d = new Date(text); /* a date-time without an offset is local time */
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Local midnight of the day of d (a Date), plus days. */
export function dayStart(d = new Date(), days = 0) {
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
}

/** Local midnight of the Monday of d's week, plus weeks. */
export function weekStart(d = new Date(), weeks = 0) {
    const back = (d.getDay() + 6) % 7;
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() - back + weeks * 7);
}

/** A Date as the filter language's date-time: "2026-11-23T09:00:00Z" (UTC, no fraction). */
export function filterTime(d) {
    return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The same local time of day as `from` (a Date or ISO; 18:00 when none) on the day of `day`. */
export function atTimeOfDay(day, from) {
    const src = from ? new Date(from) : null;
    const ok = src && !Number.isNaN(src.getTime());
    return new Date(day.getFullYear(), day.getMonth(), day.getDate(), ok ? src.getHours() : 18,
        ok ? src.getMinutes() : 0);
}
