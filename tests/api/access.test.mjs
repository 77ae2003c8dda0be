/*
 * Who may do what to which record. The access matrix: companies and contacts, every action
 * (read by id, list, search, count, create, update, delete, restore, reassign), and the callers
 * the design names (the owner, sales reps and managers of the same and of another team,
 * read_only, a read-scope token, a disabled user, a revoked token, nobody), each with the exact
 * answer; a refused request changes nothing. Also: links to companies the caller cannot see,
 * the field rights of a custom role, owner_id on create, and the record history at /audit.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import {
    expectFieldError, expectProblem, expectStatus, qs, randomName, useServer,
} from './server.mjs';

const S = useServer();

/* A word of lower-case letters only, for full-text search. */
const word = (n = 12) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');
const byNumber = (a, b) => a - b;
const sortedIds = (items) => items.map((r) => r.id).sort(byNumber);

/* The world: teams A and B, a user per actor with a token, and the actors' api functions. */
let W = null;
let building = null;
const setup = () => (building ??= buildWorld().then((w) => { W = w; return w; }));

/* The signed-in users: key → role and team. */
const USER_SPECS = {
    owner: { role: 'sales_rep', team: 'A' },
    sameRep: { role: 'sales_rep', team: 'A' },
    otherRep: { role: 'sales_rep', team: 'B' },
    sameMgr: { role: 'manager', team: 'A' },
    otherMgr: { role: 'manager', team: 'B' },
    readOnly: { role: 'read_only', team: null },
    disabled: { role: 'sales_rep', team: 'A' },
};

/* Who each actor is, for test names. */
const LABEL = {
    owner: 'the owner (a sales rep)',
    sameRep: 'a sales rep of the same team',
    otherRep: 'a sales rep of another team',
    sameMgr: 'a manager of the same team',
    otherMgr: 'a manager of another team',
    readOnly: 'a read_only user',
    readToken: "the owner's read-scope token",
    disabled: 'a disabled user (token made before disabling)',
    revoked: 'a revoked token',
    anon: 'a caller without credentials',
};

async function buildWorld() {
    const srv = await S.start();
    const admin = srv.api;
    const teams = {};
    for (const t of ['A', 'B']) {
        const res = await admin('POST', '/api/v1/teams', { name: randomName(`Access team ${t} `) });
        expectStatus(res, 201, `create team ${t}`);
        teams[t] = res.json;
    }
    const bearer = (token) => (method, path, body, headers = {}) =>
        srv.api(method, path, body, { Authorization: `Bearer ${token}`, ...headers });
    const users = {};
    await Promise.all(Object.entries(USER_SPECS).map(async ([key, spec]) => {
        users[key] = await makeSignedInUser(srv, key, spec.role, spec.team ? teams[spec.team].id : null);
    }));

    const tokenOf = async (session, scopes) => {
        const res = await session.api('POST', '/api/v1/tokens', { name: randomName('access '), scopes });
        expectStatus(res, 201, `token with ${scopes}`);
        return res.json;
    };
    const readToken = await tokenOf(users.owner.session, ['read']);
    const revoked = await tokenOf(users.owner.session, ['read', 'write']);

    const actors = {
        owner: bearer(users.owner.token),
        sameRep: bearer(users.sameRep.token),
        otherRep: bearer(users.otherRep.token),
        sameMgr: bearer(users.sameMgr.token),
        otherMgr: bearer(users.otherMgr.token),
        readOnly: bearer(users.readOnly.token),
        readToken: bearer(readToken.token),
        disabled: bearer(users.disabled.token),
        revoked: bearer(revoked.token),
        anon: srv.anon,
    };

    /* Before disabling and revoking, both credentials work: the 401s later are their doing. */
    expectStatus(await actors.disabled('GET', '/api/v1/auth/me'), 200, 'the later disabled user first signs in');
    expectStatus(await actors.revoked('GET', '/api/v1/auth/me'), 200, 'the later revoked token first works');
    const off = await admin('PATCH', `/api/v1/users/${users.disabled.id}`, { disabled: true });
    expectStatus(off, 200, 'disable a user');
    assert.equal(off.json.disabled, true);
    expectStatus(await users.owner.session.api('DELETE', `/api/v1/tokens/${revoked.id}`), 204, 'revoke a token');

    return { srv, admin, teams, users, actors };
}

