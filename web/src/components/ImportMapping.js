// Step 2 of the import wizard: the file's columns with example values, each mapped to a field of
// the entity (GET /import-fields, pre-filled from the import's mapping or suggested_mapping,
// with where that came from), a preview of the first rows, and the options (mode, key,
// duplicates, default country, date format; the encoding and separator were fixed at upload and
// are only shown). "Check" PATCHes the settings and starts the dry run. The server's 422
// messages ("settings.mapping.<column>", "settings.<option>") are shown at the select or
// control they name.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { has, t } from '../i18n/index.js';
import { ErrorBanner } from './errors.js';
import { FormField } from './FormField.js';
import { useFieldDefs } from './useFieldDefs.js';
import { Link } from '../router.js';
import {
    IMPORT_DATE_FORMATS, IMPORT_DUPLICATES, IMPORT_MODES, defaultSettings, importKeys, mappedKey,
    mappingSourceText, separatorLabel, targetLabel,
} from './imports.js';
import { CellErrors, cellAttrs, messagesAt, pathErrors } from './pathErrors.js';

const OPTIONS = ['mode', 'key', 'duplicates', 'default_country', 'date_format'];
const EXAMPLES = 3;

/** The target fields a column of entity may map to (cached per entity for the page's life). */
const fieldCache = new Map();
function useTargets(entity) {
    const [state, setState] = useState({ fields: fieldCache.get(entity) || null, error: null });
    useEffect(() => {
        if (fieldCache.has(entity)) return;
        api.get('/import-fields', { entity }).then((r) => {
            const fields = Array.isArray(r) ? r : (r && r.data) || [];
            fieldCache.set(entity, fields);
            setState({ fields, error: null });
        }, (error) => setState({ fields: [], error }));
    }, [entity]);
    return state;
}

/* The mapping for columns: what was chosen before (when the column is still there), else the
   import's saved mapping, else the suggestion; every column present (null: not imported). */
function mappingFor(columns, imp, before) {
    const saved = (imp.settings && imp.settings.mapping) || {};
    const suggested = imp.suggested_mapping || {};
    const out = {};
    for (const c of columns) {
        if (before && Object.prototype.hasOwnProperty.call(before, c)) out[c] = before[c];
        else if (Object.prototype.hasOwnProperty.call(saved, c)) out[c] = saved[c];
        else out[c] = suggested[c] || null;
    }
    return out;
}

function optionsOf(imp) {
    const s = { ...defaultSettings() };
    for (const k of OPTIONS) {
        if (imp.settings && imp.settings[k] !== undefined && imp.settings[k] !== null) s[k] = imp.settings[k];
    }
    return s;
}

/** One option as a select: name, its choices and the label of each. */
function OptionSelect({ name, value, choices, label, errors, onChange, hint }) {
    const id = `import-${name.replace('_', '-')}`;
    const list = choices.includes(value) ? choices : [...choices, value];
    return html`<${FormField} id=${id} label=${t(`import.option.${name}`)} errors=${errors} hint=${hint}>
        <select id=${id} value=${value} data-testid=${id} onChange=${(e) => onChange(name, e.currentTarget.value)}
            ...${cellAttrs(id, errors)}>
            ${list.map((c) => html`<option key=${c} value=${c}>${label(c)}</option>`)}
        </select><//>`;
}

