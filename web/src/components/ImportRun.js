// Steps 3 and 4 of the import wizard. The dry run: its progress while checking (with "Stop the
// check", back to the mapping), then what the import would do (create / update / skip /
// duplicates / errors) and the first errors, with "Change settings" and "Import". The run: a
// progress bar (done of total), rows per second, errors so far, time left and "Cancel"; once
// finished, the summary, the error report (CSV), "Undo import" (after a confirmation) and a link
// to the imported list.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { ErrorBanner, errorText } from './errors.js';
import { Count, MOVING, formatDuration, importedListHref } from './imports.js';

const FIRST_ERRORS = 20;
const COUNTS = ['created', 'updated', 'skipped', 'duplicates', 'errors'];

/** The first errors of an import (GET /imports/{id}/errors); reloaded when version changes. */
export function ImportErrors({ id, version }) {
    const [state, setState] = useState({ items: null, more: false, error: null });
    useEffect(() => {
        let live = true;
        api.get(`/imports/${id}/errors`, { limit: FIRST_ERRORS }).then((page) => {
            const items = Array.isArray(page) ? page : (page && page.data) || [];
            if (live) setState({ items: items.slice(0, FIRST_ERRORS), more: Boolean(page && page.next_cursor), error: null });
        }, (error) => live && setState({ items: [], more: false, error }));
        return () => {
            live = false;
        };
    }, [id, version]);

    if (state.error) return html`<${ErrorBanner} messages=${[errorText(state.error)]} />`;
    if (!state.items || !state.items.length) return null;
    return html`<div class="import-errors">
        <h3>${t('import.firstErrors')}</h3>
        <div class="table-wrap"><table class="records" data-testid="import-errors">
            <thead><tr>
                <th scope="col">${t('import.error.row')}</th>
                <th scope="col">${t('import.error.line')}</th>
                <th scope="col">${t('import.error.column')}</th>
                <th scope="col">${t('import.error.message')}</th>
            </tr></thead>
            <tbody>${state.items.map((e, i) => html`<tr key=${i} data-testid="import-error-row" data-row=${e.row}>
                <td data-label=${t('import.error.row')}>${e.row ?? '—'}</td>
                <td data-label=${t('import.error.line')}>${e.line ?? '—'}</td>
                <td data-label=${t('import.error.column')}>${e.column || '—'}</td>
                <td data-label=${t('import.error.message')} class="break">${e.message}</td>
            </tr>`)}</tbody>
        </table></div>
        ${state.more && html`<p class="hint">${t('import.moreErrors')}</p>`}
    </div>`;
}

/** done of total as a progress bar with its text. */
function ProgressBar({ progress, testid }) {
    const total = Number(progress.total) || 0;
    const done = Math.min(Number(progress.done) || 0, total || Infinity);
    const pct = total ? Math.floor((done * 100) / total) : 0;
    return html`<div class="import-progress">
        <progress max=${total || 1} value=${total ? done : 0} aria-labelledby=${`${testid}-text`}
            data-testid=${testid} data-done=${done} data-total=${total}></progress>
        <span id=${`${testid}-text`} data-testid=${`${testid}-text`}>
            ${t('import.progress', { done: formatNumber(done), total: formatNumber(total), pct })}</span>
    </div>`;
}

function Counts({ progress, dry }) {
    return html`<div class="import-counts" data-testid="import-counts">
        ${COUNTS.map((name) => html`<${Count} key=${name} name=${name} value=${progress[name]} dry=${dry} />`)}
    </div>`;
}

