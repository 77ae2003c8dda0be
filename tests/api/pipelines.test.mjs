/*
 * Sales pipelines (/api/v1/pipelines) and deal reasons (/api/v1/deal-reasons): administrators
 * create, change and delete them, everyone signed in reads them; a PATCH's stages are the whole
 * ordered list (kept by id, added without one, removed when left out); If-Match guards against
 * stale writes; bad bodies are 422s naming the field (stages[2].probability); every change is
 * in the security log with what changed.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import {
    createDatabase, expectFieldError, expectProblem, expectStatus, ISO_UTC_MS, randomName, startServer, useServer,
} from './server.mjs';

const S = useServer();
let srv;
let rep; /* a signed-in sales rep: { session, token } */

/* A user made by the admin with a password, signed in, with a read+write API token. */
async function makeUser(role) {
    const email = `${role}-${randomName()}@pipelines.example.com`;
    const password = `pw ${randomName()} ${role}`;
    const res = await srv.api('POST', '/api/v1/users', { email, name: `User ${role}`, role, password });
    expectStatus(res, 201, `create a ${role}`);
    const session = await srv.signIn(email, password);
    assert.ok(session.api, `sign-in of the ${role}: ${session.login.status} ${session.login.text}`);
    const tok = await session.api('POST', '/api/v1/tokens', { name: 'pipelines', scopes: ['read', 'write'] });
    expectStatus(tok, 201, `token of the ${role}`);
    return { session, token: tok.json.token };
}

const asRep = (method, path, body, headers = {}) =>
    srv.api(method, path, body, { Authorization: `Bearer ${rep.token}`, ...headers });

const STAGES = [
    { name: 'Qualification', probability: 10, kind: 'open', rot_days: 14 },
    { name: 'Proposal', probability: 50, kind: 'open' },
    { name: 'Won', probability: 100, kind: 'won' },
    { name: 'Lost', probability: 0, kind: 'lost' },
];

async function createPipeline(name = `Pipeline ${randomName()}`, stages = STAGES) {
    const res = await srv.api('POST', '/api/v1/pipelines', { name, stages });
    expectStatus(res, 201, `create pipeline ${name}`);
    return res.json;
}

/* The stages written back as a PATCH keeps them: only their ids. */
const keepAll = (p) => p.stages.map((s) => ({ id: s.id }));

/* The newest security log entries with this action. */
async function securityEntries(action) {
    const res = await srv.api('GET', `/api/v1/audit/security?action=${action}&limit=100`);
    expectStatus(res, 200, `security log ${action}`);
    return res.json.data;
}

before(async () => {
    srv = await S.start();
    rep = await makeUser('sales_rep');
});