/* A user made by the admin with a password, signed in, with a read+write API token. */
async function makeSignedInUser(srv, key, role, teamId) {
    const email = `${key.toLowerCase()}-${randomName()}@access.example.com`;
    const password = `pw ${randomName()} ${key}`;
    const res = await srv.api('POST', '/api/v1/users',
        { email, name: `User ${key}`, role, team_id: teamId, password });
    expectStatus(res, 201, `create user ${key}`);
    assert.equal(res.json.role, role);
    assert.equal(res.json.team_id, teamId);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of ${key}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: `access ${key}`, scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of ${key}`);
    return { ...res.json, email, password, session, token: tok.json.token };
}

/* Per entity: a record's fields from a search word, a change, and a filter naming the word. */
const ENT = {
    companies: {
        singular: 'company',
        fields: (w, tags = []) => ({ name: `Access ${w}`, tags }),
        change: { industry: 'Changed industry' },
        changed: (rec) => rec.industry === 'Changed industry',
        byWord: (w) => `name = "Access ${w}"`,
    },
    contacts: {
        singular: 'contact',
        fields: (w, tags = []) => ({ first_name: w, last_name: 'Access', tags }),
        change: { position: 'Changed position' },
        changed: (rec) => rec.position === 'Changed position',
        byWord: (w) => `first_name = "${w}"`,
    },
};

async function createAs(actor, entity, fields) {
    const res = await W.actors[actor]('POST', `/api/v1/${entity}`, fields);
    expectStatus(res, 201, `create ${entity} as ${actor}`);
    return res.json;
}

/* A fresh record of the owner's, with its search word. */
async function ownersRecord(entity) {
    const w = word();
    const rec = await createAs('owner', entity, ENT[entity].fields(w));
    assert.equal(rec.owner_id, W.users.owner.id, 'a record created by the owner belongs to them');
    return { ...rec, word: w };
}

/* The record as the admin sees it, live or in the trash. */
async function snapshot(entity, id) {
    const live = await W.admin('GET', `/api/v1/${entity}/${id}`);
    if (live.status === 200) return live.json;
    expectStatus(live, 404, `admin reads ${entity} ${id}`);
    const trash = await W.admin('GET', `/api/v1/${entity}${qs({ filter: `id = ${id}`, trash: 'true' })}`);
    expectStatus(trash, 200, `admin lists the trash of ${entity}`);
    assert.equal(trash.json.data.length, 1, `${entity} ${id} is live or in the trash`);
    return trash.json.data[0];
}

async function expectUnchanged(entity, id, before, what) {
    const after = await snapshot(entity, id);
    assert.equal(after.version, before.version, `${what}: the version is unchanged`);
    assert.deepEqual(after, before, `${what}: the record is unchanged`);
}

/* How many records (live) the admin finds with a filter. */
async function adminCount(entity, filter) {
    const res = await W.admin('GET', `/api/v1/${entity}${qs({ filter, count: 'true', limit: 1 })}`);
    expectStatus(res, 200, `admin count ${entity} ${filter}`);
    return res.json.total;
}

/*
 * The expected answers for one record of the owner's, per entity and actor:
 * [read, create, update, delete, restore, reassign]. read: 'see' (200 and in lists),
 * 'hide' (404 and absent from lists), or 401.
 */
const UNAUTHENTICATED = [401, 401, 401, 401, 401, 401];
const MATRIX = {
    companies: {
        owner: ['see', 201, 200, 204, 200, 422],
        sameRep: ['see', 201, 403, 403, 403, 403],
        otherRep: ['hide', 201, 404, 404, 404, 404],
        sameMgr: ['see', 201, 200, 204, 200, 200],
        otherMgr: ['hide', 201, 404, 404, 404, 404],
        readOnly: ['see', 403, 403, 403, 403, 403],
        readToken: ['see', 403, 403, 403, 403, 403],
        disabled: UNAUTHENTICATED,
        revoked: UNAUTHENTICATED,
        anon: UNAUTHENTICATED,
    },
    contacts: {
        owner: ['see', 201, 200, 204, 200, 422],
        sameRep: ['hide', 201, 404, 404, 404, 404],
        otherRep: ['hide', 201, 404, 404, 404, 404],
        sameMgr: ['see', 201, 200, 204, 200, 200],
        otherMgr: ['hide', 201, 404, 404, 404, 404],
        readOnly: ['see', 403, 403, 403, 403, 403],
        readToken: ['see', 403, 403, 403, 403, 403],
        disabled: UNAUTHENTICATED,
        revoked: UNAUTHENTICATED,
        anon: UNAUTHENTICATED,
    },
};

const seeText = (read, yes, no) => (read === 'see' ? yes : read === 'hide' ? no : 'gets 401');

for (const entity of Object.keys(MATRIX)) {
    const { singular } = ENT[entity];
    describe(`the access matrix for ${entity}`, () => {
        before(setup);
        for (const [actor, [read, create, update, del, restore, reassign]] of Object.entries(MATRIX[entity])) {
            const who = LABEL[actor];
            const as = (...a) => W.actors[actor](...a);

            test(`${who} reading the owner's ${singular} by id ${seeText(read, 'gets it', 'gets 404')}`, async () => {
                const rec = await ownersRecord(entity);
                const res = await as('GET', `/api/v1/${entity}/${rec.id}`);
                if (read === 'see') {
                    expectStatus(res, 200);
                    assert.equal(res.json.id, rec.id);
                    assert.equal(res.json.owner_id, W.users.owner.id);
                } else {
                    expectProblem(res, read === 'hide' ? 404 : 401);
                }
            });

            const finds = seeText(read, "finds the owner's", "does not find the owner's");
            const counts = seeText(read, "counts the owner's", "does not count the owner's");

            test(`${who} listing ${entity} ${finds} ${singular}`, async () => {
                const rec = await ownersRecord(entity);
                const res = await as('GET', `/api/v1/${entity}${qs({ filter: `id = ${rec.id}` })}`);
                if (read === 401) return void expectProblem(res, 401);
                expectStatus(res, 200);
                assert.deepEqual(sortedIds(res.json.data), read === 'see' ? [rec.id] : []);
            });

            test(`${who} searching ${entity} with q ${finds} ${singular}`, async () => {
                const rec = await ownersRecord(entity);
                const res = await as('GET', `/api/v1/${entity}${qs({ q: rec.word })}`);
                if (read === 401) return void expectProblem(res, 401);
                expectStatus(res, 200);
                assert.deepEqual(sortedIds(res.json.data), read === 'see' ? [rec.id] : []);
                /* The admin finds it: the search works, the difference is the caller's. */
                const all = await W.admin('GET', `/api/v1/${entity}${qs({ q: rec.word })}`);
                assert.deepEqual(sortedIds(all.json.data), [rec.id]);
            });

            test(`${who} counting ${entity} ${counts} ${singular}`, async () => {
                const rec = await ownersRecord(entity);
                const res = await as('GET', `/api/v1/${entity}${qs({ filter: `id = ${rec.id}`, count: 'true' })}`);
                if (read === 401) return void expectProblem(res, 401);
                expectStatus(res, 200);
                assert.equal(res.json.total, read === 'see' ? 1 : 0, `total: ${res.text}`);
            });

            test(`${who} creating a ${singular} gets ${create}`, async () => {
                const w = word();
                const res = await as('POST', `/api/v1/${entity}`, ENT[entity].fields(w));
                if (create === 201) {
                    expectStatus(res, 201);
                    assert.equal(res.json.owner_id, W.users[actor].id, 'the creator owns the new record');
                    assert.equal(res.json.created_by, W.users[actor].id, 'created_by is the creator');
                    assert.equal(await adminCount(entity, ENT[entity].byWord(w)), 1);
                } else {
                    expectProblem(res, create);
                    assert.equal(await adminCount(entity, ENT[entity].byWord(w)), 0, 'nothing was created');
                }
            });

            test(`${who} updating the owner's ${singular} gets ${update}`, async () => {
                const rec = await ownersRecord(entity);
                const before = await snapshot(entity, rec.id);
                const res = await as('PATCH', `/api/v1/${entity}/${rec.id}`, ENT[entity].change);
                if (update === 200) {
                    expectStatus(res, 200);
                    assert.equal(res.json.version, before.version + 1);
                    const after = await snapshot(entity, rec.id);
                    assert.ok(ENT[entity].changed(after), 'the change was written');
                    assert.equal(after.owner_id, W.users.owner.id, 'the owner stays');
                } else {
                    expectProblem(res, update);
                    await expectUnchanged(entity, rec.id, before, 'a refused update');
                }
            });

            test(`${who} deleting the owner's ${singular} gets ${del}`, async () => {
                const rec = await ownersRecord(entity);
                const before = await snapshot(entity, rec.id);
                const res = await as('DELETE', `/api/v1/${entity}/${rec.id}`);
                if (del === 204) {
                    expectStatus(res, 204);
                    const after = await snapshot(entity, rec.id);
                    assert.notEqual(after.deleted_at, null, 'the record is in the trash');
                } else {
                    expectProblem(res, del);
                    await expectUnchanged(entity, rec.id, before, 'a refused delete');
                }
            });

            test(`${who} restoring the owner's ${singular} from the trash gets ${restore}`, async () => {
                const rec = await ownersRecord(entity);
                expectStatus(await W.admin('DELETE', `/api/v1/${entity}/${rec.id}`), 204, 'admin trashes it');
                const before = await snapshot(entity, rec.id);
                assert.notEqual(before.deleted_at, null);
                const res = await as('POST', `/api/v1/${entity}/${rec.id}/restore`);
                if (restore === 200) {
                    expectStatus(res, 200);
                    assert.equal(res.json.deleted_at, null);
                    expectStatus(await W.admin('GET', `/api/v1/${entity}/${rec.id}`), 200, 'live again');
                } else {
                    expectProblem(res, restore);
                    await expectUnchanged(entity, rec.id, before, 'a refused restore');
                }
            });

            test(`${who} giving the owner's ${singular} to a teammate (owner_id) gets ${reassign}`, async () => {
                const rec = await ownersRecord(entity);
                const before = await snapshot(entity, rec.id);
                const target = W.users.sameRep.id;
                const res = await as('PATCH', `/api/v1/${entity}/${rec.id}`, { owner_id: target });
                if (reassign === 200) {
                    expectStatus(res, 200);
                    assert.equal(res.json.owner_id, target);
                    assert.equal((await snapshot(entity, rec.id)).owner_id, target);
                } else {
                    if (reassign === 422) expectFieldError(res, 'owner_id');
                    else expectProblem(res, reassign);
                    await expectUnchanged(entity, rec.id, before, 'a refused reassign');
                }
            });
        }
    });
}

