/**
 * `PUT /api/v1/interactions/current/context`: the visitor's context updated
 * without a socket (during a call, and on the page after leaving one), over
 * real HTTP, with an agent's real socket watching the conversation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request } from '../support/http.js';
import { cartContext, sampleContext } from '../support/fixtures.js';
import { agentConsole, type ConsoleHandle } from '../support/agent-console.js';

const PATH = '/api/v1/interactions/current/context';

const put = (server: TestServer, token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  request(server.url, PATH, { method: 'PUT', body, ...(token ? { token } : {}), headers });

const biggerCart = cartContext;

describe('the visitor’s context over HTTP', () => {
  let server: TestServer;
  let alice: ConsoleHandle;
  /** A conversation alice has taken (her socket watches it) and whose chat socket is closed again. */
  let token: string;
  let interactionId: string;

  before(async () => {
    server = await startTestServer({ limits: { contextBytes: 4096, bodyBytes: 16384 } });
    alice = await agentConsole(server, 'alice');
    ({ token, interactionId } = await createInteraction(server.url, sampleContext()));
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    visitor.send({ type: 'hello', token, since: 0 });
    await visitor.next('welcome');
    visitor.send({ type: 'send', cid: 'cid-visitor-1', text: 'Calling you now.' });
    await visitor.next('ack');
    await alice.socket.next((f) => f.type === 'offer' && f.offer.interactionId === interactionId);
    alice.socket.send({ type: 'accept', interactionId });
    await alice.socket.next('assigned');
    await visitor.close();
  });
  after(async () => {
    await alice?.socket.close();
    await server.close();
  });

  const stored = async () => (await server.services.interactions.get(interactionId))!.context;

  it('stores the new context and sends it on to the agent watching the conversation: 204, no socket needed', async () => {
    const res = await put(server, token, biggerCart());
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);
    const frame = await alice.socket.next('context');
    assert.equal(frame.interactionId, interactionId);
    assert.equal(frame.context.cart.total, 104);
    assert.equal(frame.context.page.url, 'https://shop.example/cart');
    const card = await request(server.url, `/api/v1/agent/interactions/${interactionId}`, { token: alice.token });
    assert.equal(card.body.interaction.context.cart.items.length, 2);
  });

  it('keeps the topic the server set for the call when the page sends none', async () => {
    const call = await request(server.url, '/api/v1/calls', { body: { site: 'demo', token, context: sampleContext() } });
    assert.equal(call.status, 201);
    assert.equal((await stored()).topic, 'Support');
    assert.equal((await put(server, token, biggerCart())).status, 204);
    assert.equal((await stored()).topic, 'Support', 'the card still says what the call is about');
    assert.equal((await stored()).cart?.total, 104);
    assert.equal((await alice.socket.next('context')).context.cart.total, 59, 'the call’s own context first');
    const frame = await alice.socket.next('context');
    assert.deepEqual([frame.context.cart.total, frame.context.topic], [104, 'Support']);
  });

  it('refuses a missing or unknown token with 401, and an origin the site does not allow with 403', async () => {
    const none = await put(server, undefined, biggerCart());
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthorized');
    const unknown = await put(server, 'not-a-token', biggerCart());
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.code, 'unauthorized');

    const strict = await createInteraction(server.url, sampleContext(), 'strict');
    const foreign = await put(server, strict.token, sampleContext(), { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'origin_not_allowed');
    assert.equal((await put(server, strict.token, sampleContext(), { origin: 'https://shop.example' })).status, 204);
  });

  it('refuses a malformed, oversized or foreign envelope with a clear 4xx and changes nothing', async () => {
    const before = JSON.stringify(await stored());
    const bad: any = biggerCart();
    bad.cart.items[0].qty = 'two';
    const malformed = await put(server, token, bad);
    assert.equal(malformed.status, 422);
    assert.equal(malformed.body.error.code, 'invalid_context');
    assert.match(malformed.body.error.message, /^context\.cart\.items\.0\.qty: /);

    const unknownKey = await put(server, token, { ...biggerCart(), admin: true });
    assert.equal(unknownKey.status, 422);

    const huge = biggerCart();
    huge.custom = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(900)]));
    const oversized = await put(server, token, huge);
    assert.equal(oversized.status, 413);
    assert.equal(oversized.body.error.code, 'context_too_large');
    assert.match(oversized.body.error.message, /the limit is 4096 bytes/);

    const overBody = await put(server, token, { ...biggerCart(), custom: { big: 'x'.repeat(20_000) } });
    assert.equal(overBody.status, 413);

    const foreign = await put(server, token, sampleContext({ visitor: { id: 'someone-else' } }));
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.error.code, 'invalid_context');
    assert.match(foreign.body.error.message, /visitor\.id cannot change/);

    const empty = await request(server.url, PATH, { method: 'PUT', token });
    assert.equal(empty.status, 422);
    assert.equal(empty.body.error.code, 'invalid_context');
    const notJson = await request(server.url, PATH, { method: 'PUT', token, rawBody: '{"v":1', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, 'invalid_json');
    const text = await request(server.url, PATH, { method: 'PUT', token, rawBody: 'v=1', headers: { 'content-type': 'text/plain' } });
    assert.equal(text.status, 415);

    assert.equal(JSON.stringify(await stored()), before, 'nothing stored');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(alice.socket.pending('context'), [], 'nothing sent to the agent');
  });

  it('answers the browser’s preflight from any origin, PUT included', async () => {
    const res = await fetch(server.url + PATH, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /\bPUT\b/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });

  it('counts against the address’s request limit like every visitor request', async () => {
    const limited = await startTestServer({ limits: { rate: { requestsPerMinute: 5 } } });
    try {
      const conversation = await createInteraction(limited.url, sampleContext());
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await put(limited, conversation.token, biggerCart())).status);
      assert.deepEqual(statuses, [204, 204, 204, 204, 429], 'a burst of 5, the first spent on starting the conversation');
      const refused = await put(limited, conversation.token, biggerCart());
      assert.equal(refused.status, 429);
      assert.equal(refused.body.error.code, 'rate_limited');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    } finally {
      await limited.close();
    }
  });
});
