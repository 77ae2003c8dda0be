// The recurrence of a task in its form: none, daily, weekly or monthly, every N of them, ending
// never, on a date (UNTIL=YYYYMMDDT235959Z) or after N times (COUNT=N); the RRULE text it makes
// is shown under it. A rule this editor cannot show is kept as text to edit.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { FREQS, buildRrule } from './rrule.js';

export function RecurrenceInput({ id, value, onChange, invalid, describedBy, disabled }) {
    const r = value;
    const set = (patch) => onChange({ ...r, ...patch });
    const rule = buildRrule(r);
    const aria = invalid ? { 'aria-invalid': 'true', 'aria-describedby': describedBy } : {};
    return html`<div class="recurrence" data-testid="recurrence">
        <div class="recurrence-row">
            <select id=${id} value=${r.freq} disabled=${disabled} data-testid="recurrence-freq" ...${aria}
                    onChange=${(e) => set({ freq: e.currentTarget.value })}>
                ${FREQS.map((f) => html`<option value=${f}>${t(`recurrence.${f}`)}</option>`)}
                ${r.freq === 'custom' && html`<option value="custom">${t('recurrence.custom')}</option>`}
            </select>
            ${['daily', 'weekly', 'monthly'].includes(r.freq) && html`<label class="inline-label">
                ${t('recurrence.every')}
                <input type="number" min="1" max="999" step="1" class="narrow" value=${r.interval} disabled=${disabled}
                    data-testid="recurrence-interval" onInput=${(e) => set({ interval: e.currentTarget.value })} />
                ${t(`recurrence.unit.${r.freq}`, { n: Number(r.interval) || 1 })}
            </label>`}
        </div>
        ${['daily', 'weekly', 'monthly'].includes(r.freq) && html`<fieldset class="recurrence-ends">
            <legend class="small-label">${t('recurrence.ends')}</legend>
            <label class="option"><input type="radio" name=${`${id}-ends`} checked=${r.ends === 'never'} disabled=${disabled}
                data-testid="recurrence-ends-never" onChange=${() => set({ ends: 'never' })} /> ${t('recurrence.never')}</label>
            <label class="option"><input type="radio" name=${`${id}-ends`} checked=${r.ends === 'on'} disabled=${disabled}
                data-testid="recurrence-ends-on" onChange=${() => set({ ends: 'on' })} /> ${t('recurrence.onDate')}</label>
            ${r.ends === 'on' && html`<input type="date" class="narrow-date" value=${r.until} disabled=${disabled}
                aria-label=${t('recurrence.untilDate')} data-testid="recurrence-until"
                onInput=${(e) => set({ until: e.currentTarget.value })} />`}
            <label class="option"><input type="radio" name=${`${id}-ends`} checked=${r.ends === 'after'} disabled=${disabled}
                data-testid="recurrence-ends-after" onChange=${() => set({ ends: 'after' })} /> ${t('recurrence.after')}</label>
            ${r.ends === 'after' && html`<label class="inline-label"><input type="number" min="1" max="1000" class="narrow"
                value=${r.count} disabled=${disabled} data-testid="recurrence-count"
                onInput=${(e) => set({ count: e.currentTarget.value })} /> ${t('recurrence.times', { n: Number(r.count) || 0 })}</label>`}
        </fieldset>`}
        ${r.freq === 'custom' && html`<input type="text" value=${r.text} disabled=${disabled} aria-label=${t('recurrence.rule')}
            data-testid="recurrence-text" onInput=${(e) => set({ text: e.currentTarget.value })} />`}
        ${rule && html`<p class="hint">${t('recurrence.rule')}: <code data-testid="recurrence-rule">${rule}</code></p>`}
    </div>`;
}
