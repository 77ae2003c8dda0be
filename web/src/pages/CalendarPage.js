// Calendar (/calendar): FullCalendar month / week / day views of GET /calendar for me, my team
// or another user; meetings, calls and tasks in their own colours, recurring occurrences
// expanded by the server. A click opens the record; dragging (and, for meetings, resizing)
// reschedules it with PATCH + If-Match (the record read first for its version) and goes back
// on a refusal, showing why. Recurring occurrences stay put. The toolbar subscribes to the
// personal iCalendar feed (its URL shown once) and imports an .ics file; it also exports the
// activities (components/ExportMenu.js) and links to the import wizard for activities.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { CopyButton } from '../components/CopyButton.js';
import { itemHref, usePeople } from '../components/dayTime.js';
import { errorText } from '../components/errors.js';
import { ExportMenu } from '../components/ExportMenu.js';
import { formatDateTime, t, useLang } from '../i18n/index.js';
import { Link, navigate, setSearchParams } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const VIEWS = { month: 'dayGridMonth', week: 'timeGridWeek', day: 'timeGridDay' };
const VIEW_NAMES = Object.fromEntries(Object.entries(VIEWS).map(([k, v]) => [v, k]));
/* FullCalendar, loaded when a calendar is first shown (its own chunk of the build). */
let fullCalendar = null;
function loadFullCalendar() {
    if (!fullCalendar) {
        fullCalendar = Promise.all([import('@fullcalendar/core'), import('@fullcalendar/core/locales/ru'),
            import('@fullcalendar/daygrid'), import('@fullcalendar/timegrid'), import('@fullcalendar/interaction')])
            .then(([core, ru, dayGrid, timeGrid, interaction]) => ({
                Calendar: core.Calendar, ruLocale: ru.default,
                plugins: [dayGrid.default, timeGrid.default, interaction.default],
            }));
        fullCalendar.catch(() => {
            fullCalendar = null;
        });
    }
    return fullCalendar;
}

export const KIND_COLOURS = { meeting: '#2457c5', call: '#1f9d6b', task: '#d9822b' };

/** An error of the API as one line: the detail and the field messages. */
function problemText(e) {
    if (e && e.status === 412) return t('error.stale');
    const fields = (e && e.errors ? e.errors : []).map((x) => (x.field ? `${x.field}: ${x.message}` : x.message));
    return [errorText(e), ...fields].filter(Boolean).join(' — ');
}

/** A calendar item of GET /calendar as a FullCalendar event. */
function toEvent(item) {
    const recurring = Boolean(item.recurring);
    const start = item.occurrence || item.start;
    return {
        id: `${item.entity}-${item.id}-${start}`,
        title: item.title || t(`calendar.kind.${item.kind}`),
        start,
        end: item.end || undefined,
        allDay: Boolean(item.all_day),
        url: itemHref(item.entity, item.id),
        backgroundColor: KIND_COLOURS[item.kind] || '#5d6b82',
        borderColor: KIND_COLOURS[item.kind] || '#5d6b82',
        classNames: [`cal-${item.kind}`, recurring ? 'cal-recurring' : ''].filter(Boolean),
        editable: !recurring,
        startEditable: !recurring,
        durationEditable: !recurring && item.kind === 'meeting',
        extendedProps: { item },
    };
}

/* The new times of a moved or resized event, as the PATCH body of its record. */
function rescheduleBody(info, record) {
    const ev = info.event;
    const item = ev.extendedProps.item;
    if (item.entity === 'tasks') return { due_at: ev.start.toISOString() };
    const body = { at: ev.start.toISOString() };
    if (ev.end) {
        body.end_at = ev.end.toISOString();
    } else if (record.end_at && info.delta) {
        const shift = info.delta.milliseconds + info.delta.days * 86400000
            + (info.delta.months || 0) * 30 * 86400000;
        body.end_at = new Date(Date.parse(record.end_at) + shift).toISOString();
    }
    if (info.oldEvent && ev.allDay !== info.oldEvent.allDay) body.all_day = ev.allDay;
    return body;
}

function Legend() {
    return html`<ul class="calendar-legend" aria-label=${t('calendar.legend')}>
        ${Object.entries(KIND_COLOURS).map(([kind, colour]) => html`<li key=${kind}>
            <span class="swatch" style=${`background:${colour}`} aria-hidden="true"></span>
            ${t(`calendar.kind.${kind}`)}</li>`)}
        <li><span class="swatch swatch-recurring" aria-hidden="true"></span>${t('calendar.recurring')}</li>
    </ul>`;
}

