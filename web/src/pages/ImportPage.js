// The import pages. /imports (?entity= preselects one): step 1 of the wizard — the entity and a
// CSV, XLSX or vCard file (and how to read a CSV one: encoding, separator), sent as
// multipart/form-data to POST /imports — and below it the
// history of imports (GET /imports: the caller's, an administrator's all) with status and undo.
// /imports/:id: the wizard from the import's status on — mapping (draft), dry run (checking,
// checked), the run and its summary — polled while the server works (components/imports.js).
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField } from '../components/FormField.js';
import { ImportMapping } from '../components/ImportMapping.js';
import { DryRunPanel, RunPanel } from '../components/ImportRun.js';
import {
    IMPORT_ENCODINGS, IMPORT_ENTITIES, IMPORT_SEPARATORS, ImportStatus, MOVING, importStep, separatorLabel,
    useImport,
} from '../components/imports.js';
import { cellAttrs, messagesAt, pathErrors } from '../components/pathErrors.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';
import { Link, navigate } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const ACCEPT = '.csv,.tsv,.txt,.xlsx,.vcf,.vcard,text/csv,text/vcard,'
    + 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const STEPS = ['upload', 'mapping', 'check', 'run'];
const HISTORY_REFRESH_MS = 2000;
const HISTORY_PAGE = 20;

function Steps({ current }) {
    return html`<ol class="wizard-steps" data-testid="import-steps">
        ${STEPS.map((s, i) => html`<li key=${s} class=${i + 1 === current ? 'current' : i + 1 < current ? 'past' : ''}
            aria-current=${i + 1 === current ? 'step' : undefined} data-step=${i + 1}>
            <span class="step-number" aria-hidden="true">${i + 1}</span> ${t(`import.step.${s}`)}</li>`)}
    </ol>`;
}

