/*
 * Leads (/api/v1/leads): validation and qualification rules; scores from the scoring rules
 * (filters in the language); owners from the assignment rules (a user, or round-robin within a
 * team); the public form (POST /forms/{key}/submit, no sign-in): declared fields only, UTM
 * parameters and referrer kept, a honeypot, HTML forms with a redirect, a limit per address,
 * a 10 MB body refused; conversion into a contact, a company and a deal that finds the
 * existing contact by e-mail and the company by domain instead of making duplicates.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { expectFieldError, expectProblem, expectStatus, randomName, request, useServer } from './server.mjs';

const S = useServer();
let srv;
const TAG = randomName();

async function makeUser(role, teamId) {
    const email = `${role}-${randomName()}@leads.example.com`;
    const password = `pw ${randomName()} ${role}`;
    const res = await srv.api('POST', '/api/v1/users', { email, name: `${role} ${TAG}`, role, password, team_id: teamId });
    expectStatus(res, 201, `create ${role}`);
    return { id: res.json.id, session: await srv.signIn(email, password) };
}

async function createForm(body) {
    const res = await srv.api('POST', '/api/v1/forms', body);
    expectStatus(res, 201, 'create form');
    assert.match(res.json.key, /^[A-Za-z0-9_-]{40,}$/);
    return res.json;
}

const submit = (form, body, headers = {}) =>
    request(srv.url, 'POST', `/api/v1/forms/${form.key}/submit`, body, headers);

async function leadsWhere(filter) {
    const res = await srv.api('GET', `/api/v1/leads?filter=${encodeURIComponent(filter)}&sort=id`);
    expectStatus(res, 200, filter);
    return res.json.data;
}

before(async () => {
    srv = await S.start();
});

describe('leads', () => {
    test('a lead needs someone to name; disqualifying needs a reason; converting is an action', async () => {
        expectFieldError(await srv.api('POST', '/api/v1/leads', { title: 'Nobody' }), 'name');
        const res = await srv.api('POST', '/api/v1/leads', { name: 'Anna Ivanova', email: 'anna@example.org' });
        expectStatus(res, 201);
        assert.equal(res.json.status, 'new');
        assert.equal(res.json.score, 0);
        const id = res.json.id;
        expectFieldError(await srv.api('PATCH', `/api/v1/leads/${id}`, { status: 'disqualified' }), 'disqualify_reason');
        expectFieldError(await srv.api('PATCH', `/api/v1/leads/${id}`, { status: 'converted' }), 'status');
        expectFieldError(await srv.api('PATCH', `/api/v1/leads/${id}`, { score: 99 }), 'score');
        const ok = await srv.api('PATCH', `/api/v1/leads/${id}`, { status: 'disqualified', disqualify_reason: 'Student project' });
        expectStatus(ok, 200);
        expectProblem(await srv.api('POST', `/api/v1/leads/${id}/convert`), 409);
    });

    test('scoring rules add their points on every write; a bad filter is a 422 with its position', async () => {
        let res = await srv.api('POST', '/api/v1/lead-scoring-rules', { name: `Web ${TAG}`, filter: `source = "web-${TAG}"`, points: 10 });
        expectStatus(res, 201);
        res = await srv.api('POST', '/api/v1/lead-scoring-rules', { name: `Corp ${TAG}`, filter: `email contains "@corp-${TAG}.com"`, points: 25 });
        expectStatus(res, 201);
        res = await srv.api('POST', '/api/v1/lead-scoring-rules', { name: 'Broken', filter: 'source = ', points: 1 });
        expectFieldError(res, 'filter');
        assert.match(res.json.errors[0].message, /at \d+/);
        res = await srv.api('POST', '/api/v1/leads', { name: 'Scored', source: `web-${TAG}`, email: `ceo@corp-${TAG}.com` });
        expectStatus(res, 201);
        assert.equal(res.json.score, 35);
        res = await srv.api('PATCH', `/api/v1/leads/${res.json.id}`, { email: 'ceo@elsewhere.org' });
        assert.equal(res.json.score, 10);
    });

    test('a change of the scoring rules scores the existing leads again', async () => {
        const lead = (await srv.api('POST', '/api/v1/leads', { name: 'Early', region: `North-${TAG}` })).json;
        assert.equal(lead.score, 0);
        let res = await srv.api('POST', '/api/v1/lead-scoring-rules', { name: `North ${TAG}`, filter: `region = "North-${TAG}"`, points: 7 });
        expectStatus(res, 201);
        const rule = res.json;
        const scoreOf = async () => (await srv.api('GET', `/api/v1/leads/${lead.id}`)).json;
        let now = await scoreOf();
        assert.equal(now.score, 7);
        assert.equal(now.version, lead.version, 'a derived score does not change the version');
        res = await srv.api('PATCH', `/api/v1/lead-scoring-rules/${rule.id}`, { points: 3 });
        expectStatus(res, 200);
        assert.equal((await scoreOf()).score, 3);
        expectStatus(await srv.api('DELETE', `/api/v1/lead-scoring-rules/${rule.id}`), 204);
        assert.equal((await scoreOf()).score, 0);
        expectStatus(await srv.api('POST', `/api/v1/lead-scoring-rules/${rule.id}/restore`), 200);
        assert.equal((await scoreOf()).score, 3);
    });
});

describe('forms and assignment', () => {
    let form, team, repA, repB;

    before(async () => {
        const t = await srv.api('POST', '/api/v1/teams', { name: `Leads ${TAG}` });
        expectStatus(t, 201);
        team = t.json;
        repA = await makeUser('sales_rep', team.id);
        repB = await makeUser('sales_rep', team.id);
        const rule = await srv.api('POST', '/api/v1/lead-assignment-rules', {
            name: `EU round-robin ${TAG}`, filter: `region = "EU-${TAG}"`, team_id: team.id, position: 1,
        });
        expectStatus(rule, 201);
        expectFieldError(await srv.api('POST', '/api/v1/lead-assignment-rules', { name: 'Both', user_id: repA.id, team_id: team.id }), 'user_id');
        form = await createForm({
            name: `Contact us ${TAG}`, fields: ['name', 'email', 'company_name', 'region'],
            honeypot: 'website', source: `form-${TAG}`, redirect_url: 'https://example.com/thanks',
        });
    });

    test('a submission makes a lead with its UTM parameters, referrer, source and form; no sign-in', async () => {
        const res = await submit(form, {
            name: 'Boris Form', email: `boris@form-${TAG}.com`, company_name: `Form ${TAG} GmbH`,
            utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'winter',
        }, { Referer: 'https://example.com/pricing' });
        expectStatus(res, 201);
        assert.deepEqual(res.json, { status: 'received' });
        const [lead] = await leadsWhere(`email = "boris@form-${TAG}.com"`);
        assert.equal(lead.source, `form-${TAG}`);
        assert.equal(lead.form_id, form.id);
        assert.deepEqual(lead.utm, { source: 'google', medium: 'cpc', campaign: 'winter' });
        assert.equal(lead.referrer, 'https://example.com/pricing');
        assert.equal(lead.created_by, null);
    });

    test('pages of other sites may post; credentials sent along are not looked at; empty UTM fields are fine', async () => {
        let res = await submit(form, { name: 'Cross Site', email: `cross@form-${TAG}.com`, utm_term: '' },
            { Origin: 'https://www.customer.example', 'Sec-Fetch-Site': 'cross-site' });
        expectStatus(res, 201, 'a cross-site post of the form');
        res = await submit(form, { name: 'With Cookie', email: `cookie@form-${TAG}.com` },
            { Cookie: 'crm_session=not-a-session', Authorization: 'Bearer nonsense' });
        expectStatus(res, 201, 'credentials are ignored');
        const [lead] = await leadsWhere(`email = "cross@form-${TAG}.com"`);
        assert.deepEqual(lead.utm, {});
        expectProblem(await srv.api('POST', '/api/v1/leads', { name: 'x' },
            { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', Authorization: null }), 401);
    });

    test('undeclared fields are 422s; the honeypot keeps robots out quietly; unknown keys are 404s', async () => {
        let res = await submit(form, { name: 'X', email: 'x@example.com', status: 'qualified', owner_id: 1 });
        expectFieldError(res, 'status');
        expectFieldError(res, 'owner_id');
        const before = (await leadsWhere(`source = "form-${TAG}"`)).length;
        res = await submit(form, { name: 'Robot', email: 'bot@spam.example', website: 'http://spam.example' });
        expectStatus(res, 201, 'a robot is answered as anyone');
        assert.equal((await leadsWhere(`source = "form-${TAG}"`)).length, before, 'nothing kept');
        expectProblem(await request(srv.url, 'POST', '/api/v1/forms/no-such-key/submit', { name: 'x' }), 404);
        const big = 'x'.repeat(10 * 1024 * 1024);
        res = await request(srv.url, 'POST', `/api/v1/forms/${form.key}/submit`, { name: big });
        assert.equal(res.status, 413);
    });

    test('an HTML form is answered with its redirect; leads of the region go round the team', async () => {
        const owners = [];
        for (let i = 0; i < 3; i++) {
            const body = `name=Lead+${i}&email=lead${i}%40rr-${TAG}.com&region=EU-${TAG}&utm_source=newsletter`;
            const res = await request(srv.url, 'POST', `/api/v1/forms/${form.key}/submit`, body,
                { 'Content-Type': 'application/x-www-form-urlencoded' });
            assert.equal(res.status, 303, res.text);
            assert.equal(res.headers.get('location'), 'https://example.com/thanks');
        }
        for (const lead of await leadsWhere(`email contains "@rr-${TAG}.com"`)) owners.push(lead.owner_id);
        assert.equal(owners.length, 3);
        assert.ok(owners.every((o) => o === repA.id || o === repB.id), JSON.stringify(owners));
        assert.notEqual(owners[0], owners[1], 'round-robin');
        assert.equal(owners[0], owners[2]);
        const seen = await repA.session.api('GET', `/api/v1/leads?filter=${encodeURIComponent(`email contains "@rr-${TAG}.com"`)}`);
        assert.ok(seen.json.data.every((l) => l.owner_id === repA.id), 'a rep sees only their own leads');
    });

    test('POST /leads/{id}/assign runs the rules; none matching is a 409', async () => {
        let res = await srv.api('POST', '/api/v1/leads', { name: 'Manual', region: `EU-${TAG}` });
        const lead = res.json;
        res = await srv.api('POST', `/api/v1/leads/${lead.id}/assign`);
        expectStatus(res, 200);
        assert.ok([repA.id, repB.id].includes(res.json.owner_id));
        const other = (await srv.api('POST', '/api/v1/leads', { name: 'Nowhere', region: 'Mars' })).json;
        expectProblem(await srv.api('POST', `/api/v1/leads/${other.id}/assign`), 409);
    });

    test('an address past its hourly limit gets 429 with Retry-After', async () => {
        const limited = await createForm({ name: `Limited ${TAG}`, fields: ['name'] });
        let last;
        for (let i = 0; i < 21; i++) last = await submit(limited, { name: `Flood ${i}` });
        expectProblem(last, 429);
        assert.ok(Number(last.headers.get('retry-after')) > 0);
    });
});

describe('conversion', () => {
    test('a lead becomes a contact, a company and a deal, reusing the company by domain and the contact by e-mail', async () => {
        const domain = `convert-${TAG}.com`;
        const company = (await srv.api('POST', '/api/v1/companies', { name: `Convert ${TAG} Ltd`, website: domain })).json;
        const pipeline = (await srv.api('POST', '/api/v1/pipelines', {
            name: `Leads ${TAG}`,
            stages: [{ name: 'New', probability: 10, kind: 'open' }, { name: 'Won', probability: 100, kind: 'won' },
                     { name: 'Lost', probability: 0, kind: 'lost' }],
        })).json;
        let lead = (await srv.api('POST', '/api/v1/leads', {
            name: 'Clara Maria Schmidt', email: `Clara@${domain}`, phone: '+49 30 1234567', company_name: 'Convert (typo) Ltd',
            title: 'Fleet tracking', source: 'fair',
        })).json;
        let res = await srv.api('POST', `/api/v1/leads/${lead.id}/convert`, {
            pipeline_id: pipeline.id, amount: { amount: '5000', currency: 'EUR' },
        });
        expectStatus(res, 200);
        const { contact_id, company_id, deal_id } = res.json;
        assert.equal(company_id, company.id, 'found by the e-mail domain');
        assert.deepEqual([res.json.company_created, res.json.contact_created], [false, true]);
        assert.equal(res.json.lead.status, 'converted');
        assert.equal(res.json.lead.converted_deal_id, deal_id);
        const contact = (await srv.api('GET', `/api/v1/contacts/${contact_id}`)).json;
        assert.deepEqual([contact.first_name, contact.last_name], ['Clara Maria', 'Schmidt']);
        assert.deepEqual(contact.company_ids, [company.id]);
        const deal = (await srv.api('GET', `/api/v1/deals/${deal_id}`)).json;
        assert.equal(deal.title, 'Fleet tracking');
        assert.equal(deal.pipeline_id, pipeline.id);
        assert.equal(deal.company_id, company.id);
        assert.deepEqual(deal.contact_ids, [contact_id]);
        assert.deepEqual(deal.amount, { amount: '5000.00', currency: 'EUR' });
        expectProblem(await srv.api('POST', `/api/v1/leads/${lead.id}/convert`), 409);
        expectProblem(await srv.api('PATCH', `/api/v1/leads/${lead.id}`, { notes: 'x' }), 409);
        expectProblem(await srv.api('POST', `/api/v1/leads/${lead.id}/assign`), 409);

        /* The same person again: the contact is found by e-mail (any case). */
        lead = (await srv.api('POST', '/api/v1/leads', { name: 'Clara Schmidt', email: `clara@${domain.toUpperCase()}` })).json;
        res = await srv.api('POST', `/api/v1/leads/${lead.id}/convert`, { create_deal: false });
        expectStatus(res, 200);
        assert.equal(res.json.contact_id, contact_id);
        assert.equal(res.json.deal_id, null);
        expectFieldError(await srv.api('POST', `/api/v1/leads/${lead.id}/convert`, { colour: 'red' }), 'colour');
    });
});
