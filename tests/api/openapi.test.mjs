/*
 * The OpenAPI document at /api/v1/openapi.json: a well-formed OpenAPI 3.1 description that
 * lists every route of the contract, and agrees with the server both ways: each documented
 * path and method is answered by a route (never 404-for-unknown-route or 405), and each method
 * the document leaves out of a documented path is answered 405.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { expectStatus, useServer } from './server.mjs';

const S = useServer();
const api = async (...a) => (await S.start()).api(...a);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/* The routes the contract names; the document may list more. */
const CONTRACT_ROUTES = [
    ['get', '/healthz'],
    ['get', '/api/v1/openapi.json'],
    ['get', '/api/v1/companies'],
    ['post', '/api/v1/companies'],
    ['get', '/api/v1/companies/{id}'],
    ['patch', '/api/v1/companies/{id}'],
    ['delete', '/api/v1/companies/{id}'],
    ['post', '/api/v1/companies/{id}/restore'],
    ['get', '/api/v1/contacts'],
    ['post', '/api/v1/contacts'],
    ['get', '/api/v1/contacts/{id}'],
    ['patch', '/api/v1/contacts/{id}'],
    ['delete', '/api/v1/contacts/{id}'],
    ['post', '/api/v1/contacts/{id}/restore'],
    ['get', '/api/v1/fields'],
    ['post', '/api/v1/fields'],
    ['patch', '/api/v1/fields/{id}'],
    ['delete', '/api/v1/fields/{id}'],
];

let doc;
let res;

/*
 * The document's paths as absolute server paths: when servers[0].url carries a base path
 * ("/api/v1") and a path does not already start with it, the base is put in front.
 */
let routes; /* [{ method, path (absolute, as written), template (params as {}) , op, item }] */

const template = (p) => p.replace(/\{[^}/]+\}/g, '{}');

before(async () => {
    res = await api('GET', '/api/v1/openapi.json');
    doc = res.json;
    let base = '';
    const serverUrl = doc?.servers?.[0]?.url;
    if (typeof serverUrl === 'string') base = new URL(serverUrl, 'http://x').pathname.replace(/\/$/, '');
    routes = [];
    for (const [p, item] of Object.entries(doc?.paths ?? {})) {
        const abs = base && !p.startsWith(base + '/') && p !== '/healthz' ? base + p : p;
        for (const method of METHODS) {
            if (item[method]) routes.push({ method, path: abs, template: template(abs), op: item[method], item });
        }
    }
});

test('the document is served as JSON with status 200', () => {
    expectStatus(res, 200);
    assert.match(res.headers.get('content-type') || '', /^application\/(vnd\.oai\.openapi\+)?json/);
    assert.ok(doc && typeof doc === 'object');
});

test('the document looks like OpenAPI 3.1', () => {
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof doc.info?.title, 'string');
    assert.ok(doc.info.title.length > 0);
    assert.equal(typeof doc.info?.version, 'string');
    assert.ok(doc.paths && typeof doc.paths === 'object');
    for (const p of Object.keys(doc.paths)) assert.match(p, /^\//, `path ${p} starts with /`);
    assert.ok(routes.length >= CONTRACT_ROUTES.length, `at least ${CONTRACT_ROUTES.length} operations`);
});

test('every operation has responses and a unique operationId when it has one', () => {
    const seen = new Set();
    for (const r of routes) {
        const where = `${r.method.toUpperCase()} ${r.path}`;
        assert.ok(r.op.responses && typeof r.op.responses === 'object', `${where} has responses`);
        const codes = Object.keys(r.op.responses);
        assert.ok(codes.length > 0, `${where} has at least one response`);
        for (const c of codes) assert.match(c, /^([1-5](\d\d|XX)|default)$/, `${where}: response key ${c}`);
        if (r.op.operationId !== undefined) {
            assert.equal(typeof r.op.operationId, 'string');
            assert.ok(!seen.has(r.op.operationId), `operationId ${r.op.operationId} is unique`);
            seen.add(r.op.operationId);
        }
    }
});

test('every path parameter is declared as a required path parameter', () => {
    const resolve = (p) => (p && p.$ref ? lookup(p.$ref) : p);
    for (const r of routes) {
        const names = [...r.path.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1]);
        const params = [...(r.item.parameters ?? []), ...(r.op.parameters ?? [])].map(resolve);
        for (const name of names) {
            const p = params.find((x) => x && x.in === 'path' && x.name === name);
            assert.ok(p, `${r.method.toUpperCase()} ${r.path} declares path parameter ${name}`);
            assert.equal(p.required, true, `path parameter ${name} of ${r.path} is required`);
        }
    }
});

