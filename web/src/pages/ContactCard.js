// Contact card (/contacts/:id): companies with roles, contact details, social profiles,
// interests and skills, custom fields; a History tab; Edit/Delete only when allowed.
import { html } from 'htm/preact';
import { DeleteButton, ExternalLink, Prop, Timestamps, ValueList, useRecord } from '../components/Card.js';
import { CustomFieldList } from '../components/CustomFields.js';
import { CardTabs } from '../components/History.js';
import { Timeline } from '../components/Timeline.js';
import { errorText } from '../components/errors.js';
import { useFieldDefs } from '../components/useFieldDefs.js';
import { recordName } from '../entities.js';
import { formatDate, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { can, useMe } from '../session.js';
import { useTitle } from './title.js';

function Companies({ record }) {
    const list = Array.isArray(record.companies) ? record.companies
        : (record.company_ids || []).map((cid) => ({ id: cid }));
    if (!list.length) return null;
    return html`<ul class="plain-list" data-testid="contact-companies">
        ${list.map((c) => html`<li key=${c.id}>
            <${Link} href=${`/companies/${c.id}`} data-testid="company-link">${c.name || `#${c.id}`}<//>
            ${c.role && html` <span class="muted">— ${c.role}</span>`}
        </li>`)}
    </ul>`;
}

function Social({ social }) {
    const entries = social && typeof social === 'object' ? Object.entries(social) : [];
    if (!entries.length) return null;
    return html`<ul class="plain-list">${entries.map(([k, v]) => html`<li key=${k}>
        <span class="muted">${k}:</span> <${ExternalLink} url=${String(v)} /></li>`)}</ul>`;
}

export function ContactCard({ id }) {
    const { record: r, error } = useRecord('contacts', id);
    const { defs } = useFieldDefs('contacts');
    const me = useMe();
    const name = r ? recordName('contacts', r) : '';
    useTitle(r ? name : t('nav.contacts'));

    if (error) return html`<div class="alert alert-error" role="alert" data-testid="load-error">${errorText(error)}</div>`;
    if (!r) return html`<p class="muted">${t('common.loading')}</p>`;

    return html`<article class="page card" data-testid="contact-card">
        <header class="page-header">
            <div class="title-with-photo">
                ${r.photo_url && /^https?:\/\//i.test(r.photo_url)
                    && html`<img class="photo" src=${r.photo_url} alt="" width="56" height="56" />`}
                <div>
                    <p class="eyebrow"><${Link} href="/contacts">${t('nav.contacts')}<//></p>
                    <h1 data-testid="record-title">${name}</h1>
                    ${r.position && html`<p class="subtitle">${r.position}</p>`}
                </div>
            </div>
            <div class="page-actions">
                ${can(me, 'contacts', 'update', r) && html`<${Link} href=${`/contacts/${r.id}/edit`}
                    class="btn btn-primary" data-testid="edit">${t('action.edit')}<//>`}
                ${can(me, 'contacts', 'delete', r) && html`<${DeleteButton} entity="contacts" id=${r.id} name=${name} />`}
            </div>
        </header>
        <${CardTabs} entity="contacts" id=${r.id} defs=${defs}>
            <section class="card-section">
                <dl class="props">
                    <${Prop} name="companies"><${Companies} record=${r} /><//>
                    <${Prop} name="emails"><${ValueList} values=${r.emails} kind="email" /><//>
                    <${Prop} name="phones"><${ValueList} values=${r.phones} kind="tel" /><//>
                    <${Prop} name="birthday">${r.birthday && formatDate(r.birthday)}<//>
                    <${Prop} name="social"><${Social} social=${r.social} /><//>
                    <${Prop} name="interests"><${ValueList} values=${r.interests} kind="tags" /><//>
                    <${Prop} name="skills"><${ValueList} values=${r.skills} kind="tags" /><//>
                    <${Prop} name="source">${r.source}<//>
                    <${Prop} name="photo_url"><${ExternalLink} url=${r.photo_url} /><//>
                    <${Prop} name="tags"><${ValueList} values=${r.tags} kind="tags" /><//>
                </dl>
            </section>
            <${CustomFieldList} defs=${defs} custom=${r.custom} />
            <${Timeline} entity="contacts" id=${r.id} />
        <//>
        <${Timestamps} record=${r} />
    </article>`;
}
