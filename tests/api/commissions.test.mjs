/*
 * Commissions: rules at /api/v1/commission-rules (administrators write, everyone signed in
 * reads; bodies are 422s naming the field, such as tiers[1].from; every change is in the
 * security log) and the quarterly report at /api/v1/commissions: won deals of the quarter per
 * owner, each counted for the first active rule by position that matches its pipeline and
 * product series, the tier reached applying to the rule's whole volume, deals no rule covers
 * and deals without an exchange rate counted apart; a sales rep sees their own row, a manager
 * their team's, and a user_id outside the caller's scope is a 404.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    expectFieldError, expectProblem, expectStatus, randomName, useServer,
} from './server.mjs';

const S = useServer({ args: ['--base-currency', 'EUR'] });
let srv;

const STAGES = [
    { name: 'Open', probability: 10, kind: 'open' },
    { name: 'Won', probability: 100, kind: 'won' },
    { name: 'Lost', probability: 0, kind: 'lost' },
];

async function createPipeline() {
    const res = await srv.api('POST', '/api/v1/pipelines', { name: `Commissions ${randomName()}`, stages: STAGES });
    expectStatus(res, 201, 'create pipeline');
    return res.json;
}

async function createRule(body) {
    const res = await srv.api('POST', '/api/v1/commission-rules', { name: `Rule ${randomName()}`, ...body });
    expectStatus(res, 201, `create rule ${JSON.stringify(body)}`);
    return res.json;
}

/* A user of the role (in the team, if any) signed in with an API token: { id, api() }. */
async function makeUser(role, teamId = null) {
    const email = `${role}-${randomName()}@commissions.example.com`;
    const password = `pw ${randomName()} ${role}`;
    const res = await srv.api('POST', '/api/v1/users',
        { email, name: `${role} ${randomName()}`, role, password, team_id: teamId });
    expectStatus(res, 201, `create a ${role}`);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of the ${role}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'commissions', scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of the ${role}`);
    const token = tok.json.token;
    return {
        id: res.json.id,
        name: res.json.name,
        api: (method, path, body, headers = {}) =>
            srv.api(method, path, body, { Authorization: `Bearer ${token}`, ...headers }),
    };
}

/* The newest security log entries with this action. */
async function securityEntries(action) {
    const res = await srv.api('GET', `/api/v1/audit/security?action=${action}&limit=100`);
    expectStatus(res, 200, `security log ${action}`);
    return res.json.data;
}

/* The quarter of a date, as the report names it. */
function quarterOf(date) {
    return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

const money = (amount) => ({ amount, currency: 'EUR' });

describe('commission rules', () => {
    let rep;
    let pipeline;

    before(async () => {
        srv = await S.start();
        rep = await makeUser('sales_rep');
        pipeline = await createPipeline();
    });

    test('a rule is created with canonical tiers, read by everyone, changed with If-Match and deleted', async () => {
        const name = `Hardware ${randomName()}`;
        let res = await srv.api('POST', '/api/v1/commission-rules', {
            name: `  ${name} `, pipeline_id: pipeline.id, series: ' GTX ',
            tiers: [{ from: '0', percent: '3' }, { from: '10000', percent: '4.50' }],
        });
        expectStatus(res, 201);
        const rule = res.json;
        assert.equal(res.headers.get('location'), `/api/v1/commission-rules/${rule.id}`);
        assert.equal(res.headers.get('etag'), '"1"');
        assert.equal(rule.name, name);
        assert.equal(rule.pipeline_id, pipeline.id);
        assert.equal(rule.series, 'GTX');
        assert.deepEqual(rule.tiers, [{ from: '0.00', percent: '3' }, { from: '10000.00', percent: '4.5' }]);
        assert.equal(rule.active, true);
        assert.equal(rule.version, 1);
        assert.ok(Number.isInteger(rule.position));

        res = await rep.api('GET', `/api/v1/commission-rules/${rule.id}`);
        expectStatus(res, 200, 'a sales rep reads a rule');
        assert.deepEqual(res.json, rule);
        res = await rep.api('GET', '/api/v1/commission-rules');
        expectStatus(res, 200);
        assert.ok(res.json.data.some((r) => r.id === rule.id));
        assert.equal(res.json.next_cursor, null);

        res = await srv.api('PATCH', `/api/v1/commission-rules/${rule.id}`,
            { series: null, active: false }, { 'If-Match': '"1"' });
        expectStatus(res, 200);
        assert.equal(res.json.series, null);
        assert.equal(res.json.active, false);
        assert.equal(res.json.version, 2);
        res = await srv.api('PATCH', `/api/v1/commission-rules/${rule.id}`, { name: 'Stale' }, { 'If-Match': '"1"' });
        expectProblem(res, 412);
        res = await srv.api('PATCH', `/api/v1/commission-rules/${rule.id}`, { active: false });
        expectStatus(res, 200, 'a PATCH that changes nothing');
        assert.equal(res.json.version, 2);

        expectProblem(await srv.api('DELETE', `/api/v1/commission-rules/${rule.id}`, undefined, { 'If-Match': '"1"' }), 412);
        expectStatus(await srv.api('DELETE', `/api/v1/commission-rules/${rule.id}`), 204);
        expectProblem(await srv.api('GET', `/api/v1/commission-rules/${rule.id}`), 404);
        expectProblem(await srv.api('DELETE', `/api/v1/commission-rules/${rule.id}`), 404);
    });

    test('bad rules are 422s naming the field, and nothing is written', async () => {
        const count = async () => (await srv.api('GET', '/api/v1/commission-rules')).json.data.length;
        const before = await count();
        const ok = [{ from: '0', percent: '3' }];
        const cases = [
            [{ tiers: ok }, 'name'],
            [{ name: '' }, 'tiers'],
            [{ name: 'x'.repeat(101), tiers: ok }, 'name'],
            [{ name: 'a', tiers: [] }, 'tiers'],
            [{ name: 'a', tiers: [{ from: '100', percent: '3' }] }, 'tiers[0].from'],
            [{ name: 'a', tiers: [{ from: '0', percent: '3' }, { from: '0', percent: '4' }] }, 'tiers[1].from'],
            [{ name: 'a', tiers: [{ from: '0', percent: '3' }, { from: '10.555', percent: '4' }] }, 'tiers[1].from'],
            [{ name: 'a', tiers: [{ from: '0', percent: '3' }, { from: '-5', percent: '4' }] }, 'tiers[1].from'],
            [{ name: 'a', tiers: [{ from: '0', percent: '101' }] }, 'tiers[0].percent'],
            [{ name: 'a', tiers: [{ from: '0', percent: '1.23456' }] }, 'tiers[0].percent'],
            [{ name: 'a', tiers: [{ from: '0', percent: '3', upto: '9' }] }, 'tiers[0].upto'],
            [{ name: 'a', tiers: ok, pipeline_id: 999999 }, 'pipeline_id'],
            [{ name: 'a', tiers: ok, pipeline_id: 'one' }, 'pipeline_id'],
            [{ name: 'a', tiers: ok, series: 7 }, 'series'],
            [{ name: 'a', tiers: ok, active: 'yes' }, 'active'],
            [{ name: 'a', tiers: ok, rate: 3 }, 'rate'],
            [{ name: 'a', tiers: ok, version: 3 }, 'version'],
        ];
        for (const [body, field] of cases) {
            expectFieldError(await srv.api('POST', '/api/v1/commission-rules', body), field, JSON.stringify(body));
        }
        assert.equal(await count(), before);

        const rule = await createRule({ pipeline_id: pipeline.id, tiers: ok });
        let res = await srv.api('POST', '/api/v1/commission-rules', { name: rule.name, tiers: ok });
        expectProblem(res, 409);
        assert.equal(res.json.errors[0].field, 'name');
        res = await srv.api('PATCH', `/api/v1/commission-rules/${rule.id}`, { tiers: [{ from: '5', percent: '1' }] });
        expectFieldError(res, 'tiers[0].from');
        expectStatus(await srv.api('DELETE', `/api/v1/commission-rules/${rule.id}`), 204);
    });

    test('only administrators write rules', async () => {
        const rule = await createRule({ pipeline_id: pipeline.id, tiers: [{ from: '0', percent: '1' }] });
        expectProblem(await rep.api('POST', '/api/v1/commission-rules',
            { name: `Mine ${randomName()}`, tiers: [{ from: '0', percent: '50' }] }), 403);
        expectProblem(await rep.api('PATCH', `/api/v1/commission-rules/${rule.id}`, { active: false }), 403);
        expectProblem(await rep.api('DELETE', `/api/v1/commission-rules/${rule.id}`), 403);
        const res = await srv.api('GET', `/api/v1/commission-rules/${rule.id}`);
        assert.equal(res.json.version, 1, 'nothing changed');
        expectStatus(await srv.api('DELETE', `/api/v1/commission-rules/${rule.id}`), 204);
    });

    test('every change is in the security log with what changed', async () => {
        const rule = await createRule({ pipeline_id: pipeline.id, tiers: [{ from: '0', percent: '2' }] });
        const created = (await securityEntries('commission_rule_created')).find((e) => e.record_id === rule.id);
        assert.ok(created, 'commission_rule_created is logged');
        assert.equal(created.entity, 'commission_rules');
        assert.equal(created.user_id, srv.adminId);
        assert.deepEqual(created.changes.name, [null, rule.name]);
        assert.deepEqual(created.changes.tiers, [null, rule.tiers]);

        const tiers = [{ from: '0', percent: '2' }, { from: '500', percent: '3' }];
        expectStatus(await srv.api('PATCH', `/api/v1/commission-rules/${rule.id}`, { tiers }), 200);
        const updated = (await securityEntries('commission_rule_updated')).find((e) => e.record_id === rule.id);
        assert.ok(updated, 'commission_rule_updated is logged');
        assert.deepEqual(updated.changes.tiers[1], [{ from: '0.00', percent: '2' }, { from: '500.00', percent: '3' }]);
        assert.ok(!('name' in updated.changes), 'only what changed is logged');

        expectStatus(await srv.api('DELETE', `/api/v1/commission-rules/${rule.id}`), 204);
        const deleted = (await securityEntries('commission_rule_deleted')).find((e) => e.record_id === rule.id);
        assert.ok(deleted, 'commission_rule_deleted is logged');
        assert.equal(deleted.detail.name, rule.name);
    });
});

describe('the commission report', () => {
    let p1, p2, wonReason, lostReason;
    let gtx, rtx, plain;      /* products: series GTX, series RTX, no series */
    let team, otherTeam;
    let rep1, rep2, manager, otherRep;
    let ruleGtx, ruleP1, ruleRtx;
    let quarter;

    /* A deal of owner in pipeline, moved to won (or lost, or left open). */
    async function deal(owner, pipeline, amount, { product, currency = 'EUR', end = 'won' } = {}) {
        let res = await srv.api('POST', '/api/v1/deals', {
            title: `Deal ${randomName()}`, pipeline_id: pipeline.id, owner_id: owner.id,
            amount: { amount, currency }, product_id: product ? product.id : null,
        });
        expectStatus(res, 201, 'create deal');
        const created = res.json;
        if (end === 'open') return created;
        const stage = pipeline.stages.find((s) => s.kind === end);
        res = await srv.api('POST', `/api/v1/deals/${created.id}/move`,
            { stage_id: stage.id, reason_id: end === 'won' ? wonReason.id : lostReason.id });
        expectStatus(res, 200, `move deal to ${end}`);
        return res.json;
    }

    async function report(as, query = '') {
        const res = await as.api('GET', `/api/v1/commissions${query}`);
        expectStatus(res, 200, `report ${query}`);
        return res.json;
    }

    const rowOf = (r, user) => r.data.find((row) => row.user_id === user.id);
    const ruleLine = (row, rule) => row.rules.find((l) => l.rule_id === rule.id);
    const admin = { api: (...a) => srv.api(...a) };

    before(async () => {
        srv = await S.start();
        p1 = await createPipeline();
        p2 = await createPipeline();
        let res = await srv.api('POST', '/api/v1/deal-reasons', { kind: 'won', name: `Won ${randomName()}` });
        expectStatus(res, 201);
        wonReason = res.json;
        res = await srv.api('POST', '/api/v1/deal-reasons', { kind: 'lost', name: `Lost ${randomName()}` });
        expectStatus(res, 201);
        lostReason = res.json;
        const product = async (series) => {
            const r = await srv.api('POST', '/api/v1/products',
                { sku: randomName('SKU-'), name: `Product ${series}`, series, price: money('10') });
            expectStatus(r, 201, 'create product');
            return r.json;
        };
        gtx = await product('GTX');
        rtx = await product('RTX');
        plain = await product(null);
        res = await srv.api('POST', '/api/v1/teams', { name: `Commission team ${randomName()}` });
        expectStatus(res, 201);
        team = res.json;
        res = await srv.api('POST', '/api/v1/teams', { name: `Other team ${randomName()}` });
        expectStatus(res, 201);
        otherTeam = res.json;
        rep1 = await makeUser('sales_rep', team.id);
        rep2 = await makeUser('sales_rep', team.id);
        manager = await makeUser('manager', team.id);
        otherRep = await makeUser('sales_rep', otherTeam.id);

        /* By position: GTX in p1 first, then anything in p1, then RTX anywhere (inactive). */
        ruleGtx = await createRule({ pipeline_id: p1.id, series: 'gtx', position: 100,
            tiers: [{ from: '0', percent: '3' }, { from: '1000', percent: '5' }] });
        ruleP1 = await createRule({ pipeline_id: p1.id, position: 101, tiers: [{ from: '0', percent: '1' }] });
        ruleRtx = await createRule({ series: 'RTX', position: 102, active: false, tiers: [{ from: '0', percent: '2' }] });

        await deal(rep1, p1, '600', { product: gtx });
        await deal(rep1, p1, '500', { product: gtx });
        await deal(rep1, p1, '200', { product: plain });
        await deal(rep1, p1, '150');
        await deal(rep1, p2, '300', { product: gtx });                        /* no rule: p2 */
        await deal(rep1, p1, '100000', { product: gtx, currency: 'JPY' });   /* no JPY rate */
        await deal(rep1, p1, '999', { product: gtx, end: 'lost' });
        await deal(rep1, p1, '777', { product: gtx, end: 'open' });
        const trashed = await deal(rep1, p1, '50', { product: gtx });
        expectStatus(await srv.api('DELETE', `/api/v1/deals/${trashed.id}`), 204);
        await deal(rep2, p2, '250', { product: rtx });
        await deal(otherRep, p1, '100');
        quarter = quarterOf(new Date());
    });

    test('won deals count for the first matching rule, at the tier their rule volume reaches', async () => {
        const r = await report(admin, `?quarter=${quarter}`);
        assert.equal(r.quarter, quarter);
        assert.equal(r.base_currency, 'EUR');
        assert.match(r.from, /^\d{4}-\d{2}-01$/);
        assert.match(r.to, /^\d{4}-\d{2}-3[01]$/);
        const row = rowOf(r, rep1);
        assert.ok(row, 'rep1 has a row');
        assert.equal(row.user_name, rep1.name);
        assert.equal(row.team_id, team.id);
        assert.equal(row.won_count, 6, 'won deals: not the lost, open or trashed ones');
        assert.deepEqual(row.volume, money('1750.00'), 'the JPY deal without a rate is left out');
        assert.equal(row.unconverted_count, 1);

        const g = ruleLine(row, ruleGtx);
        assert.equal(g.name, ruleGtx.name);
        assert.equal(g.won_count, 3, 'two GTX deals and the unconverted one');
        assert.equal(g.unconverted_count, 1);
        assert.deepEqual(g.volume, money('1100.00'));
        assert.deepEqual(g.tier, { from: '1000.00', percent: '5' });
        assert.deepEqual(g.commission, money('55.00'), '5 % of the whole 1100, not only above 1000');

        const p = ruleLine(row, ruleP1);
        assert.equal(p.won_count, 2, 'a product without series and no product at all');
        assert.deepEqual(p.volume, money('350.00'));
        assert.deepEqual(p.tier, { from: '0.00', percent: '1' });
        assert.deepEqual(p.commission, money('3.50'));

        assert.equal(ruleLine(row, ruleRtx), undefined, 'an inactive rule takes nothing');
        assert.deepEqual(row.rules.map((l) => l.rule_id), [ruleGtx.id, ruleP1.id], 'rules in priority order');
        assert.deepEqual(row.commission, money('58.50'));
        assert.equal(row.uncovered_count, 1);
        assert.deepEqual(row.uncovered_volume, money('300.00'));

        const row2 = rowOf(r, rep2);
        assert.equal(row2.won_count, 1);
        assert.deepEqual(row2.rules, []);
        assert.equal(row2.uncovered_count, 1);
        assert.deepEqual(row2.commission, money('0.00'));
        const other = rowOf(r, otherRep);
        assert.deepEqual(ruleLine(other, ruleP1).commission, money('1.00'));
        assert.equal(rowOf(r, manager), undefined, 'no row for someone without won deals');

        const names = r.data.map((x) => x.user_name);
        assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'ordered by name');
    });

    test('the order and the active flag of the rules decide where a deal counts', async () => {
        let res = await srv.api('PATCH', `/api/v1/commission-rules/${ruleP1.id}`, { position: 99 });
        expectStatus(res, 200);
        res = await srv.api('PATCH', `/api/v1/commission-rules/${ruleRtx.id}`, { active: true });
        expectStatus(res, 200);
        try {
            const r = await report(admin, `?quarter=${quarter}`);
            const row = rowOf(r, rep1);
            assert.equal(ruleLine(row, ruleGtx), undefined, 'every p1 deal now counts for the p1 rule first');
            const p = ruleLine(row, ruleP1);
            assert.equal(p.won_count, 5);
            assert.deepEqual(p.volume, money('1450.00'));
            assert.deepEqual(p.commission, money('14.50'));
            assert.deepEqual(ruleLine(rowOf(r, rep2), ruleRtx).commission, money('5.00'), 'RTX in any pipeline');
        } finally {
            expectStatus(await srv.api('PATCH', `/api/v1/commission-rules/${ruleP1.id}`, { position: 101 }), 200);
            expectStatus(await srv.api('PATCH', `/api/v1/commission-rules/${ruleRtx.id}`, { active: false }), 200);
        }
    });

    test('a sales rep sees only their own row', async () => {
        let r = await report(rep1, `?quarter=${quarter}`);
        assert.deepEqual(r.data.map((x) => x.user_id), [rep1.id]);
        assert.deepEqual(r.data[0].commission, money('58.50'));
        r = await report(rep1, `?quarter=${quarter}&user_id=${rep1.id}`);
        assert.deepEqual(r.data.map((x) => x.user_id), [rep1.id]);
        expectProblem(await rep1.api('GET', `/api/v1/commissions?quarter=${quarter}&user_id=${rep2.id}`), 404);
    });

    test("a manager sees their team's rows and nobody else's", async () => {
        let r = await report(manager, `?quarter=${quarter}`);
        assert.deepEqual(r.data.map((x) => x.user_id).sort(), [rep1.id, rep2.id].sort());
        r = await report(manager, `?quarter=${quarter}&user_id=${rep2.id}`);
        assert.deepEqual(r.data.map((x) => x.user_id), [rep2.id]);
        r = await report(manager, `?user_id=${manager.id}`);
        assert.equal(r.quarter, quarter, 'the current quarter by default');
        assert.equal(r.data.length, 1, 'a row of zeros for a user asked for without won deals');
        assert.equal(r.data[0].won_count, 0);
        assert.deepEqual(r.data[0].commission, money('0.00'));
        expectProblem(await manager.api('GET', `/api/v1/commissions?quarter=${quarter}&user_id=${otherRep.id}`), 404);
        expectProblem(await srv.api('GET', '/api/v1/commissions?user_id=999999'), 404);
    });

    test('another quarter has its own deals, and a bad quarter is a 400 naming it', async () => {
        const r = await report(admin, '?quarter=2017-Q1');
        assert.equal(r.from, '2017-01-01');
        assert.equal(r.to, '2017-03-31');
        assert.deepEqual(r.data, []);
        for (const bad of ['2017-Q5', '2017Q1', '2017-Q0', 'last']) {
            const res = await srv.api('GET', `/api/v1/commissions?quarter=${bad}`);
            const p = expectProblem(res, 400, bad);
            assert.ok(p.errors?.some((e) => e.field === 'quarter'), `${bad}: names quarter: ${res.text}`);
        }
        expectProblem(await srv.api('GET', '/api/v1/commissions?user_id=abc'), 400);
    });

    test('the report and the rules are described in the OpenAPI document', async () => {
        const res = await srv.api('GET', '/api/v1/openapi.json');
        expectStatus(res, 200);
        const doc = res.json;
        assert.ok(doc.paths['/api/v1/commission-rules'].post);
        assert.ok(doc.paths['/api/v1/commission-rules/{id}'].patch);
        const get = doc.paths['/api/v1/commissions'].get;
        assert.equal(get.responses['200'].content['application/json'].schema.$ref,
            '#/components/schemas/CommissionReport');
        assert.deepEqual(get.parameters.map((p) => p.name).sort(), ['quarter', 'user_id']);
        assert.ok(doc.components.schemas.CommissionRule.properties.tiers);
    });
});
