/*
 * The HTTP layer seen from outside: /healthz, problems for unknown routes and wrong methods,
 * security headers, request ids, the static web UI with its SPA fallback, refusal of path
 * traversal, and a graceful stop on SIGTERM.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { expectProblem, expectStatus, startServer, useServer } from './server.mjs';

const S = useServer();
const api = async (...a) => (await S.start()).api(...a);

describe('the API server', () => {
    test('answers GET /healthz with 200 {"status":"ok"}', async () => {
        const res = await api('GET', '/healthz');
        expectStatus(res, 200);
        assert.match(res.headers.get('content-type') || '', /^application\/json/);
        assert.deepEqual(res.json, { status: 'ok' });
    });

    test('answers an unknown route with a 404 problem', async () => {
        for (const p of ['/api/v1/no-such-thing', '/api/v1/companies/1/no-such-action', '/api/v2/companies',
            '/no-such-page']) {
            expectProblem(await api('GET', p), 404, p);
        }
    });

    test('answers a wrong method with 405, a problem and an Allow header', async () => {
        const cases = [
            ['DELETE', '/api/v1/companies', ['GET', 'POST']],
            ['PUT', '/api/v1/companies', ['GET', 'POST']],
            ['POST', '/healthz', ['GET']],
        ];
        for (const [method, p, allowed] of cases) {
            const res = await api(method, p, method === 'DELETE' ? undefined : {});
            expectProblem(res, 405, `${method} ${p}`);
            const allow = (res.headers.get('allow') || '').split(/\s*,\s*/).map((m) => m.toUpperCase());
            for (const m of allowed) assert.ok(allow.includes(m), `${method} ${p}: Allow '${res.headers.get('allow')}' has ${m}`);
            assert.ok(!allow.includes(method), `${method} ${p}: Allow does not list ${method}`);
        }
        const created = await api('POST', '/api/v1/companies', { name: 'Method Co' });
        expectStatus(created, 201);
        const res = await api('PUT', `/api/v1/companies/${created.json.id}`, { name: 'x' });
        expectProblem(res, 405);
        const allow = (res.headers.get('allow') || '').toUpperCase();
        for (const m of ['GET', 'PATCH', 'DELETE']) assert.ok(allow.includes(m), `Allow '${allow}' has ${m}`);
    });

    test('sends security headers on answers and on problems', async () => {
        for (const [method, p] of [['GET', '/healthz'], ['GET', '/api/v1/companies'], ['GET', '/api/v1/nope'],
            ['DELETE', '/api/v1/companies']]) {
            const res = await api(method, p);
            const h = (n) => res.headers.get(n);
            assert.equal(h('x-content-type-options'), 'nosniff', `${method} ${p}: X-Content-Type-Options`);
            assert.ok(h('referrer-policy'), `${method} ${p}: Referrer-Policy`);
            const framing = (h('x-frame-options') || '').toUpperCase() === 'DENY' ||
                /frame-ancestors\s+'none'/.test(h('content-security-policy') || '');
            assert.ok(framing, `${method} ${p}: framing is refused (X-Frame-Options DENY or frame-ancestors 'none')`);
            assert.ok(!/\d/.test(h('server') || ''), `${method} ${p}: Server header gives no version: ${h('server')}`);
        }
    });

    test('marks API answers as not cacheable', async () => {
        const res = await api('GET', '/api/v1/companies');
        assert.match(res.headers.get('cache-control') || '', /no-store|no-cache|private/);
    });

    test('gives every answer an X-Request-Id, a new one each time', async () => {
        const seen = new Set();
        for (const [method, p] of [['GET', '/healthz'], ['GET', '/healthz'], ['GET', '/api/v1/nope'],
            ['POST', '/api/v1/companies']]) {
            const res = await api(method, p, method === 'POST' ? { name: 5 } : undefined);
            const id = res.headers.get('x-request-id');
            assert.ok(id && id.length >= 8, `${method} ${p} has an X-Request-Id: ${id}`);
            assert.match(id, /^[\w.:-]+$/, 'the request id is plain text');
            assert.ok(!seen.has(id), `request ids differ: ${id}`);
            seen.add(id);
        }
    });

    test('does not echo a hostile X-Request-Id into its answer', async () => {
        const res = await api('GET', '/healthz', undefined, { 'X-Request-Id': '<script>alert(1)</script>' });
        expectStatus(res, 200);
        assert.ok(!(res.headers.get('x-request-id') || '').includes('<'), 'the hostile id is not echoed');
    });

    test('serves no static files when no static directory exists', async () => {
        expectProblem(await api('GET', '/index.html'), 404);
    });
});

