/**
 * The router on its own, with a fake clock and an in-memory database: offers,
 * timeouts, declines, presence and capacity, without waiting on real time.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../signaling/store/database.js';
import { Stores } from '../../signaling/store/stores.js';
import { InteractionService } from '../../signaling/interactions/interaction-service.js';
import { ChatRouter } from '../../signaling/routing/chat-router.js';
import { IllegalTransitionError } from '../../signaling/interactions/interaction-state.js';
import { FakeClock } from '../support/fake-clock.js';
import { sampleContext } from '../support/fixtures.js';

function setup(maxChatsPerAgent = 2) {
  const clock = new FakeClock();
  const stores = new Stores(openDatabase('/tmp', ':memory:'));
  const interactions = new InteractionService(stores, clock, { messageChars: 4000 });
  const router = new ChatRouter(stores, interactions, clock, { maxChatsPerAgent, offerTimeoutMs: 30_000, declineCooldownMs: 60_000 });
  const offers: Array<[string, string]> = [];
  const withdrawn: Array<[string, string, string]> = [];
  router.on('offer', (agentId, offer) => offers.push([agentId, offer.interactionId]));
  router.on('offer-withdrawn', (agentId, id, reason) => withdrawn.push([agentId, id, reason]));
  for (const [id, name] of [
    ['ag_alice', 'alice'],
    ['ag_bob', 'bob'],
  ]) {
    stores.agents.insert({ id: id!, username: name!, name: name!, passwordHash: 'x', createdAt: 0 });
  }
  const ask = (text = 'help') => {
    const { interaction } = interactions.create('demo', sampleContext());
    interactions.postMessage({ interactionId: interaction.id, sender: 'visitor', clientId: null, text });
    return interaction.id;
  };
  return { clock, stores, interactions, router, offers, withdrawn, ask };
}

describe('ChatRouter', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('queues while nobody is available and offers to the first agent who becomes available', () => {
    const id = t.ask();
    assert.equal(t.interactions.get(id)!.status, 'queued');
    assert.equal(t.router.agentsAvailable(), false);
    t.router.agentConnected('ag_alice');
    assert.deepEqual(t.offers, [['ag_alice', id]]);
    assert.equal(t.interactions.get(id)!.status, 'offered');
  });

  it('offers to the least busy agent, then to the one idle longest', () => {
    t.router.agentConnected('ag_alice');
    t.clock.advance(1000);
    t.router.agentConnected('ag_bob');
    const first = t.ask();
    const second = t.ask();
    assert.deepEqual(t.offers, [
      ['ag_alice', first],
      ['ag_bob', second],
    ]);
  });

  it('moves a missed offer on after the timeout, and not back to the same agent during the cooldown', () => {
    t.router.agentConnected('ag_alice');
    const id = t.ask();
    t.clock.advance(29_999);
    assert.equal(t.withdrawn.length, 0);
    t.clock.advance(1);
    assert.deepEqual(t.withdrawn, [['ag_alice', id, 'timeout']]);
    assert.equal(t.interactions.get(id)!.status, 'queued');
    t.router.agentConnected('ag_bob');
    assert.deepEqual(t.offers.at(-1), ['ag_bob', id]);
  });

  it('gives a declined offer to someone else, or to the same agent again once the cooldown ends', () => {
    t.router.agentConnected('ag_alice');
    const id = t.ask();
    t.router.decline('ag_alice', id);
    assert.deepEqual(t.withdrawn, [['ag_alice', id, 'declined']]);
    assert.equal(t.offers.length, 1, 'not re-offered to alice at once');
    t.clock.advance(60_001);
    assert.deepEqual(t.offers.at(-1), ['ag_alice', id]);
  });

  it('accepts only an open offer, for the agent it was made to', () => {
    t.router.agentConnected('ag_alice');
    t.router.agentConnected('ag_bob');
    const id = t.ask();
    const [offeredTo] = t.offers[0]!;
    const other = offeredTo === 'ag_alice' ? 'ag_bob' : 'ag_alice';
    assert.throws(() => t.router.accept(other, id), /no longer open/);
    const interaction = t.router.accept(offeredTo, id);
    assert.equal(interaction.status, 'active');
    assert.equal(interaction.agentId, offeredTo);
    assert.throws(() => t.router.accept(offeredTo, id), /no longer open/);
  });

  it('withdraws offers when the agent goes away or disconnects', () => {
    t.router.agentConnected('ag_alice');
    const id = t.ask();
    t.router.setPresence('ag_alice', 'away');
    assert.deepEqual(t.withdrawn, [['ag_alice', id, 'away']]);
    assert.equal(t.interactions.get(id)!.status, 'queued');
    t.router.setPresence('ag_alice', 'available');
    assert.equal(t.offers.length, 2);
    t.router.agentDisconnected('ag_alice');
    assert.equal(t.withdrawn.length, 2);
    assert.equal(t.router.agentsAvailable(), false);
  });

  it('respects the chat capacity of each agent and fills it again when a chat ends', () => {
    t.router.agentConnected('ag_alice');
    const ids = [t.ask(), t.ask(), t.ask()];
    assert.deepEqual(t.offers.map(([, id]) => id), ids.slice(0, 2), 'two offers for a capacity of two');
    t.router.accept('ag_alice', ids[0]!);
    t.router.accept('ag_alice', ids[1]!);
    assert.equal(t.interactions.get(ids[2]!)!.status, 'queued');
    t.interactions.transition(ids[0]!, 'closed');
    assert.deepEqual(t.offers.at(-1), ['ag_alice', ids[2]]);
  });

  it('withdraws the offer of an interaction that closes', () => {
    t.router.agentConnected('ag_alice');
    const id = t.ask();
    t.interactions.transition(id, 'closed');
    assert.deepEqual(t.withdrawn, [['ag_alice', id, 'closed']]);
  });

  it('puts interactions that were offered back in the queue after a restart', () => {
    t.router.agentConnected('ag_alice');
    const id = t.ask();
    assert.equal(t.interactions.get(id)!.status, 'offered');
    t.interactions.removeAllListeners();
    const restarted = new ChatRouter(t.stores, t.interactions, t.clock, { maxChatsPerAgent: 2, offerTimeoutMs: 30_000 });
    restarted.recover();
    assert.equal(t.interactions.get(id)!.status, 'queued');
  });

  it('keeps the interaction state machine honest', () => {
    const { interaction } = t.interactions.create('demo', sampleContext());
    assert.throws(() => t.interactions.transition(interaction.id, 'active'), IllegalTransitionError);
    assert.throws(() => t.interactions.transition(interaction.id, 'offered'), /cannot go from new to offered/);
  });

  it('keeps a returning offer’s place in the queue, and puts a reopened chat at the end', () => {
    t.router.agentConnected('ag_alice');
    const first = t.ask();
    t.clock.advance(10);
    t.router.setPresence('ag_alice', 'away');
    const second = t.ask();
    const queued = () => t.stores.interactions.listByStatus('queued').map((i) => i.id);
    assert.deepEqual(queued(), [first, second]);
    t.interactions.transition(first, 'closed');
    t.clock.advance(10);
    t.interactions.postMessage({ interactionId: first, sender: 'visitor', clientId: null, text: 'one more thing' });
    assert.deepEqual(queued(), [second, first]);
  });
});
