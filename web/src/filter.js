// Turns filter-builder rows ({field, op, value}) into filter-language text, e.g.
//   industry = "Retail" and tags contains "vip" and size in ("1-10", "11-50")

export const OPERATORS = {
    text: ['=', '!=', 'contains'],
    number: ['=', '!=', '<', '<=', '>', '>='],
    integer: ['=', '!=', '<', '<=', '>', '>='],
    date: ['=', '!=', '<', '<=', '>', '>='],
    datetime: ['<', '<=', '>', '>='],
    bool: ['='],
    enum: ['=', '!=', 'in'],
    list: ['contains'],
    multi: ['contains'],
};

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
    const value = row.value;
    if (field.type !== 'bool' && (value === undefined || value === null || value === '')) return '';
    if (row.op === 'in') {
        const items = String(value).split(',').map((s) => s.trim()).filter(Boolean);
        if (!items.length) return '';
        return `${field.name} in (${items.map((v) => literal(field.type, v)).join(', ')})`;
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
