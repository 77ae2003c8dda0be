// State of a create/edit form: loads the record when editing, keeps the values, submits
// (POST, or PATCH of only the changed fields with If-Match: "<version>") and maps the
// problem+json answer to field errors, a general message or the stale-version notice.
import { useEffect, useState } from 'preact/hooks';
import { createRecord, getRecord, updateRecord } from '../api.js';
import { navigate } from '../router.js';
import { formErrors } from './errors.js';

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function isEmpty(v) {
    return v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)
        || (typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length);
}

/** Body of a create: empty values left out (the server fills its defaults). */
function createBody(body) {
    const out = {};
    for (const [k, v] of Object.entries(body)) {
        if (k === 'custom' && v) {
            const custom = Object.fromEntries(Object.entries(v).filter(([, x]) => !isEmpty(x)));
            if (Object.keys(custom).length) out.custom = custom;
        } else if (!isEmpty(v) || k === 'name') {
            out[k] = v;
        }
    }
    return out;
}

/** Body of a PATCH: only what changed; custom goes whole, cleared values as null. */
function patchBody(before, after) {
    const out = {};
    for (const [k, v] of Object.entries(after)) {
        if (k === 'custom') {
            const old = before.custom || {};
            const next = v || {};
            const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
            let changed = false;
            const custom = {};
            for (const key of keys) {
                const value = isEmpty(next[key]) ? null : next[key];
                if (!same(isEmpty(old[key]) ? null : old[key], value)) changed = true;
                if (value !== null || !isEmpty(old[key])) custom[key] = value;
            }
            if (changed) out.custom = custom;
        } else if (!same(before[k], v)) {
            out[k] = v;
        }
    }
    return out;
}

/**
 * entity: "companies" | "contacts"; id: record id or null for a new one.
 * toValues(record|null, extra) -> form values; toBody(values) -> API body (all fields);
 * owners: names of the inputs that can show field errors; alias maps API field owners
 * (e.g. "company_ids") to an input name.
 */
export function useRecordForm({ entity, id, toValues, toBody, owners, alias = {}, init }) {
    const [record, setRecord] = useState(null);
    const [values, setValues] = useState(() => (id ? null : toValues(null)));
    const [loadError, setLoadError] = useState(null);
    const [saving, setSaving] = useState(false);
    const [error, setError] = useState(null);

    async function load() {
        setLoadError(null);
        setError(null);
        try {
            const r = await getRecord(entity, id);
            setRecord(r);
            setValues(toValues(r));
        } catch (e) {
            setLoadError(e);
        }
    }

    useEffect(() => {
        if (id) load();
        else if (init) init(setValues);
    }, [entity, id]);

    function set(name, value) {
        setValues((v) => ({ ...v, [name]: value }));
    }

    function setCustom(name, value) {
        setValues((v) => ({ ...v, custom: { ...(v.custom || {}), [name]: value } }));
    }

    async function submit(e) {
        if (e) e.preventDefault();
        if (saving) return;
        setSaving(true);
        setError(null);
        try {
            let saved;
            if (id) {
                const body = patchBody(toBody(toValues(record)), toBody(values));
                saved = Object.keys(body).length
                    ? await updateRecord(entity, id, body, record.version) : record;
            } else {
                saved = await createRecord(entity, createBody(toBody(values)));
            }
            navigate(`/${entity}/${saved.id}`);
        } catch (err) {
            setError(err);
            window.requestAnimationFrame(() => {
                const first = document.querySelector('.form-row.has-error input, .form-row.has-error select, .form-row.has-error textarea, .alert-error');
                if (first && first.focus) first.focus({ preventScroll: false });
                if (first && first.scrollIntoView) first.scrollIntoView({ block: 'center' });
            });
        } finally {
            setSaving(false);
        }
    }

    /* Field paths the server names differently from the inputs ("company_ids[0]" -> "companies[0]"). */
    const renamed = error && {
        status: error.status,
        detail: error.detail,
        message: error.message,
        errors: (error.errors || []).map((x) => {
            const path = String(x.field || '');
            const head = path.replace(/[[.].*$/, '');
            return alias[head] ? { ...x, field: alias[head] + path.slice(head.length) } : x;
        }),
    };
    const errors = formErrors(renamed, new Set(owners), values || {});

    return { record, values, set, setCustom, setValues, submit, saving, errors, loadError, reload: load };
}
