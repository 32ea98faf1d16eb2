import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';

/** A visitor and alice in an accepted chat. */
async function chat(server: TestServer, visitorId: string) {
  const { token, interactionId } = await createInteraction(server.url, sampleContext({ visitor: { id: visitorId } }));
  const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
  visitor.send({ type: 'hello', token, since: 0 });
  await visitor.next('welcome');
  const { token: agentToken } = await signIn(server.url, 'alice');
  const agent = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
  agent.send({ type: 'hello', token: agentToken, since: {} });
  await agent.next('welcome');
  visitor.send({ type: 'send', cid: `first-${visitorId}`, text: 'first' });
  await agent.next((f) => f.type === 'offer' && f.offer.interactionId === interactionId);
  agent.send({ type: 'accept', interactionId });
  await agent.next('assigned');
  return { token, interactionId, visitor, agent, agentToken };
}

const stored = async (server: TestServer, interactionId: string) =>
  (await server.services.stores.messages.since(interactionId, 0)).map((m) => `${m.sender}:${m.body}`);

describe('every message is stored once, acknowledged, and resumed after reconnects', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('a resend with the same client id is acked with the same seq and never stored twice', async () => {
    const { interactionId, visitor, agent } = await chat(server, 'visitor-resend1');
    visitor.send({ type: 'send', cid: 'resend-cid-01', text: 'Where is my order?' });
    const first = await visitor.next((f) => f.type === 'ack' && f.cid === 'resend-cid-01');
    // The ack was "lost": the client sends again, even on a new connection.
    visitor.send({ type: 'send', cid: 'resend-cid-01', text: 'Where is my order?' });
    const second = await visitor.next((f) => f.type === 'ack' && f.cid === 'resend-cid-01');
    assert.equal(second.seq, first.seq);
    await agent.next((f) => f.type === 'message' && f.message.text === 'Where is my order?');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(agent.pending('message').filter((f) => f.message.text === 'Where is my order?').length, 0, 'the agent saw it once');
    assert.equal((await stored(server, interactionId)).filter((m) => m === 'visitor:Where is my order?').length, 1);
    // The same for the agent's side.
    agent.send({ type: 'send', interactionId, cid: 'agent-resend-1', text: 'Let me check.' });
    agent.send({ type: 'send', interactionId, cid: 'agent-resend-1', text: 'Let me check.' });
    const a1 = await agent.next((f) => f.type === 'ack' && f.cid === 'agent-resend-1');
    const a2 = await agent.next((f) => f.type === 'ack' && f.cid === 'agent-resend-1');
    assert.equal(a1.seq, a2.seq);
    assert.equal((await stored(server, interactionId)).filter((m) => m === 'agent:Let me check.').length, 1);
    visitor.close();
    agent.close();
  });

  it('a visitor who reconnects receives exactly what they missed, after the last seq they saw', async () => {
    const { token, interactionId, visitor, agent } = await chat(server, 'visitor-resume1');
    const lastSeen = (await server.services.interactions.get(interactionId))!.lastSeq;
    await visitor.close();
    agent.send({ type: 'send', interactionId, cid: 'while-away-01', text: 'Are you still there?' });
    agent.send({ type: 'send', interactionId, cid: 'while-away-02', text: 'I found your order.' });
    await agent.next((f) => f.type === 'ack' && f.cid === 'while-away-02');
    const again = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    again.send({ type: 'hello', token, since: lastSeen });
    const welcome = await again.next('welcome');
    assert.deepEqual(
      welcome.messages.map((m: any) => [m.seq, m.text]),
      [
        [lastSeen + 1, 'Are you still there?'],
        [lastSeen + 2, 'I found your order.'],
      ],
    );
    // From the start, the whole history (the reload case).
    const fresh = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    fresh.send({ type: 'hello', token, since: 0 });
    const full = await fresh.next('welcome');
    assert.deepEqual(full.messages.map((m: any) => m.seq), Array.from({ length: lastSeen + 2 }, (_, i) => i + 1));
    assert.equal(full.messages[0].cid, 'first-visitor-resume1', 'the visitor gets back its own client ids');
    again.close();
    fresh.close();
    agent.close();
  });

  it('survives a server restart: history kept, the agent still assigned, a message sent meanwhile stored once', async () => {
    const { token, interactionId, visitor, agent, agentToken } = await chat(server, 'visitor-restart1');
    const lastSeen = (await server.services.interactions.get(interactionId))!.lastSeq;
    const closed = Promise.all([visitor.closed, agent.closed]);
    await server.restart();
    const codes = await closed;
    assert.deepEqual(
      codes.map((c) => c.code),
      [1012, 1012],
      'clients are told the server is restarting',
    );
    const v2 = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    v2.send({ type: 'hello', token, since: lastSeen });
    await v2.next('welcome');
    assert.equal((await v2.next('status')).status, 'active');
    // The message the client queued during the restart, and its resend.
    v2.send({ type: 'send', cid: 'during-restart', text: 'Hello again' });
    v2.send({ type: 'send', cid: 'during-restart', text: 'Hello again' });
    const a2 = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    a2.send({ type: 'hello', token: agentToken, since: { [interactionId]: lastSeen } });
    const welcome = await a2.next('welcome');
    const view = welcome.interactions.find((i: any) => i.id === interactionId);
    assert.ok(view, 'the interaction is still assigned to alice');
    const texts = [...view.messages.map((m: any) => m.text), ...(await collect(a2, interactionId))];
    assert.deepEqual(texts.filter((t) => t === 'Hello again'), ['Hello again']);
    assert.equal((await stored(server, interactionId)).filter((m) => m === 'visitor:Hello again').length, 1);
    v2.close();
    a2.close();
  });
});

async function collect(socket: TestSocket, interactionId: string): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 150));
  return socket.pending('message').filter((f) => f.interactionId === interactionId).map((f) => f.message.text);
}
