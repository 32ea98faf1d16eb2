/**
 * One agent desk: the console's socket carries a call's interaction from
 * its first ring (no request of the softphone's own), and keeps it live —
 * the caller's cart and page as they change, over real HTTP, SIP and
 * WebSockets. Any agent's console may also follow an interaction it was not
 * rung for (a call through another SIP platform), and stop.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { SipClient } from '../support/sip-client.js';
import { createInteraction, request } from '../support/http.js';
import { cartContext, sampleContext } from '../support/fixtures.js';
import { agentConsole, type ConsoleHandle } from '../support/agent-console.js';

/** The kettle in the cart, then a grinder added to it. */
const withKettle = sampleContext;
const withGrinder = cartContext;

describe('one agent desk: calls on the console’s socket', () => {
  let server: TestServer;
  let alice: ConsoleHandle;
  let phone: SipClient;

  before(async () => {
    server = await startTestServer();
    alice = await agentConsole(server, 'alice');
    alice.socket.send({ type: 'presence', state: 'available' });
    phone = await SipClient.open(`${server.wsUrl}/sip`);
    phone.register('alice', alice.token);
    await phone.response(200, 'REGISTER');
  });
  after(async () => {
    await phone.close();
    await server.close();
  });

  it('pushes the interaction with the ring, and its context live while it rings and once answered', async () => {
    const first = withKettle();
    const { token, interactionId } = await createInteraction(server.url, first);
    const caller = await SipClient.open(`${server.wsUrl}/sip`);
    caller.invite('support', token);
    const watching = await alice.socket.next((f) => f.type === 'watching' && f.interaction.id === interactionId);
    assert.equal(watching.interaction.context.cart.items[0].name, 'Copper Pour-Over Kettle');
    const invite = await phone.request('INVITE');
    assert.equal(invite.getHeader('x-warmline-interaction'), interactionId);

    // Ringing: the visitor's page adds a product.
    const update = (context: unknown) => request(server.url, '/api/v1/interactions/current/context', { method: 'PUT', token, body: context });
    assert.equal((await update({ ...withGrinder(), visitor: first.visitor })).status, 204);
    const ringing = await alice.socket.next((f) => f.type === 'context' && f.interactionId === interactionId);
    assert.equal(ringing.context.cart.items.length, 2);
    assert.equal(ringing.context.page.title, 'Your cart');

    phone.respond(invite, 200, 'OK', { body: 'v=0\r\n' });
    await caller.response(200, 'INVITE');
    assert.equal((await update({ ...withKettle(), visitor: first.visitor })).status, 204);
    const answered = await alice.socket.next((f) => f.type === 'context' && f.interactionId === interactionId);
    assert.equal(answered.context.cart.items.length, 1);
    await caller.close();
  });

  it('lets a console follow an interaction it was not rung for, and let it go', async () => {
    const bob = await agentConsole(server, 'bob');
    try {
      const first = withKettle();
      const { token, interactionId } = await createInteraction(server.url, first);
      bob.socket.send({ type: 'watch', interactionId });
      const watching = await bob.socket.next('watching');
      assert.equal(watching.interaction.id, interactionId);
      await request(server.url, '/api/v1/interactions/current/context', { method: 'PUT', token, body: { ...withGrinder(), visitor: first.visitor } });
      assert.equal((await bob.socket.next('context')).context.cart.total, 104);

      bob.socket.send({ type: 'unwatch', interactionId });
      // Nothing more comes: the next update reaches nobody's console.
      await new Promise((r) => setTimeout(r, 50));
      await request(server.url, '/api/v1/interactions/current/context', { method: 'PUT', token, body: { ...withKettle(), visitor: first.visitor } });
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(bob.socket.pending('context'), []);

      bob.socket.send({ type: 'watch', interactionId: 'in_doesnotexist00' });
      assert.equal((await bob.socket.next('error')).code, 'not_found');
    } finally {
      bob.socket.ws.close();
    }
  });
});
