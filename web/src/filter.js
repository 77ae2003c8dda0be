// Turns filter-builder rows ({field, op, value}) into filter-language text
// (docs/filter-language.md), e.g.
//   industry = "Retail" and tags contains "vip" and size in ("1-10", "11-50")

const NULLS = ['is null', 'is not null'];

export const OPERATORS = {
    text: ['contains', '=', '!=', 'starts with', 'in', 'not in', ...NULLS],
    number: ['=', '!=', '<', '<=', '>', '>=', ...NULLS],
    integer: ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', ...NULLS],
    date: ['within', '=', '!=', '<', '<=', '>', '>=', ...NULLS],
    datetime: ['within', '>=', '<=', '>', '<', ...NULLS],
    bool: ['='],
    enum: ['=', '!=', 'in', 'not in', ...NULLS],
    list: ['contains', '!=', 'in', 'not in', ...NULLS],
    multi: ['contains', '!=', 'in', 'not in', ...NULLS],
};

/* Periods offered for "within" (the language accepts more: "last N days", ...). */
export const PERIODS = [
    'today', 'yesterday', 'this week', 'last week', 'this month', 'last month', 'this quarter',
    'last quarter', 'this year', 'last year', 'last 7 days', 'last 30 days', 'last 90 days',
    'next 7 days', 'next 30 days',
];

/** Operators that take no value. */
export function takesNoValue(op) {
    return NULLS.includes(op);
}

/** Operators whose value is a comma-separated list. */
export function takesList(op) {
    return op === 'in' || op === 'not in';
}

/** A string literal of the filter language: double quotes, \" and \\ escaped. */
export function quote(value) {
    return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function literal(type, value) {
    switch (type) {
    case 'number':
    case 'integer': {
        const text = String(value).trim().replace(',', '.');
        return /^-?\d+(\.\d+)?$/.test(text) ? text : quote(text);
    }
    case 'bool':
        return value === 'false' || value === false ? 'false' : 'true';
    case 'datetime': {
        const d = new Date(value);
        return quote(Number.isNaN(d.getTime()) ? value : d.toISOString());
    }
    default:
        return quote(value);
    }
}

/** One condition, or '' when the row is incomplete. */
export function conditionText(field, row) {
    if (!field || !row.op) return '';
    if (takesNoValue(row.op)) return `${field.name} ${row.op}`;
    const value = row.value;
    if (field.type !== 'bool' && (value === undefined || value === null || value === '')) return '';
    if (row.op === 'within') return PERIODS.includes(value) ? `${field.name} within ${value}` : '';
    if (takesList(row.op)) {
        const items = String(value).split(',').map((s) => s.trim()).filter(Boolean);
        if (!items.length) return '';
        return `${field.name} ${row.op} (${items.map((v) => literal(field.type, v)).join(', ')})`;
    }
    return `${field.name} ${row.op} ${literal(field.type, value)}`;
}

/** The whole filter text of the rows, joined with "and". */
export function filterText(fields, rows) {
    const byName = new Map(fields.map((f) => [f.name, f]));
    return rows
        .map((row) => conditionText(byName.get(row.field), row))
        .filter(Boolean)
        .join(' and ');
}
