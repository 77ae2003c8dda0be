// A labelled form row: label, the input (children), an optional hint and the field's
// error messages, linked to the input with aria-describedby.
import { html } from 'htm/preact';

export function FormField({ id, label, required, errors, hint, children, wide }) {
    const hasErrors = errors && errors.length > 0;
    return html`<div class=${`form-row${hasErrors ? ' has-error' : ''}${wide ? ' wide' : ''}`}
            data-field=${id}>
        <label for=${id}>${label}${required && html`<span class="req" aria-hidden="true"> *</span>`}</label>
        ${children}
        ${hint && html`<div class="hint">${hint}</div>`}
        ${hasErrors && html`<div class="field-error" id=${`${id}-error`} role="alert"
                data-testid=${`error-${id}`}>${errors.map((m) => html`<div>${m}</div>`)}</div>`}
    </div>`;
}

/** Attributes an input needs to point at its error messages. */
export function errorAttrs(id, errors) {
    return errors && errors.length
        ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` }
        : {};
}
