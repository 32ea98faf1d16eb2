/**
 * The embedded SIP registrar and proxy over real WebSockets, driven with SIP
 * text written by hand: registration, a whole call, CANCEL, declines,
 * teardown when a connection drops.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { DOMAIN, SipClient } from '../support/sip-client.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import type { SipRequest } from '../../signaling/sip/sip-message.js';
import { callRecords } from '../support/store-rows.js';

describe('SIP over WebSocket: registrar and proxy', () => {
  let server: TestServer;
  const open: SipClient[] = [];
  const connect = async () => {
    const client = await SipClient.open(`${server.wsUrl}/sip`);
    open.push(client);
    return client;
  };
  /** An agent's phone, registered. */
  const phone = async (username: string) => {
    const { token } = await signIn(server.url, username);
    const client = await connect();
    client.register(username, token);
    await client.response(200, 'REGISTER');
    return { client, token };
  };
  /** A visitor with a conversation, calling the site's queue. */
  const visitor = async (queue = 'support') => {
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const client = await connect();
    const call = client.invite(queue, token);
    return { client, call, token, interactionId };
  };
  const calls = (interactionId: string) => callRecords(server, interactionId);

  before(async () => {
    server = await startTestServer();
  });
  beforeEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await server.close();
  });

  it('registers an agent with their session as a bearer token (RFC 8898), and nobody else', async () => {
    const { token } = await signIn(server.url, 'alice');
    const client = await connect();
    client.register('alice', undefined);
    const challenge = await client.response(401, 'REGISTER');
    assert.equal(challenge.getHeader('www-authenticate'), `Bearer realm="${DOMAIN}"`);
    client.register('alice', 'not-a-valid-token');
    assert.match((await client.response(401, 'REGISTER')).getHeader('www-authenticate')!, /error="invalid_token"/);
    client.register('bob', token);
    const forbidden = await client.response(403, 'REGISTER');
    assert.match(forbidden.getHeader('warning')!, /only register your own address/);
    const { token: visitorToken } = await createInteraction(server.url, sampleContext());
    client.register('alice', visitorToken);
    await client.response(401, 'REGISTER');
    client.register('alice', token, { expires: 30 });
    assert.equal((await client.response(423, 'REGISTER')).getHeader('min-expires'), '60');
    client.register('alice', token);
    const ok = await client.response(200, 'REGISTER');
    assert.match(ok.getHeader('contact')!, new RegExp(`<${client.contact}>;expires=600`));
    assert.equal(server.services.sip.registrar.isRegistered((await server.services.stores.agents.findByUsername('alice'))!.id), true);
    client.register('alice', token, { expires: 0 });
    await client.response(200, 'REGISTER');
    assert.equal(server.services.sip.registrar.isRegistered((await server.services.stores.agents.findByUsername('alice'))!.id), false);
  });

  it('routes a call to the registered agent with the interaction, and relays everything until BYE', async () => {
    const agent = await phone('alice');
    const caller = await visitor();
    await caller.client.response(100, 'INVITE');
    const invite = await agent.client.request('INVITE');
    assert.equal(invite.getHeader('x-warmline-interaction'), caller.interactionId);
    assert.equal(
      Buffer.from(invite.getHeader('user-to-user')!.split(';')[0]!, 'hex').toString(),
      caller.interactionId,
      'the same id in User-to-User (RFC 7433, hex), for platforms that keep only that',
    );
    assert.equal(invite.ruri!.user, agent.client.contactUser, 'sent to the contact the agent registered');
    assert.equal(invite.getHeader('proxy-authorization'), undefined, 'the visitor’s token stops at the proxy');
    assert.equal(invite.getHeaders('via').length, 2);
    assert.match(invite.getHeaders('via')[0]!, new RegExp(`^SIP/2.0/WS ${DOMAIN};branch=z9hG4bK`));
    const recordRoute = invite.getHeader('record-route')!;
    assert.match(recordRoute, /^<sip:warmline-proxy@warmline\.invalid;transport=ws;lr>$/);
    assert.equal(Number(invite.getHeader('max-forwards')), 69);
    assert.equal((await calls(caller.interactionId))[0]?.status, 'ringing');

    agent.client.respond(invite, 180, 'Ringing', { toTag: 'agenttag' });
    const ringing = await caller.client.response(180, 'INVITE');
    assert.equal(ringing.getHeaders('via').length, 1, 'the proxy took its Via off');
    agent.client.respond(invite, 200, 'OK', { toTag: 'agenttag', body: 'v=0\r\n' });
    const ok = await caller.client.response(200, 'INVITE');
    assert.equal(ok.toTag, 'agenttag');
    assert.equal(ok.getHeader('p-asserted-identity'), '"Alice Martin" <sip:alice@warmline.invalid>', 'the proxy says who answered');
    assert.equal(ok.getHeader('record-route'), recordRoute);
    assert.equal((await calls(caller.interactionId))[0]?.status, 'answered');

    // The caller's dialog: remote target = agent's contact, route set = the Record-Route.
    const fromCaller = {
      callId: caller.call.callId,
      remoteTarget: agent.client.contact,
      route: [recordRoute],
      localTag: caller.call.fromTag,
      remoteTag: 'agenttag',
      localUri: `sip:visitor@${DOMAIN}`,
      remoteUri: `sip:support@${DOMAIN}`,
    };
    caller.client.inDialog('ACK', fromCaller, 1);
    const ack = await agent.client.request('ACK');
    assert.equal(ack.getHeader('route'), undefined, 'the proxy removed its own Route');
    caller.client.inDialog('INFO', fromCaller, 2, ['Content-Type: application/dtmf-relay'], 'Signal=1\r\nDuration=160\r\n');
    const info = await agent.client.request('INFO');
    assert.equal(info.body, 'Signal=1\r\nDuration=160\r\n');
    agent.client.respond(info, 200, 'OK');
    await caller.client.response(200, 'INFO');

    // The agent puts the call on hold with a re-INVITE.
    const fromAgent = {
      callId: caller.call.callId,
      remoteTarget: caller.client.contact,
      route: [recordRoute],
      localTag: 'agenttag',
      remoteTag: caller.call.fromTag,
      localUri: `sip:support@${DOMAIN}`,
      remoteUri: `sip:visitor@${DOMAIN}`,
    };
    agent.client.inDialog('INVITE', fromAgent, 101, ['Content-Type: application/sdp'], 'v=0\r\na=sendonly\r\n');
    const reinvite = await caller.client.request('INVITE');
    assert.match(reinvite.body, /a=sendonly/);
    caller.client.respond(reinvite, 200, 'OK', { body: 'v=0\r\na=recvonly\r\n' });
    await agent.client.response(200, 'INVITE');

    caller.client.inDialog('BYE', fromCaller, 3);
    const bye = await agent.client.request('BYE');
    agent.client.respond(bye, 200, 'OK');
    await caller.client.response(200, 'BYE');
    const [record] = await calls(caller.interactionId);
    assert.equal(record?.status, 'ended');
    assert.equal(record?.endReason, 'hangup-visitor');
    assert.deepEqual(server.services.sip.stats().calls, 0);
  });

  it('relays a BYE from the agent’s side too', async () => {
    const agent = await phone('alice');
    const caller = await visitor();
    const invite = await agent.client.request('INVITE');
    agent.client.respond(invite, 200, 'OK', { toTag: 'agentbye', body: 'v=0\r\n' });
    await caller.client.response(200, 'INVITE');
    agent.client.inDialog(
      'BYE',
      {
        callId: caller.call.callId,
        remoteTarget: caller.client.contact,
        route: [invite.getHeader('record-route')!],
        localTag: 'agentbye',
        remoteTag: caller.call.fromTag,
        localUri: `sip:support@${DOMAIN}`,
        remoteUri: `sip:visitor@${DOMAIN}`,
      },
      7,
    );
    const bye = await caller.client.request('BYE');
    assert.equal(bye.getHeaders('via').length, 2, 'the proxy’s Via is on top of the agent’s');
    caller.client.respond(bye, 200, 'OK');
    await agent.client.response(200, 'BYE');
    assert.equal((await calls(caller.interactionId))[0]?.endReason, 'hangup-agent');
  });

  it('passes a CANCEL on while ringing: the agent’s phone stops and the caller gets 487', async () => {
    const agent = await phone('alice');
    const caller = await visitor();
    const invite = await agent.client.request('INVITE');
    agent.client.respond(invite, 180, 'Ringing', { toTag: 'ringing' });
    await caller.client.response(180, 'INVITE');
    caller.client.cancel(caller.call);
    await caller.client.response(200, 'CANCEL');
    const cancel = await agent.client.request('CANCEL');
    assert.equal(cancel.viaBranch, invite.viaBranch, 'the CANCEL has the branch of the INVITE it cancels (§9.1)');
    assert.equal(cancel.getHeaders('via').length, 1);
    agent.client.respond(cancel, 200, 'OK');
    agent.client.respond(invite, 487, 'Request Terminated', { toTag: 'ringing' });
    const ack = await agent.client.request('ACK');
    assert.equal(ack.viaBranch, invite.viaBranch, 'the proxy acknowledges the 487 itself (§17.1.1.3)');
    assert.equal(ack.toTag, 'ringing');
    await caller.client.response(487, 'INVITE');
    assert.equal((await calls(caller.interactionId))[0]?.endReason, 'cancelled');
    assert.deepEqual(await agent.client.quiet(), []);
  });

  it('answers 480 when no agent is signed in, and keeps the caller waiting in line when the only agent declines', async () => {
    const alone = await visitor();
    const unavailable = await alone.client.response(480, 'INVITE');
    assert.match(unavailable.getHeader('warning')!, /No agent is available/);
    assert.equal((await calls(alone.interactionId))[0]?.endReason, 'no-agent');

    const agent = await phone('alice');
    const caller = await visitor();
    // Rung at once, the call was never in line; declined, it is, first.
    const invite = await agent.client.request('INVITE');
    agent.client.respond(invite, 603, 'Decline');
    await agent.client.request('ACK');
    const queued = await caller.client.response(182, 'INVITE');
    assert.match(queued.getHeader('x-warmline-queue')!, /^position=1;wait=\d+$/, 'RFC 3261 182 Queued, with the place in line');
    assert.ok(queued.toTag && queued.getHeader('contact'), 'a 1xx with a To tag carries a Contact (RFC 3261 §12.1.1)');
    const more = await caller.client.quiet(300);
    assert.ok(
      more.every((r) => [100, 182].includes((r.message as { statusCode?: number }).statusCode!)),
      'the caller is still in line, not refused',
    );
    // Another agent signs in: the call goes to them.
    const bob = await phone('bob');
    const ringing = await bob.client.request('INVITE');
    assert.equal(ringing.getHeader('x-warmline-interaction'), caller.interactionId);
  });

  it('rings the next agent when one declines', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');
    const caller = await visitor();
    const first = await SipClient.first([alice.client, bob.client], 'INVITE');
    first.client.respond(first.request, 486, 'Busy Here');
    const other = first.client === alice.client ? bob : alice;
    const second = await other.client.request('INVITE');
    assert.equal(second.getHeader('x-warmline-interaction'), caller.interactionId);
    other.client.respond(second, 200, 'OK', { body: 'v=0\r\n' });
    await caller.client.response(200, 'INVITE');
  });

  it('moves on when the ringing agent’s connection drops: the call waits, and rings her again once her phone is back', async () => {
    const agent = await phone('alice');
    const caller = await visitor();
    await agent.client.request('INVITE');
    await agent.client.close();
    // She was the only one: the caller is not let go at once (her phone may be reconnecting, sip.recoverySeconds)…
    assert.deepEqual((await caller.client.quiet(300)).filter((r) => /^SIP\/2\.0 4/.test(r.text)), [], 'not refused');
    // …and it rings her again over her new WebSocket.
    const back = await agent.client.reopen(`${server.wsUrl}/sip`);
    open.push(back);
    back.register('alice', agent.token);
    await back.response(200, 'REGISTER');
    await back.request('INVITE');
    caller.client.cancel(caller.call);
    await caller.client.response(487, 'INVITE');
  });

  it('ends the agent’s registration when they sign out', async () => {
    const agent = await phone('alice');
    await request(server.url, '/api/v1/agent/sessions/current', { method: 'DELETE', token: agent.token });
    assert.equal((await agent.client.closed).code, 4004);
    const caller = await visitor();
    await caller.client.response(480, 'INVITE');
  });

  it('refuses WebSocket connections that do not speak the "sip" subprotocol', async () => {
    await assert.rejects(SipClient.open(`${server.wsUrl}/sip`, ['chat']), /400/);
  });

  describe('bad and hostile input', () => {
    const invite = (client: SipClient, lines: string[]) => client.send(lines);
    const base = (client: SipClient, overrides: Record<string, string | null> = {}) => {
      const headers: Record<string, string | null> = {
        Via: `SIP/2.0/WSS ${client.contactHost};branch=z9hG4bKhostile${Math.random().toString(36).slice(2)}`,
        'Max-Forwards': '70',
        To: `<sip:support@${DOMAIN}>`,
        From: `<sip:visitor@${DOMAIN}>;tag=x1`,
        'Call-ID': `hostile-${Math.random()}`,
        CSeq: '1 INVITE',
        Contact: `<${client.contact}>`,
        ...overrides,
      };
      return Object.entries(headers)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}: ${v}`);
    };

    it('answers each broken or forbidden request with the right error and keeps working', async () => {
      await phone('alice');
      const client = await connect();
      const { token, interactionId } = await createInteraction(server.url, sampleContext());
      const { interactionId: otherInteraction } = await createInteraction(server.url, sampleContext());
      const cases: Array<[string, string[], number, RegExp?]> = [
        ['no Call-ID', [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client, { 'Call-ID': null })], 400, /Call-ID/],
        ['no From', [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client, { From: null })], 400, /From/],
        ['a CSeq for another method', [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client, { CSeq: '1 BYE' })], 400, /CSeq/],
        ['no token', [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client)], 407],
        ['a forged token', [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client), 'Proxy-Authorization: Bearer forged'], 407],
        [
          'a call to an agent’s address',
          [`INVITE sip:alice@${DOMAIN} SIP/2.0`, ...base(client, { To: `<sip:alice@${DOMAIN}>` }), `Proxy-Authorization: Bearer ${token}`],
          403,
          /queue addresses/,
        ],
        [
          'somebody else’s interaction',
          [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client), `Proxy-Authorization: Bearer ${token}`, `X-Warmline-Interaction: ${otherInteraction}`],
          403,
          /does not match/,
        ],
        ['an unknown queue', [`INVITE sip:nobody@${DOMAIN} SIP/2.0`, ...base(client, { To: `<sip:nobody@${DOMAIN}>` }), `Proxy-Authorization: Bearer ${token}`], 404],
        ['another domain', [`INVITE sip:support@elsewhere.example SIP/2.0`, ...base(client), `Proxy-Authorization: Bearer ${token}`], 404],
        ['Max-Forwards 0', [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client, { 'Max-Forwards': '0' }), `Proxy-Authorization: Bearer ${token}`], 483],
        ['a MESSAGE', [`MESSAGE sip:support@${DOMAIN} SIP/2.0`, ...base(client, { CSeq: '1 MESSAGE' })], 405],
        ['a BYE for no call', [`BYE ${client.contact} SIP/2.0`, ...base(client, { CSeq: '2 BYE', To: `<sip:support@${DOMAIN}>;tag=nope` })], 481],
        ['a CANCEL for no call', [`CANCEL sip:support@${DOMAIN} SIP/2.0`, ...base(client, { CSeq: '1 CANCEL' })], 481],
        ['a visitor registering as an agent', [`REGISTER sip:${DOMAIN} SIP/2.0`, ...base(client, { CSeq: '1 REGISTER', To: `<sip:alice@${DOMAIN}>` }), `Authorization: Bearer ${token}`], 401],
        ['huge headers', [`INVITE sip:support@${DOMAIN} SIP/2.0`, ...base(client), `X-Padding: ${'a'.repeat(40_000)}`], 513],
      ];
      for (const [what, lines, status, warningOrReason] of cases) {
        invite(client, lines);
        const response = await client.next((r) => !('ruri' in r.message && r.message.ruri), `the answer to ${what}`);
        const message = response.message as { statusCode: number; reasonPhrase: string; getHeader(n: string): string | undefined };
        assert.equal(message.statusCode, status, `${what}: ${response.text.split('\r\n')[0]}`);
        if (warningOrReason) assert.match(`${message.reasonPhrase} ${message.getHeader('warning') ?? ''}`, warningOrReason, what);
      }
      assert.equal((await calls(interactionId)).length, 0, 'no call was started by any of it');

      // Garbage gets no answer; the connection stays until there is too much of it.
      client.sendRaw('this is not SIP at all');
      client.sendRaw('INVITE\r\n\r\n');
      assert.deepEqual(await client.quiet(), []);
      for (let i = 0; i < 10; i++) client.sendRaw(`garbage ${i}`);
      assert.equal((await client.closed).code, 1008);

      // The proxy still takes calls.
      const caller = await visitor();
      await caller.client.response(100, 'INVITE');
      assert.ok(server.services.sip.stats().ringing >= 1);
    });

    it('does not let a visitor end or hijack someone else’s call', async () => {
      const agent = await phone('alice');
      const caller = await visitor();
      const invite: SipRequest = await agent.client.request('INVITE');
      agent.client.respond(invite, 200, 'OK', { toTag: 'victim', body: 'v=0\r\n' });
      await caller.client.response(200, 'INVITE');
      const { token } = await createInteraction(server.url, sampleContext());
      const attacker = await connect();
      attacker.invite('support', token);
      await attacker.response(100, 'INVITE');
      attacker.inDialog(
        'BYE',
        {
          callId: caller.call.callId,
          remoteTarget: agent.client.contact,
          route: [invite.getHeader('record-route')!],
          localTag: caller.call.fromTag,
          remoteTag: 'victim',
          localUri: `sip:visitor@${DOMAIN}`,
          remoteUri: `sip:support@${DOMAIN}`,
        },
        2,
      );
      await attacker.response(481, 'BYE');
      assert.deepEqual(
        (await agent.client.quiet()).map((r) => r.text.split('\r\n')[0]),
        [],
        'the agent received nothing from the attacker',
      );
    });
  });
});

describe('SIP proxy timers', () => {
  it('cancels an agent who does not answer in time and rings the next; a caller nobody takes hears 480 at the longest wait', async () => {
    const { FakeClock } = await import('../support/fake-clock.js');
    const clock = new FakeClock(Date.now());
    const server = await startTestServer({ routing: { offerTimeoutSeconds: 20, awayAfterMissedOffers: 1, maxCallWaitSeconds: 300 } }, { clock });
    try {
      const phones = [];
      for (const username of ['alice', 'bob']) {
        const { token } = await signIn(server.url, username);
        const client = await SipClient.open(`${server.wsUrl}/sip`);
        client.register(username, token);
        await client.response(200, 'REGISTER');
        phones.push(client);
      }
      const { token, interactionId } = await createInteraction(server.url, sampleContext());
      const caller = await SipClient.open(`${server.wsUrl}/sip`);
      caller.invite('support', token);
      const rung = new Set<SipClient>();
      for (let ring = 0; ring < 2; ring++) {
        const { client, request: invite } = await SipClient.first(phones, 'INVITE');
        assert.ok(!rung.has(client), 'each agent is rung once');
        rung.add(client);
        client.respond(invite, 180, 'Ringing', { toTag: `t${ring}` });
        await caller.response(180, 'INVITE');
        clock.advance(19_999);
        assert.deepEqual(await client.quiet(50), [], 'still ringing before the timeout');
        clock.advance(1);
        const cancel = await client.request('CANCEL');
        assert.match(cancel.getHeader('reason')!, /No answer/);
        client.respond(cancel, 200, 'OK');
        client.respond(invite, 487, 'Request Terminated', { toTag: `t${ring}` });
        await client.request('ACK');
      }
      // Both missed their offer: both were set away (awayAfterMissedOffers 1). The caller waits, then gives up.
      for (const agent of await server.services.stores.agents.list()) assert.equal(await server.services.routing.presenceOf(agent.id), 'away');
      clock.advance(300_000);
      const final = await caller.response(480, 'INVITE');
      assert.match(final.getHeader('warning')!, /callback/);
      assert.equal((await callRecords(server, interactionId))[0]?.endReason, 'no-answer');
      await Promise.all([...phones, caller].map((c) => c.close()));
    } finally {
      await server.close();
    }
  });
});