/** Step 1: the entity and the file. */
function UploadForm() {
    const me = useMe();
    const entities = IMPORT_ENTITIES.filter((e) => can(me, e, 'create') || can(me, e, 'update'));
    const wanted = useMemo(() => new URLSearchParams(window.location.search).get('entity'), []);
    const [entity, setEntity] = useState(entities.includes(wanted) ? wanted
        : entities.includes('contacts') ? 'contacts' : entities[0] || 'contacts');
    const [file, setFile] = useState(null);
    const [encoding, setEncoding] = useState('auto');
    const [separator, setSeparator] = useState('');
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const errors = pathErrors(error, (f) => ['file', 'entity', 'settings.encoding', 'settings.separator'].includes(f));

    function choose(e) {
        const f = e.currentTarget.files[0] || null;
        setFile(f);
        setError(null);
        /* a vCard holds contacts */
        if (f && /\.(vcf|vcard)$/i.test(f.name) && entities.includes('contacts')) setEntity('contacts');
    }

    async function submit(e) {
        e.preventDefault();
        if (!file) return;
        setBusy(true);
        setError(null);
        try {
            const form = new FormData();
            form.append('entity', entity);
            form.append('file', file, file.name);
            /* How to read a CSV file (the server detects both unless told) */
            if (encoding !== 'auto' || separator !== '') {
                const settings = {};
                if (encoding !== 'auto') settings.encoding = encoding;
                if (separator !== '') settings.separator = separator;
                form.append('settings', JSON.stringify(settings));
            }
            const imp = await api.postForm('/imports', form);
            navigate(`/imports/${imp.id}`);
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    const fileErrors = messagesAt(errors, 'file', true);
    const entityErrors = messagesAt(errors, 'entity', true);
    const encodingErrors = messagesAt(errors, 'settings.encoding', true);
    const separatorErrors = messagesAt(errors, 'settings.separator', true);
    return html`<form class="record-form import-upload" onSubmit=${submit} novalidate data-testid="import-upload">
        <h2>${t('import.step.upload')}</h2>
        <p class="hint">${t('import.uploadHint')}</p>
        <div data-testid="upload-error"><${ErrorBanner} messages=${errors.top} /></div>
        <div class="form-grid">
            <${FormField} id="import-entity" label=${t('import.entityLabel')} required errors=${entityErrors}>
                <select id="import-entity" value=${entity} data-testid="import-entity"
                    onChange=${(e) => setEntity(e.currentTarget.value)} ...${cellAttrs('import-entity', entityErrors)}>
                    ${entities.map((x) => html`<option key=${x} value=${x}>${t(`import.entity.${x}`)}</option>`)}
                </select><//>
            <${FormField} id="import-file" label=${t('import.fileLabel')} required errors=${fileErrors}
                    hint=${t('import.fileHint')}>
                <input id="import-file" type="file" accept=${ACCEPT} data-testid="import-file-input"
                    onChange=${choose} ...${cellAttrs('import-file', fileErrors)} /><//>
            <${FormField} id="import-encoding" label=${t('import.option.encoding')} errors=${encodingErrors}
                    hint=${t('import.encodingHint')}>
                <select id="import-encoding" value=${encoding} data-testid="import-encoding"
                    onChange=${(e) => setEncoding(e.currentTarget.value)} ...${cellAttrs('import-encoding', encodingErrors)}>
                    ${IMPORT_ENCODINGS.map((x) => html`<option key=${x} value=${x}>${t(`import.encoding.${x}`)}</option>`)}
                </select><//>
            <${FormField} id="import-separator" label=${t('import.option.separator')} errors=${separatorErrors}>
                <select id="import-separator" value=${separator} data-testid="import-separator"
                    onChange=${(e) => setSeparator(e.currentTarget.value)} ...${cellAttrs('import-separator', separatorErrors)}>
                    ${IMPORT_SEPARATORS.map((x) => html`<option key=${x} value=${x}>${separatorLabel(x)}</option>`)}
                </select><//>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy || !file} data-testid="import-upload-submit">
                ${busy ? t('import.uploading') : t('import.upload')}</button>
        </div>
    </form>`;
}

/*
 * {items, loading, error, done, loadMore, reload} of GET /imports, newest first, a page at a
 * time (?before=<the last id shown>); reload() reads again as many as are shown.
 */
function useImportList() {
    const [state, setState] = useState({ items: [], loading: true, error: null, done: false });
    const generation = useRef(0);

    async function load(before, limit) {
        const gen = ++generation.current;
        setState((s) => ({ ...s, loading: true }));
        try {
            const page = await api.get('/imports', { limit, before });
            if (gen !== generation.current) return;
            const data = Array.isArray(page) ? page : (page && page.data) || [];
            setState((s) => ({ items: before ? [...s.items, ...data] : data, loading: false, error: null,
                               done: data.length < limit }));
        } catch (error) {
            if (gen === generation.current) setState((s) => ({ ...s, loading: false, error, done: true }));
        }
    }

    useEffect(() => {
        load(undefined, HISTORY_PAGE);
    }, []);

    const last = state.items[state.items.length - 1];
    return {
        ...state,
        loadMore: () => last && load(last.id, HISTORY_PAGE),
        reload: () => load(undefined, Math.max(HISTORY_PAGE, Math.min(state.items.length, 100))),
    };
}

/** The imports so far, newest first, with undo for finished ones. */
export function ImportHistory() {
    const list = useImportList();
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(null);
    const moving = list.items.some((x) => MOVING.has(x.status));

    useEffect(() => {
        if (!moving) return undefined;
        const timer = setTimeout(list.reload, HISTORY_REFRESH_MS);
        return () => clearTimeout(timer);
    }, [list.items]);

    async function undo(imp) {
        const n = ((imp.progress && imp.progress.created) || 0) + ((imp.progress && imp.progress.updated) || 0);
        if (!window.confirm(t('import.confirmUndo', { n }))) return;
        setBusy(imp.id);
        setError(null);
        try {
            await api.post(`/imports/${imp.id}/undo`);
            list.reload();
        } catch (e) {
            setError(e);
        } finally {
            setBusy(null);
        }
    }

    return html`<section class="import-history" data-testid="import-history">
        <h2>${t('import.history')}</h2>
        ${(error || list.error) && html`<${ErrorBanner} messages=${[errorText(error || list.error)]} />`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="empty" data-testid="import-history-empty">
            ${t('import.historyEmpty')}</p>`}
        ${list.items.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="import-history-table">
            <thead><tr>
                <th scope="col">${t('import.fileLabel')}</th>
                <th scope="col">${t('import.entityLabel')}</th>
                <th scope="col">${t('import.statusLabel')}</th>
                <th scope="col">${t('import.result')}</th>
                <th scope="col">${t('import.when')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>${list.items.map((imp) => {
                const p = imp.progress || {};
                return html`<tr key=${imp.id} data-testid="import-row" data-id=${imp.id}>
                    <td data-label=${t('import.fileLabel')}><${Link} href=${`/imports/${imp.id}`} class="break">
                        ${imp.file_name || `#${imp.id}`}<//></td>
                    <td data-label=${t('import.entityLabel')}>${t(`import.entity.${imp.entity}`)}</td>
                    <td data-label=${t('import.statusLabel')}><${ImportStatus} status=${imp.status} /></td>
                    <td data-label=${t('import.result')}>${t('import.resultLine', {
                        created: formatNumber(p.created || 0), updated: formatNumber(p.updated || 0),
                        errors: formatNumber(p.errors || 0) })}</td>
                    <td data-label=${t('import.when')}>${imp.created_at
                        ? html`<time datetime=${imp.created_at}>${formatDateTime(imp.created_at)}</time>` : '—'}</td>
                    <td class="col-actions">${imp.status === 'done' && !imp.dry_run && html`<button type="button"
                        class="btn btn-small btn-danger" disabled=${busy === imp.id} onClick=${() => undo(imp)}
                        data-testid="import-row-undo">${t('import.undo')}</button>`}</td>
                </tr>`;
            })}</tbody>
        </table></div>`}
        ${!list.done && !list.loading && html`<button type="button" class="btn btn-small" onClick=${list.loadMore}
            data-testid="import-history-more">
            ${t('list.loadMore')}</button>`}
    </section>`;
}

export function ImportsPage() {
    useTitle(t('import.title'));
    return html`<section class="page import-page" data-testid="imports-page">
        <header class="page-header"><h1>${t('import.title')}</h1></header>
        <${Steps} current=${1} />
        <${UploadForm} />
        <${ImportHistory} />
    </section>`;
}

export function ImportWizard({ id }) {
    const { imp, error, setImp } = useImport(id);
    const [editing, setEditing] = useState(false);
    useTitle(t('import.title'));

    const step = imp && editing && imp.status === 'checked' ? 2 : importStep(imp);
    let body = null;
    if (imp && step === 2) {
        body = html`<${ImportMapping} key=${imp.id} imp=${imp} onSaved=${setImp}
            onChecked=${(x) => { setEditing(false); setImp(x); }}
            onCancel=${imp.status === 'checked' ? () => setEditing(false) : null} />`;
    } else if (imp && step === 3) {
        body = html`<${DryRunPanel} imp=${imp} onChange=${setImp} onEdit=${() => setEditing(true)} />`;
    } else if (imp) {
        body = html`<${RunPanel} imp=${imp} onChange=${setImp} />`;
    }
    return html`<section class="page import-page" data-testid="import-wizard" data-status=${imp ? imp.status : ''}>
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/imports">${t('import.title')}<//></p>
                <h1>${imp ? imp.file_name || `#${imp.id}` : t('import.title')}</h1>
            </div>
            ${imp && html`<div class="page-actions"><${ImportStatus} status=${imp.status} /></div>`}
        </header>
        ${error && !imp && html`<div class="alert alert-error" role="alert">${errorText(error)}</div>`}
        ${!imp && !error && html`<p class="muted">${t('common.loading')}</p>`}
        ${imp && html`<${Steps} current=${step} />`}
        ${body}
    </section>`;
}
