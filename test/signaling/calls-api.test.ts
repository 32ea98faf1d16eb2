import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { iceServersFor } from '../../signaling/sip/ice-servers.js';

describe('preparing calls over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      sites: [
        { key: 'demo', name: 'Demo', origins: ['*'] },
        { key: 'topical', name: 'With topics', origins: ['*'], topics: [{ id: 'billing', label: 'Billing' }, { id: 'sales', label: 'Buying' }] },
      ],
    });
  });
  after(() => server.close());

  it('lists a site’s topics for the visual IVR', async () => {
    const res = await request(server.url, '/api/v1/sites/topical/call-options');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.topics, [
      { id: 'billing', label: 'Billing' },
      { id: 'sales', label: 'Buying' },
    ]);
    assert.deepEqual((await request(server.url, '/api/v1/sites/demo/call-options')).body.topics, []);
    assert.equal((await request(server.url, '/api/v1/sites/nope/call-options')).status, 404);
  });

  it('prepares a call in a new conversation: queue address, no ICE servers by default (never a public STUN)', async () => {
    const res = await request(server.url, '/api/v1/calls', { body: { site: 'demo', context: sampleContext() } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.sip, { domain: 'warmline.invalid', target: 'sip:support@warmline.invalid' });
    assert.deepEqual(res.body.iceServers, []);
    assert.ok(server.services.interactions.findByToken(res.body.token), 'the token opens the new conversation');
  });

  it('joins the visitor’s chat conversation, storing the context with the chosen topic', async () => {
    const { token, interactionId } = await createInteraction(server.url, sampleContext(), 'topical');
    const res = await request(server.url, '/api/v1/calls', { body: { site: 'topical', token, topic: 'billing', context: sampleContext() } });
    assert.equal(res.status, 201);
    assert.equal(res.body.interactionId, interactionId);
    assert.equal(res.body.sip.target, 'sip:billing@warmline.invalid');
    assert.equal(server.services.interactions.get(interactionId)!.context.topic, 'Billing');
  });

  it('refuses a missing or unknown topic, a foreign or unknown token and a bad context, changing nothing', async () => {
    const { token } = await createInteraction(server.url, sampleContext(), 'demo');
    const count = () => (server.services.stores.db.prepare('SELECT count(*) AS n FROM interactions').get() as { n: number }).n;
    const before = count();
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ site: 'topical', context: sampleContext() }, 422, /topic must be one of: billing, sales/],
      [{ site: 'topical', topic: 'fun', context: sampleContext() }, 422, /topic must be one of/],
      [{ site: 'topical', topic: 'billing', token, context: sampleContext() }, 401, /not known/],
      [{ site: 'demo', token: 'x'.repeat(43), context: sampleContext() }, 401, /not known/],
      [{ site: 'demo', context: { ...sampleContext(), page: { url: 'javascript:alert(1)', title: 'x' } } }, 422, /context\.page\.url/],
      [{ site: 'demo', token, context: sampleContext({ visitor: { id: 'someone-else' } }) }, 400, /visitor\.id cannot change/],
    ];
    for (const [body, status, message] of cases) {
      const res = await request(server.url, '/api/v1/calls', { body });
      assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
      assert.match(res.body.error.message, message);
    }
    assert.equal(count(), before);
  });

  it('gives agents their address of record and ICE servers, with their session only', async () => {
    assert.equal((await request(server.url, '/api/v1/agent/phone')).status, 401);
    const { token } = await signIn(server.url, 'alice');
    const res = await request(server.url, '/api/v1/agent/phone', { token });
    assert.deepEqual(res.body, { domain: 'warmline.invalid', aor: 'sip:alice@warmline.invalid', iceServers: [] });
  });
});

describe('ICE servers', () => {
  it('mints TURN credentials that expire (the TURN REST API scheme coturn checks)', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const servers = iceServersFor(
      { iceServers: [{ urls: 'stun:stun.example.com:3478' }], turn: { urls: ['turn:turn.example.com:3478?transport=udp'], secret: 'a-shared-secret-value', ttlSeconds: 600 } },
      'in_abc',
      now,
    );
    assert.deepEqual(servers[0], { urls: 'stun:stun.example.com:3478' });
    const turn = servers[1]!;
    assert.equal(turn.username, `${now / 1000 + 600}:in_abc`);
    assert.equal(turn.credential, createHmac('sha1', 'a-shared-secret-value').update(turn.username!).digest('base64'));
    assert.deepEqual(iceServersFor({ iceServers: [] }, 'x', now), []);
  });

  it('hands TURN to both sides when configured', async () => {
    const server = await startTestServer({ sip: { turn: { urls: ['turn:127.0.0.1:3478'], secret: 'a-shared-secret-value' } } });
    try {
      const visitor = await request(server.url, '/api/v1/calls', { body: { site: 'demo', context: sampleContext() } });
      assert.equal(visitor.body.iceServers[0].urls[0], 'turn:127.0.0.1:3478');
      assert.match(visitor.body.iceServers[0].username, /^\d+:in_/);
      const { token } = await signIn(server.url, 'bob');
      const agent = await request(server.url, '/api/v1/agent/phone', { token });
      assert.match(agent.body.iceServers[0].username, /^\d+:ag_/);
    } finally {
      await server.close();
    }
  });
});
