/**
 * deploy/kamailio/kamailio.cfg against a real Kamailio, driven with SIP
 * written by hand over its WebSocket, with credentials minted the way the
 * Warmline server mints them (signaling/sip/sip-credentials.ts) and digest
 * answers computed here (RFC 2617, no qop): what each credential lets its
 * holder do, and that the interaction headers an agent sees come from the
 * credential, never from the caller. Also the server side: what the
 * softphone and the call widget are handed in external mode.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { startKamailio, type Kamailio } from '../support/kamailio.js';
import { SipClient } from '../support/sip-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { agentCredentialName, ephemeralCredential, visitorCredentialName, type SipCredential } from '../../signaling/sip/sip-credentials.js';
import type { SipResponse } from '../../signaling/sip/sip-message.js';

const DOMAIN = 'warmline.invalid';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const rand = () => randomBytes(5).toString('hex');

/** The Authorization (or Proxy-Authorization) value answering a challenge (RFC 2617 §3.2.2, no qop). */
function digest(challenge: string, credential: SipCredential, method: string, uri: string): string {
  const realm = /realm="([^"]*)"/.exec(challenge)![1]!;
  const nonce = /nonce="([^"]*)"/.exec(challenge)![1]!;
  const response = md5(`${md5(`${credential.username}:${realm}:${credential.password}`)}:${nonce}:${md5(`${method}:${uri}`)}`);
  return `Digest username="${credential.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5`;
}

class Peer {
  private constructor(readonly sip: SipClient) {}
  static async open(kamailio: Kamailio) {
    return new Peer(await SipClient.open(kamailio.wsUrl, ['sip']));
  }

  /** Sends a request, answers its 401/407 with `credential`, and returns the final response. */
  async request(method: 'REGISTER' | 'INVITE', lines: (auth: string[]) => string[], credential: SipCredential, uri: string, body = ''): Promise<SipResponse> {
    this.sip.send(lines([]), body);
    const first = await this.final(method);
    if (first.statusCode !== 401 && first.statusCode !== 407) return first;
    const header = first.statusCode === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const answer = first.statusCode === 401 ? 'Authorization' : 'Proxy-Authorization';
    if (method === 'INVITE') this.ack(first);
    this.sip.send(lines([`${answer}: ${digest(first.getHeader(header.toLowerCase())!, credential, method, uri)}`]), body);
    return this.final(method);
  }

  register(user: string, aor: string, credential: SipCredential, cseq = { n: 1 }) {
    const callId = rand();
    return this.request(
      'REGISTER',
      (auth) => [
        `REGISTER sip:${DOMAIN} SIP/2.0`,
        `Via: SIP/2.0/WS ${this.sip.contactHost};branch=z9hG4bK${rand()}`,
        'Max-Forwards: 70',
        `From: <sip:${user}@${DOMAIN}>;tag=${this.sip.fromTag}`,
        `To: <sip:${aor}@${DOMAIN}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq.n++} REGISTER`,
        `Contact: <${this.sip.contact}>;expires=300`,
        ...auth,
      ],
      credential,
      `sip:${DOMAIN}`,
    );
  }

  invite(to: string, credential: SipCredential, extra: string[] = []) {
    const callId = rand();
    let cseq = 1;
    return this.request(
      'INVITE',
      (auth) => [
        `INVITE sip:${to}@${DOMAIN} SIP/2.0`,
        `Via: SIP/2.0/WS ${this.sip.contactHost};branch=z9hG4bK${rand()}`,
        'Max-Forwards: 70',
        `From: "Visitor" <sip:visitor-${rand()}@${DOMAIN}>;tag=${this.sip.fromTag}`,
        `To: <sip:${to}@${DOMAIN}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq++} INVITE`,
        `Contact: <${this.sip.contact}>`,
        'Content-Type: application/sdp',
        ...extra,
        ...auth,
      ],
      credential,
      `sip:${to}@${DOMAIN}`,
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n',
    );
  }

  /** ACK for a non-2xx final response (RFC 3261 §17.1.1.3), built from it. */
  ack(response: SipResponse) {
    this.sip.send([
      `ACK ${/^<?([^>;]+)/.exec(response.getHeader('to')!)![1]} SIP/2.0`,
      `Via: ${response.getHeader('via')}`,
      'Max-Forwards: 70',
      `From: ${response.getHeader('from')}`,
      `To: ${response.getHeader('to')}`,
      `Call-ID: ${response.callId}`,
      `CSeq: ${response.cseq} ACK`,
    ]);
  }

