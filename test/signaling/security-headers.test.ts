/**
 * The headers every response carries (pages, the API, errors, the widget
 * files), the strict page CSP with its per-response nonce, and HSTS only
 * over HTTPS.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import Koa from 'koa';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { request } from '../support/http.js';
import { securityHeaders } from '../../signaling/http/security-headers.js';

/** The CSP as directive name → its sources. */
function csp(headers: Headers): Map<string, string[]> {
  const value = headers.get('content-security-policy');
  assert.ok(value, 'a Content-Security-Policy header');
  return new Map(
    value
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function assertBaseline(headers: Headers, what: string) {
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(headers.get('referrer-policy'), 'strict-origin-when-cross-origin', what);
  assert.equal(headers.get('strict-transport-security'), null, `${what}: no HSTS over plain HTTP`);
}

/** A response that is not a page: framed by nobody, runs nothing if opened in a tab. */
function assertNotAPage(headers: Headers, what: string) {
  assertBaseline(headers, what);
  assert.equal(headers.get('x-frame-options'), 'DENY', what);
  const policy = csp(headers);
  assert.deepEqual(policy.get('default-src'), ["'none'"], what);
  assert.deepEqual(policy.get('frame-ancestors'), ["'none'"], what);
}

/** Checks a page's strict CSP and returns its nonce. */
function assertStrictPage(headers: Headers, framing: "'self'" | "'none'"): string {
  assertBaseline(headers, 'page');
  const policy = csp(headers);
  const all = [...policy.values()].flat();
  assert.ok(!all.includes("'unsafe-inline'"), 'no unsafe-inline');
  assert.ok(!all.includes("'unsafe-eval'"), 'no unsafe-eval');
  assert.ok(!all.includes('*'), 'no wildcard');
  const nonce = /^'nonce-([A-Za-z0-9+/=]{22,})'$/.exec(policy.get('script-src')?.find((s) => s.startsWith("'nonce-")) ?? '')?.[1];
  assert.ok(nonce, 'script-src has a nonce of at least 128 bits');
  assert.deepEqual(policy.get('script-src'), ["'self'", `'nonce-${nonce}'`]);
  assert.deepEqual(policy.get('style-src'), ["'self'", `'nonce-${nonce}'`]);
  assert.deepEqual(policy.get('default-src'), ["'self'"]);
  assert.deepEqual(policy.get('object-src'), ["'none'"]);
  assert.deepEqual(policy.get('base-uri'), ["'none'"]);
  assert.deepEqual(policy.get('form-action'), ["'self'"]);
  assert.deepEqual(policy.get('frame-ancestors'), [framing]);
  assert.deepEqual(policy.get('img-src'), ["'self'", 'data:', 'blob:']);
  assert.deepEqual(policy.get('media-src'), ["'self'", 'blob:']);
  assert.equal(policy.get('connect-src')?.[0], "'self'");
  assert.equal(headers.get('x-frame-options'), framing === "'none'" ? 'DENY' : 'SAMEORIGIN');
  assert.equal(headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.match(headers.get('permissions-policy') ?? '', /(^|, )microphone=\(self\)(,|$)/);
  assert.equal(headers.get('cache-control'), 'no-store', 'a nonce is never served twice from a cache');
  assert.equal(headers.get('etag'), null, 'no validator: a 304 would keep an old nonce');
  return nonce;
}

/** The nonce attribute of every <script> that runs (JSON-LD data blocks are not scripts that run). */
function scriptNonces(html: string): Array<string | undefined> {
  return [...html.matchAll(/<script\b([^>]*)>/g)]
    .map((m) => m[1]!)
    .filter((attrs) => !/type="application\/ld\+json"/.test(attrs))
    .map((attrs) => /\bnonce="([^"]*)"/.exec(attrs)?.[1]);
}

describe('security headers', () => {
  let server: TestServer;
  let demo: TestServer;
  let proxied: TestServer;
  before(async () => {
    server = await startTestServer();
    demo = await startTestServer({ demo: true });
    // Its proxy is on this machine: every test request comes from loopback.
    proxied = await startTestServer({ trustedProxies: ['loopback'] });
  });
  after(async () => {
    await server.close();
    await demo.close();
    await proxied.close();
  });

  it('serves the shop pages with a strict CSP whose fresh nonce the page’s scripts carry', async () => {
    const seen = new Set<string>();
    for (const path of ['/', '/products/copper-kettle', '/cart', '/products/copper-kettle']) {
      const res = await request<string>(demo.url, path);
      assert.equal(res.status, 200, path);
      const nonce = assertStrictPage(res.headers, "'self'");
      assert.ok(!seen.has(nonce), `${path}: the nonce is new for every response`);
      seen.add(nonce);
      const nonces = scriptNonces(res.body);
      assert.ok(nonces.length >= 2, `${path}: the shop's script and the loader`);
      assert.deepEqual(nonces, nonces.map(() => nonce), `${path}: every script tag carries this response's nonce`);
      assert.match(res.body, new RegExp(`<script src="/warmline.js" nonce="${nonce.replace(/[+/]/g, '\\$&')}"`));
      assert.ok(!/<style\b/.test(res.body), `${path}: no inline <style>`);
      assert.ok(!/\sstyle=/.test(res.body), `${path}: no style attribute`);
      const port = new URL(demo.url).host;
      assert.deepEqual(csp(res.headers).get('connect-src'), ["'self'", `ws://${port}`, `wss://${port}`], 'the page’s own sockets');
    }
    const product = await request<string>(demo.url, '/products/copper-kettle');
    assert.match(product.body, /<script type="application\/ld\+json">/, 'the product page has its JSON-LD (data, needs no nonce)');
  });

  it('serves the agent console with a strict CSP that forbids framing', async () => {
    const first = await request<string>(server.url, '/agent');
    assert.equal(first.status, 200);
    const nonce = assertStrictPage(first.headers, "'none'");
    // The inline script that gives the page the browser's language, and the console's module.
    assert.deepEqual(scriptNonces(first.body), [nonce, nonce]);
    assert.match(first.body, /<script type="module" src="\/widgets\/warmline-softphone.js" nonce="/);
    const second = await request<string>(server.url, '/agent');
    assert.notEqual(assertStrictPage(second.headers, "'none'"), nonce, 'a new nonce each time');
  });

  it('puts the headers on API responses', async () => {
    const health = await request(server.url, '/healthz');
    assert.equal(health.status, 200);
    assertNotAPage(health.headers, '/healthz');
    const queues = await request(server.url, '/api/v1/sites/demo/queues', { headers: { origin: 'https://shop.example' } });
    assert.equal(queues.status, 200);
    assertNotAPage(queues.headers, 'queues');
    const preflight = await request(server.url, '/api/v1/interactions', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assertNotAPage(preflight.headers, 'preflight');
  });

  it('puts the headers on error responses', async () => {
    const cases: Array<[string, Parameters<typeof request>[2], number]> = [
      ['/api/v1/nothing', {}, 404],
      ['/api/v1/interactions', { rawBody: '{"site":' }, 400],
      ['/api/v1/interactions', { rawBody: 'x', headers: { 'content-type': 'text/plain' } }, 415],
      ['/api/v1/agent/me', {}, 401],
      ['/widgets/chunks/none.js', {}, 404],
    ];
    for (const [path, init, status] of cases) {
      const res = await request(server.url, path, init);
      assert.equal(res.status, status, `${init?.method ?? 'GET'} ${path}`);
      assert.equal(typeof res.body?.error?.code, 'string', `${path}: a JSON error`);
      assertNotAPage(res.headers, `${status} ${path}`);
    }
    const missingProduct = await request(demo.url, '/products/no-such-thing');
    assert.equal(missingProduct.status, 404);
    assertNotAPage(missingProduct.headers, 'a missing product page');
  });

  it('keeps the headers when Koa’s own handler answers (a body that cannot be sent)', async () => {
    const app = new Koa();
    app.silent = true;
    app.use(securityHeaders());
    app.use((ctx) => {
      ctx.set('X-Doomed', 'yes');
      // JSON.stringify fails in Koa's respond(), after every middleware has returned.
      ctx.body = { count: 1n };
    });
    const listener = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const { port } = listener.address() as { port: number };
      const res = await request(`http://127.0.0.1:${port}`, '/file');
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('x-doomed'), null, 'Koa cleared what the handler set');
      assertNotAPage(res.headers, 'Koa’s error response');
    } finally {
      listener.close();
    }
  });

  it('lets any origin load the loader and the widget modules', async () => {
    for (const path of ['/warmline.js', '/widgets/warmline-chat.js']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, `${path} (run npm run build first)`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
      assert.equal(res.headers.get('access-control-allow-origin'), '*', path);
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin', path);
      assertBaseline(res.headers, path);
      const again = await fetch(`${server.url}${path}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      assert.equal(again.status, 304);
      assert.equal(again.headers.get('cross-origin-resource-policy'), 'cross-origin', `${path}: 304 too`);
      assert.equal(again.headers.get('x-content-type-options'), 'nosniff', `${path}: 304 too`);
    }
  });

  it('sends HSTS only for HTTPS: behind a trusted proxy that says so, never on a forwarded header it does not trust', async () => {
    const https = await request(proxied.url, '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(https.headers.get('strict-transport-security') ?? '', /^max-age=\d{7,}/);
    const page = await request(proxied.url, '/agent', { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(page.headers.get('strict-transport-security') ?? '', /^max-age=/);
    const error = await request(proxied.url, '/api/v1/nothing', { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(error.status, 404);
    assert.match(error.headers.get('strict-transport-security') ?? '', /^max-age=/, 'on errors too');
    assert.equal((await request(proxied.url, '/healthz')).headers.get('strict-transport-security'), null, 'plain HTTP via the proxy');
    const untrusted = await request(server.url, '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(untrusted.headers.get('strict-transport-security'), null, 'X-Forwarded-Proto is ignored unless the proxy is trusted');
  });

  it('never copies a strange Host header into the policy', async () => {
    const { port } = new URL(server.url);
    const policy = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/agent', headers: { host: "evil.example;script-src-elem * 'unsafe-inline'" } }, (res) => {
        res.resume();
        resolve(String(res.headers['content-security-policy']));
      });
      req.on('error', reject);
      req.end();
    });
    assert.ok(!policy.includes('evil.example'), policy);
    assert.ok(!policy.includes('unsafe-inline'), policy);
    assert.match(policy, /connect-src 'self';/);
  });
});