/*
 * Whose records each actor sees, among records owned by each of the five team members: a
 * sales rep sees the team's companies but only their own contacts; a manager the team's;
 * read_only everything.
 */
const TEAM_A = ['owner', 'sameRep', 'sameMgr'];
const TEAM_B = ['otherRep', 'otherMgr'];
const OWNERS = [...TEAM_A, ...TEAM_B];
const SEES = {
    companies: {
        owner: TEAM_A, sameRep: TEAM_A, otherRep: TEAM_B, sameMgr: TEAM_A, otherMgr: TEAM_B,
        readOnly: OWNERS, readToken: TEAM_A,
    },
    contacts: {
        owner: ['owner'], sameRep: ['sameRep'], otherRep: ['otherRep'], sameMgr: TEAM_A,
        otherMgr: TEAM_B, readOnly: OWNERS, readToken: ['owner'],
    },
};

describe('lists, searches and counts hold exactly the records the caller may see', () => {
    const tag = randomName('pop');
    const shared = word();
    const made = { companies: {}, contacts: {} };
    before(async () => {
        await setup();
        for (const entity of Object.keys(made)) {
            for (const owner of OWNERS) {
                const fields = ENT[entity].fields(`${shared} ${word()}`, [tag]);
                if (entity === 'contacts') fields.first_name = shared;
                if (entity === 'companies') fields.name = `Access ${shared} ${word()}`;
                made[entity][owner] = await createAs(owner, entity, fields);
                assert.equal(made[entity][owner].owner_id, W.users[owner].id);
            }
        }
    });

    for (const entity of Object.keys(SEES)) {
        for (const [actor, owners] of Object.entries(SEES[entity])) {
            const whose = owners.length === OWNERS.length ? 'everyone' : owners.join(', ');
            test(`${LABEL[actor]} gets the ${entity} of ${whose} only`, async () => {
                const expected = owners.map((o) => made[entity][o].id).sort(byNumber);
                const as = W.actors[actor];
                const filter = `tags contains "${tag}"`;
                const listed = await as('GET', `/api/v1/${entity}${qs({ filter, count: 'true', limit: 100 })}`);
                expectStatus(listed, 200);
                assert.deepEqual(sortedIds(listed.json.data), expected, 'the list');
                assert.equal(listed.json.total, expected.length, 'the count');
                const found = await as('GET', `/api/v1/${entity}${qs({ q: shared, count: 'true', limit: 100 })}`);
                expectStatus(found, 200);
                assert.deepEqual(sortedIds(found.json.data), expected, 'the search');
                assert.equal(found.json.total, expected.length, 'the count of the search');
            });
        }
    }

    test('the admin gets all of them (the lists above are narrowed by the caller, not empty)', async () => {
        for (const entity of Object.keys(made)) {
            const filter = `tags contains "${tag}"`;
            const res = await W.admin('GET', `/api/v1/${entity}${qs({ filter, count: 'true' })}`);
            expectStatus(res, 200);
            assert.equal(res.json.total, OWNERS.length);
        }
    });
});

