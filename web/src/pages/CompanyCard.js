// Company card (/companies/:id): its properties and custom fields, parent company, the
// contacts linked to it (filter company.id = N) and its branches (filter parent_id = N);
// a History tab; Edit/Delete shown only when the caller may do them.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { getRecord } from '../api.js';
import { DeleteButton, ExternalLink, Prop, Timestamps, ValueList, useRecord } from '../components/Card.js';
import { CustomFieldList } from '../components/CustomFields.js';
import { CardTabs } from '../components/History.js';
import { Timeline } from '../components/Timeline.js';
import { RecordTable } from '../components/RecordTable.js';
import { errorText } from '../components/errors.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { usePagedList } from '../components/usePagedList.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const CONTACT_COLUMNS = [{ key: 'name' }, { key: 'position' }, { key: 'emails' }, { key: 'phones' }];
const BRANCH_COLUMNS = [{ key: 'name' }, { key: 'industry' }, { key: 'phones' }];

function Related({ title, entity, filter, columns, testid, action }) {
    const list = usePagedList(entity, { filter, sort: entity === 'contacts' ? 'last_name,first_name' : 'name' },
        { pageSize: 25 });
    return html`<section class="card-section" data-testid=${testid}>
        <div class="section-header">
            <h2>${title}${list.total !== null && html` <span class="count">${list.total}</span>`}</h2>
            ${action}
        </div>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="muted">${t('list.empty')}</p>`}
        ${list.items.length > 0 && html`<${RecordTable} entity=${entity} columns=${columns} items=${list.items}
            hasMore=${!list.done} loading=${list.loading} onLoadMore=${list.loadMore} testid=${`${testid}-table`} />`}
    </section>`;
}

function ParentLink({ id }) {
    const [name, setName] = useState(null);
    useEffect(() => {
        let live = true;
        getRecord('companies', id).then((p) => live && setName(p.name), () => live && setName(`#${id}`));
        return () => {
            live = false;
        };
    }, [id]);
    return html`<${Link} href=${`/companies/${id}`} data-testid="parent-link">${name || `#${id}`}<//>`;
}

export function CompanyCard({ id }) {
    const { record: r, error } = useRecord('companies', id);
    const { defs } = useFieldDefs('companies');
    const me = useMe();
    useTitle(r ? r.name : t('nav.companies'));

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(error)}</div>`;
    if (!r) return html`<p class="muted">${t('common.loading')}</p>`;

    return html`<article class="page card" data-testid="company-card">
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/companies">${t('nav.companies')}<//></p>
                <h1 data-testid="record-title">${r.name}</h1>
            </div>
            <div class="page-actions">
                ${can(me, 'companies', 'update', r) && html`<${Link} href=${`/companies/${r.id}/edit`}
                    class="btn btn-primary" data-testid="edit">${t('action.edit')}<//>`}
                ${can(me, 'companies', 'delete', r) && html`<${DeleteButton} entity="companies" id=${r.id} name=${r.name} />`}
            </div>
        </header>
        <${CardTabs} entity="companies" id=${r.id} defs=${defs}>
            <section class="card-section">
                <dl class="props">
                    <${Prop} name="industry">${r.industry}<//>
                    <${Prop} name="size">${r.size}<//>
                    <${Prop} name="website"><${ExternalLink} url=${r.website} /><//>
                    <${Prop} name="emails"><${ValueList} values=${r.emails} kind="email" /><//>
                    <${Prop} name="phones"><${ValueList} values=${r.phones} kind="tel" /><//>
                    <${Prop} name="address">${r.address && html`<span class="pre">${r.address}</span>`}<//>
                    <${Prop} name="parent">${r.parent_id && html`<${ParentLink} id=${r.parent_id} />`}<//>
                    <${Prop} name="tags"><${ValueList} values=${r.tags} kind="tags" /><//>
                </dl>
            </section>
            <${CustomFieldList} defs=${defs} custom=${r.custom} />
            <${Related} title=${t('company.contacts')} entity="contacts" filter=${`company.id = ${r.id}`}
                columns=${CONTACT_COLUMNS} testid="company-contacts"
                action=${can(me, 'contacts', 'create') && html`<${Link} href=${`/contacts/new?company=${r.id}`}
                    class="btn btn-small">${t('company.addContact')}<//>`} />
            <${Related} title=${t('company.branches')} entity="companies" filter=${`parent_id = ${r.id}`}
                columns=${BRANCH_COLUMNS} testid="company-branches" />
            <${Timeline} entity="companies" id=${r.id} />
        <//>
        <${Timestamps} record=${r} />
    </article>`;
}
