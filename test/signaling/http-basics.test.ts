import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { request } from '../support/http.js';

const built = existsSync(new URL('../../dist/warmline.js', import.meta.url));

describe('HTTP basics', () => {
  let server: TestServer;
  let demo: TestServer;
  before(async () => {
    server = await startTestServer({ agentOrigins: ['https://crm.example'] });
    demo = await startTestServer({ demo: true });
  });
  after(async () => {
    await server.close();
    await demo.close();
  });

  it('GET /healthz answers 200 with a small JSON status', async () => {
    const res = await request(server.url, '/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.match(res.body.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(res.body.connections, { visitors: 0, agents: 0 });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await request(server.url, '/api/v1/nothing');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  it('answers the browser’s CORS preflight for the visitor API', async () => {
    const res = await request(server.url, '/api/v1/interactions', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
  });

  it('allows the agent API from configured origins only', async () => {
    const preflight = (origin: string) =>
      request(server.url, '/api/v1/agent/sessions', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight('https://crm.example');
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://crm.example');
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const other = await preflight('https://evil.example');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const me = await request(server.url, '/api/v1/agent/me', { headers: { origin: 'https://evil.example' } });
    assert.equal(me.headers.get('access-control-allow-origin'), null);
  });

  it('serves the agent console always, and the shop only in demo mode', async () => {
    assert.equal((await request(server.url, '/agent')).status, 200);
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/agent');
    assert.equal((await request(server.url, '/products/copper-kettle')).status, 404);
    const shop = await request(demo.url, '/');
    assert.equal(shop.status, 200);
    assert.match(shop.body, /data-site="demo"/);
    assert.match((await request(demo.url, '/products/copper-kettle')).body, /application\/ld\+json/);
    assert.equal((await request(demo.url, '/products/..%2F..%2Fpackage')).status, 404);
  });

  it('serves the loader and widget modules cross-origin, and nothing outside dist', async () => {
    assert.ok(built, 'dist/ is missing: run npm run build first (npm test does)');
    const loader = await fetch(`${server.url}/warmline.js`);
    assert.equal(loader.status, 200);
    assert.match(loader.headers.get('content-type') ?? '', /javascript/);
    assert.equal(loader.headers.get('access-control-allow-origin'), '*');
    const etag = loader.headers.get('etag')!;
    const again = await fetch(`${server.url}/warmline.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const chat = await fetch(`${server.url}/widgets/warmline-chat.js`);
    assert.equal(chat.status, 200);
    assert.equal(chat.headers.get('access-control-allow-origin'), '*');
    const head = await fetch(`${server.url}/widgets/warmline-chat.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), chat.headers.get('content-length'));
    for (const path of ['/widgets/..%2F..%2Fpackage.json', '/widgets/%2e%2e/%2e%2e/package.json', '/widgets/chunks/none.js']) {
      assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
    }
  });
});