/** Step 3: the dry run, running or finished. */
export function DryRunPanel({ imp, onChange, onEdit }) {
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const progress = imp.progress || {};
    const checking = imp.status === 'checking';

    async function act(path, body) {
        setBusy(true);
        setError(null);
        try {
            onChange(await api.post(`/imports/${imp.id}/${path}`, body));
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    }

    return html`<div class="record-form import-dry-run" data-testid="import-dry-run" data-status=${imp.status}>
        <h2>${t('import.step.check')}</h2>
        <${ErrorBanner} messages=${error ? [errorText(error)] : []} />
        ${checking && html`<p role="status">${t('import.checkingRows')}</p>`}
        ${checking && html`<${ProgressBar} progress=${progress} testid="check-progress" />`}
        ${imp.status === 'failed' && html`<div class="alert alert-error" role="alert" data-testid="import-failed">
            ${imp.error || t('import.failed')}</div>`}
        ${imp.status === 'checked' && html`<p role="status" data-testid="dry-run-done">
            ${progress.errors ? t('import.checkedWithErrors', { n: progress.errors }) : t('import.checkedClean')}</p>`}
        ${!checking && html`<${Counts} progress=${progress} dry />`}
        ${!checking && progress.errors > 0 && html`<${ImportErrors} id=${imp.id} version=${imp.version} />`}
        <div class="form-actions">
            ${imp.status === 'checked' && html`<button type="button" class="btn btn-primary" onClick=${() => act('run', { dry_run: false })}
                disabled=${busy} data-testid="import-run">${t('import.run')}</button>`}
            ${checking && html`<button type="button" class="btn btn-danger" onClick=${() => act('cancel')}
                disabled=${busy} data-testid="import-stop-check">${t('import.stopCheck')}</button>`}
            ${imp.status === 'checked' && html`<button type="button" class="btn" onClick=${onEdit} disabled=${busy}
                data-testid="import-edit">${t('import.editSettings')}</button>`}
            ${imp.status !== 'checked' && !checking && html`<${Link} href="/imports" class="btn"
                data-testid="import-new">${t('import.new')}<//>`}
        </div>
    </div>`;
}

/** Step 4: the import running, then its summary. */
export function RunPanel({ imp, onChange }) {
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const progress = imp.progress || {};
    const moving = MOVING.has(imp.status);
    const finished = !moving;

    async function act(path, confirmText) {
        if (confirmText && !window.confirm(confirmText)) return;
        setBusy(true);
        setError(null);
        try {
            onChange(await api.post(`/imports/${imp.id}/${path}`));
        } catch (e) {
            setError(e);
        } finally {
            setBusy(false);
        }
    }

    const canUndo = (imp.status === 'done' || imp.status === 'failed') && !imp.dry_run;
    return html`<div class="record-form import-run" data-testid="import-run-panel" data-status=${imp.status}>
        <h2>${t('import.step.run')}</h2>
        <${ErrorBanner} messages=${error ? [errorText(error)] : []} />
        ${imp.finished_at && finished && html`<p class="muted" data-testid="import-finished-at">
            ${t('import.finishedAt', { when: formatDateTime(imp.finished_at) })}</p>`}
        ${moving && html`<${ProgressBar} progress=${progress} testid="run-progress" />`}
        ${moving && html`<dl class="props import-live">
            <div class="prop"><dt>${t('import.rate')}</dt>
                <dd data-testid="import-rate">${t('import.rowsPerSecond', { n: formatNumber(Math.round(progress.rows_per_s || 0)) })}</dd></div>
            <div class="prop"><dt>${t('import.errorsSoFar')}</dt>
                <dd data-testid="import-errors-so-far">${formatNumber(progress.errors || 0)}</dd></div>
            <div class="prop"><dt>${t('import.timeLeft')}</dt>
                <dd data-testid="import-eta">${progress.eta_s != null ? formatDuration(progress.eta_s) : '—'}</dd></div>
        </dl>`}
        ${imp.status === 'failed' && html`<div class="alert alert-error" role="alert" data-testid="import-failed">
            ${imp.error || t('import.failed')}</div>`}
        ${finished && html`<p role="status" data-testid="import-summary">${t(`import.summary.${imp.status}`,
            { created: progress.created || 0, updated: progress.updated || 0, errors: progress.errors || 0 })}</p>`}
        ${finished && html`<${Counts} progress=${progress} />`}
        ${finished && progress.errors > 0 && html`<${ImportErrors} id=${imp.id} version=${imp.version} />`}
        <div class="form-actions">
            ${(imp.status === 'queued' || imp.status === 'running') && html`<button type="button" class="btn btn-danger"
                onClick=${() => act('cancel')} disabled=${busy} data-testid="import-cancel">${t('import.cancel')}</button>`}
            ${finished && progress.errors > 0 && html`<a class="btn" href=${`/api/v1/imports/${imp.id}/errors?format=csv`}
                download=${`import-${imp.id}-errors.csv`} data-testid="import-error-report">${t('import.errorReport')}</a>`}
            ${canUndo && html`<button type="button" class="btn btn-danger" disabled=${busy} data-testid="import-undo"
                onClick=${() => act('undo', t('import.confirmUndo', { n: (progress.created || 0) + (progress.updated || 0) }))}>
                ${t('import.undo')}</button>`}
            ${finished && imp.status !== 'undone' && html`<${Link} href=${importedListHref(imp.entity)} class="btn btn-link"
                data-testid="import-open-list">${t('import.openList', { list: t(`import.entity.${imp.entity}`) })}<//>`}
        </div>
    </div>`;
}
