// Editor of a product's options: groups (code, name, "required" and "only one" flags) each with
// its choices (code, name, price delta in the currency of the product's price); rows are added
// and removed, and the server's messages ("options[0].choices[1].price_delta") appear at the
// cell they name.
import { html } from 'htm/preact';
import { t } from '../i18n/index.js';
import { CellErrors, cellAttrs, cleanDecimal, messagesAt } from './pathErrors.js';

let lastKey = 0;
const newKey = () => `o${++lastKey}`;

export function emptyChoice() {
    return { key: newKey(), code: '', name: '', price_delta: '' };
}

export function emptyGroup() {
    return { key: newKey(), code: '', name: '', required: false, exclusive: true, choices: [emptyChoice()] };
}

/** Editor rows of a product's options. */
export function groupsFromOptions(options) {
    return (Array.isArray(options) ? options : []).map((g) => ({
        key: newKey(),
        code: g.code || '',
        name: g.name || '',
        required: Boolean(g.required),
        exclusive: Boolean(g.exclusive),
        choices: (g.choices || []).map((c) => ({
            key: newKey(), code: c.code || '', name: c.name || '',
            price_delta: c.price_delta !== null && c.price_delta !== undefined ? String(c.price_delta) : '',
        })),
    }));
}

/** The API's options of the editor rows. */
export function optionsFromGroups(groups) {
    return groups.map((g) => ({
        code: g.code.trim(),
        name: g.name.trim(),
        required: g.required,
        exclusive: g.exclusive,
        choices: g.choices.map((c) => {
            const choice = { code: c.code.trim(), name: c.name.trim() };
            if (c.price_delta.trim() !== '') choice.price_delta = c.price_delta.trim();
            return choice;
        }),
    }));
}

/* Paths the editor shows messages for. */
const CLAIMED = /^options(\[\d+\](\.(code|name|required|exclusive|choices(\[\d+\](\.(code|name|price_delta))?)?))?)?$/;

export function optionsClaim(path) {
    return CLAIMED.test(path);
}

