/*
 * Filters that follow a relation (contacts' company.*, companies' parent.*) under the caller's
 * rights: a related record counts only when the caller may read it, so a sales rep reading
 * companies with team scope can filter by their team's companies and learns nothing of another
 * team's (lists and counts agree); a field the role hides on the related entity, or a relation
 * to an entity the role reads none of, cannot be filtered on (400).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { expectProblem, expectStatus, qs, randomName, useServer } from './server.mjs';

const S = useServer();

/* A word of lower-case letters only. */
const word = (n = 12) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
const byNumber = (a, b) => a - b;
const sortedIds = (items) => items.map((r) => r.id).sort(byNumber);

let W = null;

/* A user made by the admin with a password and a read+write API token; as() sends that token. */
async function makeUser(srv, key, role, teamId) {
    const email = `${key.toLowerCase()}-${randomName()}@relation.example.com`;
    const password = `pw ${randomName()} ${key}`;
    const res = await srv.api('POST', '/api/v1/users',
        { email, name: `User ${key}`, role, team_id: teamId, password });
    expectStatus(res, 201, `create user ${key}`);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of ${key}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens',
        { name: `relation ${key}`, scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of ${key}`);
    const as = (method, path, body, headers = {}) =>
        srv.api(method, path, body, { Authorization: `Bearer ${tok.json.token}`, ...headers });
    return { ...res.json, as };
}

/* A copy of the built-in sales_rep role with changes, made by the admin: its name. */
async function salesRepVariant(admin, label, { permissions, fields }) {
    const roles = await admin('GET', '/api/v1/roles');
    expectStatus(roles, 200);
    const rep = roles.json.data.find((r) => r.name === 'sales_rep');
    assert.ok(rep, 'the built-in sales_rep role is listed');
    const perms = structuredClone(rep.permissions);
    for (const [entity, actions] of Object.entries(permissions ?? {})) Object.assign(perms[entity], actions);
    const role = await admin('POST', '/api/v1/roles', {
        name: `${label}_${word(6)}`, label, permissions: perms, fields: fields ?? {},
    });
    expectStatus(role, 201, `create the role ${label}`);
    return role.json.name;
}

async function create(admin, entity, fields) {
    const res = await admin('POST', `/api/v1/${entity}`, fields);
    expectStatus(res, 201, `create ${entity}`);
    return res.json;
}

/*
 * Teams A and B; rep (sales rep, A), mate (sales rep, A), stranger (sales rep, B), a read_only
 * user; company ours (owned by mate) and theirs (owned by stranger), both in one industry;
 * contacts of rep's linked to ours, to theirs and to both; company branch (mate's) whose parent
 * is theirs.
 */
async function buildWorld() {
    const srv = await S.start();
    const admin = srv.api;
    const teams = {};
    for (const t of ['A', 'B']) {
        const res = await admin('POST', '/api/v1/teams', { name: randomName(`Relation team ${t} `) });
        expectStatus(res, 201, `create team ${t}`);
        teams[t] = res.json;
    }
    const rep = await makeUser(srv, 'rep', 'sales_rep', teams.A.id);
    const mate = await makeUser(srv, 'mate', 'sales_rep', teams.A.id);
    const stranger = await makeUser(srv, 'stranger', 'sales_rep', teams.B.id);
    const reader = await makeUser(srv, 'reader', 'read_only', null);

    const w = word();
    const industry = `Retail ${w}`;
    const ours = await create(admin, 'companies',
        { name: `Ours ${w}`, industry, owner_id: mate.id });
    const theirs = await create(admin, 'companies',
        { name: `Theirs ${w}`, industry, owner_id: stranger.id });
    const branch = await create(admin, 'companies',
        { name: `Branch ${w}`, parent_id: theirs.id, owner_id: mate.id });
    const contact = (first, companyIds) => create(admin, 'contacts',
        { first_name: first, last_name: w, owner_id: rep.id, company_ids: companyIds });
    const withOurs = await contact('Ours', [ours.id]);
    const withTheirs = await contact('Theirs', [theirs.id]);
    const withBoth = await contact('Both', [ours.id, theirs.id]);

    /* The world is as meant: rep sees ours, not theirs, and every contact. */
    expectStatus(await rep.as('GET', `/api/v1/companies/${ours.id}`), 200, "rep reads the team's company");
    expectProblem(await rep.as('GET', `/api/v1/companies/${theirs.id}`), 404, "rep cannot read team B's");
    for (const c of [withOurs, withTheirs, withBoth])
        expectStatus(await rep.as('GET', `/api/v1/contacts/${c.id}`), 200, 'rep reads their contact');

    return { srv, admin, teams, rep, mate, stranger, reader, w, industry, ours, theirs, branch,
        withOurs, withTheirs, withBoth };
}

/* The ids (sorted) and the count of one filtered list; checks that both agree. */
async function listAndCount(as, entity, filter) {
    const res = await as('GET', `/api/v1/${entity}${qs({ filter, count: 'true', limit: 100 })}`);
    expectStatus(res, 200, `list ${entity} with ${filter}`);
    const ids = sortedIds(res.json.data);
    assert.equal(res.json.total, ids.length, `the count agrees with the list for ${filter}`);
    return ids;
}

describe('a filter over a relation sees only the related records the caller may read', () => {
    before(async () => { W = await buildWorld(); });

    test("a sales rep filtering by another team's company gets no rows, and a count of 0", async () => {
        const ids = await listAndCount(W.rep.as, 'contacts', `company.name = "${W.theirs.name}"`);
        assert.deepEqual(ids, []);
        /* The contacts are there: the admin finds them by the same filter. */
        assert.deepEqual(await listAndCount(W.admin, 'contacts', `company.name = "${W.theirs.name}"`),
            [W.withTheirs.id, W.withBoth.id].sort(byNumber));
    });

    test("a sales rep filtering by their team's company finds its contacts", async () => {
        assert.deepEqual(await listAndCount(W.rep.as, 'contacts', `company.name = "${W.ours.name}"`),
            [W.withOurs.id, W.withBoth.id].sort(byNumber));
    });

    test('a condition both companies meet matches only through the visible one', async () => {
        const filter = `company.industry = "${W.industry}"`;
        assert.deepEqual(await listAndCount(W.rep.as, 'contacts', filter),
            [W.withOurs.id, W.withBoth.id].sort(byNumber));
        assert.deepEqual(await listAndCount(W.admin, 'contacts', filter),
            [W.withOurs.id, W.withTheirs.id, W.withBoth.id].sort(byNumber));
    });

    test('to the caller a contact linked only to an invisible company has no company', async () => {
        const none = `last_name = "${W.w}" and not company.id is not null`;
        assert.deepEqual(await listAndCount(W.rep.as, 'contacts', none), [W.withTheirs.id]);
        assert.deepEqual(await listAndCount(W.admin, 'contacts', none), []);
        const notTheirs = `last_name = "${W.w}" and not company.name = "${W.theirs.name}"`;
        assert.deepEqual(await listAndCount(W.rep.as, 'contacts', notTheirs),
            [W.withOurs.id, W.withTheirs.id, W.withBoth.id].sort(byNumber));
    });

    test('a foreign key relation (parent) is limited the same way', async () => {
        const filter = `parent.name = "${W.theirs.name}"`;
        assert.deepEqual(await listAndCount(W.rep.as, 'companies', filter), []);
        assert.deepEqual(await listAndCount(W.mate.as, 'companies', filter), []);
        assert.deepEqual(await listAndCount(W.admin, 'companies', filter), [W.branch.id]);
        /* The branch itself is visible to the team: only the parent is not. */
        assert.deepEqual(await listAndCount(W.rep.as, 'companies', `name = "${W.branch.name}"`),
            [W.branch.id]);
    });

    test('a caller who reads all companies filters by any of them', async () => {
        assert.deepEqual(await listAndCount(W.reader.as, 'contacts', `company.name = "${W.theirs.name}"`),
            [W.withTheirs.id, W.withBoth.id].sort(byNumber));
    });

    test('a search with q and a relation filter together keep the limit', async () => {
        const res = await W.rep.as('GET', `/api/v1/contacts${qs({
            q: W.w, filter: `company.name = "${W.theirs.name}"`, count: 'true',
        })}`);
        expectStatus(res, 200);
        assert.deepEqual(res.json.data, []);
        assert.equal(res.json.total, 0);
    });
});

describe('what a role may not see cannot be filtered on through a relation', () => {
    before(async () => { W ??= await buildWorld(); });

    test("a field the role hides on companies is a 400 through company.* and parent.*", async () => {
        const role = await salesRepVariant(W.admin, 'no_industry', {
            fields: { companies: { industry: 'hidden' } },
        });
        const user = await makeUser(W.srv, 'noindustry', role, W.teams.A.id);
        expectProblem(await user.as('GET', `/api/v1/contacts${qs({ filter: `company.industry = "${W.industry}"` })}`),
            400, 'company.industry is hidden');
        expectProblem(await user.as('GET', `/api/v1/companies${qs({ filter: `parent.industry = "${W.industry}"` })}`),
            400, 'parent.industry is hidden');
        expectProblem(await user.as('GET', `/api/v1/companies${qs({ filter: `industry = "${W.industry}"` })}`),
            400, 'industry is hidden on companies themselves');
        /* Other fields of the relation still work. */
        expectStatus(await user.as('GET', `/api/v1/contacts${qs({ filter: `company.name = "${W.ours.name}"` })}`),
            200, 'company.name is not hidden');
        /* The sales rep without the rule may filter on it. */
        expectStatus(await W.rep.as('GET', `/api/v1/contacts${qs({ filter: `company.industry = "${W.industry}"` })}`),
            200, 'company.industry for a plain sales rep');
    });

    test('a role that reads no companies cannot filter contacts by company', async () => {
        const role = await salesRepVariant(W.admin, 'no_companies', {
            permissions: { companies: { read: 'none' } },
        });
        const user = await makeUser(W.srv, 'nocompanies', role, W.teams.A.id);
        expectProblem(await user.as('GET', `/api/v1/contacts${qs({ filter: `company.name = "${W.ours.name}"` })}`),
            400, 'company.* for a role reading no companies');
        expectStatus(await user.as('GET', `/api/v1/contacts${qs({ filter: `last_name = "${W.w}"` })}`),
            200, 'other filters still work');
    });
});