function lookup(ref) {
    assert.match(ref, /^#\//, `$ref ${ref} points inside the document`);
    let node = doc;
    for (const raw of ref.slice(2).split('/')) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        assert.ok(node && typeof node === 'object' && key in node, `$ref ${ref} resolves`);
        node = node[key];
    }
    return node;
}

test('every $ref resolves inside the document', () => {
    const walk = (node) => {
        if (Array.isArray(node)) {
            node.forEach(walk);
        } else if (node && typeof node === 'object') {
            if (typeof node.$ref === 'string') lookup(node.$ref);
            Object.values(node).forEach(walk);
        }
    };
    walk(doc);
});

test('every route of the contract is documented', () => {
    const have = new Set(routes.map((r) => `${r.method} ${r.template}`));
    const missing = CONTRACT_ROUTES.filter(([m, p]) => !have.has(`${m} ${template(p)}`));
    assert.deepEqual(missing.map(([m, p]) => `${m.toUpperCase()} ${p}`), [], 'routes missing from the document');
});

test('writes of companies, contacts and fields document a JSON request body', () => {
    for (const r of routes) {
        if (!['post', 'patch'].includes(r.method)) continue;
        if (!/^\/api\/v1\/(companies|contacts|fields)(\/\{[^}]+\})?$/.test(r.path)) continue;
        let body = r.op.requestBody;
        if (body?.$ref) body = lookup(body.$ref);
        assert.ok(body?.content?.['application/json'],
            `${r.method.toUpperCase()} ${r.path} documents an application/json request body`);
    }
});

/* ---- the document against the server ---- */

/* Fresh records for the collections this issue defines, so that {id} names something real. */
async function freshId(collection) {
    const bodies = {
        companies: { name: 'Probe Co' },
        contacts: { first_name: 'Probe' },
        fields: { entity: 'companies', name: `probe_${Math.random().toString(36).slice(2, 10)}`, label: 'Probe',
            type: 'text' },
    };
    if (!bodies[collection]) return null;
    const r = await api('POST', `/api/v1/${collection}`, bodies[collection]);
    expectStatus(r, 201, `create a ${collection} record for probing`);
    return r.json.id;
}

async function concretePath(pathTemplate) {
    const collection = /^\/api\/v1\/([^/]+)/.exec(pathTemplate)?.[1];
    let known = true;
    let out = pathTemplate;
    for (const m of pathTemplate.matchAll(/\{([^}/]+)\}/g)) {
        const id = await freshId(collection);
        if (id === null) known = false;
        out = out.replace(m[0], String(id ?? 999999));
    }
    return { path: out, known };
}

async function probe(method, pathTemplate) {
    const { path, known } = await concretePath(pathTemplate);
    /* Only a record in the trash can be restored: put the fresh one there first. */
    if (known && method === 'post' && /\/\{[^}/]+\}\/restore$/.test(pathTemplate)) {
        const del = await api('DELETE', path.replace(/\/restore$/, ''));
        expectStatus(del, 204, `DELETE before probing ${path}`);
    }
    const body = ['post', 'put', 'patch'].includes(method) ? {} : undefined;
    const r = await api(method.toUpperCase(), path, body);
    return { r, path, known };
}

test('every documented path and method is answered by a route', async () => {
    const failures = [];
    for (const rt of routes) {
        const { r, path, known } = await probe(rt.method, rt.path);
        const where = `${rt.method.toUpperCase()} ${path} (documented as ${rt.path})`;
        if (r.status === 405) failures.push(`${where}: 405`);
        /* With real ids a 404 can only mean the route is missing; elsewhere it may be the record. */
        if (r.status === 404 && (known || !rt.path.includes('{'))) failures.push(`${where}: 404 ${r.text.slice(0, 200)}`);
        if (r.status >= 500) failures.push(`${where}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    assert.deepEqual(failures, []);
});

test('every method a documented path leaves out answers 405 with an Allow header', async () => {
    const byPath = new Map();
    for (const r of routes) {
        if (!byPath.has(r.path)) byPath.set(r.path, new Set());
        byPath.get(r.path).add(r.method);
    }
    const failures = [];
    for (const [p, documented] of byPath) {
        for (const method of METHODS) {
            if (documented.has(method)) continue;
            const { r, path } = await probe(method, p);
            const where = `${method.toUpperCase()} ${path} (not documented)`;
            if (r.status !== 405) {
                failures.push(`${where}: ${r.status} ${r.text.slice(0, 200)}`);
                continue;
            }
            const allow = (r.headers.get('allow') || '').toLowerCase().split(/\s*,\s*/).filter(Boolean);
            const want = [...documented].sort();
            const got = allow.filter((m) => METHODS.includes(m)).sort();
            if (JSON.stringify(got) !== JSON.stringify(want)) {
                failures.push(`${where}: Allow '${r.headers.get('allow')}' but the document has ${want.join(', ')}`);
            }
        }
    }
    assert.deepEqual(failures, []);
});