export function OptionsEditor({ value, onChange, errors, currency }) {
    const groups = Array.isArray(value) ? value : [];
    const setGroup = (gi, part) => onChange(groups.map((g, i) => (i === gi ? { ...g, ...part } : g)));
    const setChoice = (gi, ci, part) => setGroup(gi, {
        choices: groups[gi].choices.map((c, i) => (i === ci ? { ...c, ...part } : c)),
    });
    const at = (path, exact) => messagesAt(errors, path, exact);

    return html`<fieldset class="form-row wide options-editor" data-field="options" data-testid="options-editor">
        <legend>${t('field.options')}</legend>
        <p class="hint">${t('product.optionsHint', { currency: currency || '' })}</p>
        <${CellErrors} id="options" messages=${at('options', true)} />
        ${!groups.length && html`<p class="muted">${t('product.noOptions')}</p>`}
        ${groups.map((g, gi) => {
            const p = `options[${gi}]`;
            const id = `options-${gi}`;
            const label = g.name || g.code || t('product.groupN', { n: gi + 1 });
            return html`<div class="option-group" key=${g.key} data-testid="option-group" data-index=${gi}>
                <div class="option-group-head">
                    <div class="option-cell">
                        <label for=${`${id}-code`} class="small-label">${t('product.code')}</label>
                        <input id=${`${id}-code`} type="text" value=${g.code} maxlength="40" autocomplete="off"
                            placeholder="size" data-testid="option-code" ...${cellAttrs(`${id}-code`, at(`${p}.code`))}
                            onInput=${(e) => setGroup(gi, { code: e.currentTarget.value })} />
                        <${CellErrors} id=${`${id}-code`} messages=${at(`${p}.code`)} />
                    </div>
                    <div class="option-cell">
                        <label for=${`${id}-name`} class="small-label">${t('product.groupName')}</label>
                        <input id=${`${id}-name`} type="text" value=${g.name} maxlength="200" autocomplete="off"
                            placeholder=${t('product.groupPlaceholder')} data-testid="option-name"
                            ...${cellAttrs(`${id}-name`, at(`${p}.name`))}
                            onInput=${(e) => setGroup(gi, { name: e.currentTarget.value })} />
                        <${CellErrors} id=${`${id}-name`} messages=${at(`${p}.name`)} />
                    </div>
                    <label class="option">
                        <input type="checkbox" checked=${g.required} data-testid="option-required"
                            onChange=${(e) => setGroup(gi, { required: e.currentTarget.checked })} />
                        ${t('product.required')}</label>
                    <label class="option">
                        <input type="checkbox" checked=${g.exclusive} data-testid="option-exclusive"
                            onChange=${(e) => setGroup(gi, { exclusive: e.currentTarget.checked })} />
                        ${t('product.exclusive')}</label>
                    <button type="button" class="btn btn-small btn-danger" data-testid="option-remove"
                        onClick=${() => onChange(groups.filter((_, i) => i !== gi))}
                        aria-label=${t('action.removeItem', { item: label })}>${t('product.removeGroup')}</button>
                </div>
                <${CellErrors} id=${id} messages=${[...at(p, true), ...at(`${p}.required`), ...at(`${p}.exclusive`),
                                                    ...at(`${p}.choices`, true)]} />
                <table class="choices" data-testid="option-choices">
                    <thead><tr>
                        <th scope="col">${t('product.choiceCode')}</th>
                        <th scope="col">${t('product.choiceName')}</th>
                        <th scope="col">${t('product.priceDelta')}</th>
                        <th scope="col"><span class="visually-hidden">${t('common.actions')}</span></th>
                    </tr></thead>
                    <tbody>
                        ${g.choices.map((c, ci) => {
                            const cp = `${p}.choices[${ci}]`;
                            const cid = `${id}-choice-${ci}`;
                            const n = { group: label, n: ci + 1 };
                            return html`<tr key=${c.key} data-testid="option-choice" data-index=${ci}>
                                <td>
                                    <input id=${`${cid}-code`} type="text" value=${c.code} maxlength="40" autocomplete="off"
                                        aria-label=${t('product.choiceCodeOf', n)} data-testid="choice-code"
                                        ...${cellAttrs(`${cid}-code`, at(`${cp}.code`))}
                                        onInput=${(e) => setChoice(gi, ci, { code: e.currentTarget.value })} />
                                    <${CellErrors} id=${`${cid}-code`} messages=${[...at(cp, true), ...at(`${cp}.code`)]} />
                                </td>
                                <td>
                                    <input id=${`${cid}-name`} type="text" value=${c.name} maxlength="200" autocomplete="off"
                                        aria-label=${t('product.choiceNameOf', n)} data-testid="choice-name"
                                        ...${cellAttrs(`${cid}-name`, at(`${cp}.name`))}
                                        onInput=${(e) => setChoice(gi, ci, { name: e.currentTarget.value })} />
                                    <${CellErrors} id=${`${cid}-name`} messages=${at(`${cp}.name`)} />
                                </td>
                                <td>
                                    <input id=${`${cid}-delta`} type="text" inputmode="decimal" value=${c.price_delta}
                                        autocomplete="off" placeholder="0.00" class="num"
                                        aria-label=${t('product.priceDeltaOf', n)} data-testid="choice-delta"
                                        ...${cellAttrs(`${cid}-delta`, at(`${cp}.price_delta`))}
                                        onInput=${(e) => setChoice(gi, ci, { price_delta: cleanDecimal(e.currentTarget.value) })} />
                                    <${CellErrors} id=${`${cid}-delta`} messages=${at(`${cp}.price_delta`)} />
                                </td>
                                <td class="col-actions">
                                    <button type="button" class="btn btn-icon" data-testid="choice-remove"
                                        aria-label=${t('action.removeItem', { item: c.name || c.code || ci + 1 })}
                                        onClick=${() => setGroup(gi, { choices: g.choices.filter((_, i) => i !== ci) })}>×</button>
                                </td>
                            </tr>`;
                        })}
                    </tbody>
                </table>
                <button type="button" class="btn btn-small" data-testid="choice-add"
                    onClick=${() => setGroup(gi, { choices: [...g.choices, emptyChoice()] })}>${t('product.addChoice')}</button>
            </div>`;
        })}
        <div><button type="button" class="btn btn-small" data-testid="option-add"
            onClick=${() => onChange([...groups, emptyGroup()])}>${t('product.addGroup')}</button></div>
    </fieldset>`;
}
