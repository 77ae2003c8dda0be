/*
 * Deals (/api/v1/deals), their moves and stage history, competitors and the pipeline board:
 * a deal starts in an open stage of its pipeline; amounts are money in any known currency,
 * converted to the base currency at the rate of the deal's date (and again when rates change),
 * filtered and sorted by that converted amount; moves to won/lost need a reason, lost may name
 * a competitor, a stale If-Match is a 412 and nothing is written; the board counts and sums
 * per stage and currency without adding currencies raw; a sales rep sees only their deals;
 * pipelines, stages and reasons in use cannot be deleted.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    expectFieldError, expectProblem, expectStatus, ISO_UTC_MS, randomName, useServer,
} from './server.mjs';

const S = useServer({ args: ['--base-currency', 'EUR'] });
let srv;
let pipeline; /* { id, stages: [open1, open2, won, lost] } */
let other;    /* a second pipeline */
let wonReason, lostReason, competitor;

const STAGES = [
    { name: 'Qualification', probability: 10, kind: 'open', rot_days: 1 },
    { name: 'Proposal', probability: 60, kind: 'open' },
    { name: 'Won', probability: 100, kind: 'won' },
    { name: 'Lost', probability: 0, kind: 'lost' },
];

async function createPipeline() {
    const res = await srv.api('POST', '/api/v1/pipelines', { name: `Deals ${randomName()}`, stages: STAGES });
    expectStatus(res, 201, 'create pipeline');
    return res.json;
}

async function createDeal(body) {
    const res = await srv.api('POST', '/api/v1/deals', { pipeline_id: pipeline.id, ...body });
    expectStatus(res, 201, `create deal ${JSON.stringify(body)}`);
    return res.json;
}

function move(deal, body, version = deal.version) {
    return srv.api('POST', `/api/v1/deals/${deal.id}/move`, body, { 'If-Match': `"${version}"` });
}

async function board(id, query = '') {
    const res = await srv.api('GET', `/api/v1/pipelines/${id}/board${query}`);
    expectStatus(res, 200, `board ${query}`);
    return res.json;
}

const column = (b, stageId) => b.stages.find((c) => c.stage.id === stageId);

before(async () => {
    srv = await S.start();
    pipeline = await createPipeline();
    other = await createPipeline();
    let res = await srv.api('POST', '/api/v1/deal-reasons', { kind: 'won', name: `Price ${randomName()}` });
    expectStatus(res, 201);
    wonReason = res.json;
    res = await srv.api('POST', '/api/v1/deal-reasons', { kind: 'lost', name: `Budget ${randomName()}` });
    expectStatus(res, 201);
    lostReason = res.json;
    res = await srv.api('POST', '/api/v1/competitors', { name: `Rival ${randomName()}`, website: 'rival.example.com' });
    expectStatus(res, 201, 'create competitor');
    competitor = res.json;
});

