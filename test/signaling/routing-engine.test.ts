/**
 * The routing engine on a simulated clock: every decision it makes, without
 * waiting on real time.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingEngine, type Capacity, type ItemKind } from '../../signaling/routing/routing-engine.js';
import { isOpenAt, nextOpening, type BusinessHours } from '../../signaling/routing/business-hours.js';
import { priorityOf } from '../../signaling/routing/priority-rules.js';
import { FakeClock } from '../support/fake-clock.js';
import type { ContextEnvelope } from '../../widgets/protocol/context-envelope.js';

const capacity: Capacity = { chats: 3, calls: 1, chatsDuringCall: 1 };

function setup(options: { isOpen?: (queue: string, at: number) => boolean } = {}) {
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 10, 0, 0)); // a Monday
  const engine = new RoutingEngine(clock, {
    queues: new Map([
      ['general', { id: 'general', skills: [] }],
      ['billing', { id: 'billing', skills: ['billing'] }],
    ]),
    isOpen: options.isOpen ?? (() => true),
    offerTimeoutMs: 20_000,
    awayAfterMissedOffers: 3,
    declineCooldownMs: 60_000,
    defaultCapacity: capacity,
    defaultHandleMs: 120_000,
  });
  const offers: string[] = [];
  const withdrawn: string[] = [];
  engine.on('offer', (agentId, item) => offers.push(`${item.id}→${agentId}`));
  engine.on('offer-withdrawn', (agentId, item, reason) => withdrawn.push(`${item.id}↛${agentId}:${reason}`));
  const agent = (id: string, skills: string[] = [], opts: { phone?: boolean; capacity?: Partial<Capacity> } = {}) => {
    engine.defineAgent(id, skills, opts.capacity);
    engine.setPhoneReady(id, opts.phone ?? true);
    engine.setOnline(id, true);
    engine.setPresence(id, 'available');
  };
  let n = 0;
  const item = (kind: ItemKind = 'chat', queue = 'general', extra: { priority?: number; enqueuedAt?: number; target?: string; notBefore?: number } = {}) =>
    engine.enqueue({ id: `i${++n}`, interactionId: `in_${n}`, kind, queue, priority: extra.priority ?? 0, ...extra }).id;
  return { clock, engine, offers, withdrawn, agent, item };
}

describe('RoutingEngine', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('matches skills: billing work goes only to an agent with the billing skill', () => {
    t.agent('bob', []);
    t.clock.advance(1);
    t.agent('alice', ['billing']);
    const billing = t.item('call', 'billing');
    const general = t.item('call', 'general');
    assert.deepEqual(t.offers, [`${billing}→alice`, `${general}→bob`]);
  });

  it('serves higher priority first, then the longest waiting', () => {
    const early = t.item('chat', 'general');
    t.clock.advance(1000);
    const vip = t.item('chat', 'general', { priority: 10 });
    t.clock.advance(1000);
    const late = t.item('chat', 'general');
    assert.deepEqual([early, vip, late].map((id) => t.engine.positionOf(id)), [2, 1, 3]);
    t.agent('alice', [], { capacity: { chats: 1 } });
    assert.deepEqual(t.offers, [`${vip}→alice`]);
  });

  it('offers to the agent idle longest', () => {
    t.agent('alice');
    t.clock.advance(5000);
    t.agent('bob');
    const first = t.item('call');
    assert.deepEqual(t.offers, [`${first}→alice`]);
    t.engine.accept(first, 'alice');
    t.clock.advance(1000);
    t.engine.release(first, 'done');
    const second = t.item('call');
    assert.deepEqual(t.offers.at(-1), `${second}→bob`, 'bob has now been idle longer than alice');
  });

  it('keeps capacities: chats up to the limit, and a chat does not block a call beyond the configured limit', () => {
    t.agent('alice');
    const chats = [t.item('chat'), t.item('chat'), t.item('chat')];
    const fourth = t.item('chat');
    assert.deepEqual(t.offers, [`${chats[0]}→alice`], 'one offer at a time');
    for (const id of chats) t.engine.accept(id, 'alice');
    assert.equal(t.offers.length, 3, 'each answer brings the next, three chats at most');
    assert.equal(t.engine.get(fourth)!.status, 'waiting');
    t.engine.release(fourth, 'abandoned');
    const call = t.item('call');
    assert.equal(t.engine.get(call)!.status, 'waiting', 'with three chats, no call');
    t.engine.release(chats[0]!, 'done');
    assert.equal(t.engine.get(call)!.status, 'waiting', 'with two chats, still no call');
    t.engine.release(chats[1]!, 'done');
    assert.equal(t.offers.at(-1), `${call}→alice`, 'one chat is within chatsDuringCall: the call comes');
    t.engine.accept(call, 'alice');
    const another = t.item('chat');
    assert.equal(t.engine.get(another)!.status, 'waiting', 'on a call with one chat: no more chats');
    const secondCall = t.item('call');
    assert.equal(t.engine.get(secondCall)!.status, 'waiting', 'one call at a time');
    t.engine.release(chats[2]!, 'done');
    assert.equal(t.offers.at(-1), `${another}→alice`, 'on a call with no chat: one chat may come');
  });

  it('needs a registered phone for calls and callbacks, not for chats', () => {
    t.agent('alice', [], { phone: false });
    const call = t.item('call');
    const callback = t.item('callback');
    const chat = t.item('chat');
    assert.deepEqual(t.offers, [`${chat}→alice`]);
    t.engine.setPhoneReady('alice', true);
    assert.ok(t.offers.includes(`${call}→alice`));
    assert.equal(t.engine.get(callback)!.status, 'waiting', 'one call-like item at a time');
  });

  it('moves an unanswered offer on when it times out, and sets away an agent who misses three in a row', () => {
    t.agent('alice');
    t.clock.advance(10);
    t.agent('bob');
    const presence: string[] = [];
    t.engine.on('presence', (id, p, why) => presence.push(`${id}:${p}:${why}`));
    const first = t.item('chat');
    assert.deepEqual(t.offers, [`${first}→alice`]);
    t.clock.advance(19_999);
    assert.equal(t.withdrawn.length, 0);
    t.clock.advance(1);
    assert.deepEqual(t.withdrawn, [`${first}↛alice:timeout`]);
    assert.equal(t.offers.at(-1), `${first}→bob`, 're-offered to the next agent');
    // bob misses it and two more: he is set away.
    t.clock.advance(20_000);
    for (let i = 0; i < 2; i++) {
      t.engine.defineAgent('alice', [], { chats: 0 }); // alice stops taking chats, so only bob is offered
      const id = t.item('chat');
      assert.equal(t.offers.at(-1), `${id}→bob`);
      t.clock.advance(20_000);
    }
    assert.deepEqual(presence, ['bob:away:missed-offers']);
    assert.equal(t.engine.agentSnapshot('bob')!.presence, 'away');
  });

  it('gives a call to the agent whose answer crossed the offer timeout, withdrawing the newer offer', () => {
    t.agent('alice');
    t.clock.advance(10);
    t.agent('bob');
    const call = t.item('call');
    assert.deepEqual(t.offers, [`${call}→alice`]);
    t.clock.advance(20_000);
    assert.deepEqual(t.offers, [`${call}→alice`, `${call}→bob`], 'timed out and moved on');
    // alice's 200 OK arrives now.
    t.engine.acceptLate(call, 'alice');
    assert.deepEqual(t.withdrawn, [`${call}↛alice:timeout`, `${call}↛bob:taken`]);
    assert.equal(t.engine.get(call)!.agentId, 'alice');
    assert.equal(t.engine.agentSnapshot('alice')!.calls, 1);
    assert.equal(t.engine.agentSnapshot('alice')!.missedInARow, 0, 'it was not missed after all');
    t.clock.advance(60_000);
    assert.equal(t.engine.agentSnapshot('bob')!.missedInARow, 0, 'bob is not blamed for an offer that was taken');
    assert.throws(() => t.engine.acceptLate(call, 'bob'), /no longer|gone|offer/i, 'once taken, nobody else can take it');
  });

  it('gives a declined offer to another agent, and back to the decliner only after the cooldown', () => {
    t.agent('alice');
    const id = t.item('chat');
    t.engine.decline(id, 'alice');
    assert.deepEqual(t.withdrawn, [`${id}↛alice:declined`]);
    assert.equal(t.engine.get(id)!.status, 'waiting');
    t.agent('bob');
    assert.equal(t.offers.at(-1), `${id}→bob`);
    t.engine.decline(id, 'bob');
    t.clock.advance(60_001);
    assert.ok(t.offers.slice(-1)[0]!.startsWith(`${id}→`), 'offered again once the cooldown ended');
    assert.equal(t.engine.agentSnapshot('alice')!.missedInARow, 0, 'a decline is not a miss');
  });

  it('removes work whose visitor left and counts it as abandoned, withdrawing its offer', () => {
    t.agent('alice', [], { capacity: { chats: 1 } });
    const offered = t.item('chat');
    const waiting = t.item('chat');
    const released: string[] = [];
    t.engine.on('released', (item, reason) => released.push(`${item.id}:${reason}`));
    t.engine.release(offered, 'abandoned');
    t.engine.release(waiting, 'abandoned');
    assert.deepEqual(released, [`${offered}:abandoned`, `${waiting}:abandoned`]);
    assert.ok(t.withdrawn.includes(`${offered}↛alice:abandoned`));
    assert.equal(t.engine.get(waiting), undefined);
    assert.deepEqual(t.engine.waiting(), []);
  });

  it('waits while a queue is closed and offers when it opens', () => {
    let open = false;
    const closed = setup({ isOpen: () => open });
    closed.agent('alice');
    const id = closed.item('chat');
    closed.clock.advance(60_000);
    assert.deepEqual(closed.offers, [], 'closed: nothing offered');
    assert.equal(closed.engine.positionOf(id), 1);
    open = true;
    closed.clock.advance(15_000);
    assert.deepEqual(closed.offers, [`${id}→alice`]);
    closed.engine.stop();
  });

  it('lets a callback keep the place of the call it replaces, and waits for its retry time', () => {
    const first = t.item('call');
    t.clock.advance(1000);
    const second = t.item('call');
    t.clock.advance(1000);
    // The first caller asks to be called back: same place, no longer on the line.
    const enqueuedAt = t.engine.get(first)!.enqueuedAt;
    t.engine.release(first, 'transferred');
    const callback = t.engine.enqueue({ id: 'cb1', interactionId: 'in_1', kind: 'callback', queue: 'general', priority: 0, enqueuedAt }).id;
    assert.equal(t.engine.positionOf(callback), 1);
    assert.equal(t.engine.positionOf(second), 2);
    t.agent('alice');
    assert.deepEqual(t.offers, [`${callback}→alice`]);
    // Not reached: it tries again later, keeping its place.
    t.engine.accept(callback, 'alice');
    t.engine.release(callback, 'done');
    assert.equal(t.offers.at(-1), `${second}→alice`);
    t.engine.accept(second, 'alice');
    t.engine.release(second, 'done');
    const retry = t.engine.enqueue({ id: 'cb1-retry', interactionId: 'in_1', kind: 'callback', queue: 'general', priority: 0, enqueuedAt, notBefore: t.clock.now() + 300_000 }).id;
    const third = t.item('call');
    assert.equal(t.offers.at(-1), `${third}→alice`, 'the retry is not due yet');
    assert.equal(t.engine.positionOf(retry), 1, 'but it keeps its place');
    t.engine.accept(third, 'alice');
    t.engine.release(third, 'done');
    t.clock.advance(300_000 + 15_000);
    assert.equal(t.offers.at(-1), `${retry}→alice`);
  });

  it('lets a transfer wait for the named agent only', () => {
    t.agent('alice');
    t.clock.advance(10);
    t.agent('bob');
    const id = t.item('chat', 'general', { target: 'bob' });
    assert.deepEqual(t.offers, [`${id}→bob`]);
  });

  it('estimates the wait from recent handling times and the agents on the queue', () => {
    t.agent('alice', [], { capacity: { chats: 1 } });
    const done = t.item('chat');
    t.engine.accept(done, 'alice');
    t.clock.advance(60_000);
    t.engine.release(done, 'done');
    const busy = t.item('chat');
    t.engine.accept(busy, 'alice');
    const a = t.item('chat');
    const b = t.item('chat');
    assert.equal(t.engine.estimatedWaitOf(a), 60_000);
    assert.equal(t.engine.estimatedWaitOf(b), 120_000);
    t.agent('bob', [], { capacity: { chats: 0 } });
    assert.equal(t.engine.estimatedWaitOf(b), 60_000, 'two agents on the queue halve it');
  });
});

describe('business hours', () => {
  const hours: BusinessHours = { timezone: 'Europe/Paris', weekly: { mon: [['09:00', '12:00'], ['14:00', '18:00']], sat: [['10:00', '24:00']] }, closedOn: ['2026-12-25'] };

  it('opens and closes on local time, daylight saving included', () => {
    // Monday 23 November 2026: Paris is UTC+1.
    assert.equal(isOpenAt(hours, Date.UTC(2026, 10, 23, 7, 59)), false);
    assert.equal(isOpenAt(hours, Date.UTC(2026, 10, 23, 8, 0)), true);
    assert.equal(isOpenAt(hours, Date.UTC(2026, 10, 23, 11, 30)), false, 'lunch');
    assert.equal(isOpenAt(hours, Date.UTC(2026, 10, 23, 16, 59)), true);
    assert.equal(isOpenAt(hours, Date.UTC(2026, 10, 23, 17, 0)), false);
    // Monday 22 June 2026: UTC+2.
    assert.equal(isOpenAt(hours, Date.UTC(2026, 5, 22, 7, 0)), true);
    assert.equal(isOpenAt(hours, Date.UTC(2026, 10, 24, 10, 0)), false, 'no hours on Tuesdays');
    assert.equal(isOpenAt(hours, Date.UTC(2026, 10, 28, 22, 59)), true, 'until midnight on Saturdays');
    assert.equal(isOpenAt(undefined, 0), true, 'no hours: always open');
  });

  it('keeps closed days closed and finds the next opening', () => {
    const hours2: BusinessHours = { timezone: 'Europe/Paris', weekly: { fri: [['09:00', '17:00']], mon: [['09:00', '17:00']] }, closedOn: ['2026-12-25'] };
    assert.equal(isOpenAt(hours2, Date.UTC(2026, 11, 25, 10, 0)), false, 'Christmas falls on a Friday');
    assert.equal(nextOpening(hours2, Date.UTC(2026, 11, 25, 10, 0)), Date.UTC(2026, 11, 28, 8, 0), 'Monday 09:00 Paris');
    assert.equal(nextOpening(hours2, Date.UTC(2026, 11, 28, 9, 0)), undefined, 'already open');
  });
});

describe('RoutingEngine at scale (what keeps a decision cheap with a long line)', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('names the first position that moved in each queue event, so a queue is not announced whole on every change', () => {
    const events: string[] = [];
    t.engine.on('queue', (queue, from) => events.push(`${queue}@${from}`));
    const a = t.item('chat');
    t.clock.advance(1);
    t.item('chat');
    t.clock.advance(1);
    t.item('chat', 'general', { priority: 5 });
    t.item('chat', 'billing');
    assert.deepEqual(events, ['general@1', 'general@2', 'general@1', 'billing@1'], 'joining at the back moves nobody; a priority item moves everyone');
    events.length = 0;
    t.engine.release(a, 'abandoned');
    assert.deepEqual(events, ['general@2'], 'leaving from second place moves those behind it');
    assert.deepEqual(t.engine.waiting('general', 2).map((i) => t.engine.positionOf(i.id)), [2], 'waiting(queue, from) starts there');
    events.length = 0;
    t.agent('alice');
    assert.ok(events.includes('general@1') && events.includes('billing@1'), 'a staffing change moves every estimate');
  });

  it('keeps the serving order through every change, without sorting: positions match a full sort', () => {
    const ids: string[] = [];
    for (let k = 0; k < 60; k++) {
      t.clock.advance(k % 3);
      ids.push(t.item(k % 4 ? 'chat' : 'call', 'general', { priority: (k * 7) % 5 }));
    }
    for (const id of ids.filter((_, k) => k % 5 === 0)) t.engine.release(id, 'abandoned');
    t.agent('alice', [], { capacity: { chats: 2 } });
    const offered = ids.filter((id) => t.engine.get(id)?.status === 'offered');
    t.engine.accept(offered[0]!, 'alice');
    const line = t.engine.waiting('general');
    const sorted = [...line].sort((x, y) => y.priority - x.priority || x.enqueuedAt - y.enqueuedAt || (x.id < y.id ? -1 : 1));
    assert.deepEqual(line.map((i) => i.id), sorted.map((i) => i.id));
    assert.deepEqual(line.map((i) => t.engine.positionOf(i.id)), line.map((_, k) => k + 1));
    assert.equal(t.engine.positionOf(offered[0]!), undefined, 'assigned work has no place in line');
    assert.deepEqual(t.engine.itemsOf(t.engine.get(offered[0]!)!.interactionId).map((i) => i.id), [offered[0]], 'items found by interaction');
  });

  it('puts an offer withdrawn from an agent going away back in its place, and the next agent gets the first in line', () => {
    t.agent('alice', [], { capacity: { chats: 2 } });
    const first = t.item('chat');
    t.clock.advance(1);
    const second = t.item('chat');
    t.clock.advance(1);
    const vip = t.item('chat', 'general', { priority: 1 });
    assert.deepEqual([first, second, vip].map((id) => t.engine.positionOf(id)), [undefined, 2, 1], 'the offered item is out of line');
    t.engine.setPresence('alice', 'away');
    assert.deepEqual([first, second, vip].map((id) => t.engine.positionOf(id)), [2, 3, 1], 'back at its place, behind the priority item only');
    t.offers.length = 0;
    t.agent('bob', [], { capacity: { chats: 1 } });
    assert.deepEqual(t.offers, [`${vip}→bob`], 'bob’s one place goes to the item first in line, not to the one withdrawn');
    assert.equal(t.engine.get(first)!.status, 'waiting');
  });

  it('counts no offered item in line, and a newly available agent is offered the next waiting one (issue 14)', () => {
    // Three chats used to be offered to alice at once while the third visitor read "number 3 in line",
    // and bob, signing in then, got none of them.
    t.agent('alice');
    const [c1, c2, c3] = [t.item('chat'), t.item('chat'), t.item('chat')];
    assert.deepEqual(t.offers, [`${c1}→alice`], 'alice has one offer open');
    assert.deepEqual([c1, c2, c3].map((id) => t.engine.positionOf(id)), [undefined, 1, 2], 'the third visitor is second in line, not third');
    assert.deepEqual(t.engine.waiting('general').map((i) => i.id), [c2, c3]);
    t.clock.advance(1);
    t.agent('bob');
    assert.deepEqual(t.offers, [`${c1}→alice`, `${c2}→bob`], 'bob signing in gets the next waiting chat');
    assert.equal(t.engine.positionOf(c3), 1);
    t.engine.accept(c1, 'alice');
    assert.deepEqual(t.offers.at(-1), `${c3}→alice`, 'alice answering brings her the next');
    t.engine.decline(c2, 'bob');
    assert.equal(t.engine.positionOf(c2), 1, 'a declined chat is back first in line');
  });

  it('refuses an item id already queued, rather than losing the first', () => {
    const id = t.item('chat');
    assert.throws(() => t.engine.enqueue({ id, interactionId: 'other', kind: 'chat', queue: 'general', priority: 0 }), /already queued/);
    assert.equal(t.engine.waiting('general').length, 1);
  });
});

describe('priority rules', () => {
  const context = (verified: boolean, total: number) =>
    ({ v: 1, visitor: { id: 'v-000001', identity: { name: 'x', verified } }, page: { url: 'https://x.example/', title: 'x' }, cart: { currency: 'EUR', items: [], total } }) as ContextEnvelope;
  const rules = [
    { when: { verified: true }, add: 10 },
    { when: { cartTotalAtLeast: 200 }, add: 5 },
    { when: { queue: 'billing', kind: 'call' as const }, add: 1 },
  ];
  it('adds the value of every rule that holds', () => {
    assert.equal(priorityOf(rules, { queue: 'general', kind: 'chat' }, context(false, 10)), 0);
    assert.equal(priorityOf(rules, { queue: 'general', kind: 'chat' }, context(true, 10)), 10);
    assert.equal(priorityOf(rules, { queue: 'general', kind: 'chat' }, context(true, 250)), 15);
    assert.equal(priorityOf(rules, { queue: 'billing', kind: 'call' }, context(false, 200)), 6);
  });
});
