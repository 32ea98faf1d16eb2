import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { agentConsole, type ConsoleHandle } from '../support/agent-console.js';
import { iceServersFor } from '../../signaling/sip/ice-servers.js';
import { countRows } from '../support/store-rows.js';

describe('preparing calls over HTTP', () => {
  let server: TestServer;
  let alice: ConsoleHandle | undefined;
  before(async () => {
    server = await startTestServer({
      queues: [
        { id: 'support', label: 'Support' },
        { id: 'billing', label: 'Billing', skills: ['billing'] },
        { id: 'sales', label: 'Buying' },
        {
          id: 'night',
          label: 'Night desk',
          hours: { timezone: 'Europe/Paris', weekly: { mon: [['22:00', '23:00']] } },
        },
      ],
      sites: [
        { key: 'demo', name: 'Demo', origins: ['*'], queues: ['support'] },
        { key: 'topical', name: 'With topics', origins: ['*'], queues: ['billing', 'sales', 'night'], chatQueue: 'sales' },
      ],
      agents: { alice: { skills: ['billing'] } },
    });
    alice = await agentConsole(server, 'alice');
  });
  after(async () => {
    alice?.socket.close();
    await server.close();
  });

  it('lists a site’s queues for the visual IVR, with whether each is open and staffed now', async () => {
    const res = await request(server.url, '/api/v1/sites/topical/queues');
    assert.equal(res.status, 200);
    assert.equal(res.body.chatQueue, 'sales');
    const [billing, sales, night] = res.body.queues;
    assert.deepEqual(billing, { id: 'billing', label: 'Billing', open: true, staffed: true });
    assert.deepEqual(sales, { id: 'sales', label: 'Buying', open: true, staffed: true });
    assert.equal(night.open, false, 'one hour a week: closed as the tests run (unless run on a Monday at 22:00 in Paris)');
    assert.match(night.opensAt, /^\d{4}-\d\d-\d\dT2[01]:00:00.000Z$/, 'Monday 22:00 in Paris, in UTC');
    assert.deepEqual(
      (await request(server.url, '/api/v1/sites/demo/queues')).body.queues.map((q: { id: string }) => q.id),
      ['support'],
    );
    assert.equal((await request(server.url, '/api/v1/sites/nope/queues')).status, 404);
  });

  it('says a queue is unstaffed when none of its agents is signed in', async () => {
    const bobOnly = await startTestServer({
      queues: [{ id: 'billing', label: 'Billing', skills: ['billing'] }],
      sites: [{ key: 'demo', name: 'Demo', origins: ['*'] }],
      agents: { alice: { skills: ['billing'] } },
    });
    const bob = await agentConsole(bobOnly, 'bob');
    try {
      const res = await request(bobOnly.url, '/api/v1/sites/demo/queues');
      assert.deepEqual(res.body.queues[0], { id: 'billing', label: 'Billing', open: true, staffed: false });
      const call = await request(bobOnly.url, '/api/v1/calls', { body: { site: 'demo', context: sampleContext() } });
      assert.equal(call.status, 409);
      assert.equal(call.body.error.code, 'queue_unstaffed');
    } finally {
      bob.socket.close();
      await bobOnly.close();
    }
  });

  it('prepares a call in a new conversation: queue address, no ICE servers by default (never a public STUN)', async () => {
    const res = await request(server.url, '/api/v1/calls', { body: { site: 'demo', context: sampleContext() } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.sip, { mode: 'embedded', domain: 'warmline.invalid', target: 'sip:support@warmline.invalid' });
    assert.deepEqual(res.body.iceServers, []);
    assert.ok(await server.services.interactions.findByToken(res.body.token), 'the token opens the new conversation');
  });

  it('joins the visitor’s chat conversation, storing the context with the chosen queue', async () => {
    const { token, interactionId } = await createInteraction(server.url, sampleContext(), 'topical');
    const res = await request(server.url, '/api/v1/calls', { body: { site: 'topical', token, queue: 'billing', context: sampleContext() } });
    assert.equal(res.status, 201);
    assert.equal(res.body.interactionId, interactionId);
    assert.equal(res.body.sip.target, 'sip:billing@warmline.invalid');
    assert.equal((await server.services.interactions.get(interactionId))!.context.topic, 'Billing');
  });

  it('refuses a missing, unknown or closed queue, a foreign or unknown token and a bad context, changing nothing', async () => {
    const { token } = await createInteraction(server.url, sampleContext(), 'demo');
    const count = () => countRows(server, 'interactions');
    const before = (await count());
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ site: 'topical', context: sampleContext() }, 422, /queue must be one of: billing, sales, night/],
      [{ site: 'topical', queue: 'fun', context: sampleContext() }, 422, /queue must be one of/],
      [{ site: 'topical', queue: 'night', context: sampleContext() }, 409, /Night desk is closed now/],
      [{ site: 'topical', queue: 'billing', token, context: sampleContext() }, 401, /not known/],
      [{ site: 'demo', token: 'x'.repeat(43), context: sampleContext() }, 401, /not known/],
      [{ site: 'demo', context: { ...sampleContext(), page: { url: 'javascript:alert(1)', title: 'x' } } }, 422, /context\.page\.url/],
      [{ site: 'demo', token, context: sampleContext({ visitor: { id: 'someone-else' } }) }, 400, /visitor\.id cannot change/],
    ];
    for (const [body, status, message] of cases) {
      const res = await request(server.url, '/api/v1/calls', { body });
      assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
      assert.match(res.body.error.message, message);
    }
    assert.equal((await count()), before);
  });

  it('gives agents their address of record and ICE servers, with their session only', async () => {
    assert.equal((await request(server.url, '/api/v1/agent/phone')).status, 401);
    const { token } = await signIn(server.url, 'alice');
    const res = await request(server.url, '/api/v1/agent/phone', { token });
    assert.deepEqual(res.body, { mode: 'embedded', domain: 'warmline.invalid', aor: 'sip:alice@warmline.invalid', iceServers: [] });
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
    const staff = await agentConsole(server, 'alice');
    try {
      const visitor = await request(server.url, '/api/v1/calls', { body: { site: 'demo', context: sampleContext() } });
      assert.equal(visitor.body.iceServers[0].urls[0], 'turn:127.0.0.1:3478');
      assert.match(visitor.body.iceServers[0].username, /^\d+:in_/);
      const { token } = await signIn(server.url, 'bob');
      const agent = await request(server.url, '/api/v1/agent/phone', { token });
      assert.match(agent.body.iceServers[0].username, /^\d+:ag_/);
    } finally {
      staff.socket.close();
      await server.close();
    }
  });
});