describe('deals', () => {
    test('a new deal starts in the first open stage, with its probability and a first history row', async () => {
        const deal = await createDeal({ title: '  Fleet renewal  ', amount: { amount: '1200.5', currency: 'usd' } });
        assert.equal(deal.title, 'Fleet renewal');
        assert.equal(deal.stage_id, pipeline.stages[0].id);
        assert.equal(deal.probability, 10);
        assert.match(deal.stage_entered_at, ISO_UTC_MS);
        assert.equal(deal.closed_at, null);
        assert.deepEqual(deal.amount, { amount: '1200.50', currency: 'USD' });
        const res = await srv.api('GET', `/api/v1/deals/${deal.id}/history`);
        expectStatus(res, 200);
        assert.equal(res.json.data.length, 1);
        assert.equal(res.json.data[0].from_stage_id, null);
        assert.equal(res.json.data[0].to_stage_id, pipeline.stages[0].id);
        assert.equal(typeof res.json.data[0].user_name, 'string');
    });

    test('bad money, stages and pipelines are 422s naming the field, and nothing is written', async () => {
        const before = (await srv.api('GET', '/api/v1/deals?count=true&limit=1')).json.total;
        const cases = [
            [{ title: 'x', amount: { amount: '10.555', currency: 'EUR' } }, 'amount'],
            [{ title: 'x', amount: { amount: '10,50', currency: 'EUR' } }, 'amount'],
            [{ title: 'x', amount: { amount: '-5', currency: 'EUR' } }, 'amount'],
            [{ title: 'x', amount: { amount: '10', currency: 'XYZ' } }, 'amount'],
            [{ title: 'x', amount: { amount: '10.5', currency: 'JPY' } }, 'amount'],
            [{ title: 'x', amount: '10' }, 'amount'],
            [{ title: 'x', stage_id: other.stages[0].id }, 'stage_id'],
            [{ title: 'x', stage_id: pipeline.stages[2].id }, 'stage_id'],
            [{ title: 'x', stage_id: 999999 }, 'stage_id'],
            [{ title: 'x', pipeline_id: 999999 }, 'pipeline_id'],
            [{ title: 'x', probability: 50 }, 'probability'],
            [{ amount: { amount: '1', currency: 'EUR' } }, 'title'],
        ];
        for (const [body, field] of cases) {
            const res = await srv.api('POST', '/api/v1/deals', { pipeline_id: pipeline.id, ...body });
            expectFieldError(res, field, JSON.stringify(body));
        }
        const after = (await srv.api('GET', '/api/v1/deals?count=true&limit=1')).json.total;
        assert.equal(after, before);
    });

    test('a PATCH cannot change the stage or the pipeline; it changes everything else', async () => {
        const deal = await createDeal({ title: 'Patchable' });
        let res = await srv.api('PATCH', `/api/v1/deals/${deal.id}`, { stage_id: pipeline.stages[1].id });
        expectFieldError(res, 'stage_id');
        res = await srv.api('PATCH', `/api/v1/deals/${deal.id}`, { pipeline_id: other.id });
        expectFieldError(res, 'pipeline_id');
        res = await srv.api('PATCH', `/api/v1/deals/${deal.id}`,
            { stage_id: deal.stage_id, expected_close: '2026-12-31', amount: { amount: '99', currency: 'EUR' } },
            { 'If-Match': `"${deal.version}"` });
        expectStatus(res, 200);
        assert.equal(res.json.expected_close, '2026-12-31');
        assert.deepEqual(res.json.amount, { amount: '99.00', currency: 'EUR' });
    });

    test('moves are recorded; won and lost need a reason of their kind; lost may name the competitor', async () => {
        let deal = await createDeal({ title: 'Moving', amount: { amount: '500', currency: 'EUR' } });
        let res = await move(deal, { stage_id: pipeline.stages[1].id });
        expectStatus(res, 200);
        deal = res.json;
        assert.equal(deal.stage_id, pipeline.stages[1].id);
        assert.equal(deal.probability, 60);

        res = await move(deal, { stage_id: pipeline.stages[2].id });
        expectFieldError(res, 'reason_id', 'won without a reason');
        res = await move(deal, { stage_id: pipeline.stages[2].id, reason_id: lostReason.id });
        expectFieldError(res, 'reason_id', 'a lost reason for a won deal');
        res = await move(deal, { stage_id: pipeline.stages[2].id, reason_id: wonReason.id, competitor_id: competitor.id });
        expectFieldError(res, 'competitor_id', 'a competitor on a won deal');
        res = await move(deal, { stage_id: pipeline.stages[1].id + 100000 });
        expectFieldError(res, 'stage_id');
        res = await move(deal, { stage_id: pipeline.stages[0].id, extra: 1 });
        expectFieldError(res, 'extra');

        res = await move(deal, { stage_id: pipeline.stages[3].id, lost_reason: lostReason.id, competitor_id: competitor.id });
        expectStatus(res, 200, 'lost with a reason and a competitor');
        deal = res.json;
        assert.equal(deal.reason_id, lostReason.id);
        assert.equal(deal.competitor_id, competitor.id);
        assert.match(deal.closed_at, ISO_UTC_MS);
        assert.equal(deal.probability, 0);

        /* Reopened into another pipeline: the reason and competitor go. */
        res = await move(deal, { stage_id: other.stages[1].id });
        expectStatus(res, 200);
        deal = res.json;
        assert.equal(deal.pipeline_id, other.id);
        assert.equal(deal.reason_id, null);
        assert.equal(deal.closed_at, null);

        res = await srv.api('GET', `/api/v1/deals/${deal.id}/history`);
        const rows = res.json.data;
        assert.deepEqual(rows.map((h) => h.to_stage_id),
            [pipeline.stages[0].id, pipeline.stages[1].id, pipeline.stages[3].id, other.stages[1].id]);
        assert.deepEqual(rows.map((h) => h.from_stage_id),
            [null, pipeline.stages[0].id, pipeline.stages[1].id, pipeline.stages[3].id]);
        assert.ok(rows.slice(1).every((h) => Number.isInteger(h.seconds_in_from) && h.seconds_in_from >= 0));

        res = await srv.api('GET', `/api/v1/audit?entity=deals&id=${deal.id}`);
        expectStatus(res, 200);
        assert.ok(res.json.data.some((e) => e.changes && e.changes.stage_id), 'the move is in the record history');
    });

    test('a move with a stale If-Match is a 412 and changes nothing', async () => {
        const deal = await createDeal({ title: 'Contended' });
        let res = await srv.api('PATCH', `/api/v1/deals/${deal.id}`, { title: 'Contended (renamed)' });
        expectStatus(res, 200);
        res = await move(deal, { stage_id: pipeline.stages[1].id }, deal.version);
        expectProblem(res, 412);
        res = await srv.api('GET', `/api/v1/deals/${deal.id}/history`);
        assert.equal(res.json.data.length, 1, 'no history row for the refused move');
        res = await srv.api('GET', `/api/v1/deals/${deal.id}`);
        assert.equal(res.json.stage_id, pipeline.stages[0].id);
    });
});

