import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';

describe('chat between a visitor and an agent over real WebSockets', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('routes the first message to the available agent, who accepts, sees the context, and replies', async () => {
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    visitor.send({ type: 'hello', token, since: 0 });
    const welcome = await visitor.next('welcome');
    assert.equal(welcome.interactionId, interactionId);
    assert.deepEqual(welcome.messages, []);
    assert.equal((await visitor.next('status')).status, 'new');

    const alice = await signIn(server.url, 'alice');
    const agent = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    agent.send({ type: 'hello', token: alice.token, since: {} });
    const agentWelcome = await agent.next('welcome');
    assert.equal(agentWelcome.agent.username, 'alice');
    assert.equal(agentWelcome.presence, 'available');

    visitor.send({ type: 'send', cid: 'cid-visitor-1', text: 'Is the kettle induction-ready?' });
    const ack = await visitor.next('ack');
    assert.deepEqual({ cid: ack.cid, seq: ack.seq }, { cid: 'cid-visitor-1', seq: 1 });
    assert.equal((await visitor.next((f) => f.type === 'status' && f.status === 'waiting')).agentsAvailable, true);

    const { offer } = await agent.next('offer');
    assert.equal(offer.interactionId, interactionId);
    assert.equal(offer.preview.firstMessage, 'Is the kettle induction-ready?');
    assert.equal(offer.preview.cartTotal, 59);
    assert.equal(offer.preview.productName, 'Copper Pour-Over Kettle');

    agent.send({ type: 'accept', interactionId });
    const { interaction } = await agent.next('assigned');
    assert.equal(interaction.status, 'active');
    assert.equal(interaction.context.page.url, 'https://shop.example/products/kettle');
    assert.equal(interaction.context.cart.items[0].name, 'Copper Pour-Over Kettle');
    assert.deepEqual(
      interaction.messages.map((m: any) => m.text),
      ['Is the kettle induction-ready?'],
    );
    const status = await visitor.next((f) => f.type === 'status' && f.status === 'active');
    assert.equal(status.agent, 'Alice Martin');
    const joined = await visitor.next((f) => f.type === 'message' && f.message.from === 'system');
    assert.equal(joined.message.event, 'agent-joined');

    agent.send({ type: 'send', interactionId, cid: 'cid-agent-0001', text: 'Yes, it works on induction.' });
    const agentAck = await agent.next('ack');
    assert.equal(agentAck.cid, 'cid-agent-0001');
    const reply = await visitor.next((f) => f.type === 'message' && f.message.from === 'agent');
    assert.equal(reply.message.text, 'Yes, it works on induction.');
    assert.equal(reply.message.author, 'Alice Martin');
    assert.equal(reply.message.cid, undefined, 'the visitor does not see the agent’s client ids');

    // The cart changes after the chat started: the agent hears it live.
    const updated = sampleContext({
      cart: { currency: 'EUR', items: [{ sku: 'KET-CU-1', name: 'Copper Pour-Over Kettle', qty: 2, price: 59 }], total: 118 },
    });
    visitor.send({ type: 'context', context: updated });
    const contextFrame = await agent.next('context');
    assert.equal(contextFrame.interactionId, interactionId);
    assert.equal(contextFrame.context.cart.total, 118);

    // Receipts: the agent read the visitor's first message.
    agent.send({ type: 'receipt', interactionId, delivered: 1, read: 1 });
    const receipt = await visitor.next('receipt');
    assert.deepEqual({ delivered: receipt.delivered, read: receipt.read }, { delivered: 1, read: 1 });

    visitor.close();
    agent.close();
  });
});