  private async final(method: string): Promise<SipResponse> {
    for (;;) {
      const { message } = await this.sip.next((r) => 'statusCode' in r.message && (r.message as SipResponse).method === method, `a ${method} response`, 5000);
      const response = message as SipResponse;
      if ((response.statusCode ?? 0) >= 200) return response;
    }
  }

  close() {
    return this.sip.close();
  }
}

describe('deploy/kamailio/kamailio.cfg: what each credential allows', () => {
  let kamailio: Kamailio;
  const peers: Peer[] = [];
  const peer = async () => {
    const p = await Peer.open(kamailio);
    peers.push(p);
    return p;
  };
  const now = () => Date.now();
  const agentCred = (user: string, queues: string[]) => ephemeralCredential(kamailio.secret, agentCredentialName(user, queues.map((q) => `sip:${q}@${DOMAIN}`)), 600, now());

  before(async () => {
    kamailio = await startKamailio({ domain: DOMAIN });
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.close()));
    await kamailio.stop();
  });

  it('lets an agent register their own address and their queues’ only, with a valid credential', async () => {
    const alice = await peer();
    const cred = agentCred('alice', ['billing']);
    assert.equal((await alice.register('alice', 'alice', cred)).statusCode, 200);
    assert.equal((await alice.register('alice', 'billing', cred)).statusCode, 200);
    assert.equal((await alice.register('alice', 'orders', cred)).statusCode, 403, 'a queue alice does not serve');
    assert.equal((await alice.register('alice', 'bob', cred)).statusCode, 403, 'another agent’s address');
    assert.equal((await alice.register('bob', 'bob', cred)).statusCode, 403, 'her credential in bob’s name');
    const wrongSecret = ephemeralCredential('not-the-shared-secret-at-all', agentCredentialName('alice', []), 600, now());
    assert.equal((await alice.register('alice', 'alice', wrongSecret)).statusCode, 401);
    const expired = ephemeralCredential(kamailio.secret, agentCredentialName('alice', []), 60, now() - 3_600_000);
    assert.equal((await alice.register('alice', 'alice', expired)).statusCode, 401);
    const visitorCred = ephemeralCredential(kamailio.secret, visitorCredentialName('in_abcdefgh12', `sip:alice@${DOMAIN}`), 600, now());
    assert.equal((await alice.register('in_abcdefgh12', 'alice', visitorCred)).statusCode, 403, 'a visitor cannot register anything');
  });

  it('lets a visitor call their queue only, and gives the agent the interaction from the credential, not from the caller', async () => {
    const agent = await peer();
    assert.equal((await agent.register('carol', 'support', agentCred('carol', ['support']))).statusCode, 200);
    assert.equal((await agent.register('carol', 'carol', agentCred('carol', ['support']))).statusCode, 200);
    const visitor = await peer();
    const cred = ephemeralCredential(kamailio.secret, visitorCredentialName('in_realvisitor1', `sip:support@${DOMAIN}`), 600, now());

    assert.equal((await visitor.invite('carol', cred)).statusCode, 403, 'not an agent directly');
    assert.equal((await visitor.invite('billing', cred)).statusCode, 403, 'not another queue');
    assert.equal((await visitor.invite('support', agentCred('carol', ['support']))).statusCode, 403, 'an agent’s credential does not place visitor calls');

    // A spoofed interaction id, in both headers: replaced.
    const spoof = ['X-Warmline-Interaction: in_someoneelse9', `User-to-User: ${Buffer.from('in_someoneelse9').toString('hex')};encoding=hex;purpose=warmline`];
    const ringing = visitor.invite('support', cred, spoof);
    const { message } = await agent.sip.next((r) => 'method' in r.message && (r.message as { method: string }).method === 'INVITE' && !('statusCode' in r.message), 'the INVITE at carol’s phone', 5000);
    const invite = message as unknown as { getHeader(n: string): string | undefined; getHeaders(n: string): string[] };
    assert.deepEqual(invite.getHeaders('x-warmline-interaction'), ['in_realvisitor1']);
    assert.equal(invite.getHeaders('user-to-user').length, 1);
    assert.equal(Buffer.from(invite.getHeader('user-to-user')!.split(';')[0]!, 'hex').toString(), 'in_realvisitor1');
    assert.equal(invite.getHeader('proxy-authorization'), undefined, 'the credential stops at Kamailio');
    agent.sip.respond(message as never, 486, 'Busy Here');
    assert.equal((await ringing).statusCode, 486);
  });
});

