// Shared pieces of the lead screens: the statuses a lead goes through, its status and score as
// badges, the cells of the lead list (/leads) and the fields a public form may ask for. A
// lead's name and title have labels of their own ("field.lead_name": a person's name, not a
// company's).
import { html } from 'htm/preact';
import { formatDateTime, t } from '../i18n/index.js';
import { Link } from '../router.js';
import { UserName } from './sales.js';

const none = () => html`<span class="muted">—</span>`;

/* Every status; "converted" only comes from converting. */
export const LEAD_STATUSES = ['new', 'working', 'qualified', 'disqualified', 'converted'];

/* The statuses a user picks on the card. */
export const LEAD_PICKABLE = ['new', 'working', 'qualified', 'disqualified'];

/* Lead fields a form may ask the public for (the server refuses the server-kept ones). */
export const FORM_FIELDS = ['name', 'email', 'phone', 'company_name', 'title', 'region', 'source', 'notes'];

/** The label of a lead field ("name" is a person's name here). */
export function leadFieldLabel(field) {
    if (field === 'name') return t('field.lead_name');
    if (field === 'title') return t('field.lead_title');
    return t(`field.${field}`);
}

/** Display name of a lead: its name, e-mail, company or phone, else "#id". */
export function leadName(lead) {
    if (!lead) return '';
    return lead.name || lead.email || lead.company_name || lead.phone || `#${lead.id}`;
}

export function LeadStatus({ status }) {
    if (!status) return none();
    return html`<span class=${`badge lead-status status-${status}`} data-testid="lead-status"
        data-status=${status}>${t(`lead.status.${status}`)}</span>`;
}

export function LeadScore({ score }) {
    const n = Number(score) || 0;
    const level = n >= 50 ? 'hot' : n > 0 ? 'warm' : n < 0 ? 'cold' : 'none';
    return html`<span class=${`lead-score score-${level}`} data-testid="lead-score" data-score=${n}
        title=${t('lead.scoreHint')}>${n}</span>`;
}

export const LEAD_COLUMNS = [
    { key: 'lead_name', sort: 'name',
      render: (r) => html`<${Link} href=${`/leads/${r.id}`} class="record-link" data-testid="lead-link">
        ${leadName(r)}<//>` },
    { key: 'lead_title', sort: 'title', render: (r) => r.title || none() },
    { key: 'email', sort: 'email',
      render: (r) => (r.email ? html`<a href=${`mailto:${r.email}`}>${r.email}</a>` : none()) },
    { key: 'company_name', sort: 'company_name', render: (r) => r.company_name || none() },
    { key: 'source', sort: 'source', render: (r) => r.source || none() },
    { key: 'status', sort: 'status', render: (r) => html`<${LeadStatus} status=${r.status} />` },
    { key: 'score', sort: 'score', render: (r) => html`<${LeadScore} score=${r.score} />` },
    { key: 'owner_id', sort: 'owner_id', render: (r) => html`<${UserName} id=${r.owner_id} />` },
    { key: 'created_at', sort: 'created_at',
      render: (r) => html`<time datetime=${r.created_at}>${formatDateTime(r.created_at)}</time>` },
];
