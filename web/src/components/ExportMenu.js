// The "Export" button of a record list: a menu of formats (CSV, XLSX, vCard for contacts,
// iCalendar for activities and tasks; administrators may also ask for raw values, without the
// neutralisation of cells that look like formulas). A choice POSTs /exports with the list's
// filter, search, sort and visible columns, polls GET /exports/{id} until it is done, then
// downloads GET /exports/{id}/file through a plain link (the session cookie goes with it) and
// keeps that link on show.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatNumber, t } from '../i18n/index.js';
import { useMe } from '../session.js';
import { errorText } from './errors.js';
import { useMenu } from './useMenu.js';

const POLL_MS = 700;

/* List columns that are not one field of the same name. */
const COLUMN_FIELDS = {
    contacts: { name: ['first_name', 'last_name'] },
    leads: { lead_name: ['name'], lead_title: ['title'] },
};

/** The formats entity may be exported in. */
export function exportFormats(entity) {
    const formats = ['csv', 'xlsx'];
    if (entity === 'contacts') formats.push('vcf');
    if (entity === 'activities' || entity === 'tasks') formats.push('ics');
    return formats;
}

/** The field names behind list columns (column objects or keys), in order, without repeats. */
export function exportFields(entity, columns) {
    const out = [];
    for (const c of columns || []) {
        const key = typeof c === 'string' ? c : c.key;
        for (const f of (COLUMN_FIELDS[entity] && COLUMN_FIELDS[entity][key]) || [key]) {
            if (!out.includes(f)) out.push(f);
        }
    }
    return out;
}

/* Clicks a temporary link with download: the browser saves the file with the cookie sent. */
function download(href, name) {
    const a = document.createElement('a');
    a.href = href;
    a.download = name || '';
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
}

/**
 * entity: the list's entity; query: {filter, q, sort} as the list shows it; fields: the field
 * names of its visible columns; small: a small button (toolbars of small buttons).
 */
export function ExportMenu({ entity, query = {}, fields = [], small = false }) {
    const me = useMe();
    const { open, toggle, root, button, chosen } = useMenu();
    const [raw, setRaw] = useState(false);
    const [job, setJob] = useState(null); /* the export as the server last answered */
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);
    const alive = useRef(true);
    const timer = useRef(null);

    useEffect(() => () => {
        alive.current = false;
        clearTimeout(timer.current);
    }, []);

    function finish(x) {
        setJob(x);
        setBusy(false);
        if (x.status === 'done') download(`/api/v1/exports/${x.id}/file`, x.file && x.file.name);
    }

    async function poll(id) {
        if (!alive.current) return;
        try {
            const x = await api.get(`/exports/${id}`);
            if (!alive.current) return;
            if (x.status === 'done' || x.status === 'failed') finish(x);
            else {
                setJob(x);
                timer.current = setTimeout(() => poll(id), POLL_MS);
            }
        } catch (e) {
            if (!alive.current) return;
            setError(e);
            setBusy(false);
        }
    }

    /* POST /exports; columns the server refuses (a field the caller's role hides) are left out. */
    async function post(body) {
        try {
            return await api.post('/exports', body);
        } catch (e) {
            const refused = e.status === 422 && body.fields && e.errors.length > 0
                ? e.errors.map((x) => /^fields\[(\d+)\]$/.exec(x.field || '')) : [];
            if (!refused.length || refused.some((m) => !m)) throw e;
            const drop = new Set(refused.map((m) => Number(m[1])));
            const rest = body.fields.filter((f, i) => !drop.has(i));
            return api.post('/exports', { ...body, fields: rest.length ? rest : undefined });
        }
    }

    async function start(format) {
        chosen();
        clearTimeout(timer.current);
        setBusy(true);
        setError(null);
        setJob(null);
        const body = {
            entity, format, filter: query.filter || undefined, q: query.q || undefined,
            sort: query.sort || undefined, raw: Boolean(me && me.is_admin && raw),
        };
        if ((format === 'csv' || format === 'xlsx') && fields.length) body.fields = fields;
        try {
            const x = await post(body);
            if (!alive.current) return;
            if (x.status === 'done' || x.status === 'failed') finish(x);
            else {
                setJob(x);
                timer.current = setTimeout(() => poll(x.id), POLL_MS);
            }
        } catch (e) {
            if (!alive.current) return;
            setError(e);
            setBusy(false);
        }
    }

    let status = null;
    if (error) {
        status = html`<span class="field-error" role="alert" data-testid="export-error">${errorText(error)}</span>`;
    } else if (busy) {
        status = html`<span class="muted" data-testid="export-working">${job && job.rows
            ? t('export.workingRows', { n: formatNumber(job.rows) }) : t('export.working')}</span>`;
    } else if (job && job.status === 'failed') {
        status = html`<span class="field-error" role="alert" data-testid="export-error">${job.error || t('export.failed')}</span>`;
    } else if (job && job.status === 'done') {
        status = html`<a href=${`/api/v1/exports/${job.id}/file`} download=${(job.file && job.file.name) || ''}
            data-testid="export-download">${t('export.download', { name: (job.file && job.file.name) || '',
                n: formatNumber(job.rows || 0) })}</a>`;
    }

    const id = `export-menu-${entity}`;
    return html`<div class="action-menu export-menu" ref=${root}>
        <button type="button" class=${small ? 'btn btn-small' : 'btn'} ref=${button} aria-expanded=${open ? 'true' : 'false'} aria-controls=${id}
                onClick=${toggle} disabled=${busy} data-testid="export-menu">
            ${busy ? t('export.exporting') : t('export.button')} <span aria-hidden="true">▾</span>
        </button>
        ${open && html`<div id=${id} class="action-menu-list" data-testid="export-menu-list">
            <ul>${exportFormats(entity).map((f) => html`<li key=${f}><button type="button" class="menu-item"
                onClick=${() => start(f)} data-testid=${`export-${f}`}>${t(`export.format.${f}`)}</button></li>`)}</ul>
            ${me && me.is_admin && html`<label class="menu-check">
                <input type="checkbox" checked=${raw} onChange=${(e) => setRaw(e.currentTarget.checked)}
                    data-testid="export-raw" /> ${t('export.raw')}</label>`}
        </div>`}
        <span class="export-status" role="status">${status}</span>
    </div>`;
}