describe('a sales rep and their team', () => {
    before(setup);

    test("a sales rep sees their teammate's companies but not their teammate's contacts", async () => {
        const company = await createAs('sameRep', 'companies', ENT.companies.fields(word()));
        const contact = await createAs('sameRep', 'contacts', ENT.contacts.fields(word()));
        const owner = W.actors.owner;
        expectStatus(await owner('GET', `/api/v1/companies/${company.id}`), 200);
        expectProblem(await owner('GET', `/api/v1/contacts/${contact.id}`), 404);
        const companies = await owner('GET', `/api/v1/companies${qs({ filter: `id = ${company.id}` })}`);
        assert.deepEqual(sortedIds(companies.json.data), [company.id]);
        const contacts = await owner('GET', `/api/v1/contacts${qs({ filter: `id = ${contact.id}` })}`);
        expectStatus(contacts, 200);
        assert.deepEqual(contacts.json.data, []);
        /* ...and the manager of the team sees both. */
        expectStatus(await W.actors.sameMgr('GET', `/api/v1/contacts/${contact.id}`), 200);
    });

    test('a record in the trash is as invisible to outsiders as a live one', async () => {
        const rec = await ownersRecord('contacts');
        expectStatus(await W.actors.owner('DELETE', `/api/v1/contacts/${rec.id}`), 204);
        const own = await W.actors.owner('GET', `/api/v1/contacts${qs({ filter: `id = ${rec.id}`, trash: 'true' })}`);
        expectStatus(own, 200);
        assert.deepEqual(sortedIds(own.json.data), [rec.id], "the owner sees it in the trash");
        for (const actor of ['sameRep', 'otherRep', 'otherMgr']) {
            const res = await W.actors[actor]('GET',
                `/api/v1/contacts${qs({ filter: `id = ${rec.id}`, trash: 'true' })}`);
            expectStatus(res, 200, actor);
            assert.deepEqual(res.json.data, [], `${actor} does not see it in the trash`);
        }
    });
});

