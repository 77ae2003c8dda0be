// What the UI knows about each entity: its built-in fields (for the filter builder and
// forms), list columns with their sort keys, and the default sort.
import { PRODUCT_COLUMNS, QUOTE_COLUMNS, QUOTE_STATUSES } from './components/catalog.js';
import { DEAL_COLUMNS } from './components/DealCells.js';
import { LEAD_COLUMNS, LEAD_STATUSES } from './components/LeadCells.js';

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
    products: {
        singular: 'product',
        defaultSort: 'name',
        searchKey: 'products.search',
        filterFields: [
            { name: 'sku', type: 'text' },
            { name: 'name', type: 'text' },
            { name: 'series', type: 'text' },
            { name: 'unit', type: 'text' },
            { name: 'description', type: 'text' },
            { name: 'price', type: 'number' },
            { name: 'cost', type: 'number' },
            { name: 'tax_rate', type: 'number' },
            { name: 'active', type: 'bool' },
            { name: 'tags', type: 'list' },
            { name: 'id', type: 'integer' },
            { name: 'created_at', type: 'datetime' },
            { name: 'updated_at', type: 'datetime' },
        ],
        rightsFields: ['sku', 'name', 'series', 'unit', 'description', 'price', 'prices', 'cost', 'tax_rate',
                       'active', 'options', 'tags'],
        columns: PRODUCT_COLUMNS,
    },
    quotes: {
        singular: 'quote',
        defaultSort: '-id',
        searchKey: 'quotes.search',
        filterFields: [
            { name: 'title', type: 'text' },
            { name: 'deal_id', type: 'integer' },
            { name: 'status', type: 'enum', options: QUOTE_STATUSES },
            { name: 'currency', type: 'text' },
            { name: 'price_list_id', type: 'integer' },
            { name: 'valid_until', type: 'date' },
            { name: 'notes', type: 'text' },
            { name: 'owner_id', type: 'integer' },
            { name: 'id', type: 'integer' },
            { name: 'created_at', type: 'datetime' },
            { name: 'updated_at', type: 'datetime' },
        ],
        rightsFields: ['title', 'currency', 'price_list_id', 'prices_include_tax', 'rounding', 'discount_percent',
                       'discount_amount', 'valid_until', 'notes', 'lines'],
        columns: QUOTE_COLUMNS,
    },
    leads: {
        singular: 'lead',
        defaultSort: '-id',
        searchKey: 'leads.search',
        filterFields: [
            { name: 'status', type: 'enum', options: LEAD_STATUSES },
            { name: 'score', type: 'integer' },
            { name: 'name', type: 'text' },
            { name: 'title', type: 'text' },
            { name: 'email', type: 'text' },
            { name: 'phone', type: 'text' },
            { name: 'company_name', type: 'text' },
            { name: 'source', type: 'text' },
            { name: 'region', type: 'text' },
            { name: 'referrer', type: 'text' },
            { name: 'disqualify_reason', type: 'text' },
            { name: 'notes', type: 'text' },
            { name: 'tags', type: 'list' },
            { name: 'owner_id', type: 'integer' },
            { name: 'form_id', type: 'integer' },
            { name: 'converted_deal_id', type: 'integer' },
            { name: 'converted_at', type: 'datetime' },
            { name: 'id', type: 'integer' },
            { name: 'created_at', type: 'datetime' },
            { name: 'updated_at', type: 'datetime' },
        ],
        rightsFields: ['title', 'name', 'email', 'phone', 'company_name', 'source', 'region', 'utm', 'referrer',
                       'status', 'disqualify_reason', 'notes', 'tags'],
        columns: LEAD_COLUMNS,
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
    if (entity === 'quotes') return record.title || `#${record.id}`;
    if (entity === 'products') return record.name || record.sku || `#${record.id}`;
    if (entity === 'leads') {
        return record.name || record.email || record.company_name || record.phone || `#${record.id}`;
    }
    const name = record.name || [record.first_name, record.last_name].filter(Boolean).join(' ');
    return name || `#${record.id}`;
}
