// Sales configuration (/admin/pipelines): the pipelines with their stages and the reasons a
// deal is won or lost. A pipeline is edited in a table of its stages (name, probability, kind,
// rot days; move up/down, add, remove) and saved as a whole: kept stages carry their id, new
// ones none, removed ones are left out. Won and lost stages come last (new stages are added
// before them); a pipeline needs an open, a won and a lost stage. Reasons are listed per kind
// with rename, activate/deactivate, move and delete.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, listAll } from '../api.js';
import { AdminTabs } from '../components/Admin.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { t } from '../i18n/index.js';
import { useTitle } from './title.js';

const KINDS = ['open', 'won', 'lost'];
const REASON_KINDS = ['won', 'lost'];
const FIXED_PROBABILITY = { won: 100, lost: 0 };

let nextKey = 1;
const key = () => `new-${nextKey++}`;

/* Stage rows of the editor from a pipeline's stages (strings in inputs, a key per row). */
function rowsOf(stages) {
    return stages.map((s) => ({
        key: `stage-${s.id}`,
        id: s.id,
        name: s.name,
        probability: String(s.probability),
        kind: s.kind,
        rot_days: s.rot_days == null ? '' : String(s.rot_days),
    }));
}

function defaultRows() {
    return [
        { key: key(), name: t('pipelines.defaultOpen'), probability: '10', kind: 'open', rot_days: '' },
        { key: key(), name: t('stage.kind.won'), probability: '100', kind: 'won', rot_days: '' },
        { key: key(), name: t('stage.kind.lost'), probability: '0', kind: 'lost', rot_days: '' },
    ];
}

/* The body's stage list: numbers where the input holds one (the server names what is wrong). */
function stagesBody(rows) {
    const number = (text) => (/^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text);
    return rows.map((r) => {
        const s = { name: r.name, kind: r.kind, probability: number(r.probability) };
        s.rot_days = r.kind === 'open' && r.rot_days.trim() !== '' ? number(r.rot_days) : null;
        if (r.id) s.id = r.id;
        return s;
    });
}

/* Splits a problem into {top, name, stages, rows: {index: {field: [messages]}}}. */
function editorErrors(error) {
    const out = { top: [], name: [], stages: [], rows: {}, stale: false };
    if (!error) return out;
    if (error.status === 412) {
        out.stale = true;
        return out;
    }
    const errors = error.errors || [];
    if (error.detail || !errors.length) out.top.push(error.detail || error.message);
    for (const e of errors) {
        const m = /^stages\[(\d+)\](?:\.(\w+))?$/.exec(e.field || '');
        if (m) {
            const row = (out.rows[m[1]] = out.rows[m[1]] || {});
            (row[m[2] || 'name'] = row[m[2] || 'name'] || []).push(e.message);
        } else if (e.field === 'name') {
            out.name.push(e.message);
        } else if (e.field === 'stages') {
            out.stages.push(e.message);
        } else {
            out.top.push(e.field ? `${e.field}: ${e.message}` : e.message);
        }
    }
    return out;
}

