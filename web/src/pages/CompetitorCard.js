// Competitors: the card (/competitors/:id) with its properties, the deals lost to it and a
// History tab, and the create/edit form (/competitors/new, /competitors/:id/edit): name,
// website, notes, tags and custom fields.
import { html } from 'htm/preact';
import { ChipsInput } from '../components/ChipsInput.js';
import { DeleteButton, ExternalLink, Prop, Timestamps, ValueList, useRecord } from '../components/Card.js';
import { CustomFieldInput, CustomFieldList } from '../components/CustomFields.js';
import { DEAL_COLUMNS } from '../components/DealCells.js';
import { ErrorBanner, errorText } from '../components/errors.js';
import { FormField, errorAttrs } from '../components/FormField.js';
import { CardTabs } from '../components/History.js';
import { RecordTable } from '../components/RecordTable.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { usePagedList } from '../components/usePagedList.js';
import { useRecordForm } from '../components/useRecordForm.js';
import { recordName } from '../entities.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

const OWNERS = ['name', 'website', 'notes', 'tags'];

function LostDeals({ id }) {
    const list = usePagedList('deals', { filter: `competitor_id = ${id}`, sort: '-id' }, { pageSize: 25 });
    return html`<section class="card-section" data-testid="competitor-deals">
        <div class="section-header">
            <h2>${t('competitor.deals')}${list.total !== null && html` <span class="count">${list.total}</span>`}</h2>
        </div>
        ${list.error && html`<div class="alert alert-error" role="alert">${errorText(list.error)}</div>`}
        ${!list.error && !list.loading && !list.items.length && html`<p class="muted">${t('list.empty')}</p>`}
        ${list.items.length > 0 && html`<${RecordTable} entity="deals" columns=${DEAL_COLUMNS} items=${list.items}
            hasMore=${!list.done} loading=${list.loading} onLoadMore=${list.loadMore} testid="competitor-deals-table" />`}
    </section>`;
}

export function CompetitorCard({ id }) {
    const { record: r, error } = useRecord('competitors', id);
    const { defs } = useFieldDefs('competitors');
    const me = useMe();
    useTitle(r ? r.name : t('nav.competitors'));

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(error)}</div>`;
    if (!r) return html`<p class="muted">${t('common.loading')}</p>`;

    return html`<article class="page card" data-testid="competitor-card">
        <header class="page-header">
            <div>
                <p class="eyebrow"><${Link} href="/competitors">${t('nav.competitors')}<//></p>
                <h1 data-testid="record-title">${r.name}</h1>
            </div>
            <div class="page-actions">
                ${can(me, 'competitors', 'update', r) && html`<${Link} href=${`/competitors/${r.id}/edit`}
                    class="btn btn-primary" data-testid="edit">${t('action.edit')}<//>`}
                ${can(me, 'competitors', 'delete', r) && html`<${DeleteButton} entity="competitors" id=${r.id} name=${r.name} />`}
            </div>
        </header>
        <${CardTabs} entity="competitors" id=${r.id} defs=${defs}>
            <section class="card-section">
                <dl class="props">
                    <${Prop} name="website"><${ExternalLink} url=${r.website} /><//>
                    <${Prop} name="tags"><${ValueList} values=${r.tags} kind="tags" /><//>
                    <${Prop} name="notes">${r.notes && html`<span class="pre">${r.notes}</span>`}<//>
                </dl>
            </section>
            <${CustomFieldList} defs=${defs} custom=${r.custom} />
            <${LostDeals} id=${r.id} />
        <//>
        <${Timestamps} record=${r} />
    </article>`;
}

function toValues(r) {
    return {
        name: r ? r.name || '' : '',
        website: r ? r.website || '' : '',
        notes: r ? r.notes || '' : '',
        tags: r && Array.isArray(r.tags) ? r.tags : [],
        custom: r && r.custom ? { ...r.custom } : {},
    };
}

function toBody(v) {
    const text = (s) => (s && s.trim() ? s.trim() : null);
    return {
        name: (v.name || '').trim(),
        website: text(v.website),
        notes: text(v.notes),
        tags: v.tags,
        custom: v.custom,
    };
}

export function CompetitorForm({ id }) {
    const { defs } = useFieldDefs('competitors');
    const form = useRecordForm({
        entity: 'competitors', id, toValues, toBody,
        owners: [...OWNERS, ...defs.map((d) => `custom.${d.name}`)],
    });
    const { values, errors, record } = form;
    useTitle(id ? (record ? recordName('competitors', record) : t('common.loading')) : t('competitor.new'));

    if (form.loadError) {
        return html`<div class="alert alert-error" role="alert">${errorText(form.loadError)}</div>`;
    }
    if (!values) return html`<p class="muted">${t('common.loading')}</p>`;

    const fe = (name) => errors.fields[name];
    const cancelHref = id ? `/competitors/${id}` : '/competitors';
    return html`<section class="page form-page">
        <header class="page-header">
            <h1>${id ? t('competitor.edit') : t('competitor.new')}</h1>
        </header>
        <${ErrorBanner} messages=${errors.top} stale=${errors.stale} onReload=${form.reload} />
        <form class="record-form" onSubmit=${form.submit} novalidate data-testid="competitor-form">
            <div class="form-grid">
                <${FormField} id="name" label=${t('field.name')} required errors=${fe('name')}>
                    <input id="name" type="text" maxlength="200" value=${values.name}
                        onInput=${(e) => form.set('name', e.currentTarget.value)} ...${errorAttrs('name', fe('name'))} /><//>
                <${FormField} id="website" label=${t('field.website')} errors=${fe('website')}>
                    <input id="website" type="url" placeholder="https://" value=${values.website}
                        onInput=${(e) => form.set('website', e.currentTarget.value)}
                        ...${errorAttrs('website', fe('website'))} /><//>
                <${FormField} id="notes" label=${t('field.notes')} errors=${fe('notes')} wide>
                    <textarea id="notes" rows="4" value=${values.notes}
                        onInput=${(e) => form.set('notes', e.currentTarget.value)}
                        ...${errorAttrs('notes', fe('notes'))}></textarea><//>
                <${FormField} id="tags" label=${t('field.tags')} errors=${fe('tags')} hint=${t('chips.hint')}>
                    <${ChipsInput} id="tags" value=${values.tags} onChange=${(v) => form.set('tags', v)}
                        invalid=${Boolean(fe('tags'))} describedBy=${fe('tags') ? 'tags-error' : undefined} /><//>
                ${defs.map((d) => html`<${CustomFieldInput} key=${d.name} def=${d} value=${values.custom[d.name]}
                    onChange=${(v) => form.setCustom(d.name, v)} errors=${fe(`custom.${d.name}`)} />`)}
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=${form.saving} data-testid="save">
                    ${form.saving ? t('common.saving') : t('action.save')}</button>
                <${Link} href=${cancelHref} class="btn">${t('action.cancel')}<//>
            </div>
        </form>
    </section>`;
}
