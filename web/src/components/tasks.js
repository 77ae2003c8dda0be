// Shared pieces of the task screens: the quick filters of the task list as filter-language
// text (local day boundaries sent as UTC date-times), whether a task is overdue, closing or
// reopening one (PATCH with If-Match), the users an assignee is picked from, the names of the
// records a task is linked to, and those links as a short list.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { dayStart, filterTime } from './localTime.js';

export const PRIORITIES = ['low', 'normal', 'high'];
export const STATUSES = ['open', 'done', 'cancelled'];
export const QUICK_FILTERS = ['mine', 'today', 'overdue', 'upcoming', 'done', 'all'];

/** The entities a task links to, with their fields. */
export const TASK_LINKS = [
    { entity: 'contacts', field: 'contact_id', key: 'task.link.contact' },
    { entity: 'companies', field: 'company_id', key: 'task.link.company' },
    { entity: 'deals', field: 'deal_id', key: 'task.link.deal' },
    { entity: 'leads', field: 'lead_id', key: 'task.link.lead' },
];

/**
 * {filter, sort} of a quick filter at the moment now (a Date): the caller's open tasks,
 * those due today (local day), overdue (due before now), upcoming (after today), done, or all
 * open tasks the caller may see.
 */
export function quickFilter(name, now) {
    const mine = 'assignee_id = me()';
    const open = 'status = "open"';
    const today = filterTime(dayStart(now));
    const tomorrow = filterTime(dayStart(now, 1));
    switch (name) {
    case 'today':
        return { filter: `${mine} and ${open} and due_at >= "${today}" and due_at < "${tomorrow}"`, sort: 'due_at' };
    case 'overdue':
        return { filter: `${mine} and ${open} and due_at < "${filterTime(now)}"`, sort: 'due_at' };
    case 'upcoming':
        return { filter: `${mine} and ${open} and due_at >= "${tomorrow}"`, sort: 'due_at' };
    case 'done':
        return { filter: `${mine} and status = "done"`, sort: '-done_at' };
    case 'all':
        return { filter: open, sort: 'due_at' };
    default:
        return { filter: `${mine} and ${open}`, sort: 'due_at' };
    }
}

/** An open task whose due time has passed. */
export function isOverdue(task, now = new Date()) {
    if (!task || task.status !== 'open' || !task.due_at) return false;
    const due = Date.parse(task.due_at);
    return Number.isFinite(due) && due < now.getTime();
}

/** PATCH /tasks/{id} with If-Match: "<version>"; answers the saved task. */
export function patchTask(task, body) {
    return api.patch(`/tasks/${task.id}`, body, task.version);
}

/* The users (GET /users, every page), loaded once; a caller who may not list them gets []. */
let usersPromise = null;
export function loadUsers() {
    if (!usersPromise) {
        usersPromise = listAll('/users', undefined, { maxPages: 10 }).catch(() => {
            usersPromise = null;
            return [];
        });
    }
    return usersPromise;
}

export function useUsers() {
    const [users, setUsers] = useState([]);
    useEffect(() => {
        let live = true;
        loadUsers().then((list) => live && setUsers(list));
        return () => {
            live = false;
        };
    }, []);
    return users;
}

/* Names of linked records by "entity:id", fetched in batches (filter id in (...)). */
const names = new Map();
const waiters = new Set();

async function loadNames(entity, ids) {
    const missing = [...new Set(ids.filter((id) => id != null && !names.has(`${entity}:${id}`)))];
    if (!missing.length) return;
    for (const id of missing) names.set(`${entity}:${id}`, null);
    for (let i = 0; i < missing.length; i += 100) {
        const chunk = missing.slice(i, i + 100);
        try {
            const page = await api.get(`/${entity}`, { filter: `id in (${chunk.join(', ')})`, limit: chunk.length });
            for (const r of page.data || []) names.set(`${entity}:${r.id}`, recordName(entity, r));
        } catch {
            /* unknown names stay "#id" */
        }
    }
    for (const fn of waiters) fn();
}

/** nameOf(entity, id) for the links of tasks; re-renders when names arrive. */
export function useLinkNames(tasks) {
    const [, setTick] = useState(0);
    const key = tasks.map((x) => `${x.id}:${x.version}`).join(',');
    useEffect(() => {
        const fn = () => setTick((n) => n + 1);
        waiters.add(fn);
        for (const l of TASK_LINKS) loadNames(l.entity, tasks.map((x) => x[l.field]).filter((id) => id != null));
        return () => waiters.delete(fn);
    }, [key]);
    return (entity, id) => names.get(`${entity}:${id}`) || `#${id}`;
}

/** The records a task is linked to, as links. */
export function TaskLinks({ task, nameOf }) {
    const links = TASK_LINKS.filter((l) => task[l.field] != null);
    if (!links.length) return null;
    return html`<span class="task-links">${links.map((l, i) => html`${i ? ', ' : ''}<${Link}
        href=${`/${l.entity}/${task[l.field]}`} title=${t(l.key)} data-testid="task-link">${nameOf(l.entity, task[l.field])}<//>`)}
    </span>`;
}
