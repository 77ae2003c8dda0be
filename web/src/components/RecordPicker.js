// Search-as-you-type picker of companies (GET /companies?q=..&limit=10): a combobox whose
// options come from the API. multiple=true keeps a list of {id, name, role?} (with an
// optional role input per item); otherwise one {id, name} or null. excludeId / excludeIds leave
// records out of the options (the record itself, ones taken elsewhere).
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { listRecords } from '../api.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';

/* The field each collection is sorted by when nothing is typed: its name. */
const SORT_BY_NAME = { deals: 'title', leads: 'name', tasks: 'title', activities: '-at', quotes: '-id' };

export function RecordPicker({ id, entity = 'companies', value, onChange, multiple, withRole,
                               excludeId, excludeIds, invalid, describedBy, placeholder }) {
    const chosen = multiple ? (Array.isArray(value) ? value : []) : value ? [value] : [];
    const [text, setText] = useState('');
    const [options, setOptions] = useState([]);
    const [open, setOpen] = useState(false);
    const [active, setActive] = useState(-1);
    const [loading, setLoading] = useState(false);
    const blurTimer = useRef(null);

    useEffect(() => {
        if (!open) return undefined;
        const ctrl = new AbortController();
        const timer = setTimeout(async () => {
            setLoading(true);
            try {
                const page = await listRecords(entity, {
                    q: text.trim() || undefined, limit: 10,
                    sort: text.trim() ? undefined : SORT_BY_NAME[entity] || 'name',
                }, ctrl.signal);
                const taken = new Set([...chosen.map((c) => c.id), ...(excludeIds || [])]);
                setOptions((page.data || []).filter((r) => !taken.has(r.id) && r.id !== excludeId));
                setActive(-1);
            } catch (e) {
                if (e.name !== 'AbortError') setOptions([]);
            } finally {
                if (!ctrl.signal.aborted) setLoading(false);
            }
        }, 250);
        return () => {
            clearTimeout(timer);
            ctrl.abort();
        };
    }, [text, open, entity]);

    function pick(record) {
        const item = { id: record.id, name: recordName(entity, record) };
        if (multiple) onChange([...chosen, withRole ? { ...item, role: '' } : item]);
        else onChange(item);
        setText('');
        setOpen(false);
    }

    function remove(itemId) {
        if (multiple) onChange(chosen.filter((c) => c.id !== itemId));
        else onChange(null);
    }

    function setRole(itemId, role) {
        onChange(chosen.map((c) => (c.id === itemId ? { ...c, role } : c)));
    }

    function onKeyDown(e) {
        if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, options.length - 1));
        } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
        } else if (e.key === 'Enter') {
            if (open && active >= 0 && options[active]) {
                e.preventDefault();
                pick(options[active]);
            } else if (open) {
                e.preventDefault();
            }
        } else if (e.key === 'Escape') {
            setOpen(false);
        }
    }

    const listId = `${id}-listbox`;
    const showInput = multiple || !chosen.length;
    return html`<div class="picker" data-testid=${`picker-${id}`}>
        ${chosen.length > 0 && html`<ul class="picked">
            ${chosen.map((c) => html`<li key=${c.id} class="picked-item">
                <span class="picked-name">${c.name || `#${c.id}`}</span>
                ${withRole && html`<input type="text" class="role" value=${c.role || ''}
                    aria-label=${t('contact.roleAt', { company: c.name || `#${c.id}` })}
                    placeholder=${t('contact.role')} onInput=${(e) => setRole(c.id, e.currentTarget.value)} />`}
                <button type="button" class="chip-remove" onClick=${() => remove(c.id)}
                    aria-label=${t('action.removeItem', { item: c.name || `#${c.id}` })}>×</button>
            </li>`)}
        </ul>`}
        ${showInput && html`<div class="combo">
            <input id=${id} type="text" role="combobox" autocomplete="off" value=${text}
                placeholder=${placeholder || t('picker.search')}
                aria-expanded=${open ? 'true' : 'false'} aria-controls=${listId} aria-autocomplete="list"
                aria-activedescendant=${active >= 0 ? `${listId}-${active}` : undefined}
                aria-invalid=${invalid ? 'true' : undefined} aria-describedby=${describedBy}
                onInput=${(e) => { setText(e.currentTarget.value); setOpen(true); }}
                onFocus=${() => { clearTimeout(blurTimer.current); setOpen(true); }}
                onBlur=${() => { blurTimer.current = setTimeout(() => setOpen(false), 200); }}
                onKeyDown=${onKeyDown} />
            ${open && html`<ul class="listbox" id=${listId} role="listbox">
                ${loading && !options.length && html`<li class="muted option-empty">${t('common.loading')}</li>`}
                ${!loading && !options.length && html`<li class="muted option-empty">${t('picker.none')}</li>`}
                ${options.map((r, i) => html`<li id=${`${listId}-${i}`} role="option" key=${r.id}
                        aria-selected=${i === active ? 'true' : 'false'} data-testid="picker-option"
                        class=${i === active ? 'active' : ''}
                        onMouseDown=${(e) => { e.preventDefault(); pick(r); }}>
                    ${recordName(entity, r)}
                    ${r.industry && html` <span class="muted">· ${r.industry}</span>`}
                </li>`)}
            </ul>`}
        </div>`}
    </div>`;
}
