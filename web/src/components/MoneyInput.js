// Money input: an amount text box and a currency select ({amount: "1234.50", currency: "EUR"}
// or null when the amount is empty). The currencies come from GET /currencies (the base
// currency first chosen); when that list cannot be read, a short list with free input.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { useCurrencies } from './sales.js';

const FALLBACK = ['EUR', 'USD', 'RUB', 'GBP', 'CNY', 'JPY', 'CHF', 'KZT', 'BYN', 'TRY'];

/* "1 234,50" -> "1234.50": spaces dropped, a decimal comma made a point. */
function cleanAmount(text) {
    return text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
}

export function MoneyInput({ id, value, onChange, invalid, describedBy, defaultCurrency }) {
    const { currencies, error } = useCurrencies();
    const money = value && typeof value === 'object' ? value : null;
    const base = defaultCurrency || (currencies && currencies.base) || 'EUR';
    /* the currency picked while the amount is still empty (the value is null then) */
    const [chosen, setChosen] = useState(null);
    const currency = (money && money.currency) || chosen || base;
    const amount = money && money.amount !== null && money.amount !== undefined ? String(money.amount) : '';

    function update(part) {
        if (part.currency) setChosen(part.currency);
        const next = { amount, currency, ...part };
        onChange(next.amount === '' ? null : next);
    }

    const codes = currencies ? currencies.codes : FALLBACK;
    const listed = codes.includes(currency) ? codes : [currency, ...codes];
    return html`<div class="money-inputs" data-testid=${`money-${id}`}>
        <input id=${id} type="text" inputmode="decimal" autocomplete="off" value=${amount} placeholder="0.00"
            aria-invalid=${invalid ? 'true' : undefined} aria-describedby=${describedBy}
            data-testid=${`${id}-amount`}
            onInput=${(e) => update({ amount: cleanAmount(e.currentTarget.value) })} />
        ${error || !currencies
            ? html`<input id=${`${id}-currency`} type="text" class="currency" maxlength="3" list=${`${id}-codes`}
                    aria-label=${t('money.currency')} value=${currency} data-testid=${`${id}-currency`}
                    onInput=${(e) => update({ currency: e.currentTarget.value.toUpperCase() })} />
                <datalist id=${`${id}-codes`}>${FALLBACK.map((c) => html`<option value=${c} />`)}</datalist>`
            : html`<select id=${`${id}-currency`} class="currency" aria-label=${t('money.currency')} value=${currency}
                    data-testid=${`${id}-currency`} onChange=${(e) => update({ currency: e.currentTarget.value })}>
                ${listed.map((c) => html`<option key=${c} value=${c}>${c}</option>`)}
            </select>`}
    </div>`;
}
