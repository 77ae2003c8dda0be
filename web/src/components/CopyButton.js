// A button that copies a text to the clipboard and says so for a moment.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return;
    }
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try {
        if (!document.execCommand('copy')) throw new Error('copy refused');
    } finally {
        document.body.removeChild(area);
    }
}

export function CopyButton({ text, testid = 'copy', label }) {
    const [state, setState] = useState(null);
    useEffect(() => {
        if (!state) return undefined;
        const timer = setTimeout(() => setState(null), 2000);
        return () => clearTimeout(timer);
    }, [state]);

    async function onClick() {
        try {
            await copyText(text);
            setState('ok');
        } catch {
            setState('failed');
        }
    }

    return html`<button type="button" class="btn btn-small" onClick=${onClick} data-testid=${testid}>
        ${label || t('copy.copy')}</button>
        <span class="copy-state" role="status">${state === 'ok' ? t('copy.done') : state === 'failed' ? t('copy.failed') : ''}</span>`;
}