/* "Subscribe": the personal feed's URL (shown once), its replacement and revocation. */
function FeedControl() {
    const [state, setState] = useState({ active: null, created_at: null });
    const [made, setMade] = useState(null);
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState(null);

    async function load() {
        try {
            const feed = await api.get('/me/calendar-feed');
            setState({ active: Boolean(feed && feed.active), created_at: feed && feed.created_at });
        } catch (e) {
            setState({ active: e.status === 404 ? false : null, created_at: null });
        }
    }
    useEffect(() => {
        load();
    }, []);

    async function subscribe() {
        if (state.active && !window.confirm(t('calendar.feedReplaceConfirm'))) return;
        setBusy(true);
        setError(null);
        try {
            setMade(await api.post('/me/calendar-feed'));
            await load();
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    }

    async function revoke() {
        if (!window.confirm(t('calendar.feedRevokeConfirm'))) return;
        setBusy(true);
        setError(null);
        try {
            await api.del('/me/calendar-feed');
            setMade(null);
            setState({ active: false, created_at: null });
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    }

    return html`<div class="calendar-feed">
        <button type="button" class="btn btn-small" onClick=${subscribe} disabled=${busy}
                data-testid="calendar-subscribe">
            ${state.active ? t('calendar.feedRenew') : t('calendar.subscribe')}</button>
        ${state.active && html`<button type="button" class="btn btn-small btn-danger" onClick=${revoke}
                disabled=${busy} data-testid="calendar-revoke">${t('calendar.revoke')}</button>
            <span class="muted small" data-testid="calendar-feed-state">
                ${state.created_at ? t('calendar.feedActiveSince', { at: formatDateTime(state.created_at) })
                    : t('calendar.feedActive')}</span>`}
        ${error && html`<div class="alert alert-error" role="alert" data-testid="calendar-feed-error">${problemText(error)}</div>`}
        ${made && html`<div class="alert alert-ok one-time" role="status" data-testid="calendar-feed-made">
            <p><strong>${t('calendar.feedMade')}</strong></p>
            <p>${t('calendar.feedWarning')}</p>
            <p class="secret-line"><code class="break" data-testid="calendar-feed-url">${made.url}</code></p>
            <div class="form-actions">
                <${CopyButton} text=${made.url} testid="calendar-feed-copy" />
                <button type="button" class="btn btn-small" onClick=${() => setMade(null)}
                    data-testid="calendar-feed-close">${t('action.close')}</button>
            </div>
        </div>`}
    </div>`;
}

/* "Import .ics": the chosen file goes as the body (text/calendar); the answer's counts shown. */
function ImportControl({ onImported }) {
    const [busy, setBusy] = useState(false);
    const [result, setResult] = useState(null);
    const [error, setError] = useState(null);

    async function onChange(e) {
        const input = e.currentTarget;
        const file = input.files && input.files[0];
        if (!file) return;
        setBusy(true);
        setError(null);
        setResult(null);
        try {
            const answer = await api.upload('/calendar/import', file, 'text/calendar');
            setResult(answer || {});
            onImported();
        } catch (err) {
            setError(err);
        } finally {
            setBusy(false);
            input.value = '';
        }
    }

    return html`<div class="calendar-import">
        <label class="btn btn-small file-button">
            ${busy ? t('calendar.importing') : t('calendar.import')}
            <input type="file" class="visually-hidden" accept=".ics,text/calendar" onChange=${onChange}
                disabled=${busy} data-testid="calendar-import-input" />
        </label>
        <span role="status" class="import-result" data-testid="calendar-import-result">
            ${result && t('calendar.imported', { n: result.imported || 0, m: result.updated || 0 })}</span>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="calendar-import-error">
            ${problemText(error)}</div>`}
    </div>`;
}

export function CalendarPage() {
    const lang = useLang();
    const me = useMe();
    const { users } = usePeople();
    useTitle(t('nav.calendar'));
    const params = new URLSearchParams(window.location.search);
    const [whose, setWhose] = useState(params.get('user') || '');
    const [error, setError] = useState(null);
    const [notice, setNotice] = useState(null);
    const [loading, setLoading] = useState(false);
    const el = useRef(null);
    const cal = useRef(null);
    const place = useRef({ view: VIEWS[params.get('view')] || VIEWS.week, date: params.get('date') || undefined });
    const whoseRef = useRef(whose);
    whoseRef.current = whose;

    async function reschedule(info) {
        const item = info.event.extendedProps.item;
        const path = `/${item.entity}/${item.id}`;
        setError(null);
        setNotice(null);
        try {
            const record = await api.get(path);
            await api.patch(path, rescheduleBody(info, record), record.version);
            setNotice(t('calendar.moved', { title: info.event.title }));
        } catch (e) {
            info.revert();
            setError(t('calendar.moveFailed', { title: info.event.title, error: problemText(e) }));
        }
    }

    function mount({ Calendar, ruLocale, plugins }) {
        const calendar = new Calendar(el.current, {
            plugins,
            locales: [ruLocale],
            locale: lang === 'ru' ? 'ru' : 'en',
            initialView: place.current.view,
            initialDate: place.current.date,
            firstDay: 1,
            headerToolbar: { left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,timeGridDay' },
            /* the icon font is a data: URL, which the server's Content-Security-Policy refuses */
            buttonIcons: false,
            buttonText: { prev: '‹', next: '›', today: t('calendar.today'), month: t('calendar.month'),
                          week: t('calendar.week'), day: t('calendar.day') },
            buttonHints: { prev: t('calendar.prev'), next: t('calendar.next') },
            slotEventOverlap: false,
            allDayText: t('calendar.allDay'),
            height: 760,
            scrollTime: '08:00:00',
            nowIndicator: true,
            editable: true,
            eventDurationEditable: false,
            defaultTimedEventDuration: '00:30:00',
            dayMaxEvents: true,
            events(info, success, failure) {
                const who = whoseRef.current;
                api.get('/calendar', { from: info.start.toISOString(), to: info.end.toISOString(),
                                       user: who || undefined })
                    .then((answer) => {
                        setError(null);
                        success(((answer && answer.data) || []).map(toEvent));
                    }, (e) => {
                        setError(t('calendar.loadFailed', { error: problemText(e) }));
                        failure(e);
                    });
            },
            loading: (on) => setLoading(on),
            eventDidMount(info) {
                const item = info.event.extendedProps.item;
                const a = info.el;
                a.setAttribute('data-testid', 'calendar-event');
                a.setAttribute('data-entity', item.entity);
                a.setAttribute('data-id', String(item.id));
                a.setAttribute('data-kind', item.kind);
                a.title = item.recurring
                    ? `${info.event.title} — ${t('calendar.recurringNoDrag')}`
                    : `${t(`calendar.kind.${item.kind}`)}: ${info.event.title}`;
            },
            eventClick(info) {
                info.jsEvent.preventDefault();
                const item = info.event.extendedProps.item;
                navigate(itemHref(item.entity, item.id));
            },
            eventDrop: reschedule,
            eventResize: reschedule,
            datesSet(info) {
                const view = VIEW_NAMES[info.view.type] || 'week';
                const date = info.view.currentStart;
                const pad = (n) => String(n).padStart(2, '0');
                const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
                place.current = { view: info.view.type, date: day };
                setSearchParams({ view, date: day, user: whoseRef.current });
            },
        });
        calendar.render();
        cal.current = calendar;
    }

    useEffect(() => {
        let live = true;
        loadFullCalendar().then((fc) => {
            if (live && el.current) mount(fc);
        }, (e) => live && setError(errorText(e)));
        return () => {
            live = false;
            if (cal.current) cal.current.destroy();
            cal.current = null;
        };
    }, [lang]);

    function changeWhose(value) {
        setWhose(value);
        whoseRef.current = value;
        const view = VIEW_NAMES[place.current.view] || 'week';
        setSearchParams({ view, date: place.current.date, user: value });
        if (cal.current) cal.current.refetchEvents();
    }

    const myId = me && me.user ? me.user.id : null;
    const others = users.filter((u) => u.id !== myId && !u.disabled);
    return html`<section class="page calendar-page" data-testid="calendar-page">
        <header class="page-header">
            <h1>${t('nav.calendar')}</h1>
            <div class="page-actions">
                <${FeedControl} />
                <${ImportControl} onImported=${() => cal.current && cal.current.refetchEvents()} />
                <${ExportMenu} entity="activities" small />
                ${can(me, 'activities', 'create') && html`<${Link} href="/imports?entity=activities" class="btn btn-small"
                    data-testid="import">${t('import.button')}<//>`}
            </div>
        </header>
        <div class="toolbar calendar-toolbar">
            <div class="form-row inline">
                <label for="calendar-whose">${t('calendar.whose')}</label>
                <select id="calendar-whose" value=${whose} onChange=${(e) => changeWhose(e.currentTarget.value)}
                        data-testid="calendar-whose">
                    <option value="">${t('calendar.me')}</option>
                    <option value="team">${t('calendar.team')}</option>
                    ${whose && whose !== 'team' && !others.some((u) => String(u.id) === whose)
                        && html`<option value=${whose}>#${whose}</option>`}
                    ${others.length > 0 && html`<optgroup label=${t('calendar.users')}>
                        ${others.map((u) => html`<option key=${u.id} value=${String(u.id)}>${u.name || u.email}</option>`)}
                    </optgroup>`}
                </select>
            </div>
            <${Legend} />
            <span class="muted small" role="status" data-testid="calendar-loading">
                ${loading ? t('common.loading') : ''}</span>
        </div>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="calendar-error">${error}</div>`}
        ${notice && !error && html`<div class="alert alert-ok" role="status" data-testid="calendar-notice">${notice}</div>`}
        <p class="hint">${t('calendar.hint')}</p>
        <div class="calendar-box" ref=${el} data-testid="calendar"></div>
    </section>`;
}
