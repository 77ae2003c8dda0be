// One task as a row of the task list (a checkbox that closes or reopens it, title, due time,
// priority, assignee, links; overdue rows marked) and as a card on the task board (draggable,
// with a "Move to…" select for the keyboard).
import { html } from 'htm/preact';
import { formatDateTime, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { UserName } from './sales.js';
import { TaskLinks, isOverdue } from './tasks.js';

function DoneBox({ task, busy, onToggle, disabled }) {
    return html`<input type="checkbox" class="task-check" checked=${task.status === 'done'}
        disabled=${busy || disabled || task.status === 'cancelled'} data-testid="task-done"
        aria-label=${task.status === 'done' ? t('task.reopen', { title: task.title }) : t('task.markDone', { title: task.title })}
        onChange=${(e) => onToggle(task, e.currentTarget.checked)} />`;
}

function Priority({ value }) {
    if (!value || value === 'normal') return null;
    return html`<span class=${`badge priority-${value}`} data-testid="task-priority">${t(`task.priority.${value}`)}</span>`;
}

export function TaskRow({ task, now, busy, canUpdate, onToggle, nameOf }) {
    const overdue = isOverdue(task, now);
    const cls = ['task-row', overdue ? 'overdue' : '', task.status !== 'open' ? `is-${task.status}` : ''].filter(Boolean).join(' ');
    return html`<tr class=${cls} data-testid="task-row" data-task-id=${task.id} data-status=${task.status}
            data-overdue=${overdue ? 'true' : 'false'}>
        <td class="col-check"><${DoneBox} task=${task} busy=${busy} onToggle=${onToggle} disabled=${!canUpdate} /></td>
        <td data-label=${t('task.title')} class="col-name">
            <${Link} href=${`/tasks/${task.id}`} class="record-link" data-testid="task-title">${task.title}<//>
            ${task.rrule && html` <span class="muted" title=${task.rrule} aria-label=${t('task.recurring')}>↻</span>`}
            ${Array.isArray(task.checklist) && task.checklist.length > 0 && html` <span class="muted small">
                ☑ ${task.checklist.filter((x) => x.done).length}/${task.checklist.length}</span>`}
        </td>
        <td data-label=${t('task.due')}>
            ${task.due_at ? html`<time datetime=${task.due_at}>${formatDateTime(task.due_at)}</time>` : html`<span class="muted">—</span>`}
            ${overdue && html` <span class="badge badge-off" data-testid="task-overdue">${t('task.overdue')}</span>`}
        </td>
        <td data-label=${t('task.priority')}><${Priority} value=${task.priority} /></td>
        <td data-label=${t('task.assignee')}><${UserName} id=${task.assignee_id ?? task.owner_id} /></td>
        <td data-label=${t('task.links')}><${TaskLinks} task=${task} nameOf=${nameOf} /></td>
    </tr>`;
}

export function BoardCard({ task, now, column, columns, busy, canMove, onMove, onToggle, onDragStart, onDragEnd,
                            dragging, nameOf }) {
    const overdue = isOverdue(task, now);
    const targets = columns.filter((c) => c.droppable && c.key !== column);
    const cls = ['board-card', 'task-card', overdue ? 'overdue' : '', dragging ? 'is-dragging' : '', busy ? 'is-busy' : '',
                 task.priority === 'high' ? 'is-high' : ''].filter(Boolean).join(' ');
    return html`<li class=${cls} draggable=${canMove && !busy ? 'true' : 'false'} data-testid="task-card"
            data-task-id=${task.id} data-overdue=${overdue ? 'true' : 'false'}
            onDragStart=${(e) => {
                if (e.dataTransfer) {
                    e.dataTransfer.effectAllowed = 'move';
                    e.dataTransfer.setData('text/plain', String(task.id));
                }
                onDragStart(task, column);
            }}
            onDragEnd=${onDragEnd}>
        <div class="task-card-head">
            <${DoneBox} task=${task} busy=${busy} onToggle=${onToggle} disabled=${!canMove} />
            <${Link} href=${`/tasks/${task.id}`} class="card-title" draggable="false" data-testid="task-title">${task.title}<//>
        </div>
        ${task.due_at && html`<time class="small muted" datetime=${task.due_at}>${formatDateTime(task.due_at)}</time>`}
        <div class="task-card-meta">
            <${Priority} value=${task.priority} />
            ${task.rrule && html`<span class="muted" aria-label=${t('task.recurring')} title=${task.rrule}>↻</span>`}
            <${TaskLinks} task=${task} nameOf=${nameOf} />
        </div>
        ${canMove && targets.length > 0 && html`<select class="card-move" aria-label=${t('task.moveTo', { title: task.title })}
                disabled=${busy} data-testid="task-move" value=""
                onChange=${(e) => { const to = e.currentTarget.value; e.currentTarget.value = ''; if (to) onMove(task, column, to); }}>
            <option value="">${t('task.moveToPlaceholder')}</option>
            ${targets.map((c) => html`<option value=${c.key}>${t(`task.column.${c.key}`)}</option>`)}
        </select>`}
    </li>`;
}