describe('owner_id on create', () => {
    before(setup);

    test('a sales rep naming another owner gets 422 on owner_id and nothing is created', async () => {
        for (const entity of Object.keys(ENT)) {
            const w = word();
            const res = await W.actors.owner('POST', `/api/v1/${entity}`,
                { ...ENT[entity].fields(w), owner_id: W.users.sameRep.id });
            expectFieldError(res, 'owner_id', entity);
            assert.equal(await adminCount(entity, ENT[entity].byWord(w)), 0, `no ${entity} created`);
        }
    });

    test('a manager may create a record for a member of their team but not for someone of another team', async () => {
        for (const entity of Object.keys(ENT)) {
            const mine = await W.actors.sameMgr('POST', `/api/v1/${entity}`,
                { ...ENT[entity].fields(word()), owner_id: W.users.sameRep.id });
            expectStatus(mine, 201, entity);
            assert.equal(mine.json.owner_id, W.users.sameRep.id);
            const w = word();
            const theirs = await W.actors.sameMgr('POST', `/api/v1/${entity}`,
                { ...ENT[entity].fields(w), owner_id: W.users.otherRep.id });
            expectFieldError(theirs, 'owner_id', entity);
            assert.equal(await adminCount(entity, ENT[entity].byWord(w)), 0, `no ${entity} created`);
        }
    });
});