describe('the static web UI', () => {
    let root;
    let srv;
    const indexHtml = '<!doctype html><html><head><title>CRM test UI</title></head><body>spa-marker</body></html>';

    before(async () => {
        root = await mkdtemp(path.join(tmpdir(), 'crm-static-test-'));
        const dist = path.join(root, 'dist');
        await mkdir(path.join(dist, 'assets'), { recursive: true });
        await writeFile(path.join(dist, 'index.html'), indexHtml);
        await writeFile(path.join(dist, 'assets', 'app.js'), 'console.log("app-marker");\n');
        await writeFile(path.join(dist, 'assets', 'app.css'), 'body { color: black; }\n');
        await writeFile(path.join(root, 'secret.txt'), 'top-secret-marker\n');
        srv = await startServer({ staticDir: dist });
    });

    after(async () => {
        if (srv) await srv.stop();
        if (root) await rm(root, { recursive: true, force: true });
    });

    test('serves index.html at /', async () => {
        const res = await srv.api('GET', '/');
        expectStatus(res, 200);
        assert.match(res.headers.get('content-type') || '', /^text\/html/);
        assert.equal(res.text, indexHtml);
        assert.ok(res.headers.get('content-security-policy'), 'the page has a Content-Security-Policy');
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    });

    test('serves assets with their content types', async () => {
        const js = await srv.api('GET', '/assets/app.js');
        expectStatus(js, 200);
        assert.match(js.headers.get('content-type') || '', /^(text|application)\/javascript/);
        assert.match(js.text, /app-marker/);
        const css = await srv.api('GET', '/assets/app.css');
        expectStatus(css, 200);
        assert.match(css.headers.get('content-type') || '', /^text\/css/);
    });

    test('answers client-side routes with index.html (SPA fallback)', async () => {
        for (const p of ['/contacts', '/contacts/42', '/companies/7/edit', '/settings/fields?entity=contacts']) {
            const res = await srv.api('GET', p);
            expectStatus(res, 200, p);
            assert.match(res.headers.get('content-type') || '', /^text\/html/, p);
            assert.match(res.text, /spa-marker/, p);
        }
    });

    test('still answers the API and unknown API routes with JSON, not index.html', async () => {
        const health = await srv.api('GET', '/healthz');
        assert.deepEqual(health.json, { status: 'ok' });
        expectProblem(await srv.api('GET', '/api/v1/no-such-thing'), 404);
        const list = await srv.api('GET', '/api/v1/companies');
        expectStatus(list, 200);
        assert.ok(Array.isArray(list.json.data));
    });

    test('refuses path traversal out of the static directory', async () => {
        /* Each decodes to a path with a ".." segment (or a NUL): it must be refused outright. */
        const traversals = [
            '/../etc/passwd',
            '/../../../../../../etc/passwd',
            '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
            '/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
            '/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
            '/assets/%2e%2e/%2e%2e/secret.txt',
            '/../secret.txt',
            '/%2e%2e/secret.txt',
            '/..%2fsecret.txt',
            '/.%2e/secret.txt',
            '/assets/app.js%00.html',
        ];
        /* These are odd file names, not traversal: refused or answered with index.html. */
        const oddNames = ['/%252e%252e/secret.txt', '/assets/..%5c..%5csecret.txt'];
        const failures = [];
        for (const p of [...traversals, ...oddNames]) {
            const res = await srv.raw('GET', p);
            const refused = [400, 403, 404].includes(res.status);
            if (/root:.*:0:0:|top-secret-marker/.test(res.text)) failures.push(`${p}: leaked a file (${res.status})`);
            else if (traversals.includes(p) && !refused) failures.push(`${p}: status ${res.status}, not refused`);
            else if (!refused && !(res.status === 200 && res.text === indexHtml)) {
                failures.push(`${p}: status ${res.status} with ${res.text.slice(0, 80)}`);
            }
        }
        assert.deepEqual(failures, [], 'each attempt is refused with 400, 403 or 404 and leaks nothing');
    });

    test('does not list directories', async () => {
        const res = await srv.api('GET', '/assets/');
        assert.ok(!/app\.js/.test(res.text) || /spa-marker/.test(res.text), 'no directory listing of /assets/');
    });
});

describe('stopping', () => {
    test('on SIGTERM the server exits 0 within 10 s, also right after answering', async () => {
        const srv = await startServer();
        try {
            const created = await srv.api('POST', '/api/v1/companies', { name: 'Before Stop' });
            expectStatus(created, 201);
        } finally {
            await srv.stop(); /* asserts exit code 0 within 10 s */
        }
        assert.match(srv.stderr(), /listening/, 'the server logged that it was listening');
    });
});
