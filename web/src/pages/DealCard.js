// Deal card (/deals/:id): its properties, custom fields and a bar of its pipeline's stages;
// clicking a stage moves the deal there (POST /deals/{id}/move with If-Match; a won or lost
// stage asks for the reason first). Tabs: Details, Stage history (GET /deals/{id}/history:
// from -> to, who, when, time spent in the stage left), Quotes (the deal's quotes with status and
// total, and "New quote") and History (the audit log).
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DeleteButton, Prop, Timestamps, ValueList, useRecord } from '../components/Card.js';
import { CustomFieldList } from '../components/CustomFields.js';
import { DealQuotes } from '../components/DealQuotes.js';
import { History } from '../components/History.js';
import { MoveDialog } from '../components/MoveDialog.js';
import { Timeline } from '../components/Timeline.js';
import { errorText } from '../components/errors.js';
import { CompanyLink, StageName, UserName, formatAmount, formatDuration, isRotting, moveDeal, moveErrorText,
         usePipelines } from '../components/sales.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { formatDate, formatDateTime, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

/** The stages of the deal's pipeline as buttons; the current one marked. */
function StageBar({ deal, pipeline, canMove, onMove, busy }) {
    if (!pipeline) return null;
    const currentIndex = pipeline.stages.findIndex((s) => s.id === deal.stage_id);
    return html`<nav class="stage-bar" aria-label=${t('deal.stages')} data-testid="stage-bar">
        <ol>
            ${pipeline.stages.map((s, i) => {
                const current = s.id === deal.stage_id;
                const state = current ? 'current' : i < currentIndex && s.kind === 'open' ? 'passed' : '';
                return html`<li key=${s.id} class=${`stage-step kind-${s.kind} ${state}`}>
                    <button type="button" class="stage-button" disabled=${!canMove || busy || current}
                        aria-current=${current ? 'step' : undefined} data-testid="stage-step" data-stage-id=${s.id}
                        data-kind=${s.kind} title=${current ? t('deal.currentStage') : t('deal.moveTo', { stage: s.name })}
                        onClick=${() => onMove(s)}>
                        <span class="stage-name">${s.name}</span>
                        ${s.kind === 'open' && html`<span class="stage-prob">${s.probability} %</span>`}
                    </button>
                </li>`;
            })}
        </ol>
    </nav>`;
}

/** The stage moves of a deal, oldest first. */
function StageHistory({ dealId }) {
    const [list, setList] = useState({ items: [], loading: true, error: null });
    useEffect(() => {
        let live = true;
        api.get(`/deals/${dealId}/history`).then(
            (page) => live && setList({ items: (page && page.data) || [], loading: false, error: null }),
            (error) => live && setList({ items: [], loading: false, error }));
        return () => {
            live = false;
        };
    }, [dealId]);
    const { stage } = usePipelines();
    const name = (stageId, pipelineId, other) => {
        const s = stage(stageId);
        if (!s) return `#${stageId}`;
        return pipelineId != null && other != null && pipelineId !== other ? `${s.pipeline_name} · ${s.name}` : s.name;
    };
    return html`<section class="card-section" data-testid="stage-history">
        <h2 class="visually-hidden">${t('deal.stageHistory')}</h2>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="muted">${t('deal.noStageHistory')}</p>`}
        ${list.items.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="stage-history-table">
            <thead><tr>
                <th scope="col">${t('deal.fromStage')}</th>
                <th scope="col">${t('deal.toStage')}</th>
                <th scope="col">${t('deal.movedBy')}</th>
                <th scope="col">${t('deal.movedAt')}</th>
                <th scope="col">${t('deal.timeInStage')}</th>
            </tr></thead>
            <tbody>
                ${list.items.map((h) => html`<tr key=${h.id} data-testid="stage-history-row"
                        data-from=${h.from_stage_id ?? ''} data-to=${h.to_stage_id}>
                    <td data-label=${t('deal.fromStage')} data-testid="stage-history-from">
                        ${h.from_stage_id == null ? html`<span class="muted">${t('deal.created')}</span>`
                            : name(h.from_stage_id, h.from_pipeline_id, h.to_pipeline_id)}</td>
                    <td data-label=${t('deal.toStage')} data-testid="stage-history-to">
                        ${name(h.to_stage_id, h.to_pipeline_id, h.from_pipeline_id)}</td>
                    <td data-label=${t('deal.movedBy')}>${h.user_name || (h.user_id != null ? `#${h.user_id}` : t('audit.system'))}</td>
                    <td data-label=${t('deal.movedAt')}><time datetime=${h.at}>${formatDateTime(h.at)}</time></td>
                    <td data-label=${t('deal.timeInStage')} data-testid="stage-history-duration">
                        ${h.seconds_in_from == null ? html`<span class="muted">—</span>` : formatDuration(h.seconds_in_from)}</td>
                </tr>`)}
            </tbody>
        </table></div>`}
        ${list.loading && html`<p class="muted">${t('common.loading')}</p>`}
    </section>`;
}

/** The name of a won or lost reason. */
function ReasonName({ id }) {
    const [name, setName] = useState(null);
    useEffect(() => {
        let live = true;
        api.get(`/deal-reasons/${id}`).then((r) => live && setName(r.name), () => live && setName(`#${id}`));
        return () => {
            live = false;
        };
    }, [id]);
    return name || `#${id}`;
}

