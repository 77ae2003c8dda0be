// The deals board (/board, /board/:pipelineId): one column per stage of a pipeline with its
// count, per-currency sums and the total converted to the base currency, and the newest cards
// (GET /pipelines/{id}/board?filter=&q=); more cards per column on demand (GET /deals with
// "stage_id = N and (<filter>)", sort -id, the column's cursor). Cards move by HTML5 drag and
// drop onto another column, or with the "Move to…" select on each card (keyboard users);
// both POST /deals/{id}/move with If-Match: the card's version, then reload the board. A won
// or lost column asks for the reason first. "+" in an open column creates a deal in it.
// DESIGN: the board is reloaded after every move rather than patched locally, so counts and
// sums always come from the server; the cards a column loaded with "load more" are dropped
// then, which is the price of that simplicity.
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { MoveDialog } from '../components/MoveDialog.js';
import { errorText } from '../components/errors.js';
import { formatAmount, isRotting, moveDeal, moveErrorText, useCompanyNames,
         usePipelines } from '../components/sales.js';
import { t } from '../i18n/index.js';
import { Link, navigate, setSearchParams } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const PAGE_SIZE = 20;
const LAST_PIPELINE_KEY = 'crm.board.pipeline';

/* The character index of a byte offset into text's UTF-8 form (server positions are bytes). */
function charIndex(text, byteOffset) {
    const bytes = new TextEncoder().encode(text);
    return new TextDecoder().decode(bytes.slice(0, Math.min(byteOffset, bytes.length))).length;
}

/** A bad filter (400): the message and the filter text with a caret under the position. */
function FilterError({ error, text }) {
    const message = error.detail || error.message;
    const m = /\bat (\d+):/.exec(message || '');
    const at = m ? charIndex(text, Number(m[1])) : null;
    return html`<div class="field-error filter-error" id="board-filter-error" role="alert" data-testid="board-filter-error">
        <div>${message}</div>
        ${at !== null && html`<pre class="filter-caret" aria-hidden="true" data-testid="board-filter-caret">${`${text}\n${' '.repeat(at)}^`}</pre>`}
    </div>`;
}

function Sums({ column }) {
    const sums = column.sums || [];
    const base = column.total_base;
    const single = sums.length === 1 && base && sums[0].currency === base.currency && !column.unconverted;
    return html`<div class="column-sums" data-testid="column-sums">
        ${sums.map((s) => html`<div key=${s.currency} class="column-sum" data-testid="column-sum"
            data-currency=${s.currency}>${formatAmount(s)}</div>`)}
        ${base && sums.length > 0 && !single && html`<div class="column-total" data-testid="column-total"
            title=${t('board.totalHint', { currency: base.currency })}>≈ ${formatAmount(base)}</div>`}
        ${column.unconverted > 0 && html`<div class="column-unconverted muted" data-testid="column-unconverted">
            ${t('board.unconverted', { n: column.unconverted })}</div>`}
    </div>`;
}

function Card({ deal, stage, stages, companyName, canMove, busy, onMove, onDragStart, onDragEnd, dragging }) {
    const rotting = isRotting(deal, stage);
    const company = deal.company_id != null ? (deal.company && deal.company.name) || companyName(deal.company_id) : null;
    return html`<li class=${`board-card${rotting ? ' is-rotting' : ''}${dragging ? ' is-dragging' : ''}${busy ? ' is-busy' : ''}`}
            draggable=${canMove && !busy ? 'true' : 'false'} data-testid="board-card" data-deal-id=${deal.id}
            onDragStart=${(e) => onDragStart(e, deal)} onDragEnd=${onDragEnd}>
        <${Link} href=${`/deals/${deal.id}`} class="card-title" draggable="false" data-testid="board-card-title">${deal.title}<//>
        ${company && html`<div class="card-company muted">${company}</div>`}
        ${deal.amount && html`<div class="card-amount" data-testid="board-card-amount">${formatAmount(deal.amount)}</div>`}
        ${rotting && html`<div class="card-rotting" data-testid="rotting" title=${t('board.rottingHint', { n: stage.rot_days })}>
            <span class="badge badge-off">${t('board.rotting')}</span></div>`}
        ${canMove && html`<select class="card-move" aria-label=${t('board.moveCard', { title: deal.title })}
                data-testid="card-move" value="" disabled=${busy}
                onChange=${(e) => {
                    const target = stages.find((s) => String(s.id) === e.currentTarget.value);
                    e.currentTarget.value = '';
                    if (target) onMove(deal, target);
                }}>
            <option value="">${t('board.moveTo')}</option>
            ${stages.filter((s) => s.id !== deal.stage_id).map((s) => html`<option key=${s.id} value=${String(s.id)}>
                ${s.name}</option>`)}
        </select>`}
    </li>`;
}

