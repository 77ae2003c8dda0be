// List of companies or contacts: debounced search box (q), filter builder, sortable
// columns, total count and infinite scroll. q, filter and sort live in the URL's query.
// The header links to the import wizard (for the entities a file can go into) and exports the
// list as it is shown (components/ExportMenu.js).
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ExportMenu, exportFields } from '../components/ExportMenu.js';
import { FilterBuilder } from '../components/FilterBuilder.js';
import { IMPORT_ENTITIES } from '../components/imports.js';
import { RecordTable } from '../components/RecordTable.js';
import { errorText } from '../components/errors.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { usePagedList } from '../components/usePagedList.js';
import { ENTITIES, customFilterType } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link, setSearchParams } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

// Search results come newest first unless a column is chosen: a name order
// over every match of a common word costs far more than the newest page.
const SEARCH_SORT = '-id';

export function ListPage({ entity }) {
    const cfg = ENTITIES[entity];
    const initial = useMemo(() => new URLSearchParams(window.location.search), [entity]);
    const [text, setText] = useState(initial.get('q') || '');
    const [q, setQ] = useState(text);
    const [filter, setFilter] = useState(initial.get('filter') || '');
    // '' until the user picks a column: the list then sorts by name, a search newest first.
    const [chosenSort, setSort] = useState(initial.get('sort') || '');
    const sort = chosenSort || (q ? SEARCH_SORT : cfg.defaultSort);
    const { defs } = useFieldDefs(entity);
    const me = useMe();
    useTitle(t(`nav.${entity}`));

    useEffect(() => {
        const timer = setTimeout(() => setQ(text.trim()), 300);
        return () => clearTimeout(timer);
    }, [text]);

    useEffect(() => {
        setSearchParams({ q, filter, sort: chosenSort });
    }, [q, filter, chosenSort]);

    const list = usePagedList(entity, { q: q || undefined, filter: filter || undefined, sort });
    const filterFields = [
        ...cfg.filterFields.map((f) => ({ ...f, label: t(`field.${f.name}`) })),
        ...defs.map((d) => ({ name: `custom.${d.name}`, type: customFilterType(d.type),
                              options: d.options, label: d.label || d.name })),
    ];
    const badFilter = list.error && list.error.status === 400 && filter ? list.error.detail || list.error.message : null;

    return html`<section class="page list-page" data-testid=${`${entity}-list`}>
        <header class="page-header">
            <h1>${t(`nav.${entity}`)}</h1>
            <div class="page-actions">
                <${ExportMenu} entity=${entity} query=${{ filter, q, sort }} fields=${exportFields(entity, cfg.columns)} />
                ${IMPORT_ENTITIES.includes(entity) && can(me, entity, 'create') && html`<${Link}
                    href=${`/imports?entity=${entity}`} class="btn" data-testid="import">${t('import.button')}<//>`}
                ${can(me, entity, 'create') && html`<${Link} href=${`/${entity}/new`} class="btn btn-primary"
                    data-testid="new">${t('action.new')}<//>`}
            </div>
        </header>
        <div class="toolbar">
            <div class="search">
                <label for="search" class="visually-hidden">${t(cfg.searchKey)}</label>
                <input id="search" type="search" value=${text} placeholder=${t(cfg.searchKey)}
                    onInput=${(e) => setText(e.currentTarget.value)} data-testid="search"
                    onKeyDown=${(e) => { if (e.key === 'Enter') setQ(text.trim()); }} />
            </div>
            <${FilterBuilder} fields=${filterFields} value=${filter} error=${badFilter}
                onApply=${(f) => setFilter(f)} />
        </div>
        ${list.total !== null && html`<p class="total muted" aria-live="polite" data-testid="total">
            ${t(`list.total.${entity}`, { n: list.total })}</p>`}
        ${list.error && !badFilter && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="empty" data-testid="empty">
            ${q || filter ? t('list.noMatches') : t('list.empty')}</p>`}
        ${list.items.length > 0 && html`<${RecordTable} entity=${entity} columns=${cfg.columns} items=${list.items}
            sort=${sort} onSort=${setSort} hasMore=${!list.done} loading=${list.loading}
            onLoadMore=${list.loadMore} />`}
        ${list.loading && !list.items.length && html`<p class="muted">${t('common.loading')}</p>`}
    </section>`;
}