describe("a contact's links to companies the caller cannot see", () => {
    let hidden;
    let shown;
    let extra;
    let contact;
    const byId = (a, b) => a.id - b.id;
    before(async () => {
        await setup();
        hidden = await createAs('otherRep', 'companies', ENT.companies.fields(word()));
        shown = await createAs('owner', 'companies', ENT.companies.fields(word()));
        extra = await createAs('owner', 'companies', ENT.companies.fields(word()));
        expectProblem(await W.actors.owner('GET', `/api/v1/companies/${hidden.id}`), 404, 'the owner cannot see it');
        const res = await W.admin('POST', '/api/v1/contacts', {
            first_name: word(), owner_id: W.users.owner.id,
            companies: [{ id: hidden.id, role: 'Supplier' }, { id: shown.id, role: 'Buyer' }],
        });
        expectStatus(res, 201, 'admin links a contact of the owner to both companies');
        contact = res.json;
        assert.equal(contact.owner_id, W.users.owner.id);
        assert.deepEqual([...contact.company_ids].sort(byNumber), [hidden.id, shown.id].sort(byNumber));
    });

    test('leave the invisible company out of the contact, by id and in lists', async () => {
        const one = await W.actors.owner('GET', `/api/v1/contacts/${contact.id}`);
        expectStatus(one, 200);
        assert.deepEqual(one.json.companies.map((c) => c.id), [shown.id]);
        assert.deepEqual(one.json.company_ids, [shown.id]);
        assert.ok(!one.text.includes(hidden.name), "the invisible company's name is nowhere in the answer");
        const page = await W.actors.owner('GET', `/api/v1/contacts${qs({ filter: `id = ${contact.id}` })}`);
        expectStatus(page, 200);
        assert.deepEqual(page.json.data[0].companies.map((c) => c.id), [shown.id]);
        assert.deepEqual(page.json.data[0].company_ids, [shown.id]);
        /* The admin sees both links. */
        const all = await W.admin('GET', `/api/v1/contacts/${contact.id}`);
        assert.deepEqual(all.json.companies.map((c) => c.id).sort(byNumber), [hidden.id, shown.id].sort(byNumber));
    });

    test('are kept when the caller rewrites company_ids or companies', async () => {
        let res = await W.actors.owner('PATCH', `/api/v1/contacts/${contact.id}`,
            { company_ids: [shown.id, extra.id] });
        expectStatus(res, 200);
        let all = (await W.admin('GET', `/api/v1/contacts/${contact.id}`)).json;
        assert.deepEqual([...all.company_ids].sort(byNumber), [hidden.id, shown.id, extra.id].sort(byNumber),
            'the link to the invisible company is still there');
        assert.equal(all.companies.find((c) => c.id === hidden.id).role, 'Supplier', 'with its role');

        res = await W.actors.owner('PATCH', `/api/v1/contacts/${contact.id}`, { companies: [] });
        expectStatus(res, 200);
        all = (await W.admin('GET', `/api/v1/contacts/${contact.id}`)).json;
        assert.deepEqual(all.company_ids, [hidden.id], 'clearing the visible links keeps the invisible one');
    });

    test("are left out of the answer to the caller's own update", async () => {
        const rec = (await W.admin('POST', '/api/v1/contacts', {
            first_name: word(), owner_id: W.users.owner.id, company_ids: [hidden.id, shown.id],
        })).json;
        const res = await W.actors.owner('PATCH', `/api/v1/contacts/${rec.id}`, { position: 'Buyer' });
        expectStatus(res, 200);
        assert.deepEqual(res.json.companies.map((c) => c.id), [shown.id], `companies in ${res.text}`);
        assert.deepEqual(res.json.company_ids, [shown.id]);
        assert.ok(!res.text.includes(hidden.name), "the invisible company's name is not in the answer");
        /* ...nor in the answer to a restore. */
        expectStatus(await W.actors.owner('DELETE', `/api/v1/contacts/${rec.id}`), 204);
        const back = await W.actors.owner('POST', `/api/v1/contacts/${rec.id}/restore`);
        expectStatus(back, 200);
        assert.deepEqual(back.json.company_ids, [shown.id], `company_ids in ${back.text}`);
        assert.ok(!back.text.includes(hidden.name), "the invisible company's name is not in the answer");
    });

    test('naming the invisible company is refused as if it did not exist', async () => {
        const w = word();
        expectFieldError(await W.actors.owner('POST', '/api/v1/contacts',
            { first_name: w, company_ids: [hidden.id] }), /^company_ids/);
        assert.equal(await adminCount('contacts', `first_name = "${w}"`), 0);
        const before = await snapshot('contacts', contact.id);
        expectFieldError(await W.actors.owner('PATCH', `/api/v1/contacts/${contact.id}`,
            { company_ids: [shown.id, hidden.id] }), /^company_ids/);
        await expectUnchanged('contacts', contact.id, before, 'a refused link');
    });
});

