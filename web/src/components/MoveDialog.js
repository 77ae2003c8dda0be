// The dialog that closes a deal: moving it to a won or lost stage asks for the reason (the
// active reasons of that kind, GET /deal-reasons?kind=won|lost) and, when lost, optionally the
// competitor it went to (a picker over /competitors). Confirming makes the move itself and
// reports the moved deal; errors (422 field errors, 412 stale) are shown inside the dialog.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { FormField, errorAttrs } from './FormField.js';
import { RecordPicker } from './RecordPicker.js';
import { moveDeal, moveErrorText } from './sales.js';

/** deal: {id, version, title}; stage: {id, name, kind}; onDone(movedDeal); onCancel(). */
export function MoveDialog({ deal, stage, onDone, onCancel }) {
    const [reasons, setReasons] = useState(null);
    const [reasonId, setReasonId] = useState('');
    const [competitor, setCompetitor] = useState(null);
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const root = useRef(null);
    const lost = stage.kind === 'lost';

    useEffect(() => {
        let live = true;
        api.get('/deal-reasons', { kind: stage.kind }).then(
            (page) => live && setReasons(((page && page.data) || []).filter((r) => r.active !== false)),
            (e) => live && (setError(e), setReasons([])));
        return () => {
            live = false;
        };
    }, [stage.kind]);

    useEffect(() => {
        const first = root.current && root.current.querySelector('select, input, button');
        if (first) first.focus();
        const onKey = (e) => {
            if (e.key === 'Escape') onCancel();
        };
        document.addEventListener('keydown', onKey);
        return () => document.removeEventListener('keydown', onKey);
    }, []);

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            const moved = await moveDeal(deal, stage.id, {
                reasonId: reasonId ? Number(reasonId) : undefined,
                competitorId: lost && competitor ? competitor.id : undefined,
            });
            onDone(moved);
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    const fieldErrors = (name) => (error && error.errors ? error.errors.filter((x) => x.field === name)
        .map((x) => x.message) : []);
    const other = error && (error.status === 412 || !(error.errors || []).some((x) =>
        x.field === 'reason_id' || x.field === 'competitor_id'));
    const title = t(lost ? 'move.lostTitle' : 'move.wonTitle', { title: deal.title, stage: stage.name });
    return html`<div class="dialog-backdrop" onMouseDown=${(e) => { if (e.target === e.currentTarget) onCancel(); }}>
        <form class="dialog record-form" role="dialog" aria-modal="true" aria-labelledby="move-dialog-title"
                ref=${root} onSubmit=${submit} novalidate data-testid="move-dialog" data-kind=${stage.kind}>
            <h2 id="move-dialog-title">${title}</h2>
            ${other && html`<div class="alert alert-error" role="alert" data-testid="move-error">
                ${moveErrorText(error)}</div>`}
            <${FormField} id="move-reason" label=${t(lost ? 'move.lostReason' : 'move.wonReason')} required
                    errors=${fieldErrors('reason_id')}>
                <select id="move-reason" value=${reasonId} data-testid="move-reason"
                        onChange=${(e) => setReasonId(e.currentTarget.value)}
                        ...${errorAttrs('move-reason', fieldErrors('reason_id'))}>
                    <option value="">${reasons === null ? t('common.loading') : '—'}</option>
                    ${(reasons || []).map((r) => html`<option key=${r.id} value=${String(r.id)}>${r.name}</option>`)}
                </select><//>
            ${reasons && !reasons.length && html`<p class="hint">${t('move.noReasons')}</p>`}
            ${lost && html`<${FormField} id="move-competitor" label=${t('move.competitor')}
                    errors=${fieldErrors('competitor_id')}
                    hint=${html`${t('move.competitorHint')} <a href="/competitors" target="_blank" rel="noopener"
                        data-testid="move-competitors-link">${t('move.competitorList')}</a>`}>
                <${RecordPicker} id="move-competitor" entity="competitors" value=${competitor}
                    onChange=${setCompetitor} invalid=${fieldErrors('competitor_id').length > 0} /><//>`}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=${busy || !reasonId}
                    data-testid="move-confirm">${t(lost ? 'move.confirmLost' : 'move.confirmWon')}</button>
                <button type="button" class="btn" onClick=${onCancel} data-testid="move-cancel">
                    ${t('action.cancel')}</button>
            </div>
        </form>
    </div>`;
}