describe('money in the base currency', () => {
    test('amounts convert at the rate of the deal date, filter and sort by it, and follow rate changes', async () => {
        const p = await createPipeline();
        const make = async (title, amount, currency, expected_close) => {
            const res = await srv.api('POST', '/api/v1/deals', {
                pipeline_id: p.id, title, amount: { amount, currency }, expected_close,
            });
            expectStatus(res, 201);
            return res.json;
        };
        let res = await srv.api('POST', '/api/v1/exchange-rates', { currency: 'GBP', date: '2026-01-01', rate: '1.2' });
        expectStatus(res, 201, 'GBP rate');
        const eur = await make('Euro deal', '1000', 'EUR', '2026-06-01');
        const gbp = await make('Pound deal', '1000', 'GBP', '2026-06-01');   /* 1200 EUR */
        const jpy = await make('Yen deal', '50000', 'JPY', '2026-06-01');    /* no rate */
        const early = await make('Early pound deal', '10', 'GBP', '2025-06-01'); /* no rate that early */

        let b = await board(p.id);
        let col = column(b, p.stages[0].id);
        assert.equal(b.base_currency, 'EUR');
        assert.equal(col.count, 4);
        assert.deepEqual(col.sums.map((s) => `${s.amount} ${s.currency}`).sort(),
            ['1000.00 EUR', '1010.00 GBP', '50000 JPY']);
        assert.deepEqual(col.total_base, { amount: '2200.00', currency: 'EUR' });
        assert.equal(col.unconverted, 2);
        assert.equal(col.deals.length, 4);
        assert.deepEqual(col.deals.map((d) => d.id), [early.id, jpy.id, gbp.id, eur.id], 'cards newest first');

        res = await srv.api('GET', `/api/v1/deals?filter=${encodeURIComponent(`pipeline_id = ${p.id}`)}&limit=1&totals=true`);
        expectStatus(res, 200, 'list totals');
        assert.equal(res.json.data.length, 1);
        assert.equal(res.json.totals.field, 'amount');
        assert.equal(res.json.totals.count, 4, 'totals cover the whole list, not the page');
        assert.deepEqual(res.json.totals.total_base, { amount: '2200.00', currency: 'EUR' });
        assert.equal(res.json.totals.unconverted, 2);
        expectProblem(await srv.api('GET', '/api/v1/contacts?totals=true'), 400);
        res = await srv.api('GET', `/api/v1/deals?filter=${encodeURIComponent(`pipeline_id = ${p.id} and amount >= 1100`)}`);
        expectStatus(res, 200);
        assert.deepEqual(res.json.data.map((d) => d.id), [gbp.id], 'amount >= 1100 compares in EUR');
        res = await srv.api('GET', `/api/v1/deals?filter=${encodeURIComponent(`pipeline_id = ${p.id}`)}&sort=-amount&limit=2`);
        assert.deepEqual(res.json.data.map((d) => d.id), [gbp.id, eur.id]);
        res = await srv.api('GET', `/api/v1/deals?filter=${encodeURIComponent(`pipeline_id = ${p.id}`)}&sort=-amount&limit=2&cursor=${encodeURIComponent(res.json.next_cursor)}`);
        expectStatus(res, 200, 'the next page by amount');
        assert.equal(res.json.data.length, 2);

        /* A JPY rate arrives: the yen deal converts; the GBP rate changes: the pound deal follows. */
        res = await srv.api('POST', '/api/v1/exchange-rates', { currency: 'JPY', date: '2026-01-01', rate: '0.006' });
        expectStatus(res, 201);
        res = await srv.api('GET', '/api/v1/exchange-rates/GBP/2026-01-01');
        res = await srv.api('PATCH', '/api/v1/exchange-rates/GBP/2026-01-01', { rate: '1.5' }, { 'If-Match': `"${res.json.version}"` });
        expectStatus(res, 200);
        b = await board(p.id);
        col = column(b, p.stages[0].id);
        assert.deepEqual(col.total_base, { amount: '2800.00', currency: 'EUR' }, '1000 + 1500 + 300');
        assert.equal(col.unconverted, 1);

        b = await board(p.id, `?filter=${encodeURIComponent('amount >= 1000')}`);
        assert.equal(column(b, p.stages[0].id).count, 2);
        res = await srv.api('GET', `/api/v1/pipelines/${p.id}/board?filter=${encodeURIComponent('amount >=')}`);
        expectProblem(res, 400, 'a bad board filter');
    });
});