describe('the server in external mode', () => {
  let server: TestServer;
  const secret = 'external-platform-secret-0001';
  before(async () => {
    server = await startTestServer({
      sip: { external: { wsUrl: 'wss://sip.example.com', secret, queues: { billing: 'sip:8200@pbx.example' } } },
      queues: [
        { id: 'support', label: 'Support' },
        { id: 'billing', label: 'Billing', skills: ['billing'] },
      ],
      agents: { alice: { skills: ['billing'] } },
    });
  });
  after(() => server.close());

  it('hands the softphone the platform, its queue addresses and a credential for them, lasting as long as the session', async () => {
    const { token } = await signIn(server.url, 'alice');
    const { body } = await request(server.url, '/api/v1/agent/phone', { token });
    assert.equal(body.mode, 'external');
    assert.equal(body.wsUrl, 'wss://sip.example.com');
    assert.deepEqual(body.aors, [`sip:support@${DOMAIN}`, 'sip:8200@pbx.example']);
    const [expiry, name] = body.auth.username.split(':');
    assert.equal(name, 'agent/alice+support+8200');
    assert.equal(body.auth.password, createHmacB64(secret, body.auth.username));
    const me = await request(server.url, '/api/v1/agent/me', { token });
    assert.ok(Math.abs(Number(expiry) * 1000 - me.body.expiresAt) < 2000, 'valid until the session expires');
    const { body: bobPhone } = await request(server.url, '/api/v1/agent/phone', { token: (await signIn(server.url, 'bob')).token });
    assert.deepEqual(bobPhone.aors, [`sip:support@${DOMAIN}`], 'bob lacks the billing skill');
  });

  it('hands a caller the queue’s address and a short credential for that interaction and queue; no bearer token to the platform', async () => {
    const { token } = await createInteraction(server.url, sampleContext());
    const res = await request(server.url, '/api/v1/calls', { body: { site: 'demo', token, queue: 'billing', context: sampleContext() } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { sip, interactionId } = res.body;
    assert.deepEqual({ mode: sip.mode, wsUrl: sip.wsUrl, target: sip.target }, { mode: 'external', wsUrl: 'wss://sip.example.com', target: 'sip:8200@pbx.example' });
    const [expiry, name] = sip.auth.username.split(':');
    assert.equal(name, `visitor/${interactionId}+8200`);
    assert.ok(Number(expiry) * 1000 - Date.now() <= 600_000 + 2000, 'ten minutes by default');
    assert.equal(sip.auth.password, createHmacB64(secret, sip.auth.username));
    const queues = await request(server.url, '/api/v1/sites/demo/queues');
    assert.ok(queues.body.queues.every((q: { staffed: boolean }) => q.staffed), 'who answers is the platform’s to know');
  });

  it('refuses an external platform without a secret, or a queue address for an unknown queue, at start', async () => {
    const { validateConfig } = await import('../../signaling/config/load-config.js');
    assert.throws(() => validateConfig({ sip: { external: { wsUrl: 'wss://sip.example.com' } } }), /sip\.external\.secret/);
    assert.throws(() => validateConfig({ sip: { external: { wsUrl: 'https://sip.example.com', secret } } }), /sip\.external\.wsUrl: must be a ws:\/\/ or wss:\/\/ URL/);
    assert.throws(() => validateConfig({ sip: { external: { wsUrl: 'wss://x', secret, queues: { nowhere: 'sip:1@x' } } } }), /sip\.external\.queues\.nowhere: there is no queue "nowhere"/);
  });
});

/** What Kamailio's auth_ephemeral (sha_algorithm 1) computes from the username. */
const createHmacB64 = (secret: string, username: string) => createHmac('sha256', secret).update(username).digest('base64');