describe('pipelines', () => {
    test('an administrator creates a pipeline with its stages in order (201, Location, ETag)', async () => {
        const name = `Sales ${randomName()}`;
        const res = await srv.api('POST', '/api/v1/pipelines', { name: `  ${name}  `, stages: STAGES });
        expectStatus(res, 201);
        const p = res.json;
        assert.ok(Number.isInteger(p.id) && p.id > 0);
        assert.equal(res.headers.get('location'), `/api/v1/pipelines/${p.id}`);
        assert.equal(res.headers.get('etag'), `"${p.version}"`);
        assert.equal(p.name, name, 'the name is trimmed');
        assert.equal(p.version, 1);
        assert.ok(Number.isInteger(p.position));
        assert.match(p.created_at, ISO_UTC_MS);
        assert.match(p.updated_at, ISO_UTC_MS);
        assert.deepEqual(p.stages.map(({ id, ...rest }) => rest), [
            { name: 'Qualification', probability: 10, kind: 'open', position: 0, rot_days: 14 },
            { name: 'Proposal', probability: 50, kind: 'open', position: 1, rot_days: null },
            { name: 'Won', probability: 100, kind: 'won', position: 2, rot_days: null },
            { name: 'Lost', probability: 0, kind: 'lost', position: 3, rot_days: null },
        ]);
        for (const s of p.stages) assert.ok(Number.isInteger(s.id) && s.id > 0, 'each stage has an id');
        const again = await srv.api('GET', `/api/v1/pipelines/${p.id}`);
        expectStatus(again, 200);
        assert.deepEqual(again.json, p);
    });

    test('won and lost stages get their probability when the body leaves it out', async () => {
        const p = await createPipeline(undefined, [
            { name: 'Open', probability: 30, kind: 'open' },
            { name: 'Closed won', kind: 'won' },
            { name: 'Closed lost', kind: 'lost' },
        ]);
        assert.deepEqual(p.stages.map((s) => s.probability), [30, 100, 0]);
    });

    test('a sales rep lists and reads pipelines', async () => {
        const p = await createPipeline();
        const list = await asRep('GET', '/api/v1/pipelines');
        expectStatus(list, 200);
        assert.ok(Array.isArray(list.json.data));
        assert.equal(list.json.next_cursor, null);
        const listed = list.json.data.find((x) => x.id === p.id);
        assert.ok(listed, 'the new pipeline is listed');
        assert.deepEqual(listed.stages, p.stages);
        const one = await asRep('GET', `/api/v1/pipelines/${p.id}`);
        expectStatus(one, 200);
        assert.equal(one.json.name, p.name);
    });

    test('a sales rep may not create, change or delete a pipeline (403) and nothing changes', async () => {
        const p = await createPipeline();
        expectProblem(await asRep('POST', '/api/v1/pipelines', { name: `Rep ${randomName()}`, stages: STAGES }), 403);
        expectProblem(await asRep('PATCH', `/api/v1/pipelines/${p.id}`, { name: 'Taken over' }), 403);
        expectProblem(await asRep('DELETE', `/api/v1/pipelines/${p.id}`), 403);
        const now = await srv.api('GET', `/api/v1/pipelines/${p.id}`);
        expectStatus(now, 200);
        assert.deepEqual(now.json, p);
    });

    test('PATCH renames, reorders, adds and removes stages by id', async () => {
        const p = await createPipeline();
        const [qual, prop, won, lost] = p.stages;
        const res = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`, {
            stages: [
                { id: prop.id, name: 'Offer sent', probability: 40 },
                { name: 'Negotiation', probability: 75, kind: 'open', rot_days: 7 },
                { id: won.id },
                { id: lost.id, name: 'Lost for good' },
            ],
        }, { 'If-Match': `"${p.version}"` });
        expectStatus(res, 200);
        const q = res.json;
        assert.equal(q.version, p.version + 1);
        assert.equal(res.headers.get('etag'), `"${q.version}"`);
        assert.deepEqual(q.stages.map((s) => [s.name, s.probability, s.kind, s.position, s.rot_days]), [
            ['Offer sent', 40, 'open', 0, null],
            ['Negotiation', 75, 'open', 1, 7],
            ['Won', 100, 'won', 2, null],
            ['Lost for good', 0, 'lost', 3, null],
        ]);
        assert.equal(q.stages[0].id, prop.id, 'a kept stage keeps its id');
        assert.equal(q.stages[2].id, won.id);
        assert.ok(!q.stages.some((s) => s.id === qual.id), 'a stage left out is deleted');
        assert.ok(![qual.id, prop.id, won.id, lost.id].includes(q.stages[1].id), 'a new stage has a new id');

        /* The deleted stage cannot be named again. */
        const ghost = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`,
            { stages: [{ id: qual.id }, ...keepAll(q)] });
        expectFieldError(ghost, 'stages[0].id');

        /* Moving a stage alone. */
        const moved = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`, {
            stages: [q.stages[1], q.stages[0], q.stages[2], q.stages[3]].map((s) => ({ id: s.id })),
        });
        expectStatus(moved, 200);
        assert.deepEqual(moved.json.stages.map((s) => s.name), ['Negotiation', 'Offer sent', 'Won', 'Lost for good']);
        assert.deepEqual(moved.json.stages.map((s) => s.position), [0, 1, 2, 3]);
    });

    test('PATCH changes the name and position and leaves the stages alone', async () => {
        const p = await createPipeline();
        const name = `Renamed ${randomName()}`;
        const res = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`, { name, position: 42 });
        expectStatus(res, 200);
        assert.equal(res.json.name, name);
        assert.equal(res.json.position, 42);
        assert.deepEqual(res.json.stages, p.stages);
    });

    test('a PATCH that changes nothing keeps the version', async () => {
        const p = await createPipeline();
        const res = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`, { name: p.name, stages: keepAll(p) });
        expectStatus(res, 200);
        assert.equal(res.json.version, p.version);
    });

    test('a stale If-Match is refused with 412 and changes nothing', async () => {
        const p = await createPipeline();
        const first = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`, { name: `${p.name} v2` },
            { 'If-Match': `"${p.version}"` });
        expectStatus(first, 200);
        const stale = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`,
            { name: `${p.name} v3`, stages: keepAll(p).slice(1) }, { 'If-Match': `"${p.version}"` });
        expectProblem(stale, 412);
        const now = await srv.api('GET', `/api/v1/pipelines/${p.id}`);
        assert.equal(now.json.name, `${p.name} v2`);
        assert.equal(now.json.stages.length, 4);
        const staleDelete = await srv.api('DELETE', `/api/v1/pipelines/${p.id}`, undefined,
            { 'If-Match': `"${p.version}"` });
        expectProblem(staleDelete, 412);
        expectStatus(await srv.api('GET', `/api/v1/pipelines/${p.id}`), 200);
    });

    test('validation errors name the field, stage fields by their place in the list', async () => {
        const post = (body) => srv.api('POST', '/api/v1/pipelines', body);
        expectFieldError(await post({ stages: STAGES }), 'name');
        expectFieldError(await post({ name: '   ', stages: STAGES }), 'name');
        expectFieldError(await post({ name: 'x'.repeat(101), stages: STAGES }), 'name');
        expectFieldError(await post({ name: 'No stages' }), 'stages');
        expectFieldError(await post({ name: 'Empty', stages: [] }), 'stages');
        expectFieldError(await post({ name: 'Colour', stages: STAGES, colour: 'red' }), 'colour');
        expectFieldError(await post({ name: 'Id', stages: STAGES, id: 5 }), 'id');
        const bad = (i, patch) => STAGES.map((s, j) => (j === i ? { ...s, ...patch } : s));
        expectFieldError(await post({ name: 'P', stages: bad(1, { probability: 101 }) }), 'stages[1].probability');
        expectFieldError(await post({ name: 'P', stages: bad(1, { probability: '50' }) }), 'stages[1].probability');
        expectFieldError(await post({ name: 'P', stages: bad(2, { probability: 90 }) }), 'stages[2].probability');
        expectFieldError(await post({ name: 'P', stages: bad(0, { kind: 'maybe' }) }), 'stages[0].kind');
        expectFieldError(await post({ name: 'P', stages: bad(0, { rot_days: 0 }) }), 'stages[0].rot_days');
        expectFieldError(await post({ name: 'P', stages: bad(0, { rot_days: 3651 }) }), 'stages[0].rot_days');
        expectFieldError(await post({ name: 'P', stages: bad(3, { rot_days: 5 }) }), 'stages[3].rot_days');
        expectFieldError(await post({ name: 'P', stages: bad(1, { name: '' }) }), 'stages[1].name');
        expectFieldError(await post({ name: 'P', stages: bad(1, { name: 'qualification' }) }), 'stages[1].name');
        expectFieldError(await post({ name: 'P', stages: bad(1, { position: 7 }) }), 'stages[1].position');
        expectFieldError(await post({ name: 'P', stages: bad(1, { colour: 'red' }) }), 'stages[1].colour');
        /* Every problem at once. */
        const many = await post({ name: '', stages: bad(0, { probability: -1, rot_days: 'soon' }) });
        const p = expectFieldError(many, 'name');
        const fields = p.errors.map((e) => e.field);
        assert.ok(fields.includes('stages[0].probability') && fields.includes('stages[0].rot_days'), many.text);
        /* Not JSON at all. */
        expectProblem(await srv.api('POST', '/api/v1/pipelines', '{"name":', { 'Content-Type': 'application/json' }), 400);
        expectProblem(await post([1, 2]), 400);
    });

    test('a stage list without a won stage, a lost stage or an open stage is refused', async () => {
        const without = (kind) => STAGES.filter((s) => s.kind !== kind);
        for (const kind of ['won', 'lost', 'open']) {
            const res = await srv.api('POST', '/api/v1/pipelines', { name: `No ${kind}`, stages: without(kind) });
            const p = expectFieldError(res, 'stages');
            assert.ok(p.errors.some((e) => e.field === 'stages' && e.message.includes(kind)), res.text);
        }
        const p = await createPipeline();
        const dropWon = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`,
            { stages: keepAll(p).filter((s) => s.id !== p.stages[2].id) });
        expectFieldError(dropWon, 'stages');
        const openLast = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`,
            { stages: [p.stages[0], p.stages[2], p.stages[3], p.stages[1]].map((s) => ({ id: s.id })) });
        expectFieldError(openLast, 'stages[3].kind');
        const now = await srv.api('GET', `/api/v1/pipelines/${p.id}`);
        assert.deepEqual(now.json, p, 'a refused PATCH changes nothing');
    });

    test('a pipeline name is unique among live pipelines and free again once deleted', async () => {
        const p = await createPipeline();
        const dup = await srv.api('POST', '/api/v1/pipelines', { name: p.name, stages: STAGES });
        expectProblem(dup, 409);
        assert.ok(dup.json.errors.some((e) => e.field === 'name'), dup.text);
        const other = await createPipeline();
        expectProblem(await srv.api('PATCH', `/api/v1/pipelines/${other.id}`, { name: p.name }), 409);
        expectStatus(await srv.api('DELETE', `/api/v1/pipelines/${p.id}`), 204);
        await createPipeline(p.name);
    });

    test('DELETE removes a pipeline without deals: then 404 and gone from the list', async () => {
        const p = await createPipeline();
        const del = await srv.api('DELETE', `/api/v1/pipelines/${p.id}`, undefined, { 'If-Match': `"${p.version}"` });
        expectStatus(del, 204);
        expectProblem(await srv.api('GET', `/api/v1/pipelines/${p.id}`), 404);
        expectProblem(await srv.api('PATCH', `/api/v1/pipelines/${p.id}`, { name: 'Back' }), 404);
        expectProblem(await srv.api('DELETE', `/api/v1/pipelines/${p.id}`), 404);
        const list = await srv.api('GET', '/api/v1/pipelines');
        assert.ok(!list.json.data.some((x) => x.id === p.id));
    });

    test('unknown pipeline ids answer 404', async () => {
        expectProblem(await srv.api('GET', '/api/v1/pipelines/999999'), 404);
        expectProblem(await srv.api('PATCH', '/api/v1/pipelines/999999', { name: 'X' }), 404);
        expectProblem(await srv.api('DELETE', '/api/v1/pipelines/999999'), 404);
        expectProblem(await srv.api('GET', '/api/v1/pipelines/abc'), 404);
    });

    test('every change is in the security log with what changed', async () => {
        const p = await createPipeline();
        const created = (await securityEntries('pipeline_created')).find((e) => e.record_id === p.id);
        assert.ok(created, 'pipeline_created is logged');
        assert.equal(created.entity, 'pipelines');
        assert.equal(created.user_id, srv.adminId);
        assert.deepEqual(created.changes.name, [null, p.name]);
        assert.deepEqual(created.changes.stages[1], p.stages);

        const name = `${p.name} (renamed)`;
        const patched = await srv.api('PATCH', `/api/v1/pipelines/${p.id}`,
            { name, stages: keepAll(p).filter((s) => s.id !== p.stages[1].id) });
        expectStatus(patched, 200);
        const updated = (await securityEntries('pipeline_updated')).find((e) => e.record_id === p.id);
        assert.ok(updated, 'pipeline_updated is logged');
        assert.deepEqual(updated.changes.name, [p.name, name]);
        assert.equal(updated.changes.stages[0].length, 4);
        assert.equal(updated.changes.stages[1].length, 3);
        assert.ok(!('position' in updated.changes), 'only what changed is logged');

        expectStatus(await srv.api('DELETE', `/api/v1/pipelines/${p.id}`), 204);
        const deleted = (await securityEntries('pipeline_deleted')).find((e) => e.record_id === p.id);
        assert.ok(deleted, 'pipeline_deleted is logged');
        assert.equal(deleted.detail.name, name);
    });

    test('the pipelines are described in the OpenAPI document', async () => {
        const doc = (await srv.api('GET', '/api/v1/openapi.json')).json;
        for (const [path, methods] of [['/api/v1/pipelines', ['get', 'post']],
            ['/api/v1/pipelines/{id}', ['get', 'patch', 'delete']],
            ['/api/v1/deal-reasons', ['get', 'post']],
            ['/api/v1/deal-reasons/{id}', ['get', 'patch', 'delete']]]) {
            for (const m of methods) assert.ok(doc.paths[path]?.[m], `${m.toUpperCase()} ${path} is documented`);
        }
        assert.deepEqual(doc.components.schemas.PipelineStage.properties.kind.enum, ['open', 'won', 'lost']);
        const kind = doc.paths['/api/v1/deal-reasons'].get.parameters.find((x) => x.name === 'kind');
        assert.deepEqual(kind.schema.enum, ['won', 'lost']);
    });
});

describe('deal reasons', () => {
    async function createReason(kind, name = `Reason ${randomName()}`, extra = {}) {
        const res = await srv.api('POST', '/api/v1/deal-reasons', { kind, name, ...extra });
        expectStatus(res, 201, `create ${kind} reason ${name}`);
        return res.json;
    }

    test('an administrator adds reasons; each new one goes last of its kind', async () => {
        const a = await createReason('lost');
        const b = await createReason('lost');
        assert.equal(b.position, a.position + 1);
        assert.equal(a.kind, 'lost');
        assert.equal(a.active, true);
        assert.equal(a.version, 1);
        assert.match(a.created_at, ISO_UTC_MS);
        const res = await srv.api('GET', `/api/v1/deal-reasons/${a.id}`);
        expectStatus(res, 200);
        assert.deepEqual(res.json, a);
        assert.equal(res.headers.get('etag'), `"${a.version}"`);
    });

    test('?kind lists one kind; without it won reasons come before lost ones', async () => {
        const won = await createReason('won');
        const lost = await createReason('lost');
        const onlyLost = await asRep('GET', '/api/v1/deal-reasons?kind=lost');
        expectStatus(onlyLost, 200);
        assert.ok(onlyLost.json.data.length > 0);
        assert.ok(onlyLost.json.data.every((r) => r.kind === 'lost'));
        assert.ok(onlyLost.json.data.some((r) => r.id === lost.id));
        const onlyWon = await asRep('GET', '/api/v1/deal-reasons?kind=won');
        assert.ok(onlyWon.json.data.every((r) => r.kind === 'won'));
        assert.ok(onlyWon.json.data.some((r) => r.id === won.id));
        const all = await asRep('GET', '/api/v1/deal-reasons');
        expectStatus(all, 200);
        const kinds = all.json.data.map((r) => r.kind);
        assert.deepEqual(kinds, [...kinds].sort((x, y) => (x === y ? 0 : x === 'won' ? -1 : 1)));
        const bad = await asRep('GET', '/api/v1/deal-reasons?kind=open');
        expectProblem(bad, 400);
        assert.ok(bad.json.errors.some((e) => e.field === 'kind'));
    });

    test('PATCH renames, reorders and deactivates; the kind stays; stale versions get 412', async () => {
        const r = await createReason('lost');
        const res = await srv.api('PATCH', `/api/v1/deal-reasons/${r.id}`,
            { name: `${r.name} (old)`, active: false, position: 9 }, { 'If-Match': `"${r.version}"` });
        expectStatus(res, 200);
        assert.equal(res.json.name, `${r.name} (old)`);
        assert.equal(res.json.active, false);
        assert.equal(res.json.position, 9);
        assert.equal(res.json.version, r.version + 1);
        expectFieldError(await srv.api('PATCH', `/api/v1/deal-reasons/${r.id}`, { kind: 'won' }), 'kind');
        expectProblem(await srv.api('PATCH', `/api/v1/deal-reasons/${r.id}`, { active: true },
            { 'If-Match': `"${r.version}"` }), 412);
        const now = await srv.api('GET', `/api/v1/deal-reasons/${r.id}`);
        assert.equal(now.json.active, false);
    });

    test('reason bodies are checked field by field', async () => {
        const post = (body) => srv.api('POST', '/api/v1/deal-reasons', body);
        expectFieldError(await post({ name: 'No kind' }), 'kind');
        expectFieldError(await post({ kind: 'maybe', name: 'X' }), 'kind');
        expectFieldError(await post({ kind: 'won' }), 'name');
        expectFieldError(await post({ kind: 'won', name: 'y'.repeat(101) }), 'name');
        expectFieldError(await post({ kind: 'won', name: 'X', active: 'yes' }), 'active');
        expectFieldError(await post({ kind: 'won', name: 'X', position: -1 }), 'position');
        expectFieldError(await post({ kind: 'won', name: 'X', colour: 1 }), 'colour');
    });

    test('a reason name is unique within its kind (409) but may repeat across kinds', async () => {
        const name = `Timing ${randomName()}`;
        await createReason('lost', name);
        const dup = await srv.api('POST', '/api/v1/deal-reasons', { kind: 'lost', name });
        expectProblem(dup, 409);
        assert.ok(dup.json.errors.some((e) => e.field === 'name'));
        await createReason('won', name);
    });

    test('DELETE removes an unused reason', async () => {
        const r = await createReason('won');
        expectStatus(await srv.api('DELETE', `/api/v1/deal-reasons/${r.id}`), 204);
        expectProblem(await srv.api('GET', `/api/v1/deal-reasons/${r.id}`), 404);
        expectProblem(await srv.api('DELETE', `/api/v1/deal-reasons/${r.id}`), 404);
    });

    test('a sales rep reads reasons but may not write them (403)', async () => {
        const r = await createReason('lost');
        expectStatus(await asRep('GET', `/api/v1/deal-reasons/${r.id}`), 200);
        expectProblem(await asRep('POST', '/api/v1/deal-reasons', { kind: 'lost', name: `Rep ${randomName()}` }), 403);
        expectProblem(await asRep('PATCH', `/api/v1/deal-reasons/${r.id}`, { active: false }), 403);
        expectProblem(await asRep('DELETE', `/api/v1/deal-reasons/${r.id}`), 403);
        const now = await srv.api('GET', `/api/v1/deal-reasons/${r.id}`);
        assert.deepEqual(now.json, r);
    });

    test('reason changes are in the security log', async () => {
        const r = await createReason('lost');
        const created = (await securityEntries('deal_reason_created')).find((e) => e.record_id === r.id);
        assert.ok(created);
        assert.equal(created.entity, 'deal_reasons');
        assert.deepEqual(created.changes.name, [null, r.name]);
        assert.deepEqual(created.changes.kind, [null, 'lost']);
        expectStatus(await srv.api('PATCH', `/api/v1/deal-reasons/${r.id}`, { active: false }), 200);
        const updated = (await securityEntries('deal_reason_updated')).find((e) => e.record_id === r.id);
        assert.deepEqual(updated.changes, { active: [true, false] });
        expectStatus(await srv.api('DELETE', `/api/v1/deal-reasons/${r.id}`), 204);
        const deleted = (await securityEntries('deal_reason_deleted')).find((e) => e.record_id === r.id);
        assert.equal(deleted.detail.name, r.name);
    });
});

describe('demo data', () => {
    test('--demo seeds the Sales pipeline and the reasons once, on a new database', async () => {
        const database = await createDatabase();
        const pipelinesAndReasons = async (server) => {
            const pipelines = await server.api('GET', '/api/v1/pipelines');
            expectStatus(pipelines, 200);
            const reasons = await server.api('GET', '/api/v1/deal-reasons');
            expectStatus(reasons, 200);
            return { pipelines: pipelines.json.data, reasons: reasons.json.data };
        };
        try {
            let server = await startServer({ args: ['--demo'], database });
            const first = await pipelinesAndReasons(server);
            await server.stop();
            const sales = first.pipelines.filter((p) => p.name === 'Sales');
            assert.equal(sales.length, 1);
            assert.deepEqual(sales[0].stages.map((s) => [s.name, s.probability, s.kind]), [
                ['Qualification', 10, 'open'], ['Needs analysis', 25, 'open'], ['Proposal', 50, 'open'],
                ['Negotiation', 75, 'open'], ['Won', 100, 'won'], ['Lost', 0, 'lost'],
            ]);
            assert.ok(first.reasons.some((r) => r.kind === 'won'));
            assert.ok(first.reasons.some((r) => r.kind === 'lost'));

            server = await startServer({ args: ['--demo'], database });
            const again = await pipelinesAndReasons(server);
            await server.stop();
            assert.equal(again.pipelines.length, first.pipelines.length, 'a restart adds no pipeline');
            assert.equal(again.reasons.length, first.reasons.length, 'a restart adds no reason');
        } finally {
            await database.drop();
        }
    });
});
