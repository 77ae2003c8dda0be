// What the import pages share: the entities a file may go into, the statuses of an import
// (which are still moving, which step of the wizard each one shows), labels of fields and
// settings, the import read and polled every 700 ms while the server works on it, and the
// status badge.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { formatNumber, has, t } from '../i18n/index.js';

export const IMPORT_ENTITIES = ['companies', 'contacts', 'leads', 'deals', 'products', 'activities'];

export const POLL_MS = 700;

/* Statuses in which the server is still working: the page polls. */
export const MOVING = new Set(['checking', 'queued', 'running', 'cancelling', 'undoing']);

export const IMPORT_MODES = ['create', 'update', 'upsert'];
export const IMPORT_DUPLICATES = ['skip', 'merge', 'flag'];
export const IMPORT_ENCODINGS = ['auto', 'utf-8', 'windows-1251'];
export const IMPORT_SEPARATORS = ['', ',', ';', '\t', '|'];
export const IMPORT_DATE_FORMATS = ['auto', 'dmy', 'mdy'];

/* The keys an existing record can be found by, per entity ('': none, for creating only): the
   server takes e-mail and phone where the entity has them, name + company for contacts, the
   external id and unique fields (a product's SKU). */
const KEYS = {
    companies: ['', 'email', 'phone', 'external_id'],
    contacts: ['', 'email', 'phone', 'external_id', 'name_company'],
    leads: ['', 'email', 'phone', 'external_id'],
    deals: ['', 'external_id'],
    products: ['', 'external_id', 'sku'],
    activities: ['', 'external_id'],
};

/* The target a key needs a column mapped to. */
const KEY_TARGETS = {
    email: ['emails', 'email'], phone: ['phones', 'phone'], name_company: ['company'],
};

/** Key choices of entity. */
export function importKeys(entity) {
    return KEYS[entity] || ['', 'external_id'];
}

/** The first key of entity whose column is mapped (for a mode that updates), or ''. */
export function mappedKey(entity, mapping) {
    const used = new Set(Object.values(mapping || {}).filter(Boolean));
    return importKeys(entity).find((k) => k && (KEY_TARGETS[k] || [k]).some((f) => used.has(f))) || '';
}

/** Default settings of a new import (the server's own win when it gives them). */
export function defaultSettings() {
    const region = String((navigator.languages && navigator.languages[0]) || navigator.language || '')
        .split('-')[1];
    return {
        mode: 'create', key: '', duplicates: 'flag', encoding: 'auto', separator: '',
        default_country: region && /^[A-Za-z]{2}$/.test(region) ? region.toUpperCase() : 'RU',
        date_format: 'auto',
    };
}

/** Label of a CSV separator ('' : detected). */
export function separatorLabel(sep) {
    switch (sep) {
    case '':
        return t('import.separator.auto');
    case '\t':
        return t('import.separator.tab');
    default:
        return sep;
    }
}

/** Label of a target field: the server's label, the UI's name of a built-in field, the name. */
export function targetLabel(field) {
    if (field.label) return field.label;
    if (field.name.endsWith('.currency')) {
        return t('import.target.currency', { field: targetLabel({ name: field.name.slice(0, -9) }) });
    }
    if (has(`import.target.${field.name}`)) return t(`import.target.${field.name}`);
    if (has(`field.${field.name}`)) return t(`field.${field.name}`);
    return field.name;
}

/** Text of mapping_source: "remembered", "preset:google", "headers". */
export function mappingSourceText(source) {
    if (!source) return '';
    if (source.startsWith('preset:')) {
        const name = source.slice(7);
        return t('import.source.preset', { name: has(`import.preset.${name}`) ? t(`import.preset.${name}`) : name });
    }
    return has(`import.source.${source}`) ? t(`import.source.${source}`) : source;
}

/** The wizard step a status belongs to: 2 mapping, 3 dry run, 4 import. */
export function importStep(imp) {
    if (!imp) return 1;
    switch (imp.status) {
    case 'draft':
        return 2;
    case 'checking':
    case 'checked':
        return 3;
    case 'failed':
    case 'cancelled':
        return imp.dry_run ? 3 : 4;
    default:
        return 4;
    }
}

/** The page of the imported records. */
export function importedListHref(entity) {
    return entity === 'activities' ? '/calendar' : `/${entity}`;
}

/** Time left as "1 h 5 min", "3 min 20 s", "12 s". */
export function formatDuration(seconds) {
    const s = Math.max(0, Math.round(Number(seconds) || 0));
    if (s >= 3600) return t('import.duration.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
    if (s >= 60) return t('import.duration.minutes', { m: Math.floor(s / 60), s: s % 60 });
    return t('import.duration.seconds', { s });
}

export function ImportStatus({ status }) {
    const cls = status === 'done' ? ' badge-on' : status === 'failed' ? ' badge-off' : '';
    return html`<span class=${`badge import-status${cls}`} data-status=${status} data-testid="import-status">
        ${has(`import.status.${status}`) ? t(`import.status.${status}`) : status}</span>`;
}

/** A count with its label, for the dry-run (dry: "would be created") and summary panels. */
export function Count({ name, value, dry }) {
    return html`<div class=${`import-count count-${name}`} data-testid=${`count-${name}`} data-value=${value || 0}>
        <span class="import-count-label">${t(`import.${dry ? 'would' : 'count'}.${name}`)}</span>
        <strong>${formatNumber(value || 0)}</strong></div>`;
}

/**
 * {imp, error, setImp, reload}: GET /imports/{id}, then again every POLL_MS while the import
 * is moving (answers to an older id are dropped).
 */
export function useImport(id) {
    const [state, setState] = useState({ imp: null, error: null });
    const current = useRef(id);
    current.current = id;

    async function load() {
        try {
            const imp = await api.get(`/imports/${id}`);
            if (current.current === id) setState({ imp, error: null });
        } catch (e) {
            if (current.current === id) setState((s) => ({ ...s, error: e }));
        }
    }

    useEffect(() => {
        setState({ imp: null, error: null });
        load();
    }, [id]);

    const status = state.imp && state.imp.status;
    useEffect(() => {
        if (!MOVING.has(status)) return undefined;
        const timer = setTimeout(load, POLL_MS);
        return () => clearTimeout(timer);
    }, [state.imp, state.error]);

    return {
        ...state,
        setImp: (imp) => setState({ imp, error: null }),
        reload: load,
    };
}
