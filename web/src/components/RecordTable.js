// The table of a record list: sortable column headers (sort param, "-" for descending),
// cells per column key, infinite scroll through an IntersectionObserver sentinel (with a
// "Load more" button as fallback). On narrow screens rows become stacked cards (CSS).
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import { Link } from '../router.js';
import { recordName } from '../entities.js';
import { formatDateTime, t } from '../i18n/index.js';

/** Current direction of a column in a sort string: 'asc', 'desc' or null. */
function sortState(sort, key) {
    if (!sort || !key) return null;
    if (sort === key) return 'asc';
    if (sort === `-${key}`) return 'desc';
    const first = sort.split(',')[0];
    const firstKey = key.split(',')[0];
    if (first === firstKey) return 'asc';
    if (first === `-${firstKey}`) return 'desc';
    return null;
}

/** Sort string after clicking a column: ascending first, then descending. */
export function nextSort(sort, key) {
    if (sortState(sort, key) === 'asc') return key.split(',').map((k) => `-${k}`).join(',');
    return key;
}

function ListCell({ values, href }) {
    const list = Array.isArray(values) ? values.filter(Boolean) : [];
    if (!list.length) return html`<span class="muted">—</span>`;
    const first = list[0];
    return html`<span>${href ? html`<a href=${href(first)}>${first}</a>` : first}${list.length > 1
        && html` <span class="muted">+${list.length - 1}</span>`}</span>`;
}

export function Cell({ entity, column, record }) {
    if (column.render) return column.render(record);
    const v = record[column.key];
    switch (column.key) {
    case 'name':
        if (column.plain) return recordName(entity, record);
        return html`<${Link} href=${`/${entity}/${record.id}`} class="record-link">${recordName(entity, record)}<//>`;
    case 'emails':
        return html`<${ListCell} values=${v} href=${(e) => `mailto:${e}`} />`;
    case 'phones':
        return html`<${ListCell} values=${v} href=${(p) => `tel:${p}`} />`;
    case 'tags':
        return Array.isArray(v) && v.length
            ? html`<span class="tags">${v.map((tag) => html`<span class="tag">${tag}</span>`)}</span>`
            : html`<span class="muted">—</span>`;
    case 'companies':
        return Array.isArray(v) && v.length
            ? html`<span class="link-list">${v.map((c, i) => html`${i > 0 && ', '}<${Link}
                    href=${`/companies/${c.id}`}>${c.name || `#${c.id}`}<//>`)}</span>`
            : html`<span class="muted">—</span>`;
    case 'created_at':
    case 'updated_at':
    case 'deleted_at':
        return v ? html`<time datetime=${v}>${formatDateTime(v)}</time>` : html`<span class="muted">—</span>`;
    default:
        return v === null || v === undefined || v === '' ? html`<span class="muted">—</span>` : String(v);
    }
}

export function RecordTable({ entity, columns, items, sort, onSort, hasMore, loading, onLoadMore,
                              actions, testid = 'record-table' }) {
    const sentinel = useRef(null);

    useEffect(() => {
        if (!hasMore || !onLoadMore || !sentinel.current || typeof IntersectionObserver === 'undefined') {
            return undefined;
        }
        const observer = new IntersectionObserver((entries) => {
            if (entries.some((e) => e.isIntersecting)) onLoadMore();
        }, { rootMargin: '300px 0px' });
        observer.observe(sentinel.current);
        return () => observer.disconnect();
    }, [hasMore, onLoadMore, items.length]);

    return html`<div class="table-wrap">
        <table class="records" data-testid=${testid}>
            <thead>
                <tr>
                    ${columns.map((c) => {
                        const state = sortState(sort, c.sort);
                        const label = t(`field.${c.key}`);
                        return html`<th scope="col" key=${c.key}
                                aria-sort=${state === 'asc' ? 'ascending' : state === 'desc' ? 'descending' : undefined}>
                            ${c.sort && onSort
                                ? html`<button type="button" class="sort" onClick=${() => onSort(nextSort(sort, c.sort))}
                                        data-testid=${`sort-${c.key}`}>
                                    ${label}<span class="sort-mark" aria-hidden="true">${state === 'asc' ? ' ▲' : state === 'desc' ? ' ▼' : ''}</span>
                                </button>`
                                : label}
                        </th>`;
                    })}
                    ${actions && html`<th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>`}
                </tr>
            </thead>
            <tbody>
                ${items.map((r) => html`<tr key=${r.id} data-testid="record-row" data-id=${r.id}>
                    ${columns.map((c) => html`<td data-label=${t(`field.${c.key}`)} class=${`col-${c.key}`}>
                        <${Cell} entity=${entity} column=${c} record=${r} />
                    </td>`)}
                    ${actions && html`<td class="col-actions">${actions(r)}</td>`}
                </tr>`)}
            </tbody>
        </table>
        ${hasMore && html`<div ref=${sentinel} class="sentinel" data-testid="load-more-sentinel">
            <button type="button" class="btn btn-small" onClick=${onLoadMore} disabled=${loading}>
                ${loading ? t('common.loading') : t('list.loadMore')}</button>
        </div>`}
    </div>`;
}