function ContactLinks({ deal }) {
    const list = Array.isArray(deal.contacts) ? deal.contacts
        : (deal.contact_ids || []).map((id) => ({ id }));
    if (!list.length) return null;
    return html`<ul class="plain-list" data-testid="deal-contacts">${list.map((c) => html`<li key=${c.id}>
        <${Link} href=${`/contacts/${c.id}`}>${c.name || `#${c.id}`}<//>${c.role && html` <span class="muted">— ${c.role}</span>`}
    </li>`)}</ul>`;
}

function Tabs({ tab, setTab }) {
    const button = (name, key) => html`<button type="button" role="tab" id=${`card-tab-${name}`}
        aria-selected=${tab === name ? 'true' : 'false'} aria-controls="card-panel"
        class=${`tab${tab === name ? ' active' : ''}`} onClick=${() => setTab(name)}
        data-testid=${`${name}-tab`}>${t(key)}</button>`;
    return html`<div class="tabs" role="tablist" aria-label=${t('audit.cardTabs')}>
        ${button('details', 'audit.details')}
        ${button('stage-history', 'deal.stageHistory')}
        ${button('quotes', 'quote.ofDeal')}
        ${button('history', 'audit.history')}
    </div>`;
}

export function DealCard({ id }) {
    const { record: loaded, error, reload } = useRecord('deals', id);
    const [deal, setDeal] = useState(null);
    const { defs } = useFieldDefs('deals');
    const { pipeline } = usePipelines();
    const me = useMe();
    const [tab, setTab] = useState('details');
    const [dialog, setDialog] = useState(null); /* the won/lost stage being moved to */
    const [moveError, setMoveError] = useState(null);
    const [busy, setBusy] = useState(false);
    useEffect(() => setDeal(loaded), [loaded]);
    const r = deal || loaded;
    useTitle(r ? r.title : t('nav.deals'));

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(error)}</div>`;
    if (!r) return html`<p class="muted">${t('common.loading')}</p>`;

    const p = pipeline(r.pipeline_id);
    const stage = p && p.stages.find((s) => s.id === r.stage_id);
    const canMove = can(me, 'deals', 'update', r);

    async function move(s) {
        setMoveError(null);
        if (s.kind !== 'open') {
            setDialog(s);
            return;
        }
        setBusy(true);
        try {
            setDeal(await moveDeal(r, s.id));
        } catch (e) {
            setMoveError(e);
        } finally {
            setBusy(false);
        }
    }

    return html`<article class="page card deal-card" data-testid="deal-card" data-stage-id=${r.stage_id}>
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/deals">${t('nav.deals')}<//>
                    ${' · '}<${Link} href=${`/board/${r.pipeline_id}`} data-testid="board-link">${p ? p.name : t('nav.board')}<//></p>
                <h1 data-testid="record-title">${r.title}</h1>
                ${r.amount && html`<p class="subtitle deal-amount" data-testid="deal-amount">${formatAmount(r.amount)}</p>`}
            </div>
            <div class="page-actions">
                ${can(me, 'deals', 'update', r) && html`<${Link} href=${`/deals/${r.id}/edit`}
                    class="btn btn-primary" data-testid="edit">${t('action.edit')}<//>`}
                ${can(me, 'deals', 'delete', r) && html`<${DeleteButton} entity="deals" id=${r.id} name=${r.title} />`}
            </div>
        </header>
        ${moveError && html`<div class="alert alert-error" role="alert" data-testid="move-error">
            ${moveErrorText(moveError)}
            ${moveError.status === 412 && html` <button type="button" class="btn btn-small"
                onClick=${() => { setMoveError(null); setDeal(null); reload(); }}>${t('action.reload')}</button>`}
        </div>`}
        <${StageBar} deal=${r} pipeline=${p} canMove=${canMove} onMove=${move} busy=${busy} />
        <${Tabs} tab=${tab} setTab=${setTab} />
        <div role="tabpanel" id="card-panel" aria-labelledby=${`card-tab-${tab}`}>
            ${tab === 'details' && html`<section class="card-section">
                    <dl class="props">
                        <${Prop} name="stage_id">${html`<span data-testid="deal-stage-name"><${StageName} id=${r.stage_id} /></span>`}
                            ${stage && isRotting(r, stage) && html` <span class="badge badge-off rotting">${t('board.rotting')}</span>`}<//>
                        <${Prop} name="probability">${r.probability != null ? `${r.probability} %` : null}<//>
                        <${Prop} name="amount">${r.amount ? formatAmount(r.amount) : null}<//>
                        <${Prop} name="expected_close">${r.expected_close && html`<time datetime=${r.expected_close}>
                            ${formatDate(r.expected_close)}</time>`}<//>
                        <${Prop} name="company_id">${r.company_id != null && html`<${CompanyLink} id=${r.company_id}
                            name=${r.company && r.company.name} />`}<//>
                        <${Prop} name="contact_ids"><${ContactLinks} deal=${r} /><//>
                        <${Prop} name="source">${r.source}<//>
                        <${Prop} name="tags"><${ValueList} values=${r.tags} kind="tags" /><//>
                        <${Prop} name="owner_id"><${UserName} id=${r.owner_id} /><//>
                        <${Prop} name="stage_entered_at">${r.stage_entered_at && html`<time datetime=${r.stage_entered_at}>
                            ${formatDateTime(r.stage_entered_at)}</time>`}<//>
                        ${r.closed_at && html`<${Prop} name="closed_at"><time datetime=${r.closed_at}>
                            ${formatDateTime(r.closed_at)}</time><//>`}
                        ${r.reason_id != null && html`<${Prop} name="reason_id"><span data-testid="deal-reason">
                            <${ReasonName} key=${r.reason_id} id=${r.reason_id} /></span><//>`}
                        ${r.competitor_id != null && html`<${Prop} name="competitor_id"><${Link}
                            href=${`/competitors/${r.competitor_id}`} data-testid="deal-competitor">
                            <${CompetitorName} id=${r.competitor_id} /><//><//>`}
                    </dl>
                </section>
                <${CustomFieldList} defs=${defs} custom=${r.custom} />
                <${Timeline} key=${r.version} entity="deals" id=${r.id} />`}
            ${tab === 'stage-history' && html`<${StageHistory} key=${r.version} dealId=${r.id} />`}
            ${tab === 'quotes' && html`<${DealQuotes} key=${r.version} deal=${r} />`}
            ${tab === 'history' && html`<${History} key=${r.version} entity="deals" id=${r.id} defs=${defs} />`}
        </div>
        <${Timestamps} record=${r} />
        ${dialog && html`<${MoveDialog} deal=${r} stage=${dialog} onCancel=${() => setDialog(null)}
            onDone=${(moved) => { setDialog(null); setDeal(moved); }} />`}
    </article>`;
}

function CompetitorName({ id }) {
    const [name, setName] = useState(null);
    useEffect(() => {
        let live = true;
        api.get(`/competitors/${id}`).then((c) => live && setName(c.name), () => live && setName(`#${id}`));
        return () => {
            live = false;
        };
    }, [id]);
    return name || `#${id}`;
}
