/**
 * Behind a proxy: X-Forwarded-For and X-Forwarded-Proto count only when the
 * peer is a configured trusted proxy, and then the address is the rightmost
 * one no trusted proxy covers. Loopback gives every test its own peers:
 * 127.0.0.2 plays the balancer (the only trusted address), 127.0.0.3 and up
 * are visitors that reach the server directly and forge the headers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { sampleContext } from '../support/fixtures.js';
import { createLogger } from '../../signaling/log.js';

const BALANCER = '127.0.0.2';
const DIRECT = '127.0.0.3';
const OTHER_DIRECT = '127.0.0.4';
/** Each bucket holds a burst of 5 (the least there is) and refills slowly. */
const BURST = 5;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
}

/** An HTTP request to the server from a chosen local address (node:http, as fetch cannot pick one). */
function send(server: TestServer, peer: string, path: string, init: { body?: unknown; headers?: Record<string, string | string[]> } = {}): Promise<Reply> {
  const { port } = new URL(server.url);
  const body = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        localAddress: peer,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

const newConversation = (server: TestServer, peer: string, forwardedFor?: string) =>
  send(server, peer, '/api/v1/interactions', {
    body: { site: 'demo', context: sampleContext() },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }).then((r) => r.status);

/** The upgrade's answer from a chosen local address: 101 when the socket opens, else the refusal. */
function upgrade(server: TestServer, peer: string, path: string, headers: Record<string, string>, protocols: string[] = []): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.wsUrl}${path}`, protocols, { localAddress: peer, headers });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

describe('trusted proxies', () => {
  let server: TestServer;
  const logged: string[] = [];
  /** The address the server logged for the last sign-in of alice. */
  const signedInFrom = () => /alice signed in from (\S+)$/.exec(logged.filter((l) => l.includes('alice signed in')).at(-1) ?? '')?.[1];
  const signIn = (peer: string, headers: Record<string, string | string[]> = {}) => send(server, peer, '/api/v1/agent/sessions', { body: { username: 'alice', password: 'demo' }, headers });

  before(async () => {
    server = await startTestServer(
      // The balancer, and the private range of the hops behind it (a second balancer tier, say).
      { trustedProxies: [BALANCER, '10.0.0.0/8'], limits: { rate: { conversationsPerMinute: 1, connectionsPerIp: 2 } } },
      { log: createLogger('info', (line) => logged.push(line)) },
    );
  });
  after(() => server.close());

  it('a forged X-Forwarded-For from a peer that is not a trusted proxy changes nothing', async () => {
    for (let i = 0; i < BURST; i++) assert.equal(await newConversation(server, DIRECT, `198.51.100.${i + 1}`), 201, `conversation ${i + 1}`);
    assert.equal(await newConversation(server, DIRECT, '198.51.100.99'), 429, 'a new forged address each time is still the same peer');
    assert.equal(await newConversation(server, DIRECT, `${BALANCER}, 198.51.100.98`), 429, 'naming the balancer in the header earns nothing');
    assert.equal(await newConversation(server, OTHER_DIRECT), 201, 'another peer has its own bucket');

    assert.equal((await signIn(DIRECT, { 'x-forwarded-for': '198.51.100.7' })).status, 201);
    assert.equal(signedInFrom(), DIRECT);
  });

  it('behind the trusted balancer, each forwarded visitor has their own bucket', async () => {
    for (let i = 0; i < BURST; i++) assert.equal(await newConversation(server, BALANCER, '203.0.113.1'), 201, `conversation ${i + 1}`);
    assert.equal(await newConversation(server, BALANCER, '203.0.113.1'), 429, 'the sixth from one visitor');
    assert.equal(await newConversation(server, BALANCER, '203.0.113.2'), 201, 'the next visitor through the same balancer is not held back');

    assert.equal((await signIn(BALANCER, { 'x-forwarded-for': '203.0.113.3' })).status, 201);
    assert.equal(signedInFrom(), '203.0.113.3');
  });

  it('reads the chain from the right: “forged, real” through the balancer is the real visitor', async () => {
    assert.equal((await signIn(BALANCER, { 'x-forwarded-for': '192.0.2.66, 203.0.113.10' })).status, 201);
    assert.equal(signedInFrom(), '203.0.113.10');
    // Through two trusted hops (a client-side balancer in 10/8 forwarding to ours): still the first untrusted one from the right.
    assert.equal((await signIn(BALANCER, { 'x-forwarded-for': '192.0.2.66, 203.0.113.11, 10.1.2.3' })).status, 201);
    assert.equal(signedInFrom(), '203.0.113.11');
    // HAProxy's `option forwardfor` adds a header line of its own after the visitor's: one list, read from the right as well.
    assert.equal((await signIn(BALANCER, { 'x-forwarded-for': ['192.0.2.66', '203.0.113.12'] })).status, 201);
    assert.equal(signedInFrom(), '203.0.113.12');

    for (let i = 0; i < BURST; i++) assert.equal(await newConversation(server, BALANCER, '203.0.113.20'), 201);
    assert.equal(await newConversation(server, BALANCER, '192.0.2.1, 203.0.113.20'), 429, 'a forged entry on the left is no fresh bucket');
    assert.equal(await newConversation(server, BALANCER, '203.0.113.20, 192.0.2.2'), 201, 'the rightmost entry is who the balancer saw');
  });

  it('counts WebSockets (visitor, agent and SIP) against the forwarded visitor behind the balancer, and against the peer otherwise', async () => {
    const open: WebSocket[] = [];
    const counted = async (peer: string, forwardedFor: string, path: string, protocols?: string[]) => {
      const { status, ws } = await upgrade(server, peer, path, { 'x-forwarded-for': forwardedFor }, protocols);
      if (ws) open.push(ws);
      return status;
    };
    try {
      assert.equal(await counted(DIRECT, '198.51.100.1', '/ws/v1/visitor'), 101);
      assert.equal(await counted(DIRECT, '198.51.100.2', '/ws/v1/agent'), 101);
      assert.equal(await counted(DIRECT, '198.51.100.3', '/sip', ['sip']), 429, 'two sockets per address: the forged header does not help');

      assert.equal(await counted(BALANCER, '203.0.113.30', '/ws/v1/visitor'), 101);
      assert.equal(await counted(BALANCER, '203.0.113.30', '/sip', ['sip']), 101);
      assert.equal(await counted(BALANCER, '203.0.113.30', '/ws/v1/agent'), 429, 'the third of one visitor');
      assert.equal(await counted(BALANCER, '203.0.113.31', '/ws/v1/visitor'), 101, 'another visitor behind the balancer');
      assert.equal(await counted(BALANCER, '192.0.2.9, 203.0.113.30', '/ws/v1/visitor'), 429, 'a forged entry on the left changes nothing');
    } finally {
      for (const ws of open) ws.close();
    }
  });

  it('believes X-Forwarded-Proto from the balancer only: HSTS, and this server’s own https origin for agents', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    assert.match((await send(server, BALANCER, '/healthz', { headers: https })).headers['strict-transport-security'] ?? '', /^max-age=/);
    assert.equal((await send(server, DIRECT, '/healthz', { headers: https })).headers['strict-transport-security'], undefined);
    assert.equal((await send(server, BALANCER, '/healthz')).headers['strict-transport-security'], undefined, 'plain HTTP through the balancer');

    // The console served over HTTPS by the balancer: its Origin is this server's own only when the balancer says so.
    const fromConsole = { ...https, origin: `https://${new URL(server.url).host}` };
    assert.equal((await signIn(BALANCER, fromConsole)).status, 201);
    assert.equal((await signIn(DIRECT, fromConsole)).status, 403, 'a direct peer claiming HTTPS is not this server’s own origin');
    const agentSocket = await upgrade(server, BALANCER, '/ws/v1/agent', { ...fromConsole, 'x-forwarded-for': '203.0.113.40' });
    assert.equal(agentSocket.status, 101);
    agentSocket.ws?.close();
    assert.equal((await upgrade(server, OTHER_DIRECT, '/ws/v1/agent', fromConsole)).status, 403);
  });
});
