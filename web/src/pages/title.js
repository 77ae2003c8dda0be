// Sets the document title of a page ("Companies — CRM").
import { useEffect } from 'preact/hooks';
import { t } from '../i18n/index.js';

export function useTitle(title) {
    useEffect(() => {
        const app = t('app.name');
        document.title = title ? `${title} — ${app}` : app;
    }, [title]);
}
