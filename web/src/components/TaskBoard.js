// The task board: the caller's (or every visible) open tasks in columns by due time — overdue,
// today, this week, later (and without a due time) — and the ones done this week. Dragging a
// card (or its "Move to…" select) onto today, this week or later moves its due time there,
// keeping the time of day (today: not before now; this week: tomorrow; later: next Monday) and
// the reminder's distance; onto done closes it; a done card dropped back reopens it.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { t } from '../i18n/index.js';
import { can, useMe } from '../session.js';
import { errorText } from './errors.js';
import { atTimeOfDay, dayStart, filterTime, weekStart } from './localTime.js';
import { BoardCard } from './TaskCard.js';
import { patchTask, useLinkNames } from './tasks.js';

/** The columns at moment now: key, the test of a task, whether a card may be dropped there. */
function boardColumns(now) {
    const tomorrow = dayStart(now, 1);
    const nextWeek = weekStart(now, 1);
    const due = (x) => (x.due_at ? Date.parse(x.due_at) : null);
    return [
        { key: 'overdue', droppable: false, has: (x) => x.status === 'open' && due(x) !== null && due(x) < now.getTime() },
        { key: 'today', droppable: true,
          has: (x) => x.status === 'open' && due(x) !== null && due(x) >= now.getTime() && due(x) < tomorrow.getTime() },
        { key: 'week', droppable: tomorrow < nextWeek,
          has: (x) => x.status === 'open' && due(x) !== null && due(x) >= tomorrow.getTime() && due(x) < nextWeek.getTime() },
        { key: 'later', droppable: true, has: (x) => x.status === 'open' && (due(x) === null || due(x) >= nextWeek.getTime()) },
        { key: 'done', droppable: true, has: (x) => x.status === 'done' },
    ];
}

/** The PATCH body that puts task into column `to` at moment now. */
function moveBody(task, to, now) {
    if (to === 'done') return { status: 'done' };
    let day;
    if (to === 'today') day = dayStart(now);
    else if (to === 'week') day = dayStart(now, 1);
    else day = weekStart(now, 1);
    let due = atTimeOfDay(day, task.due_at);
    if (to === 'today' && due <= now) due = new Date(dayStart(now, 1).getTime() - 60e3); /* 23:59 today */
    const body = { due_at: due.toISOString() };
    if (task.status !== 'open') body.status = 'open';
    if (task.remind_at && task.due_at) {
        const lead = Date.parse(task.due_at) - Date.parse(task.remind_at);
        if (Number.isFinite(lead)) body.remind_at = new Date(due.getTime() - lead).toISOString();
    }
    return body;
}

export function TaskBoard({ scope }) {
    const me = useMe();
    const [state, setState] = useState({ tasks: [], loading: true, error: null, now: new Date() });
    const [moveError, setMoveError] = useState(null);
    const [busyId, setBusyId] = useState(null);
    const [dragging, setDragging] = useState(null);
    const [over, setOver] = useState(null);
    const dragRef = useRef(null);
    const gen = useRef(0);

    async function load() {
        const mine = ++gen.current;
        const now = new Date();
        const who = scope === 'all' ? '' : 'assignee_id = me() and ';
        setState((s) => ({ ...s, loading: true }));
        try {
            const [open, done] = await Promise.all([
                listAll('/tasks', { filter: `${who}status = "open"`, sort: 'due_at', limit: 200 }, { maxPages: 5 }),
                api.get('/tasks', { filter: `${who}status = "done" and done_at >= "${filterTime(weekStart(now))}"`,
                                    sort: '-done_at', limit: 50 }),
            ]);
            if (mine !== gen.current) return;
            setState({ tasks: [...open, ...((done && done.data) || [])], loading: false, error: null, now });
        } catch (error) {
            if (mine === gen.current) setState((s) => ({ ...s, loading: false, error }));
        }
    }

    useEffect(() => {
        load();
    }, [scope]);

    const nameOf = useLinkNames(state.tasks);
    const columns = boardColumns(state.now);

    async function patch(task, body) {
        if (busyId) return;
        setMoveError(null);
        setBusyId(task.id);
        /* the card goes where it was put at once; the reload after the answer has the last word */
        setState((s) => ({ ...s, tasks: s.tasks.map((x) => (x.id === task.id ? { ...x, ...body } : x)) }));
        try {
            await patchTask(task, body);
        } catch (e) {
            setMoveError(e);
        } finally {
            setBusyId(null);
            load();
        }
    }

    const move = (task, from, to) => {
        if (from !== to) patch(task, moveBody(task, to, new Date()));
    };
    const toggle = (task, checked) => patch(task, { status: checked ? 'done' : 'open' });

    return html`<div class="task-board-wrap">
        ${state.error && html`<div class="alert alert-error" role="alert">${errorText(state.error)}</div>`}
        ${moveError && html`<div class="alert alert-error" role="alert" data-testid="move-error">
            ${moveError.status === 412 ? t('task.stale') : errorText(moveError)}</div>`}
        <p class="hint">${t('task.boardHint')}</p>
        <div class="board task-board" data-testid="task-board" aria-busy=${state.loading ? 'true' : 'false'}>
            ${columns.map((c) => {
                const tasks = state.tasks.filter(c.has);
                const droppable = dragging && c.droppable && dragging.column !== c.key;
                return html`<section key=${c.key} class=${`board-column task-column col-${c.key}${droppable ? ' can-drop' : ''}${over === c.key && droppable ? ' drop-over' : ''}`}
                        data-testid="task-column" data-column=${c.key} aria-labelledby=${`task-col-${c.key}`}
                        onDragOver=${(e) => {
                            if (!droppable) return;
                            e.preventDefault();
                            if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
                            if (over !== c.key) setOver(c.key);
                        }}
                        onDragLeave=${(e) => { if (!e.currentTarget.contains(e.relatedTarget)) setOver(null); }}
                        onDrop=${(e) => {
                            e.preventDefault();
                            const d = dragRef.current;
                            setOver(null);
                            setDragging(null);
                            dragRef.current = null;
                            if (d && droppable) move(d.task, d.column, c.key);
                        }}>
                    <header class="column-header">
                        <h2 class="column-name" id=${`task-col-${c.key}`}>${t(`task.column.${c.key}`)}</h2>
                        <span class="count" data-testid="task-column-count">${tasks.length}</span>
                    </header>
                    <ul class="board-cards">
                        ${tasks.map((task) => html`<${BoardCard} key=${task.id} task=${task} now=${state.now} column=${c.key}
                            columns=${columns} busy=${busyId === task.id} canMove=${can(me, 'tasks', 'update', task)}
                            onMove=${move} onToggle=${toggle} nameOf=${nameOf} dragging=${dragging && dragging.task.id === task.id}
                            onDragStart=${(tk, col) => { dragRef.current = { task: tk, column: col }; setDragging({ task: tk, column: col }); }}
                            onDragEnd=${() => { dragRef.current = null; setDragging(null); setOver(null); }} />`)}
                    </ul>
                    ${!tasks.length && html`<p class="column-empty muted">${t('task.columnEmpty')}</p>`}
                </section>`;
            })}
        </div>
    </div>`;
}