describe('field rights of a custom role', () => {
    let user;
    let as;
    let contact;
    before(async () => {
        await setup();
        const roles = await W.admin('GET', '/api/v1/roles');
        expectStatus(roles, 200);
        const rep = roles.json.data.find((r) => r.name === 'sales_rep');
        assert.ok(rep, 'the built-in sales_rep role is listed');
        const role = await W.admin('POST', '/api/v1/roles', {
            name: `no_birthday_${word(6)}`, label: 'Sales rep without birthdays',
            permissions: rep.permissions,
            fields: { contacts: { birthday: 'hidden', source: 'read_only' } },
        });
        expectStatus(role, 201, 'create the role');
        assert.deepEqual(role.json.fields, { contacts: { birthday: 'hidden', source: 'read_only' } });
        user = await makeSignedInUser(W.srv, 'fields', role.json.name, W.teams.A.id);
        as = (method, path, body, headers = {}) =>
            W.srv.api(method, path, body, { Authorization: `Bearer ${user.token}`, ...headers });
        const res = await W.admin('POST', '/api/v1/contacts', {
            first_name: word(), birthday: '1990-05-17', source: 'Referral', owner_id: user.id,
        });
        expectStatus(res, 201);
        contact = res.json;
    });

    test('/auth/me tells the user which fields are hidden or read-only', async () => {
        const me = await as('GET', '/api/v1/auth/me');
        expectStatus(me, 200);
        assert.equal(me.json.fields?.contacts?.birthday, 'hidden');
        assert.equal(me.json.fields?.contacts?.source, 'read_only');
    });

    test('a hidden field is left out of the record and of lists; a read-only one is shown', async () => {
        const one = await as('GET', `/api/v1/contacts/${contact.id}`);
        expectStatus(one, 200);
        assert.ok(!('birthday' in one.json), `no birthday in ${one.text}`);
        assert.ok(!one.text.includes('1990-05-17'), 'the value is nowhere in the answer');
        assert.equal(one.json.source, 'Referral');
        const page = await as('GET', `/api/v1/contacts${qs({ filter: `id = ${contact.id}` })}`);
        expectStatus(page, 200);
        assert.equal(page.json.data.length, 1);
        assert.ok(!('birthday' in page.json.data[0]), 'no birthday in the list');
        assert.equal(page.json.data[0].source, 'Referral');
        const picked = await as('GET',
            `/api/v1/contacts${qs({ filter: `id = ${contact.id}`, fields: 'birthday,source' })}`);
        assert.ok(picked.status === 400 || (picked.status === 200 && !picked.text.includes('1990-05-17')),
            `asking for the field by name does not reveal it: ${picked.status} ${picked.text.slice(0, 300)}`);
        /* The admin sees it: the field is there, the role hides it. */
        assert.equal((await snapshot('contacts', contact.id)).birthday, '1990-05-17');
    });

    test('search with q still works when no searched field is hidden, and is refused when one is', async () => {
        expectStatus(await as('GET', `/api/v1/contacts${qs({ q: contact.first_name })}`), 200);
        const roles = await W.admin('GET', '/api/v1/roles');
        const rep = roles.json.data.find((r) => r.name === 'sales_rep');
        const role = await W.admin('POST', '/api/v1/roles', {
            name: `no_position_${word(6)}`, label: 'Sales rep without positions',
            permissions: rep.permissions, fields: { contacts: { position: 'hidden' } },
        });
        expectStatus(role, 201, 'create the role');
        const other = await makeSignedInUser(W.srv, 'positions', role.json.name, W.teams.A.id);
        const search = await W.srv.api('GET', `/api/v1/contacts${qs({ q: 'Engineer' })}`, undefined,
            { Authorization: `Bearer ${other.token}` });
        const p = expectProblem(search, 400, 'q over a hidden position would find records by it');
        assert.ok(p.errors?.some((e) => e.field === 'q'), `a field error on q: ${search.text}`);
    });

    test('filtering or sorting on a hidden field is a 400', async () => {
        expectProblem(await as('GET', `/api/v1/contacts${qs({ filter: 'birthday = "1990-05-17"' })}`), 400);
        expectProblem(await as('GET', `/api/v1/contacts${qs({ filter: 'birthday is not null' })}`), 400);
        expectProblem(await as('GET', `/api/v1/contacts${qs({ sort: 'birthday' })}`), 400);
        /* The read-only field may be filtered on, and the admin may filter on both. */
        expectStatus(await as('GET', `/api/v1/contacts${qs({ filter: 'source = "Referral"' })}`), 200);
        expectStatus(await W.admin('GET', `/api/v1/contacts${qs({ filter: 'birthday = "1990-05-17"' })}`), 200);
    });

    test('writing the hidden field is a 422 on it and changes nothing', async () => {
        const w = word();
        expectFieldError(await as('POST', '/api/v1/contacts', { first_name: w, birthday: '2000-01-01' }), 'birthday');
        assert.equal(await adminCount('contacts', `first_name = "${w}"`), 0, 'nothing created');
        const before = await snapshot('contacts', contact.id);
        expectFieldError(await as('PATCH', `/api/v1/contacts/${contact.id}`, { birthday: '2000-01-01' }), 'birthday');
        expectFieldError(await as('PATCH', `/api/v1/contacts/${contact.id}`, { birthday: null }), 'birthday');
        await expectUnchanged('contacts', contact.id, before, 'a refused write of a hidden field');
    });

    test('writing the read-only field is a 422 on it and changes nothing', async () => {
        const w = word();
        expectFieldError(await as('POST', '/api/v1/contacts', { first_name: w, source: 'Cold call' }), 'source');
        assert.equal(await adminCount('contacts', `first_name = "${w}"`), 0, 'nothing created');
        const before = await snapshot('contacts', contact.id);
        expectFieldError(await as('PATCH', `/api/v1/contacts/${contact.id}`, { source: 'Cold call' }), 'source');
        await expectUnchanged('contacts', contact.id, before, 'a refused write of a read-only field');
    });

    test('a change to other fields keeps the hidden and read-only values', async () => {
        const res = await as('PATCH', `/api/v1/contacts/${contact.id}`, { position: 'Analyst' });
        expectStatus(res, 200);
        assert.ok(!('birthday' in res.json), 'the answer leaves the hidden field out too');
        const after = await snapshot('contacts', contact.id);
        assert.equal(after.position, 'Analyst');
        assert.equal(after.birthday, '1990-05-17');
        assert.equal(after.source, 'Referral');
    });

    test("the record's history leaves the hidden field out of the changes", async () => {
        expectStatus(await W.admin('PATCH', `/api/v1/contacts/${contact.id}`,
            { birthday: '1991-06-18', position: 'Senior analyst' }), 200);
        const hist = await as('GET', `/api/v1/audit${qs({ entity: 'contacts', id: contact.id })}`);
        expectStatus(hist, 200);
        assert.ok(hist.json.data.length >= 2, 'the create and the updates are listed');
        for (const e of hist.json.data) {
            assert.ok(!(e.changes && 'birthday' in e.changes), `no birthday in ${JSON.stringify(e)}`);
        }
        assert.ok(!hist.text.includes('1990-05-17') && !hist.text.includes('1991-06-18'),
            'no birthday value anywhere');
        assert.deepEqual(hist.json.data[0].changes, { position: ['Analyst', 'Senior analyst'] });
        /* The admin's view has it. */
        const full = await W.admin('GET', `/api/v1/audit${qs({ entity: 'contacts', id: contact.id })}`);
        assert.deepEqual(full.json.data[0].changes.birthday, ['1990-05-17', '1991-06-18']);
    });
});

