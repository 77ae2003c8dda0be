// The notification bell in the header: the unread count as a badge, kept up to date without a
// reload by polling GET /notifications?limit=10 every 15 s and whenever the window gets the
// focus back (polling pauses while the tab is hidden). Its drop-down lists the latest ones
// (kind icon, summary, time); a click marks one read (POST /notifications/{id}/read) and opens
// its record; "Mark all read" is POST /notifications/read-all.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatDateTime, has, t } from '../i18n/index.js';
import { navigate } from '../router.js';
import { errorText } from './errors.js';
import { useMenu } from './useMenu.js';

export const POLL_MS = 15_000;

const ICONS = { task_reminder: '◷', task_assigned: '☑', birthday: '✿' };
const PAGES = new Set(['activities', 'tasks', 'contacts', 'companies', 'deals', 'leads', 'quotes']);

/** A summary with the ISO times the server writes in it shown in local time. */
function summaryText(text) {
    return String(text || '').replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/g, (iso) => formatDateTime(iso));
}

/** The app page of a notification's record, or null. */
function recordPath(n) {
    const r = n.record;
    if (!r || r.id == null || !PAGES.has(r.entity)) return null;
    return `/${r.entity}/${r.id}`;
}

export function NotificationBell({ onNavigate }) {
    const { open, toggle, root, button, chosen } = useMenu(onNavigate);
    const [state, setState] = useState({ items: [], unread: 0, error: null, loaded: false });
    const seq = useRef(0);

    async function load() {
        const mine = ++seq.current;
        try {
            const page = await api.get('/notifications', { limit: 10 });
            if (mine !== seq.current) return;
            setState({ items: (page && page.data) || [], unread: Number(page && page.unread) || 0, error: null,
                       loaded: true });
        } catch (error) {
            if (mine === seq.current) setState((s) => ({ ...s, error, loaded: true }));
        }
    }

    useEffect(() => {
        let timer = null;
        const start = () => {
            if (!timer) timer = window.setInterval(load, POLL_MS);
        };
        const stop = () => {
            window.clearInterval(timer);
            timer = null;
        };
        const onVisibility = () => {
            if (document.hidden) {
                stop();
            } else {
                load();
                start();
            }
        };
        const onFocus = () => load();
        load();
        if (!document.hidden) start();
        document.addEventListener('visibilitychange', onVisibility);
        window.addEventListener('focus', onFocus);
        return () => {
            stop();
            document.removeEventListener('visibilitychange', onVisibility);
            window.removeEventListener('focus', onFocus);
        };
    }, []);

    function onToggle() {
        if (!open) load();
        toggle();
    }

    async function openOne(e, n) {
        e.preventDefault();
        const path = recordPath(n);
        chosen();
        if (!n.read) {
            seq.current += 1; /* an answer already on its way must not bring the old state back */
            setState((s) => ({ ...s, unread: Math.max(0, s.unread - 1),
                               items: s.items.map((x) => (x.id === n.id ? { ...x, read: true } : x)) }));
            try {
                const answer = await api.post(`/notifications/${n.id}/read`);
                if (answer && answer.unread != null) setState((s) => ({ ...s, unread: Number(answer.unread) }));
            } catch {
                load();
            }
        }
        if (path) navigate(path);
    }

    async function readAll() {
        seq.current += 1;
        setState((s) => ({ ...s, unread: 0, items: s.items.map((x) => ({ ...x, read: true })) }));
        try {
            await api.post('/notifications/read-all');
        } catch (error) {
            setState((s) => ({ ...s, error }));
        }
        load();
    }

    const { items, unread } = state;
    return html`<div class="bell" ref=${root} data-testid="bell" data-unread=${unread}>
        <button type="button" class="bell-button" ref=${button} onClick=${onToggle} data-testid="bell-button"
                aria-expanded=${open ? 'true' : 'false'} aria-controls="bell-list"
                aria-label=${t('bell.label', { n: unread })} title=${t('bell.title')}>
            <svg class="bell-svg" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor"
                    stroke-width="2" stroke-linejoin="round" aria-hidden="true" focusable="false">
                <path d="M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z" /><path d="M10 20.5a2 2 0 0 0 4 0" />
            </svg>
            ${unread > 0 && html`<span class="bell-badge" data-testid="bell-badge" aria-hidden="true">
                ${unread > 99 ? '99+' : unread}</span>`}
        </button>
        <span class="visually-hidden" role="status" aria-live="polite">${unread > 0 ? t('bell.label', { n: unread }) : ''}</span>
        ${open && html`<div id="bell-list" class="bell-panel" data-testid="bell-panel">
            <div class="bell-head">
                <strong>${t('bell.title')}</strong>
                <button type="button" class="btn btn-link btn-small" onClick=${readAll} disabled=${!unread}
                    data-testid="bell-read-all">${t('bell.readAll')}</button>
            </div>
            ${state.error && html`<div class="alert alert-error" role="alert">${errorText(state.error)}</div>`}
            ${state.loaded && !items.length && !state.error && html`<p class="muted bell-empty" data-testid="bell-empty">
                ${t('bell.empty')}</p>`}
            ${items.length > 0 && html`<ul class="bell-items">
                ${items.map((n) => html`<li key=${n.id}>
                    <a href=${recordPath(n) || '#'} class=${`bell-item${n.read ? '' : ' unread'}`} onClick=${(e) => openOne(e, n)}
                            data-testid="bell-item" data-kind=${n.kind} data-read=${n.read ? 'true' : 'false'}>
                        <span class="bell-icon" aria-hidden="true">${ICONS[n.kind] || '•'}</span>
                        <span class="bell-text">
                            <span class="visually-hidden">${has(`bell.kind.${n.kind}`) ? t(`bell.kind.${n.kind}`) : n.kind}: </span>
                            <span class="bell-summary" data-testid="bell-summary">${summaryText(n.summary)}</span>
                            <time class="muted" datetime=${n.at}>${formatDateTime(n.at)}</time>
                        </span>
                        ${!n.read && html`<span class="visually-hidden">${t('bell.unread')}</span>`}
                    </a>
                </li>`)}
            </ul>`}
            <div class="bell-foot"><a href="/tasks" onClick=${(e) => { e.preventDefault(); chosen(); navigate('/tasks'); }}>
                ${t('bell.allTasks')}</a></div>
        </div>`}
    </div>`;
}
