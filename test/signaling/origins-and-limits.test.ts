/**
 * Who may connect from where, and how much: Origin checks on HTTP and on
 * every WebSocket upgrade, tokens bound to their site, and rate limits that
 * answer 429 with Retry-After (or an error frame with `retryAfter`) and
 * change nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { SipClient } from '../support/sip-client.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { countRows } from '../support/store-rows.js';

const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';

/** The HTTP status an upgrade gets: 101 when it opens, else the refusal. */
function upgradeStatus(url: string, options: WebSocket.ClientOptions & { protocols?: string[] } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options.protocols ?? [], options);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

describe('origins', () => {
  let server: TestServer;
  before(async () => {
    // No site allows every origin here: only the shop's own.
    server = await startTestServer({
      sites: [
        { key: 'strict', name: 'Strict', origins: [SHOP] },
        { key: 'other', name: 'Other', origins: ['https://other.example'] },
      ],
    });
  });
  after(() => server.close());

  it('refuses a visitor socket naming a site from another origin, before any frame', async () => {
    assert.equal(await upgradeStatus(`${server.wsUrl}/ws/v1/visitor?site=strict`, { headers: { Origin: EVIL } }), 403);
    assert.equal(await upgradeStatus(`${server.wsUrl}/ws/v1/visitor?site=nowhere`, { headers: { Origin: SHOP } }), 404);
    assert.equal(await upgradeStatus(`${server.wsUrl}/ws/v1/visitor?site=strict`, { headers: { Origin: SHOP } }), 101);
  });

  it('binds a conversation token to its site: not usable from another site’s page or socket', async () => {
    const { token } = await createInteraction(server.url, sampleContext(), 'strict');
    const tries = [
      { url: `${server.wsUrl}/ws/v1/visitor`, origin: EVIL },
      { url: `${server.wsUrl}/ws/v1/visitor?site=other`, origin: 'https://other.example' },
    ];
    for (const { url, origin } of tries) {
      const socket = await TestSocket.open(url, { headers: { Origin: origin } });
      socket.send({ type: 'hello', token, since: 0 });
      assert.equal((await socket.next('error')).code, 'unauthorized', url);
      assert.equal((await socket.closed).code, 4001);
    }
    const own = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor?site=strict`, { headers: { Origin: SHOP } });
    own.send({ type: 'hello', token, since: 0 });
    await own.next('welcome');
    own.close();
  });

  it('refuses the visitor API from an origin the site does not allow', async () => {
    const res = await request(server.url, '/api/v1/interactions', { body: { site: 'strict', context: sampleContext() }, headers: { Origin: EVIL } });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'origin_not_allowed');
  });

  it('lets agents in from this server’s own pages (and agentOrigins) only, on HTTP and on the socket', async () => {
    const own = new URL(server.url).origin;
    const signInFrom = (origin: string) => request(server.url, '/api/v1/agent/sessions', { body: { username: 'alice', password: 'demo' }, headers: { Origin: origin } });
    const refused = await signInFrom(SHOP);
    assert.equal(refused.status, 403, 'a shop page cannot even try passwords');
    assert.equal(refused.body.error.code, 'origin_not_allowed');
    assert.equal((await signInFrom(own)).status, 201);
    assert.equal(await upgradeStatus(`${server.wsUrl}/ws/v1/agent`, { headers: { Origin: EVIL } }), 403);
    assert.equal(await upgradeStatus(`${server.wsUrl}/ws/v1/agent`, { headers: { Origin: own } }), 101);
    assert.equal(await upgradeStatus(`${server.wsUrl}/ws/v1/agent`), 101, 'no Origin: not a browser, held to its token');
  });

  it('opens SIP only to known origins; agents register from agent origins, visitors call from their site’s', async () => {
    assert.equal(await upgradeStatus(`${server.wsUrl}/sip`, { protocols: ['sip'], headers: { Origin: EVIL } }), 403);

    const { token: agentToken } = await signIn(server.url, 'alice');
    const fromShop = await SipClient.open(`${server.wsUrl}/sip`, ['sip'], { headers: { Origin: SHOP } });
    fromShop.register('alice', agentToken);
    const refused = await fromShop.response(403, 'REGISTER');
    assert.match(refused.getHeader('warning')!, /only from the agent console/, 'a stolen agent token replayed from a shop page');

    const { token: visitorToken } = await createInteraction(server.url, sampleContext(), 'strict');
    fromShop.invite('support', visitorToken);
    await fromShop.response(100, 'INVITE');
    fromShop.close();

    const { token: otherToken } = await createInteraction(server.url, sampleContext(), 'other');
    const wrongSite = await SipClient.open(`${server.wsUrl}/sip`, ['sip'], { headers: { Origin: SHOP } });
    wrongSite.invite('support', otherToken);
    assert.match((await wrongSite.response(403, 'INVITE')).getHeader('warning')!, /may not call for this site/);
    wrongSite.close();
  });
});

describe('rate limits', () => {
  let server: TestServer;
  const clock = new FakeClock();
  before(async () => {
    server = await startTestServer(
      {
        limits: { rate: { requestsPerMinute: 400, conversationsPerMinute: 20, messagesPerMinute: 20, signInsPerMinute: 8, connectionsPerIp: 6 } },
      },
      { clock },
    );
  });
  after(() => server.close());

  it('limits sign-in attempts per account with 429 and Retry-After, and lets a good password in later', async () => {
    const attempt = (password: string) => request(server.url, '/api/v1/agent/sessions', { body: { username: 'bob', password } });
    for (let i = 0; i < 5; i++) {
      const wrong = await attempt('guess');
      assert.deepEqual([wrong.status, wrong.body.error.code], [401, 'invalid_credentials'], 'a code the console words in the agent’s language');
    }
    const limited = await attempt('demo');
    assert.equal(limited.status, 429, 'even the right password, while the account is being guessed at');
    assert.equal(limited.body.error.code, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
    assert.equal(limited.body.error.retryAfter, retryAfter, 'in the body too: a page of another origin cannot read Retry-After');
    assert.match(limited.body.error.message, /Try again in \d+ seconds/);
    clock.advance(retryAfter * 1000);
    assert.equal((await attempt('demo')).status, 201);
  });

  it('limits new conversations per address, creating nothing when refused', async () => {
    const count = () => countRows(server, 'interactions');
    clock.advance(60_000);
    const before = (await count());
    let refused = 0;
    for (let i = 0; i < 8; i++) {
      const res = await request(server.url, '/api/v1/interactions', { body: { site: 'demo', context: sampleContext() } });
      if (res.status === 429) refused++;
      else assert.equal(res.status, 201);
    }
    assert.equal(refused, 3, 'a burst of five, then refused');
    assert.equal((await count()), before + 5);
  });

  it('limits chat messages per conversation with an error frame; the refused message is stored once, when resent after', async () => {
    clock.advance(60_000);
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    visitor.send({ type: 'hello', token, since: 0 });
    await visitor.next('welcome');
    for (let i = 0; i < 5; i++) {
      visitor.send({ type: 'send', cid: `cid-flood-${i}`, text: `message ${i}` });
      await visitor.next((f) => f.type === 'ack' && f.cid === `cid-flood-${i}`);
    }
    visitor.send({ type: 'send', cid: 'cid-flood-5', text: 'one too many' });
    const error = await visitor.next('error');
    assert.deepEqual([error.code, error.cid], ['rate_limited', 'cid-flood-5']);
    assert.ok(error.retryAfter >= 1);
    const texts = async () => (await server.services.interactions.messagesSince(interactionId, 0)).map((m) => m.body);
    assert.equal((await texts()).includes('one too many'), false, 'not stored');
    clock.advance(error.retryAfter * 1000);
    visitor.send({ type: 'send', cid: 'cid-flood-5', text: 'one too many' });
    await visitor.next((f) => f.type === 'ack' && f.cid === 'cid-flood-5');
    assert.equal((await texts()).filter((t) => t === 'one too many').length, 1);
    visitor.close();
  });

  it('limits open WebSockets per address, counting closed ones out again', async () => {
    const open: WebSocket[] = [];
    const connect = () =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${server.wsUrl}/ws/v1/visitor`);
        ws.once('open', () => {
          open.push(ws);
          resolve(101);
        });
        ws.once('unexpected-response', (_req, res) => {
          assert.equal(res.headers['retry-after'], '30');
          resolve(res.statusCode ?? 0);
        });
      });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push(await connect());
    assert.deepEqual(statuses, [101, 101, 101, 101, 101, 101, 429]);
    const closing = open.splice(0, 2);
    await Promise.all(closing.map((ws) => new Promise((resolve) => (ws.once('close', resolve), ws.close()))));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await connect(), 101, 'room again once some closed');
    for (const ws of open) ws.close();
  });

  it('limits API requests per address', async () => {
    clock.advance(60_000);
    let limited: Awaited<ReturnType<typeof request<any>>> | undefined;
    for (let i = 0; i < 120 && !limited; i++) {
      const res = await request(server.url, '/api/v1/sites/demo/queues');
      if (res.status === 429) limited = res;
    }
    assert.ok(limited, 'refused within the burst');
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await request(server.url, '/healthz')).status, 200, 'health checks are not API requests');
  });
});