describe('the board', () => {
    test('a sales rep sees only their own deals on the board and cannot move others', async () => {
        const p = await createPipeline();
        const email = `rep-${randomName()}@deals.example.com`;
        const password = `pw ${randomName()} rep`;
        expectStatus(await srv.api('POST', '/api/v1/users', { email, name: 'Rep', role: 'sales_rep', password }), 201);
        const rep = await srv.signIn(email, password);
        const mine = await rep.api('POST', '/api/v1/deals', { pipeline_id: p.id, title: 'Mine', amount: { amount: '10', currency: 'EUR' } });
        expectStatus(mine, 201, 'a rep creates a deal');
        const theirs = await srv.api('POST', '/api/v1/deals', { pipeline_id: p.id, title: 'Theirs', amount: { amount: '20', currency: 'EUR' } });
        expectStatus(theirs, 201);
        const res = await rep.api('GET', `/api/v1/pipelines/${p.id}/board`);
        expectStatus(res, 200);
        const col = column(res.json, p.stages[0].id);
        assert.equal(col.count, 1);
        assert.deepEqual(col.total_base, { amount: '10.00', currency: 'EUR' });
        assert.deepEqual(col.deals.map((d) => d.title), ['Mine']);
        const moved = await rep.api('POST', `/api/v1/deals/${theirs.json.id}/move`, { stage_id: p.stages[1].id });
        expectProblem(moved, 404, 'another user\'s deal is not there for a rep');
    });

    test('the counts and sums follow creates, moves, amount changes, the trash and restores', async () => {
        const p = await createPipeline();
        const [first, second] = p.stages;
        const totals = async () => {
            const b = await board(p.id);
            const filtered = await board(p.id, `?filter=${encodeURIComponent('id > 0')}`);
            const view = (x) => x.stages.map((c) => [c.count, c.total_base?.amount ?? null, c.unconverted]);
            assert.deepEqual(view(b), view(filtered), 'kept totals agree with counting the deals');
            return view(b);
        };
        const a = (await srv.api('POST', '/api/v1/deals', { pipeline_id: p.id, title: 'A', amount: { amount: '100', currency: 'EUR' } })).json;
        const b = (await srv.api('POST', '/api/v1/deals', { pipeline_id: p.id, title: 'B', amount: { amount: '5', currency: 'EUR' } })).json;
        await srv.api('POST', '/api/v1/deals', { pipeline_id: p.id, title: 'C' });
        assert.deepEqual((await totals()).slice(0, 2), [[3, '105.00', 0], [0, '0.00', 0]]);
        expectStatus(await move(a, { stage_id: second.id }), 200);
        assert.deepEqual((await totals()).slice(0, 2), [[2, '5.00', 0], [1, '100.00', 0]]);
        expectStatus(await srv.api('PATCH', `/api/v1/deals/${b.id}`, { amount: { amount: '7.50', currency: 'EUR' } }), 200);
        expectStatus(await srv.api('DELETE', `/api/v1/deals/${a.id}`), 204);
        assert.deepEqual((await totals()).slice(0, 2), [[2, '7.50', 0], [0, '0.00', 0]]);
        expectStatus(await srv.api('POST', `/api/v1/deals/${a.id}/restore`), 200);
        assert.deepEqual((await totals()).slice(0, 2), [[2, '7.50', 0], [1, '100.00', 0]]);
        assert.equal(first.kind, 'open');
    });

    test('a deal past its stage limit is flagged rotting; an unknown pipeline is a 404', async () => {
        const b = await board(pipeline.id);
        for (const c of b.stages)
            for (const d of c.deals) assert.equal(typeof d.rotting, 'boolean');
        expectProblem(await srv.api('GET', '/api/v1/pipelines/999999/board'), 404);
    });

    test('pipelines, stages and reasons in use cannot be deleted', async () => {
        const p = await createPipeline();
        const deal = (await srv.api('POST', '/api/v1/deals', { pipeline_id: p.id, title: 'Blocker' })).json;
        expectProblem(await srv.api('DELETE', `/api/v1/pipelines/${p.id}`), 409);
        const keep = p.stages.slice(1).map((s) => ({ id: s.id }));
        const res = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`, { stages: keep }, { 'If-Match': `"${p.version}"` });
        expectProblem(res, 409, 'the stage a deal is in');
        const moved = await move(deal, { stage_id: p.stages[2].id, reason_id: wonReason.id });
        expectStatus(moved, 200);
        expectProblem(await srv.api('DELETE', `/api/v1/deal-reasons/${wonReason.id}`), 409);
    });
});

describe('competitors', () => {
    test('competitors are records: validated, listed, searched', async () => {
        let res = await srv.api('POST', '/api/v1/competitors', { website: 'x.example.com' });
        expectFieldError(res, 'name');
        res = await srv.api('GET', `/api/v1/competitors?q=${encodeURIComponent(competitor.name)}`);
        expectStatus(res, 200);
        assert.deepEqual(res.json.data.map((c) => c.id), [competitor.id]);
        assert.equal(res.json.data[0].website, 'https://rival.example.com');
    });
});
