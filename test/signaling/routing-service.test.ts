/**
 * The routing service behind the HTTP and socket API, on a real server with
 * a fake clock: offline messages, callbacks and their retry policy, chat
 * transfers with a note, and the transfer endpoint's refusals. (The engine's
 * decisions themselves are tested in routing-engine.test.ts.)
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { SipClient } from '../support/sip-client.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { countRows } from '../support/store-rows.js';

describe('routing over the API: offline messages, callbacks, transfers', () => {
  let server: TestServer;
  const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
  const sockets: Array<TestSocket | SipClient> = [];

  /** An agent signed in on the console socket (and, with `phone`, a registered SIP phone). */
  const agent = async (username: string, { phone = false } = {}) => {
    const session = await signIn(server.url, username);
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    sockets.push(socket);
    socket.send({ type: 'hello', token: session.token, since: {} });
    const welcome = await socket.next('welcome');
    if (phone) {
      const sip = await SipClient.open(`${server.wsUrl}/sip`);
      sockets.push(sip);
      sip.register(username, session.token);
      await sip.response(200, 'REGISTER');
    }
    return { socket, token: session.token, id: welcome.agent.id as string };
  };

  /** A visitor with a conversation and a first message, waiting in the chat queue. */
  const chatting = async (text: string) => {
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    sockets.push(socket);
    socket.send({ type: 'hello', token, since: 0 });
    await socket.next('welcome');
    socket.send({ type: 'send', cid: `cid-${interactionId}`, text });
    await socket.next('ack');
    return { token, interactionId, socket };
  };

  before(async () => {
    server = await startTestServer(
      {
        queues: [
          { id: 'support', label: 'Support' },
          { id: 'billing', label: 'Billing', skills: ['billing'] },
          // Never open: the offline form's queue.
          { id: 'night', label: 'Night desk', hours: { timezone: 'UTC', weekly: {} } },
        ],
        sites: [{ key: 'demo', name: 'Demo', origins: ['*'], queues: ['support', 'billing', 'night'], chatQueue: 'support' }],
        agents: { alice: { skills: ['billing'] } },
        routing: { callback: { retryAfterSeconds: [60], maxAttempts: 2 } },
        limits: { messageChars: 500 },
      },
      { clock },
    );
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  after(() => server.close());

  it('takes an offline message for a closed queue, refusing bad fields, and offers it once the queue opens to someone', async () => {
    const body = { site: 'demo', queue: 'night', name: 'Robin Night', contact: 'robin@example.com', message: 'Please call me about order 1042.', context: sampleContext() };
    const rows = async () => ({ n: (await countRows(server, 'interactions')) + (await countRows(server, 'work_items')) });
    const before = (await rows()).n;
    for (const [change, expected] of [
      [{ contact: 'not a contact' }, /contact must be an email address or a phone number/],
      [{ name: '' }, /name is required/],
      [{ queue: 'nowhere' }, /There is no queue "nowhere"/],
      [{ message: '' }, /message/],
      [{ message: 'x'.repeat(501) }, /at most 500 characters/],
    ] as const) {
      const res = await request(server.url, '/api/v1/offline', { body: { ...body, ...change } });
      assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(change)} is refused`);
      assert.match(res.body.error.message, expected);
    }
    assert.equal((await rows()).n, before, 'nothing was stored');

    const sent = await request(server.url, '/api/v1/offline', { body });
    assert.equal(sent.status, 201);
    const { interactionId } = sent.body;
    const queues = await request(server.url, '/api/v1/sites/demo/queues');
    assert.deepEqual(
      queues.body.queues.find((q: { id: string }) => q.id === 'night'),
      { id: 'night', label: 'Night desk', open: false, staffed: false },
      'closed, and never opens',
    );
    // The queue never opens here: the message waits. An agent sees it in the card by id meanwhile.
    const alice = await agent('alice');
    assert.equal(alice.socket.pending('offer').length, 0, 'nothing is offered while the queue is closed');
    const card = await request(server.url, `/api/v1/agent/interactions/${interactionId}`, { token: alice.token });
    assert.deepEqual(
      card.body.interaction.messages.map((m: { text: string }) => m.text),
      ['Please call me about order 1042.'],
    );
    assert.deepEqual(card.body.interaction.context.visitor.identity, { name: 'Robin Night', email: 'robin@example.com', verified: false });
  });

  it('offers a message left for an open queue as offline work, with the visitor’s contact', async () => {
    const sent = await request(server.url, '/api/v1/offline', {
      body: { site: 'demo', queue: 'support', name: 'Sam Day', contact: '+44 20 7946 0000', message: 'Do you ship to Norway?', context: sampleContext() },
    });
    assert.equal(sent.status, 201);
    const bob = await agent('bob');
    const { offer } = await bob.socket.next((f) => f.type === 'offer' && f.offer.interactionId === sent.body.interactionId);
    assert.equal(offer.channel, 'offline');
    assert.equal(offer.preview.visitorName, 'Sam Day');
    assert.equal(offer.preview.firstMessage, 'Do you ship to Norway?');
    bob.socket.send({ type: 'accept', interactionId: offer.interactionId });
    const { interaction } = await bob.socket.next('assigned');
    assert.deepEqual(interaction.work, { kind: 'offline', contact: '+44 20 7946 0000' });
    bob.socket.send({ type: 'close', interactionId: offer.interactionId });
  });

  it('retries an unreached callback after the configured wait, then closes it as unreached', async () => {
    // A conversation with no chat waiting in it, so the callback is its only work.
    const visitor = await createInteraction(server.url, sampleContext());
    const requested = await request(server.url, '/api/v1/callbacks', { token: visitor.token, body: { phone: '+33 6 12 34 56 78' } });
    assert.equal(requested.status, 201);
    assert.equal(requested.body.state, 'waiting');
    assert.equal(requested.body.position, 1);
    assert.equal(requested.body.sip.aor, `sip:cb-${visitor.interactionId}@warmline.invalid`);
    const again = await request(server.url, '/api/v1/callbacks', { token: visitor.token, body: {} });
    assert.equal(again.status, 409, 'one callback per conversation');
    const badPhone = await request(server.url, '/api/v1/callbacks', { token: 'nobody', body: {} });
    assert.equal(badPhone.status, 401);

    // Callbacks need an agent whose phone can dial.
    const alice = await agent('alice', { phone: true });
    const take = async (attempt: number) => {
      const { offer } = await alice.socket.next((f) => f.type === 'offer' && f.offer.channel === 'callback' && f.offer.interactionId === visitor.interactionId);
      assert.equal(offer.preview.phone, '+33 6 12 34 56 78');
      assert.equal(offer.preview.visitorOnline, false, 'no browser registered to ring');
      alice.socket.send({ type: 'accept', interactionId: visitor.interactionId });
      const { interaction } = await alice.socket.next((f) => f.type === 'assigned' && f.interaction.id === visitor.interactionId);
      assert.equal(interaction.work.kind, 'callback');
      assert.equal(interaction.work.attempt, attempt);
      assert.equal((await request(server.url, '/api/v1/callbacks/current', { token: visitor.token })).body.state, 'calling');
    };
    await take(1);
    alice.socket.send({ type: 'callback-outcome', interactionId: visitor.interactionId, reached: false });
    await alice.socket.next((f) => f.type === 'interaction' && f.interactionId === visitor.interactionId);
    const waiting = await request(server.url, '/api/v1/callbacks/current', { token: visitor.token });
    assert.equal(waiting.body.state, 'waiting', 'kept for another try');

    clock.advance(59_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(alice.socket.pending('offer').filter((f) => f.offer.interactionId === visitor.interactionId).length, 0, 'not before the retry time');
    clock.advance(2_000);
    await take(2);
    alice.socket.send({ type: 'callback-outcome', interactionId: visitor.interactionId, reached: false });
    await alice.socket.next((f) => f.type === 'interaction' && f.interactionId === visitor.interactionId);
    assert.deepEqual((await request(server.url, '/api/v1/callbacks/current', { token: visitor.token })).body, { state: 'none', outcome: 'unreached' }, 'closed after the last try');
    const items = (await server.services.stores.workItems.listForInteraction(visitor.interactionId)).filter((i) => i.kind === 'callback');
    assert.equal(items.at(-1)?.endReason, 'unreached');

    alice.socket.send({ type: 'callback-outcome', interactionId: visitor.interactionId, reached: true });
    const refused = await alice.socket.next('error');
    assert.match(refused.message, /not assigned to you/);

    // Asked again, and this time alice reaches them (by phone): the visitor's widget is told so.
    assert.equal((await request(server.url, '/api/v1/callbacks', { token: visitor.token, body: { phone: '+33 6 12 34 56 78' } })).status, 201);
    await take(1);
    alice.socket.send({ type: 'callback-outcome', interactionId: visitor.interactionId, reached: true });
    await alice.socket.next((f) => f.type === 'interaction' && f.interactionId === visitor.interactionId);
    assert.deepEqual((await request(server.url, '/api/v1/callbacks/current', { token: visitor.token })).body, { state: 'none', outcome: 'reached' });
  });

  it('tells the agent offered a callback when the visitor’s browser becomes ringable', async () => {
    const visitor = await createInteraction(server.url, sampleContext());
    assert.equal((await request(server.url, '/api/v1/callbacks', { token: visitor.token, body: {} })).status, 201);
    const alice = await agent('alice', { phone: true });
    const first = await alice.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    assert.equal(first.offer.preview.visitorOnline, false);
    // The visitor's page registers the callback address (as the call widget does on every page).
    const browser = await SipClient.open(`${server.wsUrl}/sip`);
    sockets.push(browser);
    browser.register(`cb-${visitor.interactionId}`, visitor.token);
    await browser.response(200, 'REGISTER');
    const again = await alice.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    assert.equal(again.offer.preview.visitorOnline, true, 'the open offer now says the browser can ring');
    alice.socket.send({ type: 'decline', interactionId: visitor.interactionId });
    await request(server.url, '/api/v1/callbacks/current', { method: 'DELETE', token: visitor.token });
  });

  it('transfers a chat to another agent with a note that travels with the context', async () => {
    const alice = await agent('alice');
    const visitor = await chatting('Where is my refund?');
    const { offer } = await alice.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    alice.socket.send({ type: 'accept', interactionId: offer.interactionId });
    await alice.socket.next('assigned');
    const bob = await agent('bob');

    alice.socket.send({ type: 'transfer', interactionId: visitor.interactionId, to: { agentId: bob.id }, note: 'Refund approved, needs the IBAN.', mode: 'blind' });
    const transferred = await bob.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    assert.equal(transferred.offer.preview.transferFrom, 'Alice Martin');
    assert.equal(transferred.offer.preview.note, 'Refund approved, needs the IBAN.');
    bob.socket.send({ type: 'accept', interactionId: visitor.interactionId });
    const { interaction } = await bob.socket.next('assigned');
    assert.deepEqual(
      interaction.notes.map((n: { author: string; text: string }) => [n.author, n.text]),
      [['Alice Martin', 'Refund approved, needs the IBAN.']],
    );
    assert.equal(interaction.context.cart.total, 59, 'the context came along');
    const status = await visitor.socket.next((f) => f.type === 'status' && f.status === 'active' && f.agent === 'Bob Chen');
    assert.ok(status);

    // Alice no longer holds it: she cannot write in it.
    alice.socket.send({ type: 'send', interactionId: visitor.interactionId, cid: 'cid-after-transfer', text: 'Still here?' });
    assert.match((await alice.socket.next('error')).message, /not assigned/i);
  });

  it('refuses a transfer to an agent who is not signed in or a queue that takes no work, and the chat stays', async () => {
    const alice = await agent('alice');
    const visitor = await chatting('Transfer me, please');
    await alice.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    alice.socket.send({ type: 'accept', interactionId: visitor.interactionId });
    await alice.socket.next('assigned');
    const bobId = (await server.services.stores.agents.findByUsername('bob'))!.id;
    const notes = async () => (await server.services.interactions.notesOf(visitor.interactionId)).length;
    const before = await notes();
    for (const [to, expected] of [
      [{ agentId: bobId }, /Bob Chen is not signed in/],
      [{ queue: 'night' }, /Night desk is closed now/],
    ] as const) {
      alice.socket.send({ type: 'transfer', interactionId: visitor.interactionId, to, note: 'should not be kept', mode: 'blind' });
      assert.match((await alice.socket.next('error')).message, expected);
    }
    assert.equal(await notes(), before, 'no note stored');
    alice.socket.send({ type: 'send', interactionId: visitor.interactionId, cid: 'cid-still-mine', text: 'Still with you.' });
    await alice.socket.next((f) => f.type === 'ack' && f.cid === 'cid-still-mine');
  });

  it('keeps a warm-transferred chat with the first agent until the second accepts it', async () => {
    const alice = await agent('alice');
    const visitor = await chatting('Can someone check my order?');
    await alice.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    alice.socket.send({ type: 'accept', interactionId: visitor.interactionId });
    await alice.socket.next('assigned');
    const bob = await agent('bob');

    alice.socket.send({ type: 'transfer', interactionId: visitor.interactionId, to: { agentId: bob.id }, note: 'Order 1042, late.', mode: 'warm' });
    const { offer } = await bob.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    assert.equal(offer.preview.note, 'Order 1042, late.');
    // Until bob accepts, alice is still the customer's agent and can write.
    alice.socket.send({ type: 'send', interactionId: visitor.interactionId, cid: 'cid-warm-0001', text: 'Bob from orders will join in a moment.' });
    await alice.socket.next((f) => f.type === 'ack' && f.cid === 'cid-warm-0001');
    await visitor.socket.next((f) => f.type === 'message' && f.message.text === 'Bob from orders will join in a moment.');

    bob.socket.send({ type: 'accept', interactionId: visitor.interactionId });
    const { interaction } = await bob.socket.next('assigned');
    assert.deepEqual(
      interaction.messages.filter((m: { from: string }) => m.from !== 'system').map((m: { text: string }) => m.text),
      ['Can someone check my order?', 'Bob from orders will join in a moment.'],
      'bob sees the whole conversation',
    );
    await visitor.socket.next((f) => f.type === 'status' && f.status === 'active' && f.agent === 'Bob Chen');
    const handedOver = await alice.socket.next((f) => f.type === 'interaction' && f.interactionId === visitor.interactionId && f.transferredTo);
    assert.deepEqual([handedOver.status, handedOver.transferredTo], ['closed', 'Bob Chen'], 'alice’s console learns she handed it over');
    assert.ok(
      !alice.socket.pending('interaction').some((f) => f.interactionId === visitor.interactionId && f.status === 'active'),
      'and is never told it is active again',
    );
    alice.socket.send({ type: 'send', interactionId: visitor.interactionId, cid: 'cid-warm-0002', text: 'Still here?' });
    assert.match((await alice.socket.next('error')).message, /not assigned/i, 'alice has handed it over');
  });

  it('refuses call transfers that are not the agent’s to make, naming why, and stores no note', async () => {
    const alice = await agent('alice');
    const bob = await agent('bob');
    const visitor = await chatting('A question');
    const notesBefore = (await server.services.interactions.notesOf(visitor.interactionId)).length;
    const transfer = (token: string | undefined, body: unknown) => request(server.url, '/api/v1/agent/transfers', { token, body });
    assert.equal((await transfer(undefined, { interactionId: visitor.interactionId, to: { agentId: bob.id }, mode: 'blind' })).status, 401);
    const notMine = await transfer(alice.token, { interactionId: visitor.interactionId, to: { agentId: bob.id }, note: 'x', mode: 'blind' });
    assert.equal(notMine.status, 403);
    assert.match(notMine.body.error.message, /This call is not assigned to you/);
    const badMode = await transfer(alice.token, { interactionId: visitor.interactionId, to: { agentId: bob.id }, mode: 'sideways' });
    assert.equal(badMode.status, 400);
    assert.match(badMode.body.error.message, /mode must be blind or warm/);
    const badTarget = await transfer(alice.token, { interactionId: visitor.interactionId, to: { team: 'x' }, mode: 'warm' });
    assert.equal(badTarget.status, 400);
    assert.equal((await server.services.interactions.notesOf(visitor.interactionId)).length, notesBefore);

    const directory = await request(server.url, '/api/v1/agent/directory', { token: alice.token });
    assert.deepEqual(
      directory.body.queues.map((q: { id: string }) => q.id),
      ['support', 'billing', 'night'],
    );
    assert.ok(directory.body.agents.some((a: { username: string; online: boolean }) => a.username === 'bob' && a.online));
  });
});
