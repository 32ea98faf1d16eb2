import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { request } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { countRows } from '../support/store-rows.js';

describe('POST /api/v1/interactions validates the context', () => {
  let server: TestServer;
  const count = () => countRows(server, 'interactions');
  before(async () => {
    server = await startTestServer({ limits: { contextBytes: 4096, bodyBytes: 16384 } });
  });
  after(() => server.close());

  it('accepts a good context and stores it with identity unverified', async () => {
    const context = sampleContext({ visitor: { id: 'visitor-0002', identity: { name: 'Jamie', email: 'jamie@example.com' } } });
    const res = await request(server.url, '/api/v1/interactions', { body: { site: 'demo', context } });
    assert.equal(res.status, 201);
    assert.match(res.body.interactionId, /^in_/);
    assert.ok(res.body.token.length >= 40, 'the token is long and random');
    const stored = (await server.services.interactions.get(res.body.interactionId))!;
    assert.deepEqual(stored.context.visitor.identity, { name: 'Jamie', email: 'jamie@example.com', verified: false });
    assert.equal(stored.context.cart?.total, 59);
  });

  const refused: Array<[string, (c: any) => void, number, RegExp]> = [
    ['a quantity that is a string', (c) => (c.cart.items[0].qty = '2'), 422, /^context\.cart\.items\.0\.qty: must be a number/],
    ['a javascript: URL', (c) => (c.page.url = 'javascript:alert(1)'), 422, /^context\.page\.url: must be an http or https URL/],
    ['a forged verified flag', (c) => (c.visitor.identity = { name: 'Boss', verified: true }), 422, /context\.visitor\.identity/],
    ['an unknown field', (c) => (c.secret = 1), 422, /context/],
    ['a missing page', (c) => delete c.page, 422, /context\.page/],
    ['a bad currency', (c) => (c.cart.currency = 'euro'), 422, /context\.cart\.currency: must be an ISO 4217 code/],
    ['too many custom fields', (c) => (c.custom = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]))), 422, /context\.custom: must have at most 50 fields/],
    ['a nested custom value', (c) => (c.custom = { a: { b: 1 } }), 422, /context\.custom\.a: must be a string, number, boolean or null/],
    ['a wrong version', (c) => (c.v = 2), 422, /context\.v: must be 1/],
    ['an oversized context', (c) => (c.custom = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'y'.repeat(1000)]))), 413, /^context is \d+ bytes; the limit is 4096 bytes\.$/],
  ];
  for (const [what, mutate, status, message] of refused) {
    it(`refuses ${what} with ${status} and a message naming it, storing nothing`, async () => {
      const before = (await count());
      const context: any = sampleContext();
      mutate(context);
      const res = await request(server.url, '/api/v1/interactions', { body: { site: 'demo', context } });
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.error.message, message);
      assert.equal((await count()), before);
    });
  }

  it('refuses a body that is not JSON, not JSON-typed or too large', async () => {
    const before = (await count());
    const bad = await request(server.url, '/api/v1/interactions', { rawBody: '{"site": "demo", ' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_json');
    const form = await request(server.url, '/api/v1/interactions', { rawBody: 'site=demo', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
    const huge = await request(server.url, '/api/v1/interactions', { rawBody: JSON.stringify({ site: 'demo', pad: 'x'.repeat(20_000) }) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'body_too_large');
    assert.equal((await count()), before);
  });

  it('refuses an unknown site and an origin the site does not allow', async () => {
    const unknown = await request(server.url, '/api/v1/interactions', { body: { site: 'nope', context: sampleContext() } });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error.message, /There is no site "nope"/);
    const foreign = await request(server.url, '/api/v1/interactions', {
      body: { site: 'strict', context: sampleContext() },
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'origin_not_allowed');
    const allowed = await request(server.url, '/api/v1/interactions', {
      body: { site: 'strict', context: sampleContext() },
      headers: { origin: 'https://shop.example' },
    });
    assert.equal(allowed.status, 201);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example');
  });

  it('validates context updates over the socket the same way, and keeps the old one', async () => {
    const { createInteraction } = await import('../support/http.js');
    const { TestSocket } = await import('../support/test-socket.js');
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const ws = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    ws.send({ type: 'hello', token, since: 0 });
    await ws.next('welcome');
    const bad: any = sampleContext();
    bad.cart.items[0].price = -1;
    ws.send({ type: 'context', context: bad });
    const error = await ws.next('error');
    assert.equal(error.code, 'invalid_context');
    assert.match(error.message, /context\.cart\.items\.0\.price: must not be negative/);
    ws.send({ type: 'context', context: sampleContext({ visitor: { id: 'someone-else' } }) });
    assert.match((await ws.next('error')).message, /visitor\.id cannot change/);
    assert.equal((await server.services.interactions.get(interactionId))!.context.cart?.items[0]?.price, 59);
    await ws.close();
  });
});
