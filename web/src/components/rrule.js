// The recurrence of a task as the form edits it ({freq, interval, ends, until, count}) and as
// RFC 5545 RRULE text ("FREQ=WEEKLY;INTERVAL=2;COUNT=5"). A rule the form cannot show (BYDAY,
// yearly, ...) is kept as text: {freq: 'custom', text}.

export const FREQS = ['none', 'daily', 'weekly', 'monthly'];

export const NO_RECURRENCE = { freq: 'none', interval: 1, ends: 'never', until: '', count: 5, text: '' };

/** RRULE text of the form's value; null for none. */
export function buildRrule(r) {
    if (!r || r.freq === 'none') return null;
    if (r.freq === 'custom') return (r.text || '').trim().replace(/^RRULE:/i, '') || null;
    const parts = [`FREQ=${r.freq.toUpperCase()}`];
    const interval = Math.floor(Number(r.interval));
    if (Number.isFinite(interval) && interval > 1) parts.push(`INTERVAL=${interval}`);
    if (r.ends === 'on' && /^\d{4}-\d{2}-\d{2}$/.test(r.until || '')) {
        parts.push(`UNTIL=${r.until.replace(/-/g, '')}T235959Z`);
    } else if (r.ends === 'after') {
        const count = Math.floor(Number(r.count));
        parts.push(`COUNT=${Number.isFinite(count) ? count : 1}`);
    }
    return parts.join(';');
}

/** The form's value of RRULE text (null/'' -> none). */
export function parseRrule(text) {
    if (!text) return { ...NO_RECURRENCE };
    const fields = {};
    for (const part of String(text).replace(/^RRULE:/i, '').split(';')) {
        const [k, v] = part.split('=');
        if (k) fields[k.trim().toUpperCase()] = (v || '').trim();
    }
    const freq = (fields.FREQ || '').toLowerCase();
    const known = Object.keys(fields).every((k) => ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL'].includes(k));
    const until = /^(\d{4})(\d{2})(\d{2})/.exec(fields.UNTIL || '');
    if (!known || !['daily', 'weekly', 'monthly'].includes(freq) || (fields.UNTIL && !until)) {
        return { ...NO_RECURRENCE, freq: 'custom', text };
    }
    return {
        freq,
        interval: Number(fields.INTERVAL) || 1,
        ends: fields.COUNT ? 'after' : until ? 'on' : 'never',
        until: until ? `${until[1]}-${until[2]}-${until[3]}` : '',
        count: Number(fields.COUNT) || 5,
        text: '',
    };
}
