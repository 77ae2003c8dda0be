// Message catalogs and formatting: t('key', {n: 3}) looks the key up in the current
// language (English as fallback), plural forms chosen by Intl.PluralRules. The language is
// remembered in localStorage and defaults to the browser's.
import { useEffect, useState } from 'preact/hooks';
import en from './en.js';
import ru from './ru.js';

export const LANGUAGES = [
    { code: 'en', name: 'English' },
    { code: 'ru', name: 'Русский' },
];

const CATALOGS = { en, ru };
const STORAGE_KEY = 'crm.lang';

function initialLang() {
    try {
        const saved = window.localStorage.getItem(STORAGE_KEY);
        if (saved && CATALOGS[saved]) return saved;
    } catch {
        /* storage may be disabled */
    }
    const wanted = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
    const code = wanted.toLowerCase().split('-')[0];
    return CATALOGS[code] ? code : 'en';
}

let lang = initialLang();
const listeners = new Set();
document.documentElement.lang = lang;

export function getLang() {
    return lang;
}

export function setLang(code) {
    if (!CATALOGS[code] || code === lang) return;
    lang = code;
    document.documentElement.lang = code;
    try {
        window.localStorage.setItem(STORAGE_KEY, code);
    } catch {
        /* ignore */
    }
    for (const fn of listeners) fn(code);
}

/** Re-renders the calling component when the language changes; returns the code. */
export function useLang() {
    const [value, setValue] = useState(lang);
    useEffect(() => {
        listeners.add(setValue);
        return () => listeners.delete(setValue);
    }, []);
    return value;
}

function lookup(key) {
    const here = CATALOGS[lang][key];
    return here !== undefined ? here : en[key];
}

function fill(text, params) {
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (all, name) =>
        params[name] !== undefined && params[name] !== null ? String(params[name]) : all);
}

/** Translates key; params fill {name} holes; a {one, few, many, other} entry uses params.n. */
export function t(key, params) {
    let entry = lookup(key);
    if (entry === undefined) return key;
    if (typeof entry === 'object') {
        const form = new Intl.PluralRules(lang).select(Number(params && params.n) || 0);
        entry = entry[form] !== undefined ? entry[form] : entry.other;
    }
    return fill(entry, params);
}

/** True when the catalog has the key (used for optional labels such as enum values). */
export function has(key) {
    return lookup(key) !== undefined;
}

export function formatDate(value) {
    if (!value) return '';
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const d = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : new Date(value);
    if (Number.isNaN(d.getTime())) return String(value);
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: m ? 'UTC' : undefined })
        .format(d);
}

export function formatDateTime(value) {
    if (!value) return '';
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return String(value);
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatNumber(value) {
    if (value === null || value === undefined || value === '') return '';
    const n = Number(value);
    return Number.isFinite(n) ? new Intl.NumberFormat(lang).format(n) : String(value);
}

export function formatMoney(value) {
    if (!value || typeof value !== 'object') return '';
    const amount = Number(value.amount);
    if (!Number.isFinite(amount)) return `${value.amount ?? ''} ${value.currency ?? ''}`.trim();
    try {
        return new Intl.NumberFormat(lang, { style: 'currency', currency: value.currency })
            .format(amount);
    } catch {
        return `${value.amount} ${value.currency || ''}`.trim();
    }
}