function StageRow({ row, index, count, errors, onChange, onMove, onRemove }) {
    const id = (f) => `stage-${index}-${f}`;
    const terminal = row.kind !== 'open';
    const err = (f) => (errors && errors[f]) || null;
    const messages = errors ? Object.values(errors).flat() : [];
    return html`<tr data-testid="stage-row" data-kind=${row.kind} class=${messages.length ? 'has-error' : ''}>
        <td data-label=${t('pipelines.stageName')}>
            <input id=${id('name')} type="text" value=${row.name} maxlength="100" data-testid="stage-name"
                aria-label=${t('pipelines.stageName')} ...${errorAttrs(id('name'), err('name'))}
                onInput=${(e) => onChange({ name: e.currentTarget.value })} />
            ${messages.length > 0 && html`<div class="field-error" id=${`${id('name')}-error`} role="alert"
                data-testid="stage-error">${messages.map((m) => html`<div>${m}</div>`)}</div>`}
        </td>
        <td data-label=${t('pipelines.probability')}>
            <input id=${id('probability')} type="number" min="0" max="100" step="1" value=${row.probability}
                disabled=${terminal} data-testid="stage-probability" aria-label=${t('pipelines.probability')}
                ...${errorAttrs(id('probability'), err('probability'))}
                onInput=${(e) => onChange({ probability: e.currentTarget.value })} />
        </td>
        <td data-label=${t('pipelines.kind')}>
            <select id=${id('kind')} value=${row.kind} data-testid="stage-kind" aria-label=${t('pipelines.kind')}
                onChange=${(e) => {
                    const kind = e.currentTarget.value;
                    const fixed = FIXED_PROBABILITY[kind];
                    onChange(fixed === undefined ? { kind } : { kind, probability: String(fixed), rot_days: '' });
                }}>
                ${KINDS.map((k) => html`<option value=${k}>${t(`stage.kind.${k}`)}</option>`)}
            </select>
        </td>
        <td data-label=${t('pipelines.rotDays')}>
            <input id=${id('rot_days')} type="number" min="1" max="3650" step="1" value=${row.rot_days}
                disabled=${terminal} placeholder=${terminal ? '' : t('pipelines.never')} data-testid="stage-rot-days"
                aria-label=${t('pipelines.rotDays')} ...${errorAttrs(id('rot_days'), err('rot_days'))}
                onInput=${(e) => onChange({ rot_days: e.currentTarget.value })} />
        </td>
        <td class="col-actions">
            <button type="button" class="btn btn-small btn-icon" disabled=${index === 0} onClick=${() => onMove(-1)}
                aria-label=${t('pipelines.moveUp')} title=${t('pipelines.moveUp')} data-testid="stage-up">↑</button>
            <button type="button" class="btn btn-small btn-icon" disabled=${index === count - 1}
                onClick=${() => onMove(1)} aria-label=${t('pipelines.moveDown')} title=${t('pipelines.moveDown')}
                data-testid="stage-down">↓</button>
            <button type="button" class="btn btn-small btn-danger" disabled=${count <= 1} onClick=${onRemove}
                data-testid="stage-remove">${t('pipelines.removeStage')}</button>
        </td>
    </tr>`;
}

