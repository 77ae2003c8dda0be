// What the UI knows about each entity: its built-in fields (for the filter builder and
// forms), list columns with their sort keys, and the default sort.
import { DEAL_COLUMNS } from './components/DealCells.js';

export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+'];

/* Filter-builder field types: text, number, integer, date, datetime, bool, enum, list, multi. */
export const ENTITIES = {
    companies: {
        singular: 'company',
        defaultSort: 'name',
        searchKey: 'companies.search',
        filterFields: [
            { name: 'name', type: 'text' },
            { name: 'industry', type: 'text' },
            { name: 'size', type: 'enum', options: COMPANY_SIZES },
            { name: 'website', type: 'text' },
            { name: 'address', type: 'text' },
            { name: 'emails', type: 'list' },
            { name: 'phones', type: 'list' },
            { name: 'tags', type: 'list' },
            { name: 'parent_id', type: 'integer' },
            { name: 'parent.name', type: 'text' },
            { name: 'id', type: 'integer' },
            { name: 'created_at', type: 'datetime' },
            { name: 'updated_at', type: 'datetime' },
        ],
        /* Built-in fields a role can hide or make read-only. */
        rightsFields: ['name', 'industry', 'size', 'website', 'emails', 'phones', 'address', 'parent_id',
                       'tags'],
        columns: [
            { key: 'name', sort: 'name' },
            { key: 'industry', sort: 'industry' },
            { key: 'size', sort: 'size' },
            { key: 'emails' },
            { key: 'phones' },
            { key: 'tags' },
            { key: 'created_at', sort: 'created_at' },
        ],
    },
    contacts: {
        singular: 'contact',
        defaultSort: 'last_name,first_name',
        searchKey: 'contacts.search',
        filterFields: [
            { name: 'first_name', type: 'text' },
            { name: 'last_name', type: 'text' },
            { name: 'position', type: 'text' },
            { name: 'source', type: 'text' },
            { name: 'birthday', type: 'date' },
            { name: 'emails', type: 'list' },
            { name: 'phones', type: 'list' },
            { name: 'tags', type: 'list' },
            { name: 'interests', type: 'list' },
            { name: 'skills', type: 'list' },
            { name: 'company.name', type: 'text' },
            { name: 'company.industry', type: 'text' },
            { name: 'company.id', type: 'integer' },
            { name: 'id', type: 'integer' },
            { name: 'created_at', type: 'datetime' },
            { name: 'updated_at', type: 'datetime' },
        ],
        rightsFields: ['first_name', 'last_name', 'position', 'company_ids', 'emails', 'phones',
                       'birthday', 'social', 'interests', 'skills', 'source', 'photo_url', 'tags'],
        columns: [
            { key: 'name', sort: 'last_name,first_name' },
            { key: 'position', sort: 'position' },
            { key: 'companies' },
            { key: 'emails' },
            { key: 'phones' },
            { key: 'tags' },
            { key: 'created_at', sort: 'created_at' },
        ],
    },
    deals: {
        singular: 'deal',
        defaultSort: '-id',
        searchKey: 'deals.search',
        filterFields: [
            { name: 'title', type: 'text' },
            { name: 'amount', type: 'number' },
            { name: 'expected_close', type: 'date' },
            { name: 'stage_id', type: 'integer' },
            { name: 'pipeline_id', type: 'integer' },
            { name: 'probability', type: 'integer' },
            { name: 'company.name', type: 'text' },
            { name: 'company_id', type: 'integer' },
            { name: 'source', type: 'text' },
            { name: 'tags', type: 'list' },
            { name: 'owner_id', type: 'integer' },
            { name: 'reason_id', type: 'integer' },
            { name: 'competitor_id', type: 'integer' },
            { name: 'stage_entered_at', type: 'datetime' },
            { name: 'closed_at', type: 'datetime' },
            { name: 'id', type: 'integer' },
            { name: 'created_at', type: 'datetime' },
            { name: 'updated_at', type: 'datetime' },
        ],
        rightsFields: ['title', 'pipeline_id', 'stage_id', 'amount', 'expected_close', 'company_id',
                       'contact_ids', 'source', 'tags'],
        columns: DEAL_COLUMNS,
    },
    competitors: {
        singular: 'competitor',
        defaultSort: 'name',
        searchKey: 'competitors.search',
        filterFields: [
            { name: 'name', type: 'text' },
            { name: 'website', type: 'text' },
            { name: 'notes', type: 'text' },
            { name: 'tags', type: 'list' },
            { name: 'id', type: 'integer' },
            { name: 'created_at', type: 'datetime' },
            { name: 'updated_at', type: 'datetime' },
        ],
        rightsFields: ['name', 'website', 'notes', 'tags'],
        columns: [
            { key: 'name', sort: 'name' },
            { key: 'website', sort: 'website' },
            { key: 'tags' },
            { key: 'created_at', sort: 'created_at' },
        ],
    },
};

/* Filter-builder type of a custom field definition's type. */
export function customFilterType(type) {
    switch (type) {
    case 'number':
    case 'money':
        return 'number';
    case 'integer':
        return 'integer';
    case 'date':
        return 'date';
    case 'datetime':
        return 'datetime';
    case 'bool':
        return 'bool';
    case 'enum':
        return 'enum';
    case 'multi_enum':
        return 'multi';
    default:
        return 'text';
    }
}

export const CUSTOM_FIELD_TYPES = [
    'text', 'textarea', 'number', 'integer', 'money', 'date', 'datetime', 'bool', 'enum',
    'multi_enum', 'email', 'phone', 'url',
];

/** Display name of a record. */
export function recordName(entity, record) {
    if (!record) return '';
    if (entity === 'companies' || entity === 'competitors') return record.name || `#${record.id}`;
    if (entity === 'deals') return record.title || `#${record.id}`;
    const name = record.name || [record.first_name, record.last_name].filter(Boolean).join(' ');
    return name || `#${record.id}`;
}
