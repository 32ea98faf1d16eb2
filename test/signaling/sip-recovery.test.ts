/**
 * Calls that outlive their WebSockets, driven with raw SIP over real
 * WebSockets: a side whose connection drops gets its call back when its
 * phone registers again over a new one (RFC 5626 flows), requests for it
 * wait meanwhile, a restarted server picks its calls up from the store, and
 * a side that never comes back ends the call after the recovery window, in
 * its name. Time is a fake clock, so the window is crossed without waiting.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { DOMAIN, SipClient } from '../support/sip-client.js';
import { createInteraction, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { agentConsole } from '../support/agent-console.js';
import type { SipRequest } from '../../signaling/sip/sip-message.js';
import { callRecords } from '../support/store-rows.js';

/** The default `sip.recoverySeconds`. */
const RECOVERY_WINDOW_MS = 30_000;
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

describe('calls that outlive their WebSockets (dialog recovery)', () => {
  let server: TestServer;
  const clock = new FakeClock(Date.now());
  const open: SipClient[] = [];
  const track = (client: SipClient) => (open.push(client), client);
  const sipUrl = () => `${server.wsUrl}/sip`;

  /** alice's phone, registered, and a visitor's call she answered. */
  async function answeredCall() {
    const { token: agentToken } = await signIn(server.url, 'alice');
    const agent = track(await SipClient.open(sipUrl()));
    agent.register('alice', agentToken);
    await agent.response(200, 'REGISTER');
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const visitor = track(await SipClient.open(sipUrl()));
    const call = visitor.invite('support', token);
    const invite: SipRequest = await agent.request('INVITE');
    agent.respond(invite, 200, 'OK', { toTag: 'agent-tag', body: SDP });
    await visitor.response(200, 'INVITE');
    const route = [invite.getHeader('record-route')!];
    /** What each side needs to send a request inside the call. */
    const fromVisitor = { callId: call.callId, remoteTarget: agent.contact, route, localTag: call.fromTag, remoteTag: 'agent-tag', localUri: `sip:visitor@${DOMAIN}`, remoteUri: `sip:support@${DOMAIN}` };
    const fromAgent = { callId: call.callId, remoteTarget: visitor.contact, route, localTag: 'agent-tag', remoteTag: call.fromTag, localUri: `sip:support@${DOMAIN}`, remoteUri: `sip:visitor@${DOMAIN}` };
    return { agent, agentToken, visitor, token, interactionId, call, fromVisitor, fromAgent };
  }
  const record = async (interactionId: string) => (await callRecords(server, interactionId)).at(-1);
  /** The visitor's browser back on a new WebSocket: it registers its conversation's address again. */
  async function visitorBack(c: Awaited<ReturnType<typeof answeredCall>>) {
    const again = track(await c.visitor.reopen(sipUrl()));
    again.register(`cb-${c.interactionId}`, c.token);
    await again.response(200, 'REGISTER');
    return again;
  }
  async function agentBack(c: Awaited<ReturnType<typeof answeredCall>>) {
    const again = track(await c.agent.reopen(sipUrl()));
    again.register('alice', c.agentToken);
    await again.response(200, 'REGISTER');
    return again;
  }

  before(async () => {
    server = await startTestServer({}, { clock });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    // Whatever a test left waiting ends, so the next one starts with alice free.
    clock.advance(RECOVERY_WINDOW_MS + 1000);
  });
  after(async () => {
    await server.close();
  });

  it('keeps the call when the visitor’s WebSocket drops, parks what the agent sends, and delivers it once the visitor’s browser registers again', async () => {
    const c = await answeredCall();
    await c.visitor.close();
    assert.deepEqual(await c.agent.quiet(), [], 'no BYE: the audio may still be flowing');
    assert.equal((await record(c.interactionId))?.status, 'answered');
    assert.equal(server.services.sip.stats().reconnecting, 1);

    // alice puts the call on hold while the visitor is away: the re-INVITE waits for them.
    c.agent.inDialog('INVITE', c.fromAgent, 2, ['Content-Type: application/sdp'], SDP.replace('t=0 0', 't=0 0\r\na=sendonly'));
    clock.advance(RECOVERY_WINDOW_MS / 2);
    const back = await visitorBack(c);
    const reinvite = await back.request('INVITE');
    assert.equal(reinvite.callId, c.call.callId);
    assert.match(reinvite.body ?? '', /sendonly/);
    back.respond(reinvite, 200, 'OK', { body: SDP });
    await c.agent.response(200, 'INVITE');
    assert.equal(server.services.sip.stats().reconnecting, 0);

    // The window passes and nothing ends; then the visitor hangs up over the new WebSocket.
    clock.advance(RECOVERY_WINDOW_MS);
    assert.equal((await record(c.interactionId))?.status, 'answered');
    back.inDialog('BYE', c.fromVisitor, 2);
    const bye = await c.agent.request('BYE');
    assert.equal(bye.fromTag, c.call.fromTag);
    c.agent.respond(bye, 200, 'OK');
    await back.response(200, 'BYE');
    assert.equal((await record(c.interactionId))?.endReason, 'hangup-visitor');
  });

  it('gets the agent’s side back when her softphone registers again over a new WebSocket', async () => {
    const c = await answeredCall();
    await c.agent.close();
    // The visitor presses a key while alice's phone reconnects.
    c.visitor.inDialog('INFO', c.fromVisitor, 2, ['Content-Type: application/dtmf-relay'], 'Signal=5\r\nDuration=160\r\n');
    const back = await agentBack(c);
    const info = await back.request('INFO');
    assert.match(info.body ?? '', /Signal=5/);
    back.respond(info, 200, 'OK');
    await c.visitor.response(200, 'INFO');
    back.inDialog('BYE', c.fromAgent, 2);
    c.visitor.respond(await c.visitor.request('BYE'), 200, 'OK');
    await back.response(200, 'BYE');
    assert.equal((await record(c.interactionId))?.endReason, 'hangup-agent');
  });

  it('sends again over the new WebSocket what went into the old one unanswered (it died unnoticed with the network)', async () => {
    const c = await answeredCall();
    c.agent.inDialog('INVITE', c.fromAgent, 2, ['Content-Type: application/sdp'], SDP);
    // It reaches the old WebSocket, which the proxy still takes for alive, and is never answered there.
    const lost = await c.visitor.request('INVITE');
    const back = await visitorBack(c);
    const again = await back.request('INVITE');
    assert.equal(again.viaBranch, lost.viaBranch, 'the same transaction');
    back.respond(again, 200, 'OK', { body: SDP });
    await c.agent.response(200, 'INVITE');
    assert.deepEqual((await c.visitor.quiet()).filter((r) => r.text.startsWith('INVITE')), [], 'not sent a third time');
  });

  it('delivers a BYE that waited for the other side once it is back', async () => {
    const c = await answeredCall();
    await c.visitor.close();
    c.agent.inDialog('BYE', c.fromAgent, 2);
    await c.agent.quiet(100);
    assert.equal((await record(c.interactionId))?.endReason, 'hangup-agent', 'the call is over for the records at once');
    const back = await visitorBack(c);
    const bye = await back.request('BYE');
    back.respond(bye, 200, 'OK');
    await c.agent.response(200, 'BYE');
  });

  it('ends the call in the gone side’s name when it does not come back within the window, and frees the agent', async () => {
    const c = await answeredCall();
    await c.visitor.close();
    clock.advance(RECOVERY_WINDOW_MS - 1000);
    assert.deepEqual(await c.agent.quiet(), []);
    clock.advance(2000);
    const bye = await c.agent.request('BYE');
    assert.equal(bye.fromTag, c.call.fromTag, 'From is the caller, with its tag');
    assert.equal(bye.toTag, 'agent-tag', 'To is the agent, with its tag');
    assert.equal(bye.ruri!.user, c.agent.contactUser);
    assert.ok(bye.cseq > 1, 'the CSeq follows the caller’s last one');
    assert.match(bye.getHeader('reason')!, /Connection lost/);
    c.agent.respond(bye, 200, 'OK');
    assert.equal((await record(c.interactionId))?.endReason, 'connection-lost');
    // alice is free again: the next caller rings her.
    const { token } = await createInteraction(server.url, sampleContext());
    const next = track(await SipClient.open(sipUrl()));
    const nextCall = next.invite('support', token);
    await c.agent.request('INVITE');
    next.cancel(nextCall);
    await next.response(487, 'INVITE');

    // And the other way round: the agent never comes back.
    const d = await answeredCall();
    await d.agent.close();
    clock.advance(RECOVERY_WINDOW_MS + 1);
    const bye2 = await d.visitor.request('BYE');
    assert.equal(bye2.fromTag, 'agent-tag');
    assert.equal(bye2.ruri!.user, d.visitor.contactUser);
  });

  it('gives a side back only to its owner: another agent or visitor naming its contact gets nothing', async () => {
    const c = await answeredCall();
    await c.agent.close();
    // bob registers alice's contact (her binding went with her WebSocket): he is registered, but her call stays hers.
    const { token: bobToken } = await signIn(server.url, 'bob');
    const bob = track(await c.agent.reopen(sipUrl()));
    bob.register('bob', bobToken);
    await bob.response(200, 'REGISTER');
    // Another visitor sends a BYE in the call with the caller's tag.
    const { token: otherToken, interactionId: other } = await createInteraction(server.url, sampleContext());
    const stranger = track(await SipClient.open(sipUrl()));
    stranger.register(`cb-${other}`, otherToken);
    await stranger.response(200, 'REGISTER');
    stranger.inDialog('BYE', c.fromVisitor, 5);
    await stranger.response(481, 'BYE');
    c.visitor.inDialog('INFO', c.fromVisitor, 2, ['Content-Type: application/dtmf-relay'], 'Signal=1\r\nDuration=160\r\n');
    assert.deepEqual((await bob.quiet()).map((r) => r.text.split('\r\n')[0]), [], 'bob received nothing of alice’s call');
    // bob's binding of that contact is his while it lives (the registrar's rule): he lets it go, and alice comes back.
    bob.register('bob', bobToken, { expires: 0 });
    await bob.response(200, 'REGISTER');
    const back = await agentBack(c);
    back.respond(await back.request('INFO'), 200, 'OK');
    await c.visitor.response(200, 'INFO');
    assert.equal((await record(c.interactionId))?.status, 'answered');
  });

  it('passes on a 2xx the answering side sends again after a restart lost its transaction, so the call is not ended for want of an ACK', async () => {
    const c = await answeredCall();
    // alice holds; the visitor answers just as the process stops (its 200 never left).
    c.agent.inDialog('INVITE', c.fromAgent, 2, ['Content-Type: application/sdp'], SDP);
    const unanswered = await c.visitor.request('INVITE');
    await server.restart();
    const agent = await agentBack(c);
    const visitor = await visitorBack(c);
    // The visitor's UAS sends its 200 again over its new WebSocket (RFC 3261 §13.3.1.4) until an ACK comes.
    visitor.respond(unanswered, 200, 'OK', { body: SDP });
    const late = await agent.response(200, 'INVITE');
    assert.equal(late.callId, c.call.callId);
    assert.equal(late.getHeaders('via').length, 1, 'the proxy’s Via is off: the agent’s transaction takes it');
    // alice's phone, having ACKed before (into the dead connection), does not again: the proxy does, in her name.
    clock.advance(999);
    assert.deepEqual((await visitor.quiet(50)).filter((r) => r.text.startsWith('ACK')), [], 'her own ACK is waited for first');
    clock.advance(2);
    const ack = await visitor.request('ACK');
    assert.equal(ack.cseq, 2);
    assert.equal(ack.fromTag, 'agent-tag');
    assert.equal(ack.toTag, c.call.fromTag);
    // Sent again and ACKed by alice herself this time: the proxy adds nothing.
    visitor.respond(unanswered, 200, 'OK', { body: SDP });
    await agent.response(200, 'INVITE');
    agent.inDialog('ACK', c.fromAgent, 2);
    await visitor.request('ACK');
    clock.advance(2000);
    assert.deepEqual((await visitor.quiet(50)).filter((r) => r.text.startsWith('ACK')), [], 'no second ACK from the proxy');
    // A response that belongs to no call is still dropped.
    visitor.send([
      'SIP/2.0 200 OK',
      `Via: SIP/2.0/WSS ${DOMAIN};branch=z9hG4bKnotours`,
      `From: <sip:x@${DOMAIN}>;tag=a`,
      `To: <sip:y@${DOMAIN}>;tag=b`,
      'Call-ID: no-such-call',
      'CSeq: 9 INVITE',
    ]);
    assert.deepEqual((await agent.quiet()).map((r) => r.text.split('\r\n')[0]), []);
  });

  it('gives a caller cut off while waiting their place back when they call again (a dropped connection, a restart)', async () => {
    // alice is signed in but away: calls wait in line, nobody is rung.
    const alice = await agentConsole(server, 'alice');
    alice.socket.send({ type: 'presence', state: 'away' });
    await alice.socket.next('presence');
    const caller = async () => {
      const { token } = await createInteraction(server.url, sampleContext());
      const client = track(await SipClient.open(sipUrl()));
      client.invite('support', token);
      return { client, token };
    };
    const place = async (client: SipClient) => {
      const queued = await client.response(182, 'INVITE');
      return Number(/position=(\d+)/.exec(queued.getHeader('x-warmline-queue') ?? '')?.[1]);
    };
    const first = await caller();
    assert.equal(await place(first.client), 1);
    clock.advance(1000);
    const second = await caller();
    assert.equal(await place(second.client), 2);

    // The first caller's connection drops; their widget reconnects and calls again: first in line still.
    await first.client.close();
    const again = track(await first.client.reopen(sipUrl()));
    again.invite('support', first.token);
    assert.equal(await place(again), 1, 'the first caller keeps their place');

    // The same across a restart: both call again, the second one first.
    await server.restart();
    const aliceAgain = await agentConsole(server, 'alice');
    const secondBack = track(await second.client.reopen(sipUrl()));
    secondBack.invite('support', second.token);
    const firstBack = track(await again.reopen(sipUrl()));
    firstBack.invite('support', first.token);
    assert.equal(await place(firstBack), 1, 'still first after the restart');
    aliceAgain.socket.send({ type: 'presence', state: 'available' });
    await aliceAgain.socket.next('presence');
    aliceAgain.socket.ws.close();
  });

  it('lets a waiting call go only when nobody of its queue has come back within the window; a cut call is not refused meanwhile', async () => {
    const alice = await agentConsole(server, 'alice');
    alice.socket.send({ type: 'presence', state: 'away' });
    await alice.socket.next('presence');
    const { token } = await createInteraction(server.url, sampleContext());
    const caller = track(await SipClient.open(sipUrl()));
    caller.invite('support', token);
    await caller.response(182, 'INVITE');
    // Her console's connection drops: the caller waits on, for her to come back…
    alice.socket.ws.close();
    await caller.quiet(100);
    clock.advance(RECOVERY_WINDOW_MS - 1000);
    assert.deepEqual((await caller.quiet(50)).filter((r) => r.text.startsWith('SIP/2.0 480')), []);
    // …and is let go when she has not.
    clock.advance(2000);
    const refused = await caller.response(480, 'INVITE');
    assert.match(refused.getHeader('warning') ?? '', /No agent is available/);

    // A caller cut off by a restart calls again before any console is back: not refused, waiting in line.
    const second = await agentConsole(server, 'alice');
    second.socket.send({ type: 'presence', state: 'away' });
    await second.socket.next('presence');
    const { token: other } = await createInteraction(server.url, sampleContext());
    const waiting = track(await SipClient.open(sipUrl()));
    waiting.invite('support', other);
    await waiting.response(182, 'INVITE');
    await server.restart();
    const again = track(await waiting.reopen(sipUrl()));
    again.invite('support', other);
    await again.response(182, 'INVITE');
    const third = await agentConsole(server, 'alice');
    third.socket.send({ type: 'presence', state: 'available' });
    await third.socket.next('presence');
    third.socket.ws.close();
  });

  it('stops counting an agent’s phone as ready for calls when its registration runs out unrefreshed', async () => {
    const { token } = await signIn(server.url, 'alice');
    const agent = track(await SipClient.open(sipUrl()));
    agent.register('alice', token, { expires: 60 });
    await agent.response(200, 'REGISTER');
    const alice = (await server.services.stores.agents.findByUsername('alice'))!.id;
    assert.equal(server.services.routing.engine.agentSnapshot(alice)?.phoneReady, true);
    clock.advance(59_000);
    assert.equal(server.services.routing.engine.agentSnapshot(alice)?.phoneReady, true);
    clock.advance(2_000);
    assert.equal(server.services.routing.engine.agentSnapshot(alice)?.phoneReady, false, 'offered no call its WebSocket may no longer carry');
  });

  it('answers a CRLF keep-alive with a CRLF (RFC 5626 §4.4.1), so a phone can tell its WebSocket still works', async () => {
    const client = track(await SipClient.open(sipUrl()));
    client.sendRaw('\r\n\r\n');
    await client.quiet(100);
    assert.equal(client.pongs, 1);
  });

  it('picks its calls up from the store after a restart, waits for both phones, and frees the agent if they never come', async () => {
    const c = await answeredCall();
    await server.restart();
    assert.equal(server.services.sip.stats().calls, 1, 'the call was loaded from the store');
    assert.equal((await record(c.interactionId))?.status, 'answered');
    const alice = (await server.services.stores.agents.findByUsername('alice'))!.id;
    assert.equal(server.services.routing.engine.workOf(alice).filter((i) => i.kind === 'call').length, 1, 'the call still counts as alice’s work');

    const agent = await agentBack(c);
    const visitor = await visitorBack(c);
    assert.equal(server.services.sip.stats().reconnecting, 0);
    // Hold reaches the visitor, and the visitor's hang-up reaches alice, through the new process.
    agent.inDialog('INVITE', c.fromAgent, 2, ['Content-Type: application/sdp'], SDP);
    const reinvite = await visitor.request('INVITE');
    visitor.respond(reinvite, 200, 'OK', { body: SDP });
    await agent.response(200, 'INVITE');
    visitor.inDialog('BYE', c.fromVisitor, 2);
    agent.respond(await agent.request('BYE'), 200, 'OK');
    await visitor.response(200, 'BYE');
    assert.equal((await record(c.interactionId))?.endReason, 'hangup-visitor');
    assert.equal(server.services.routing.engine.workOf(alice).filter((i) => i.kind === 'call').length, 0);

    await Promise.all([agent.close(), visitor.close()]);

    // A call whose phones never come back after a restart ends when the window passes.
    const d = await answeredCall();
    await server.restart();
    const back = await agentBack(d);
    clock.advance(RECOVERY_WINDOW_MS + 1);
    back.respond(await back.request('BYE'), 200, 'OK');
    assert.equal((await record(d.interactionId))?.endReason, 'connection-lost');
    assert.equal(server.services.routing.engine.workOf(alice).filter((i) => i.kind === 'call').length, 0);
  });
});