/** The editor of one pipeline (pipeline null: a new one); onDone(saved) closes it. */
function PipelineEditor({ pipeline, onDone }) {
    const [name, setName] = useState(pipeline ? pipeline.name : '');
    const [rows, setRows] = useState(pipeline ? rowsOf(pipeline.stages) : defaultRows());
    const [error, setError] = useState(null);
    const [saving, setSaving] = useState(false);
    const errs = editorErrors(error);

    const change = (i, patch) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    const move = (i, by) => setRows((rs) => {
        const next = [...rs];
        const [row] = next.splice(i, 1);
        next.splice(i + by, 0, row);
        return next;
    });
    const remove = (i) => setRows((rs) => rs.filter((_, j) => j !== i));
    function add() {
        setRows((rs) => {
            const at = rs.findIndex((r) => r.kind !== 'open');
            const row = { key: key(), name: '', probability: '50', kind: 'open', rot_days: '' };
            const next = [...rs];
            next.splice(at < 0 ? rs.length : at, 0, row);
            return next;
        });
    }

    async function save(e) {
        e.preventDefault();
        setSaving(true);
        setError(null);
        try {
            const body = { name: name.trim(), stages: stagesBody(rows) };
            if (pipeline) await api.patch(`/pipelines/${pipeline.id}`, body, pipeline.version);
            else await api.post('/pipelines', body);
            onDone(true);
        } catch (err) {
            setError(err);
        } finally {
            setSaving(false);
        }
    }

    return html`<form class="record-form" onSubmit=${save} novalidate data-testid="pipeline-editor">
        <h2>${pipeline ? t('pipelines.edit', { name: pipeline.name }) : t('pipelines.create')}</h2>
        <${ErrorBanner} messages=${errs.top} stale=${errs.stale} onReload=${() => onDone(true)} />
        <div class="form-grid">
            <${FormField} id="pipeline-name" label=${t('pipelines.name')} required errors=${errs.name}>
                <input id="pipeline-name" type="text" value=${name} maxlength="100" data-testid="pipeline-name"
                    onInput=${(e) => setName(e.currentTarget.value)} ...${errorAttrs('pipeline-name', errs.name)} /><//>
        </div>
        <h3 class="form-section">${t('pipelines.stages')}</h3>
        <p class="hint">${t('pipelines.stagesHint')}</p>
        ${errs.stages.length > 0 && html`<div class="alert alert-error" role="alert" data-testid="stages-error">
            ${errs.stages.map((m) => html`<div>${m}</div>`)}</div>`}
        <div class="table-wrap"><table class="records stage-table" data-testid="stages-table">
            <thead><tr>
                <th scope="col">${t('pipelines.stageName')}</th>
                <th scope="col">${t('pipelines.probability')}</th>
                <th scope="col">${t('pipelines.kind')}</th>
                <th scope="col">${t('pipelines.rotDays')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${rows.map((r, i) => html`<${StageRow} key=${r.key} row=${r} index=${i} count=${rows.length}
                    errors=${errs.rows[i]} onChange=${(p) => change(i, p)} onMove=${(by) => move(i, by)}
                    onRemove=${() => remove(i)} />`)}
            </tbody>
        </table></div>
        <div class="form-actions">
            <button type="button" class="btn" onClick=${add} data-testid="stage-add">${t('pipelines.addStage')}</button>
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${saving || !name.trim()}
                data-testid="pipeline-save">${saving ? t('common.saving') : t('action.save')}</button>
            <button type="button" class="btn" onClick=${() => onDone(false)}
                data-testid="pipeline-cancel">${t('action.cancel')}</button>
        </div>
    </form>`;
}