export function ImportMapping({ imp, onSaved, onChecked, onCancel }) {
    const columns = imp.columns || [];
    const preview = imp.preview || [];
    const { fields, error: fieldsError } = useTargets(imp.entity);
    const [mapping, setMapping] = useState(() => mappingFor(columns, imp, null));
    const [options, setOptions] = useState(() => optionsOf(imp));
    const [error, setError] = useState(null);
    const [busy, setBusy] = useState(false);

    const errors = pathErrors(error, (f) => (f.startsWith('mapping.') && columns.includes(f.slice(8)))
        || OPTIONS.includes(f), (f) => f.replace(/^settings\./, ''));
    const atOption = (name) => messagesAt(errors, name, true);

    const { defs } = useFieldDefs(imp.entity);
    /* custom fields under their labels */
    const targets = (fields || []).map((f) => {
        const def = f.name.startsWith('custom.') && !f.label ? defs.find((d) => `custom.${d.name}` === f.name) : null;
        return def ? { ...f, label: def.label || def.name } : f;
    });
    const used = new Set(Object.values(mapping).filter(Boolean));
    const missing = targets.filter((f) => f.required && !used.has(f.name));
    const keys = importKeys(imp.entity);
    const csv = imp.format === 'csv';

    function setOption(name, value) {
        setOptions((o) => {
            const next = { ...o, [name]: value };
            /* updating needs a key: the first one whose column is mapped */
            if (name === 'mode' && value !== 'create' && !o.key) next.key = mappedKey(imp.entity, mapping);
            return next;
        });
    }

    function settings() {
        const s = { mapping };
        for (const k of OPTIONS) s[k] = options[k];
        s.default_country = String(s.default_country || '').trim().toUpperCase();
        return s;
    }

    async function submit(e) {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
            onSaved(await api.patch(`/imports/${imp.id}`, { settings: settings() }));
            onChecked(await api.post(`/imports/${imp.id}/run`, { dry_run: true }));
        } catch (err) {
            setError(err);
            setBusy(false);
        }
    }

    const source = mappingSourceText(imp.mapping_source);
    return html`<form class="record-form import-mapping" onSubmit=${submit} novalidate data-testid="import-mapping">
        <h2>${t('import.step.mapping')}</h2>
        <p class="hint" data-testid="import-file">${t('import.fileLine', {
            file: imp.file_name || '', format: String(imp.format || '').toUpperCase(),
            entity: t(`import.entity.${imp.entity}`), n: imp.progress && imp.progress.total != null ? imp.progress.total : '?',
        })}</p>
        ${csv && html`<p class="hint" data-testid="import-read-as">${t('import.readAs', {
            encoding: t(`import.encoding.${(imp.settings && imp.settings.encoding) || 'utf-8'}`),
            separator: separatorLabel((imp.settings && imp.settings.separator) || ','),
        })} <${Link} href=${`/imports?entity=${imp.entity}`}>${t('import.uploadAgain')}<//></p>`}
        ${source && html`<p class="import-source" data-testid="mapping-source" data-source=${imp.mapping_source}>
            ${source}</p>`}
        <${ErrorBanner} messages=${errors.top} />
        ${fieldsError && html`<${ErrorBanner} messages=${[fieldsError.detail || fieldsError.message]} />`}
        ${!columns.length && html`<p data-testid="mapping-none">${t('import.nothingToMap')}</p>`}
        ${columns.length > 0 && html`<div class="table-wrap">
            <table class="records import-map" data-testid="mapping-table">
                <thead><tr>
                    <th scope="col">${t('import.column')}</th>
                    <th scope="col">${t('import.examples')}</th>
                    <th scope="col">${t('import.target')}</th>
                </tr></thead>
                <tbody>
                    ${columns.map((c, i) => {
                        const id = `map-${i}`;
                        const messages = messagesAt(errors, `mapping.${c}`, true);
                        const examples = preview.map((row) => row[i]).filter((v) => v !== undefined && v !== null && v !== '')
                            .slice(0, EXAMPLES);
                        const value = mapping[c] || '';
                        const known = !value || targets.some((f) => f.name === value);
                        return html`<tr key=${c} data-testid="mapping-row" data-column=${c}>
                            <th scope="row" data-label=${t('import.column')}><label for=${id}>${c || t('import.noHeader', { n: i + 1 })}</label></th>
                            <td data-label=${t('import.examples')} class="import-examples">
                                ${examples.length ? examples.map((v) => html`<div class="example">${String(v)}</div>`)
                                    : html`<span class="muted">—</span>`}</td>
                            <td data-label=${t('import.target')}>
                                <select id=${id} value=${value} data-testid="map-select" data-column=${c}
                                    onChange=${(e) => { const v = e.currentTarget.value; setMapping((m) => ({ ...m, [c]: v || null })); }}
                                    ...${cellAttrs(id, messages)}>
                                    <option value="">${t('import.skipColumn')}</option>
                                    ${!known && html`<option value=${value}>${value}</option>`}
                                    ${targets.map((f) => html`<option key=${f.name} value=${f.name}>
                                        ${targetLabel(f)}${f.required ? ' *' : ''}</option>`)}
                                </select>
                                <${CellErrors} id=${id} messages=${messages} />
                            </td>
                        </tr>`;
                    })}
                </tbody>
            </table>
        </div>`}
        ${columns.length > 0 && missing.length > 0 && html`<p class="field-error" data-testid="mapping-missing">
            ${t('import.missingRequired', { fields: missing.map(targetLabel).join(', ') })}</p>`}
        ${preview.length > 0 && columns.length > 0 && html`<details class="import-preview" open>
            <summary>${t('import.preview', { n: preview.length })}</summary>
            <div class="table-wrap"><table class="records" data-testid="preview-table">
                <thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
                <tbody>${preview.map((row, r) => html`<tr key=${r} data-testid="preview-row">
                    ${columns.map((c, i) => html`<td data-label=${c}>${row[i] != null ? String(row[i]) : ''}</td>`)}
                </tr>`)}</tbody>
            </table></div>
        </details>`}
        <h3>${t('import.options')}</h3>
        <div class="form-grid">
            <${OptionSelect} name="mode" value=${options.mode} choices=${IMPORT_MODES} errors=${atOption('mode')}
                label=${(c) => t(`import.mode.${c}`)} onChange=${setOption} />
            <${OptionSelect} name="key" value=${options.key} choices=${keys} errors=${atOption('key')}
                label=${(c) => (has(`import.key.${c || 'none'}`) ? t(`import.key.${c || 'none'}`)
                    : targetLabel(targets.find((f) => f.name === c) || { name: c }))}
                onChange=${setOption} hint=${t('import.keyHint')} />
            <${OptionSelect} name="duplicates" value=${options.duplicates} choices=${IMPORT_DUPLICATES}
                errors=${atOption('duplicates')} label=${(c) => t(`import.duplicates.${c}`)} onChange=${setOption} />
            <${FormField} id="import-default-country" label=${t('import.option.default_country')}
                    errors=${atOption('default_country')} hint=${t('import.countryHint')}>
                <input id="import-default-country" type="text" maxlength="2" autocomplete="off" class="short"
                    value=${options.default_country} data-testid="import-default-country"
                    onInput=${(e) => setOption('default_country', e.currentTarget.value)}
                    ...${cellAttrs('import-default-country', atOption('default_country'))} /><//>
            <${OptionSelect} name="date_format" value=${options.date_format} choices=${IMPORT_DATE_FORMATS}
                errors=${atOption('date_format')} label=${(c) => t(`import.dateFormat.${c}`)} onChange=${setOption} />
        </div>
        <div class="form-actions">
            <button type="submit" class="btn btn-primary" disabled=${busy} data-testid="import-check">
                ${busy ? t('import.checking') : t('import.check')}</button>
            ${onCancel && html`<button type="button" class="btn btn-link" onClick=${onCancel}
                data-testid="import-back">${t('import.backToResults')}</button>`}
        </div>
    </form>`;
}
