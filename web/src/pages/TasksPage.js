// The tasks page (/tasks): a list with quick filters — mine (open), today, overdue, upcoming,
// done, all open — each a GET /tasks?filter=... in the filter language with the local day's
// bounds as UTC times; overdue rows are marked; a checkbox closes or reopens a task (PATCH with
// If-Match: "<version>"). Or the board view (components/TaskBoard.js). ?view=board&filter=
// keep the choice in the address. The list view exports the tasks of its quick filter.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ErrorBanner, errorText } from '../components/errors.js';
import { ExportMenu } from '../components/ExportMenu.js';
import { TaskBoard } from '../components/TaskBoard.js';
import { TaskRow } from '../components/TaskCard.js';
import { QUICK_FILTERS, patchTask, quickFilter, useLinkNames } from '../components/tasks.js';
import { useCursorList } from '../components/useCursorList.js';
import { t } from '../i18n/index.js';
import { Link, setSearchParams } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

function TaskList({ filterName }) {
    const me = useMe();
    /* the moment the filter's times are taken from; "Refresh" takes a new one */
    const [now, setNow] = useState(() => new Date());
    const query = quickFilter(filterName, now);
    const list = useCursorList('/tasks', query, { pageSize: 50 });
    const [changed, setChanged] = useState({}); /* tasks saved here since the list loaded, by id */
    const [busy, setBusy] = useState(null);
    const [error, setError] = useState(null);
    const items = list.items.map((x) => changed[x.id] || x);
    const nameOf = useLinkNames(items);

    async function toggle(task, checked) {
        const status = checked ? 'done' : 'open';
        setBusy(task.id);
        setError(null);
        /* the box shows the new state at once; the answer (or the old task) replaces it */
        setChanged((c) => ({ ...c, [task.id]: { ...task, status } }));
        try {
            const saved = await patchTask(task, { status });
            setChanged((c) => ({ ...c, [task.id]: saved }));
            if (task.rrule) refresh(); /* a recurring task's next one appears */
        } catch (e) {
            setChanged((c) => ({ ...c, [task.id]: task }));
            setError(e);
            if (e.status === 412) refresh();
        } finally {
            setBusy(null);
        }
    }

    function refresh() {
        setChanged({});
        setNow(new Date());
        list.reload();
    }

    return html`<div data-testid="task-list-view">
        ${error && (error.status === 412
            ? html`<div class="alert alert-error" role="alert" data-testid="stale-error">${t('task.stale')}</div>`
            : html`<${ErrorBanner} messages=${[errorText(error)]} />`)}
        ${list.error && html`<div class="alert alert-error" role="alert" data-testid="list-error">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !items.length && html`<p class="muted empty" data-testid="tasks-empty">
            ${t(`task.empty.${filterName}`)}</p>`}
        ${items.length > 0 && html`<div class="table-wrap"><table class="records task-table" data-testid="task-table">
            <thead><tr>
                <th scope="col" class="col-check"><span class="visually-hidden">${t('task.doneColumn')}</span></th>
                <th scope="col">${t('task.title')}</th>
                <th scope="col">${t('task.due')}</th>
                <th scope="col">${t('task.priority')}</th>
                <th scope="col">${t('task.assignee')}</th>
                <th scope="col">${t('task.links')}</th>
            </tr></thead>
            <tbody>
                ${items.map((task) => html`<${TaskRow} key=${task.id} task=${task} now=${now} busy=${busy === task.id}
                    canUpdate=${can(me, 'tasks', 'update', task)} onToggle=${toggle} nameOf=${nameOf} />`)}
            </tbody>
        </table></div>`}
        ${list.loading && html`<p class="muted">${t('common.loading')}</p>`}
        <div class="sentinel">
            ${!list.done && !list.loading && html`<button type="button" class="btn btn-small" onClick=${list.loadMore}
                data-testid="load-more">${t('list.loadMore')}</button>`}
            <button type="button" class="btn btn-small btn-link" onClick=${refresh} data-testid="tasks-refresh">${t('task.refresh')}</button>
        </div>
    </div>`;
}

export function TasksPage() {
    const me = useMe();
    const params = new URLSearchParams(window.location.search);
    const [view, setView] = useState(params.get('view') === 'board' ? 'board' : 'list');
    const [filterName, setFilterName] = useState(QUICK_FILTERS.includes(params.get('filter')) ? params.get('filter') : 'mine');
    const [scope, setScope] = useState(params.get('scope') === 'all' ? 'all' : 'mine');
    useTitle(t('nav.tasks'));

    function choose(next) {
        const v = { view, filter: filterName, scope, ...next };
        setView(v.view);
        setFilterName(v.filter);
        setScope(v.scope);
        setSearchParams({ view: v.view === 'board' ? 'board' : undefined, filter: v.view === 'list' && v.filter !== 'mine' ? v.filter : undefined,
                          scope: v.view === 'board' && v.scope === 'all' ? 'all' : undefined });
    }

    const viewButton = (name) => html`<button type="button" class=${`btn btn-small${view === name ? ' btn-primary' : ''}`}
        aria-pressed=${view === name ? 'true' : 'false'} onClick=${() => choose({ view: name })}
        data-testid=${`view-${name}`}>${t(`task.view.${name}`)}</button>`;

    return html`<section class=${`page tasks-page${view === 'board' ? ' board-page' : ''}`} data-testid="tasks-page">
        <header class="page-header">
            <h1>${t('nav.tasks')}</h1>
            <div class="page-actions">
                <div class="view-switch" role="group" aria-label=${t('task.viewLabel')}>${viewButton('list')}${viewButton('board')}</div>
                ${view === 'list' && html`<${ExportMenu} entity="tasks" query=${quickFilter(filterName, new Date())} />`}
                ${can(me, 'tasks', 'create') && html`<${Link} href="/tasks/new" class="btn btn-primary" data-testid="new">
                    ${t('task.new')}<//>`}
            </div>
        </header>
        ${view === 'list' && html`<div class="kind-chips quick-filters" role="group" aria-label=${t('task.quickFilters')}>
            ${QUICK_FILTERS.map((f) => html`<button key=${f} type="button" class="kind-chip" aria-pressed=${filterName === f ? 'true' : 'false'}
                onClick=${() => choose({ filter: f })} data-testid=${`filter-${f}`}>${t(`task.filter.${f}`)}</button>`)}
        </div>`}
        ${view === 'board' && html`<div class="kind-chips" role="group" aria-label=${t('task.scopeLabel')}>
            ${['mine', 'all'].map((s) => html`<button key=${s} type="button" class="kind-chip" aria-pressed=${scope === s ? 'true' : 'false'}
                onClick=${() => choose({ scope: s })} data-testid=${`scope-${s}`}>${t(`task.scope.${s}`)}</button>`)}
        </div>`}
        ${view === 'list' ? html`<${TaskList} key=${filterName} filterName=${filterName} />` : html`<${TaskBoard} scope=${scope} />`}
    </section>`;
}