function Column({ column, filter, q, pipelineId, stages, companyName, me, busyId, dragging, over,
                  onMove, onDragStart, onDragEnd, onOver, onDrop }) {
    const stage = column.stage;
    const [more, setMore] = useState({ deals: [], cursor: column.next_cursor, loading: false, error: null });
    useEffect(() => setMore({ deals: [], cursor: column.next_cursor, loading: false, error: null }), [column]);

    async function loadMore() {
        setMore((m) => ({ ...m, loading: true, error: null }));
        try {
            const page = await api.get('/deals', {
                filter: filter ? `stage_id = ${stage.id} and (${filter})` : `stage_id = ${stage.id}`,
                q: q || undefined, sort: '-id', limit: PAGE_SIZE, cursor: more.cursor,
            });
            setMore((m) => ({ deals: [...m.deals, ...(page.data || [])], cursor: page.next_cursor || null,
                              loading: false, error: null }));
        } catch (e) {
            setMore((m) => ({ ...m, loading: false, error: e }));
        }
    }

    const seen = new Set();
    const deals = [...column.deals, ...more.deals].filter((d) => !seen.has(d.id) && seen.add(d.id));
    const droppable = dragging && dragging.stage_id !== stage.id;
    const headingId = `column-${stage.id}-name`;
    return html`<section class=${`board-column kind-${stage.kind}${droppable ? ' can-drop' : ''}${over ? ' drop-over' : ''}`}
            aria-labelledby=${headingId} data-testid="board-column" data-stage-id=${stage.id} data-kind=${stage.kind}
            onDragOver=${(e) => {
                if (!droppable) return;
                e.preventDefault();
                if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
                onOver(stage.id);
            }}
            onDragLeave=${(e) => {
                if (!e.currentTarget.contains(e.relatedTarget)) onOver(null);
            }}
            onDrop=${(e) => {
                e.preventDefault();
                onDrop(stage);
            }}>
        <header class="column-header">
            <h2 id=${headingId} class="column-name" data-testid="column-name">${stage.name}</h2>
            <span class="count" data-testid="column-count" aria-label=${t('board.count', { n: column.count })}>${column.count}</span>
            ${stage.kind === 'open' && can(me, 'deals', 'create') && html`<${Link}
                href=${`/deals/new?pipeline=${pipelineId}&stage=${stage.id}`} class="btn btn-small btn-icon column-add"
                aria-label=${t('board.addDeal', { stage: stage.name })} title=${t('board.addDeal', { stage: stage.name })}
                data-testid="column-add">+<//>`}
        </header>
        <${Sums} column=${column} />
        <ol class="board-cards" data-testid="column-cards">
            ${deals.map((d) => html`<${Card} key=${`${d.id}-${d.version}`} deal=${d} stage=${stage} stages=${stages}
                companyName=${companyName} canMove=${can(me, 'deals', 'update', d)} busy=${busyId === d.id}
                dragging=${dragging && dragging.id === d.id}
                onMove=${onMove} onDragStart=${onDragStart} onDragEnd=${onDragEnd} />`)}
        </ol>
        ${!deals.length && html`<p class="muted column-empty">${t('board.emptyColumn')}</p>`}
        ${more.error && html`<div class="alert alert-error" role="alert">${errorText(more.error)}</div>`}
        ${more.cursor && html`<button type="button" class="btn btn-small column-more" onClick=${loadMore}
            disabled=${more.loading} data-testid="column-more">
            ${more.loading ? t('common.loading') : t('list.loadMore')}</button>`}
    </section>`;
}

export function BoardPage({ id }) {
    const { pipelines, error: pipelinesError } = usePipelines();
    const me = useMe();
    const initial = useMemo(() => new URLSearchParams(window.location.search), []);
    const [filterText, setFilterText] = useState(initial.get('filter') || '');
    const [filter, setFilter] = useState(filterText.trim());
    const [text, setText] = useState(initial.get('q') || '');
    const [q, setQ] = useState(text.trim());
    const [board, setBoard] = useState(null);
    const [error, setError] = useState(null);
    const [moveError, setMoveError] = useState(null);
    const [busyId, setBusyId] = useState(null);
    const [dialog, setDialog] = useState(null); /* {deal, stage} of a won/lost move */
    const [dragging, setDragging] = useState(null);
    const [over, setOver] = useState(null);
    const dragRef = useRef(null);
    const generation = useRef(0);
    useTitle(board ? `${t('nav.board')}: ${board.pipeline.name}` : t('nav.board'));

    /* /board: the pipeline last shown, else the first one. */
    useEffect(() => {
        if (id || !pipelines || !pipelines.length) return;
        let last = null;
        try {
            last = window.localStorage.getItem(LAST_PIPELINE_KEY);
        } catch {
            /* storage may be disabled */
        }
        const p = pipelines.find((x) => String(x.id) === last) || pipelines[0];
        navigate(`/board/${p.id}${window.location.search}`, { replace: true });
    }, [id, pipelines]);

    useEffect(() => {
        const timer = setTimeout(() => setQ(text.trim()), 300);
        return () => clearTimeout(timer);
    }, [text]);

    useEffect(() => {
        setSearchParams({ q, filter });
    }, [q, filter]);

    async function load() {
        if (!id) return;
        const gen = ++generation.current;
        try {
            const answer = await api.get(`/pipelines/${id}/board`, { filter: filter || undefined, q: q || undefined,
                                                                     limit: PAGE_SIZE });
            if (gen !== generation.current) return;
            setBoard(answer);
            setError(null);
            try {
                window.localStorage.setItem(LAST_PIPELINE_KEY, String(id));
            } catch {
                /* ignore */
            }
        } catch (e) {
            if (gen !== generation.current) return;
            setError(e);
            if (e.status !== 400) setBoard(null);
        }
    }

    useEffect(() => {
        setMoveError(null);
        load();
    }, [id, filter, q]);

    const companyIds = board ? board.stages.flatMap((c) => c.deals.map((d) => d.company_id)).filter((x) => x != null) : [];
    const companyName = useCompanyNames(companyIds);

    async function doMove(deal, stage) {
        setBusyId(deal.id);
        setMoveError(null);
        try {
            await moveDeal(deal, stage.id);
        } catch (e) {
            setMoveError(e);
        } finally {
            setBusyId(null);
        }
        await load();
    }

    function requestMove(deal, stage) {
        if (!stage || stage.id === deal.stage_id) return;
        if (stage.kind !== 'open') setDialog({ deal, stage });
        else doMove(deal, stage);
    }

    function onDragStart(e, deal) {
        dragRef.current = deal;
        if (e.dataTransfer) {
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', String(deal.id));
        }
        setDragging(deal);
    }

    function onDragEnd() {
        dragRef.current = null;
        setDragging(null);
        setOver(null);
    }

    function onDrop(stage) {
        const deal = dragRef.current;
        onDragEnd();
        if (deal) requestMove(deal, stage);
    }

    const stages = board ? board.stages.map((c) => c.stage) : [];
    const badFilter = error && error.status === 400 ? error : null;
    return html`<section class="page board-page" data-testid="board-page">
        <header class="page-header">
            <h1>${t('nav.board')}</h1>
            <div class="page-actions">
                ${pipelines && pipelines.length > 0 && html`<label for="board-pipeline" class="visually-hidden">
                    ${t('field.pipeline_id')}</label>
                <select id="board-pipeline" class="board-pipeline" value=${String(id || '')} data-testid="board-pipeline"
                        onChange=${(e) => navigate(`/board/${e.currentTarget.value}${window.location.search}`)}>
                    ${pipelines.map((p) => html`<option key=${p.id} value=${String(p.id)}>${p.name}</option>`)}
                </select>`}
                ${can(me, 'deals', 'create') && html`<${Link} href=${`/deals/new${id ? `?pipeline=${id}` : ''}`}
                    class="btn btn-primary" data-testid="new">${t('action.new')}<//>`}
            </div>
        </header>
        <div class="toolbar board-toolbar">
            <div class="search">
                <label for="board-search" class="visually-hidden">${t('deals.search')}</label>
                <input id="board-search" type="search" value=${text} placeholder=${t('deals.search')}
                    data-testid="board-search" onInput=${(e) => setText(e.currentTarget.value)}
                    onKeyDown=${(e) => { if (e.key === 'Enter') setQ(text.trim()); }} />
            </div>
            <form class="board-filter" onSubmit=${(e) => { e.preventDefault(); setFilter(filterText.trim()); }}
                    data-testid="board-filter-form">
                <label for="board-filter" class="visually-hidden">${t('board.filter')}</label>
                <input id="board-filter" type="text" class="filter-text" value=${filterText} spellcheck="false"
                    placeholder=${t('board.filterPlaceholder')} data-testid="board-filter"
                    aria-invalid=${badFilter ? 'true' : undefined}
                    aria-describedby=${badFilter ? 'board-filter-error' : undefined}
                    onInput=${(e) => setFilterText(e.currentTarget.value)} />
                <button type="submit" class="btn btn-small btn-primary" data-testid="board-filter-apply">
                    ${t('filter.apply')}</button>
                ${filter && html`<button type="button" class="btn btn-small" data-testid="board-filter-clear"
                    onClick=${() => { setFilterText(''); setFilter(''); }}>${t('filter.clear')}</button>`}
            </form>
        </div>
        ${badFilter && html`<${FilterError} error=${badFilter} text=${filter} />`}
        ${pipelinesError && html`<div class="alert alert-error" role="alert">${errorText(pipelinesError)}</div>`}
        ${pipelines && !pipelines.length && html`<p class="empty" data-testid="board-no-pipelines">${t('board.noPipelines')}</p>`}
        ${error && !badFilter && html`<div class="alert alert-error" role="alert" data-testid="board-error">${errorText(error)}</div>`}
        ${moveError && html`<div class="alert alert-error" role="alert" data-testid="move-error">${moveErrorText(moveError)}</div>`}
        ${board && board.base_currency && html`<p class="hint board-base">${t('board.base', { currency: board.base_currency })}</p>`}
        ${!board && !error && id && html`<p class="muted">${t('common.loading')}</p>`}
        ${board && html`<div class="board" data-testid="board" data-pipeline-id=${board.pipeline.id}>
            ${board.stages.map((c) => html`<${Column} key=${c.stage.id} column=${c} filter=${filter} q=${q}
                pipelineId=${board.pipeline.id} stages=${stages} companyName=${companyName} me=${me} busyId=${busyId}
                dragging=${dragging} over=${over === c.stage.id} onMove=${requestMove} onDragStart=${onDragStart}
                onDragEnd=${onDragEnd} onOver=${setOver} onDrop=${onDrop} />`)}
        </div>`}
        ${dialog && html`<${MoveDialog} deal=${dialog.deal} stage=${dialog.stage}
            onCancel=${() => setDialog(null)} onDone=${() => { setDialog(null); load(); }} />`}
    </section>`;
}