function PipelinesSection() {
    const [pipelines, setPipelines] = useState(null);
    const [error, setError] = useState(null);
    const [editing, setEditing] = useState(null); /* a pipeline id, 'new' or null */

    async function load() {
        try {
            setPipelines(await listAll('/pipelines'));
        } catch (e) {
            setError(e);
            setPipelines([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    async function remove(p) {
        if (!window.confirm(t('pipelines.confirmDelete', { name: p.name }))) return;
        setError(null);
        try {
            await api.del(`/pipelines/${p.id}`);
            if (editing === p.id) setEditing(null);
            load();
        } catch (e) {
            setError(e.status === 409 ? { detail: t('pipelines.inUse') } : e);
        }
    }

    const done = (saved) => {
        setEditing(null);
        if (saved) load();
    };
    const current = pipelines && pipelines.find((p) => p.id === editing);
    const stageSummary = (p) => p.stages.map((s) => `${s.name} (${s.probability} %)`).join(' → ');
    return html`<section data-testid="pipelines-section">
        ${error && html`<div class="alert alert-error" role="alert" data-testid="pipelines-error">${errorText(error)}</div>`}
        ${pipelines === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${pipelines && !pipelines.length && html`<p class="empty">${t('pipelines.none')}</p>`}
        ${pipelines && pipelines.length > 0 && html`<div class="table-wrap"><table class="records" data-testid="pipelines-table">
            <thead><tr>
                <th scope="col">${t('pipelines.name')}</th><th scope="col">${t('pipelines.stages')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${pipelines.map((p) => html`<tr key=${p.id} data-testid="pipeline-row" data-id=${p.id}>
                    <td class="col-name" data-label=${t('pipelines.name')}>${p.name}</td>
                    <td data-label=${t('pipelines.stages')} class="muted" data-testid="pipeline-stages">${stageSummary(p)}</td>
                    <td class="col-actions">
                        <button type="button" class="btn btn-small" onClick=${() => setEditing(p.id)}
                            data-testid="pipeline-edit">${t('action.edit')}</button>
                        <button type="button" class="btn btn-small btn-danger" onClick=${() => remove(p)}
                            data-testid="pipeline-delete">${t('action.delete')}</button>
                    </td>
                </tr>`)}
            </tbody>
        </table></div>`}
        ${editing === null && html`<div class="form-actions">
            <button type="button" class="btn btn-primary" onClick=${() => setEditing('new')}
                data-testid="pipeline-new">${t('pipelines.create')}</button></div>`}
        ${editing === 'new' && html`<${PipelineEditor} key="new" pipeline=${null} onDone=${done} />`}
        ${current && html`<${PipelineEditor} key=${`${current.id}-${current.version}`} pipeline=${current} onDone=${done} />`}
    </section>`;
}

function ReasonRow({ reason, index, count, onSave, onMove, onRemove }) {
    const [name, setName] = useState(null); /* null: not renaming */
    const [error, setError] = useState(null);

    async function run(body) {
        setError(null);
        try {
            await onSave(reason, body);
            setName(null);
        } catch (e) {
            setError(e);
        }
    }

    const inputId = `reason-${reason.id}-name`;
    const messages = error ? (error.errors && error.errors.length ? error.errors.map((e) => e.message) : [errorText(error)]) : [];
    return html`<tr data-testid="reason-row" data-id=${reason.id} class=${reason.active ? '' : 'revoked'}>
        <td class="col-name" data-label=${t('reasons.name')}>
            ${name === null
                ? html`<span data-testid="reason-name">${reason.name}</span>`
                : html`<form class="inline-edit" novalidate onSubmit=${(e) => { e.preventDefault(); run({ name: name.trim() }); }}>
                    <input id=${inputId} type="text" value=${name} maxlength="100" aria-label=${t('reasons.name')}
                        data-testid="reason-name-input" onInput=${(e) => setName(e.currentTarget.value)}
                        ...${errorAttrs(inputId, messages)} />
                    <button type="submit" class="btn btn-small btn-primary" data-testid="reason-rename-save">${t('action.save')}</button>
                    <button type="button" class="btn btn-small" onClick=${() => { setName(null); setError(null); }}>${t('action.cancel')}</button>
                </form>`}
            ${messages.length > 0 && html`<div class="field-error" id=${`${inputId}-error`} role="alert">${messages.map((m) => html`<div>${m}</div>`)}</div>`}
        </td>
        <td data-label=${t('reasons.active')}>
            <label><input type="checkbox" checked=${reason.active} data-testid="reason-active"
                onChange=${(e) => run({ active: e.currentTarget.checked })} /> ${t('reasons.active')}</label>
        </td>
        <td class="col-actions">
            <button type="button" class="btn btn-small btn-icon" disabled=${index === 0} onClick=${() => onMove(-1)}
                aria-label=${t('pipelines.moveUp')} title=${t('pipelines.moveUp')} data-testid="reason-up">↑</button>
            <button type="button" class="btn btn-small btn-icon" disabled=${index === count - 1} onClick=${() => onMove(1)}
                aria-label=${t('pipelines.moveDown')} title=${t('pipelines.moveDown')} data-testid="reason-down">↓</button>
            <button type="button" class="btn btn-small" onClick=${() => setName(reason.name)}
                data-testid="reason-rename">${t('reasons.rename')}</button>
            <button type="button" class="btn btn-small btn-danger" onClick=${() => onRemove(reason)}
                data-testid="reason-delete">${t('action.delete')}</button>
        </td>
    </tr>`;
}

function ReasonList({ kind, reasons, onChanged, onError }) {
    const [name, setName] = useState('');
    const [error, setError] = useState(null);
    const mine = reasons.filter((r) => r.kind === kind);

    async function add(e) {
        e.preventDefault();
        setError(null);
        try {
            await api.post('/deal-reasons', { kind, name: name.trim() });
            setName('');
            onChanged();
        } catch (err) {
            setError(err);
        }
    }

    const save = async (reason, body) => {
        await api.patch(`/deal-reasons/${reason.id}`, body, reason.version);
        onChanged();
    };

    /* Moves a reason by one place: every reason whose place changes gets its index as position. */
    async function move(index, by) {
        const order = [...mine];
        const [r] = order.splice(index, 1);
        order.splice(index + by, 0, r);
        onError(null);
        try {
            for (let i = 0; i < order.length; i++) {
                if (order[i].position !== i) await api.patch(`/deal-reasons/${order[i].id}`, { position: i }, order[i].version);
            }
        } catch (err) {
            onError(err);
        }
        onChanged();
    }

    async function remove(reason) {
        if (!window.confirm(t('reasons.confirmDelete', { name: reason.name }))) return;
        onError(null);
        try {
            await api.del(`/deal-reasons/${reason.id}`);
        } catch (err) {
            onError(err.status === 409 ? { detail: t('reasons.inUse') } : err);
        }
        onChanged();
    }

    const inputId = `new-reason-${kind}`;
    const messages = error ? (error.errors && error.errors.length ? error.errors.map((e) => e.message) : [errorText(error)]) : [];
    return html`<div class="card-section" data-testid=${`reasons-${kind}`}>
        <h3>${t(`reasons.${kind}`)}</h3>
        ${!mine.length && html`<p class="empty">${t('reasons.none')}</p>`}
        ${mine.length > 0 && html`<div class="table-wrap"><table class="records">
            <thead><tr>
                <th scope="col">${t('reasons.name')}</th><th scope="col">${t('reasons.active')}</th>
                <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
            </tr></thead>
            <tbody>
                ${mine.map((r, i) => html`<${ReasonRow} key=${`${r.id}-${r.version}`} reason=${r} index=${i}
                    count=${mine.length} onSave=${save} onMove=${(by) => move(i, by)} onRemove=${remove} />`)}
            </tbody>
        </table></div>`}
        <form class="inline-edit" onSubmit=${add} novalidate data-testid=${`reason-create-${kind}`}>
            <${FormField} id=${inputId} label=${t('reasons.new')} errors=${messages}>
                <input id=${inputId} type="text" value=${name} maxlength="100" data-testid=${`new-reason-name-${kind}`}
                    onInput=${(e) => setName(e.currentTarget.value)} ...${errorAttrs(inputId, messages)} /><//>
            <div class="form-actions">
                <button type="submit" class="btn btn-small btn-primary" disabled=${!name.trim()}
                    data-testid=${`new-reason-submit-${kind}`}>${t('reasons.add')}</button>
            </div>
        </form>
    </div>`;
}

function ReasonsSection() {
    const [reasons, setReasons] = useState(null);
    const [error, setError] = useState(null);

    async function load() {
        try {
            setReasons(await listAll('/deal-reasons'));
        } catch (e) {
            setError(e);
            setReasons([]);
        }
    }

    useEffect(() => {
        load();
    }, []);

    return html`<section data-testid="deal-reasons">
        <h2 class="form-section">${t('reasons.title')}</h2>
        <p class="hint">${t('reasons.hint')}</p>
        ${error && html`<div class="alert alert-error" role="alert" data-testid="reasons-error">${errorText(error)}</div>`}
        ${reasons === null && html`<p class="muted">${t('common.loading')}</p>`}
        ${reasons && REASON_KINDS.map((k) => html`<${ReasonList} key=${k} kind=${k} reasons=${reasons}
            onChanged=${load} onError=${setError} />`)}
    </section>`;
}

export function PipelinesPage() {
    useTitle(t('nav.pipelines'));
    return html`<section class="page admin-page" data-testid="pipelines-page">
        <header class="page-header"><h1>${t('nav.pipelines')}</h1></header>
        <${AdminTabs} current="/admin/pipelines" />
        <${PipelinesSection} />
        <${ReasonsSection} />
    </section>`;
}