describe('the record history', () => {
    before(setup);

    test('an update to a contact shows in its history with the user, the action and the changes', async () => {
        const created = await createAs('owner', 'contacts', { first_name: word(), position: 'Buyer' });
        const res = await W.actors.owner('PATCH', `/api/v1/contacts/${created.id}`, { position: 'Head buyer' });
        expectStatus(res, 200);
        const hist = await W.admin('GET', `/api/v1/audit${qs({ entity: 'contacts', id: created.id })}`);
        expectStatus(hist, 200);
        assert.ok(Array.isArray(hist.json.data) && 'next_cursor' in hist.json, 'a page: {data, next_cursor}');
        assert.deepEqual(hist.json.data.map((e) => e.action), ['update', 'create'], 'newest first');
        const [update, create] = hist.json.data;
        assert.equal(update.user_id, W.users.owner.id);
        assert.equal(update.user_name, W.users.owner.name);
        assert.equal(update.entity, 'contacts');
        assert.equal(update.record_id, created.id);
        assert.deepEqual(update.changes, { position: ['Buyer', 'Head buyer'] });
        assert.match(update.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        assert.ok(update.id > create.id);
        assert.equal(create.user_id, W.users.owner.id);
        assert.deepEqual(create.changes.position, [null, 'Buyer']);
        /* The owner may read their record's history too. */
        const own = await W.actors.owner('GET', `/api/v1/audit${qs({ entity: 'contacts', id: created.id })}`);
        expectStatus(own, 200);
        assert.equal(own.json.data.length, 2);
    });

    test('the history of a record the caller may not see is 404', async () => {
        const contact = await ownersRecord('contacts');
        const company = await ownersRecord('companies');
        const path = (entity, id) => `/api/v1/audit${qs({ entity, id })}`;
        for (const actor of ['sameRep', 'otherRep', 'otherMgr']) {
            expectProblem(await W.actors[actor]('GET', path('contacts', contact.id)), 404, `${actor}, contact`);
        }
        for (const actor of ['otherRep', 'otherMgr']) {
            expectProblem(await W.actors[actor]('GET', path('companies', company.id)), 404, `${actor}, company`);
        }
        expectStatus(await W.actors.sameRep('GET', path('companies', company.id)), 200, "a teammate's company");
        expectStatus(await W.actors.sameMgr('GET', path('contacts', contact.id)), 200, 'the manager');
        expectProblem(await W.actors.anon('GET', path('contacts', contact.id)), 401);
        expectProblem(await W.admin('GET', path('contacts', 987654321)), 404, 'a record that does not exist');
    });
});
