/**
 * Transfers never hang (issue 12), on a real server with a fake clock and
 * phones played with raw SIP: a transfer to an agent who cannot take the
 * interaction (without the queue's skills, not signed in, away, without a
 * phone) is refused at once, naming who and why; the directory says the
 * same of every target before the agent chooses; and a consultation the
 * colleague declines or does not answer in `routing.offerTimeoutSeconds`
 * comes back to the first agent with why, and is never offered again.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { DOMAIN, SipClient } from '../support/sip-client.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import type { SipRequest, SipResponse } from '../../signaling/sip/sip-message.js';

const OFFER_TIMEOUT_MS = 20_000;

describe('transfers: refused at once or answered, never left hanging', () => {
  let server: TestServer;
  const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
  const open: Array<TestSocket | SipClient> = [];

  /** An agent signed in: their console connected (unless `console: false`), their phone registered with `phone`. */
  const agent = async (username: string, { phone = false, console = true } = {}) => {
    const session = await signIn(server.url, username);
    let socket: TestSocket | undefined;
    if (console) {
      socket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
      open.push(socket);
      socket.send({ type: 'hello', token: session.token, since: {} });
      await socket.next('welcome');
    }
    let sip: SipClient | undefined;
    if (phone) {
      sip = await SipClient.open(`${server.wsUrl}/sip`);
      open.push(sip);
      sip.register(username, session.token);
      await sip.response(200, 'REGISTER');
    }
    return { token: session.token, id: session.agent.id, socket, sip };
  };

  /**
   * Alice's phone has answered a visitor's call to `queue`: the call is hers
   * to transfer. `hangUp` ends it (a dropped connection would leave it
   * waiting for the phone to come back).
   */
  const aliceOnACall = async (queue = 'billing') => {
    const alice = await agent('alice', { phone: true, console: false });
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const visitor = await SipClient.open(`${server.wsUrl}/sip`);
    open.push(visitor);
    const call = visitor.invite(queue, token);
    const invite = await alice.sip!.request('INVITE');
    alice.sip!.respond(invite, 200, 'OK', { toTag: 'alicetag', body: 'v=0\r\n' });
    const ok = await visitor.response(200, 'INVITE');
    const dialog = {
      callId: call.callId,
      remoteTarget: alice.sip!.contact,
      route: [ok.getHeader('record-route')!],
      localTag: call.fromTag,
      remoteTag: 'alicetag',
      localUri: `sip:visitor@${DOMAIN}`,
      remoteUri: `sip:${queue}@${DOMAIN}`,
    };
    visitor.inDialog('ACK', dialog, 1);
    const hangUp = async () => {
      visitor.inDialog('BYE', dialog, 2);
      alice.sip!.respond(await alice.sip!.request('BYE'), 200, 'OK');
      await visitor.response(200, 'BYE');
    };
    return { alice, interactionId, hangUp };
  };

  const transfer = (token: string, body: Record<string, unknown>) => request(server.url, '/api/v1/agent/transfers', { token, body: { note: '', mode: 'warm', ...body } });
  const setPresence = async (socket: TestSocket, state: 'available' | 'away') => {
    socket.send({ type: 'presence', state });
    await socket.next((f) => f.type === 'presence' && f.state === state);
  };

  before(async () => {
    server = await startTestServer(
      {
        queues: [
          { id: 'support', label: 'Support' },
          { id: 'billing', label: 'Billing and refunds', skills: ['billing'] },
          // Never open.
          { id: 'night', label: 'Night desk', hours: { timezone: 'UTC', weekly: {} } },
        ],
        sites: [{ key: 'demo', name: 'Demo', origins: ['*'], queues: ['support', 'billing'], chatQueue: 'billing' }],
        // bob has no skills (as in the demo: no billing).
        agents: { alice: { skills: ['billing'] }, carol: { skills: ['billing'] }, dave: { skills: ['billing'], capacity: { calls: 0 } } },
        routing: { offerTimeoutSeconds: OFFER_TIMEOUT_MS / 1000 },
      },
      { clock },
    );
    await server.services.auth.createAgent({ username: 'carol', name: 'Carol Diaz', password: 'demo' });
    await server.services.auth.createAgent({ username: 'dave', name: 'Dave Okafor', password: 'demo' });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    // Let the server see every connection go before the next test signs in again.
    await new Promise((r) => setTimeout(r, 50));
  });
  after(() => server.close());

  it('refuses at once a call transfer to an agent who cannot take it, naming who and why, and stores no note', async () => {
    const { alice, interactionId, hangUp } = await aliceOnACall();
    await agent('bob', { phone: true });
    const carolId = (await server.services.stores.agents.findByUsername('carol'))!.id;
    const daveId = (await server.services.stores.agents.findByUsername('dave'))!.id;
    const bobId = (await server.services.stores.agents.findByUsername('bob'))!.id;
    const notes = async () => (await server.services.interactions.notesOf(interactionId)).length;
    const notesBefore = await notes();

    // The case: bob is signed in, available and ready for calls, but billing is not his.
    for (const mode of ['warm', 'blind']) {
      const refused = await transfer(alice.token, { interactionId, to: { agentId: bobId }, note: 'Refund for order 1042', mode });
      assert.equal(refused.status, 409, mode);
      assert.equal(refused.body.error.message, 'Bob Chen does not have the billing skill that Billing and refunds needs.');
      assert.deepEqual([refused.body.error.code, refused.body.error.reason], ['conflict', 'skills'], 'why, as a code the console words');
    }
    const self = await transfer(alice.token, { interactionId, to: { agentId: alice.id } });
    assert.deepEqual([self.status, self.body.error.code, self.body.error.reason], [400, 'bad_request', 'self']);
    assert.match((await transfer(alice.token, { interactionId, to: { agentId: carolId } })).body.error.message, /^Carol Diaz is not signed in\.$/);
    assert.match((await transfer(alice.token, { interactionId, to: { agentId: daveId } })).body.error.message, /^Dave Okafor does not take calls\.$/);
    const carol = await agent('carol');
    await setPresence(carol.socket!, 'away');
    assert.match((await transfer(alice.token, { interactionId, to: { agentId: carolId } })).body.error.message, /^Carol Diaz is away\.$/);
    await setPresence(carol.socket!, 'available');
    const noPhone = await transfer(alice.token, { interactionId, to: { agentId: carolId } });
    assert.deepEqual([noPhone.status, noPhone.body.error.message, noPhone.body.error.reason], [409, 'Carol Diaz has no phone ready for calls.', 'no_phone']);
    const closed = await transfer(alice.token, { interactionId, to: { queue: 'night' } });
    assert.match(closed.body.error.message, /^Night desk is closed now\.$/);
    assert.equal(closed.body.error.reason, 'closed');
    assert.equal(await notes(), notesBefore, 'no note stored for a refused transfer');

    // Once she can take it, it is prepared.
    const phone = await SipClient.open(`${server.wsUrl}/sip`);
    open.push(phone);
    phone.register('carol', carol.token);
    await phone.response(200, 'REGISTER');
    const ok = await transfer(alice.token, { interactionId, to: { agentId: carolId }, note: 'Refund for order 1042' });
    assert.equal(ok.status, 201);
    assert.match(ok.body.referTo, /^sip:xfer-tr_[\w-]+@warmline\.invalid$/);
    await hangUp();
  });

  it('refuses a chat transfer the same way, on the agent socket', async () => {
    const alice = await agent('alice');
    await agent('bob');
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    open.push(visitor);
    visitor.send({ type: 'hello', token, since: 0 });
    await visitor.next('welcome');
    visitor.send({ type: 'send', cid: 'cid-billing-01', text: 'Where is my refund?' });
    await alice.socket!.next((f) => f.type === 'offer' && f.offer.interactionId === interactionId);
    alice.socket!.send({ type: 'accept', interactionId });
    await alice.socket!.next('assigned');

    const bobId = (await server.services.stores.agents.findByUsername('bob'))!.id;
    alice.socket!.send({ type: 'transfer', interactionId, to: { agentId: bobId }, note: '', mode: 'blind' });
    const refused = await alice.socket!.next('error');
    assert.equal(refused.message, 'Bob Chen does not have the billing skill that Billing and refunds needs.');
    assert.deepEqual([refused.code, refused.reason, refused.interactionId], ['conflict', 'skills', interactionId], 'why, as a code the console words');
    assert.equal((await server.services.interactions.require(interactionId)).agentId, alice.id, 'the chat stays with alice');
    alice.socket!.send({ type: 'close', interactionId });
    await alice.socket!.next((f) => f.type === 'interaction' && f.interactionId === interactionId && f.status === 'closed');
  });

  it('says in the directory, for an interaction, which targets can take it now and why the others cannot', async () => {
    const { alice, interactionId, hangUp } = await aliceOnACall();
    await agent('bob', { phone: true });
    const carol = await agent('carol', { phone: true });

    const plain = await request(server.url, '/api/v1/agent/directory', { token: alice.token });
    assert.equal(plain.status, 200);
    assert.ok(plain.body.agents.every((a: object) => !('eligible' in a)), 'without an interaction, no judgement');

    const res = await request(server.url, `/api/v1/agent/directory?interaction=${interactionId}`, { token: alice.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.interaction, { id: interactionId, channel: 'call' }, 'the call alice holds, without naming the channel');
    const of = (username: string) => res.body.agents.find((a: { username: string }) => a.username === username);
    assert.deepEqual(of('bob').reason, { code: 'skills', message: 'Bob Chen does not have the billing skill that Billing and refunds needs.' });
    assert.equal(of('bob').eligible, false);
    assert.equal(of('carol').eligible, true);
    assert.equal(of('carol').reason, undefined);
    assert.deepEqual([of('dave').eligible, of('dave').reason.code], [false, 'no_calls']);
    assert.deepEqual([of('alice').eligible, of('alice').reason.code], [false, 'self']);
    assert.deepEqual(
      res.body.queues.map((q: { id: string; eligible: boolean; reason?: { code: string } }) => [q.id, q.eligible, q.reason?.code]),
      [
        ['support', true, undefined],
        ['billing', true, undefined],
        ['night', false, 'closed'],
      ],
    );

    // The same check as the transfer itself: what changes one changes the other.
    await setPresence(carol.socket!, 'away');
    const away = await request(server.url, `/api/v1/agent/directory?interaction=${interactionId}&channel=call`, { token: alice.token });
    assert.deepEqual(away.body.agents.find((a: { username: string }) => a.username === 'carol').reason, { code: 'away', message: 'Carol Diaz is away.' });

    const bob = await signIn(server.url, 'bob');
    const notHis = await request(server.url, `/api/v1/agent/directory?interaction=${interactionId}`, { token: bob.token });
    assert.deepEqual([notHis.status, notHis.body.error.code], [403, 'not_assigned']);
    assert.equal((await request(server.url, '/api/v1/agent/directory?interaction=in_nothing', { token: alice.token })).status, 404);
    const badChannel = await request(server.url, `/api/v1/agent/directory?interaction=${interactionId}&channel=fax`, { token: alice.token });
    assert.deepEqual([badChannel.status, badChannel.body.error.message], [400, 'channel: channel must be chat or call']);
    await setPresence(carol.socket!, 'available');
    await hangUp();
  });

  /** Alice on a call consults carol: carol's phone rings with the consultation. */
  const consultCarol = async () => {
    const { alice, interactionId, hangUp } = await aliceOnACall();
    const carol = await agent('carol', { phone: true });
    const prepared = await transfer(alice.token, { interactionId, to: { agentId: carol.id }, note: 'Refund approved', mode: 'warm' });
    assert.equal(prepared.status, 201);
    const address = /^sip:(xfer-[^@]+)@/.exec(prepared.body.referTo)![1]!;
    const consultation = alice.sip!.invite(address, undefined);
    const invite = await carol.sip!.request('INVITE');
    assert.match(invite.getHeader('x-warmline-transfer')!, /;consult$/);
    return { alice, carol, interactionId, consultation, invite, hangUp };
  };

  /** Nothing rings carol again, even after her cooldown; nothing of the consultation is left in the queue. */
  const neverOfferedAgain = async (carol: { sip?: SipClient }, interactionId: string) => {
    clock.advance(61_000 + OFFER_TIMEOUT_MS);
    const later = await carol.sip!.quiet(300);
    assert.deepEqual(later.filter((r) => (r.message as SipRequest).method === 'INVITE' && 'ruri' in r.message && r.message.ruri), [], 'not offered again');
    const items = server.services.routing.engine.itemsOf(interactionId);
    assert.deepEqual(
      items.map((i) => i.status),
      ['assigned'],
      'only the customer’s call is left, still alice’s',
    );
  };

  it('ends a consultation the colleague does not answer within the offer timeout, with why, and alice keeps the call', async () => {
    const { alice, carol, interactionId, invite, hangUp } = await consultCarol();
    carol.sip!.respond(invite, 180, 'Ringing', { toTag: 'caroltag' });
    await alice.sip!.response(180, 'INVITE');

    clock.advance(OFFER_TIMEOUT_MS - 1_000);
    const early = await alice.sip!.quiet(100);
    assert.ok(!early.some((r) => ((r.message as SipResponse).statusCode ?? 0) >= 200), 'still ringing just before the timeout');
    clock.advance(1_000);
    await carol.sip!.request('CANCEL');
    const unanswered = await alice.sip!.response(480, 'INVITE');
    assert.equal(unanswered.getHeader('warning'), '399 warmline "Carol Diaz did not answer"');
    assert.equal(unanswered.getHeader('x-warmline-refusal'), 'no_answer', 'why, as a code the call bar words');

    await neverOfferedAgain(carol, interactionId);
    // The call is still alice's: she may try again.
    assert.equal((await transfer(alice.token, { interactionId, to: { queue: 'support' }, mode: 'blind' })).status, 201);
    await hangUp();
  });

  it('ends a declined consultation at once, with why, instead of offering it again', async () => {
    const { alice, carol, interactionId, invite, hangUp } = await consultCarol();
    carol.sip!.respond(invite, 603, 'Decline', { toTag: 'caroltag' });
    const declined = await alice.sip!.response(480, 'INVITE');
    assert.equal(declined.getHeader('warning'), '399 warmline "Carol Diaz declined the call"');
    assert.equal(declined.getHeader('x-warmline-refusal'), 'declined');
    await neverOfferedAgain(carol, interactionId);
    await hangUp();
  });
});
