/**
 * The bus between nodes: in one process (LocalBus), and through a real Redis
 * between two and three "nodes" in this process (RedisBus), each with its
 * own connections, as separate processes would have. Redis restarted under
 * them: they come back, listen again, say what they may have missed, and
 * carry what is published after.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { BusGap, BusState } from '../../signaling/cluster/bus.js';
import { LocalBus } from '../../signaling/cluster/local-bus.js';
import { RedisBus } from '../../signaling/cluster/redis-bus.js';
import { createRedisClient } from '../../signaling/cluster/redis-client.js';
import { silentLogger } from '../../signaling/log.js';
import { redisMissing, startRedis, type RedisServer } from '../support/redis.js';

interface Channels {
  chat: { interactionId: string; seq: number };
  typing: { interactionId: string; typing: boolean };
}

/** Waits until `condition` holds, checking every 10 ms; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Lets queued microtasks and I/O callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('LocalBus', () => {
  it('delivers after publish() returns, in order, to every subscriber, with the publishing node', async () => {
    const bus = new LocalBus<Channels>('node-a');
    const heard: string[] = [];
    bus.subscribe('chat', (m, from) => heard.push(`first ${m.seq} from ${from}`));
    bus.subscribe('chat', (m) => heard.push(`second ${m.seq}`));
    bus.publish('chat', { interactionId: 'in_1', seq: 1 });
    bus.publish('chat', { interactionId: 'in_1', seq: 2 });
    assert.deepEqual(heard, [], 'nothing runs inside publish()');
    await settle();
    assert.deepEqual(heard, ['first 1 from node-a', 'second 1', 'first 2 from node-a', 'second 2']);
  });

  it('gives each handler its own parse of the JSON, as Redis would carry it', async () => {
    const bus = new LocalBus<{ note: { at: unknown; tags: string[] } }>();
    const seen: unknown[] = [];
    bus.subscribe('note', (m) => {
      seen.push(m.at);
      m.tags.push('changed by the first');
    });
    bus.subscribe('note', (m) => seen.push([...m.tags]));
    bus.publish('note', { at: new Date(Date.UTC(2026, 0, 2)), tags: ['a'] });
    await settle();
    assert.deepEqual(seen, ['2026-01-02T00:00:00.000Z', ['a']]);
    assert.throws(() => bus.publish('note', { at: 1n, tags: [] }), TypeError, 'a BigInt cannot travel');
    assert.throws(() => bus.publish('note', undefined as never), TypeError);
  });

  it('stops delivering on unsubscribe, even a message published before; a failing handler keeps it from no one', async () => {
    const log: string[] = [];
    const bus = new LocalBus<Channels>('node-a', { ...silentLogger, error: (line) => log.push(line) });
    const heard: number[] = [];
    bus.subscribe('chat', () => {
      throw new Error('broken handler');
    });
    const off = bus.subscribe('chat', (m) => heard.push(m.seq));
    bus.subscribe('chat', (m) => heard.push(m.seq * 10));
    bus.publish('chat', { interactionId: 'in_1', seq: 1 });
    await settle();
    bus.publish('chat', { interactionId: 'in_1', seq: 2 });
    off();
    await settle();
    assert.deepEqual(heard, [1, 10, 20]);
    assert.equal(log.length, 2, 'the broken handler is logged each time');
    assert.throws(() => bus.subscribe('no spaces' as never, () => undefined), TypeError);
  });

  it('reaches only itself by node: another node does not exist', async () => {
    const bus = new LocalBus<Channels>('node-a');
    const heard: number[] = [];
    bus.subscribe('chat', (m) => heard.push(m.seq));
    assert.equal(await bus.publishTo('node-a', 'chat', { interactionId: 'in_1', seq: 1 }), true);
    assert.equal(await bus.publishTo('node-b', 'chat', { interactionId: 'in_1', seq: 2 }), false);
    await settle();
    assert.deepEqual(heard, [1]);
    assert.equal(bus.state, 'connected');
    await bus.close();
    assert.equal(bus.state, 'closed');
    bus.publish('chat', { interactionId: 'in_1', seq: 3 });
    await settle();
    assert.deepEqual(heard, [1]);
  });
});

describe('RedisBus', { skip: redisMissing() }, () => {
  let redis: RedisServer;
  let prefix: string;
  const open: Array<{ bus: RedisBus<Channels>; client: Redis }> = [];

  interface Node {
    bus: RedisBus<Channels>;
    client: Redis;
    states: BusState[];
    gaps: BusGap[];
  }

  /** A "node": its own command connection and bus, connected. */
  async function node(nodeId: string): Promise<Node> {
    const client = createRedisClient(redis.url, { name: `${nodeId}-commands`, log: silentLogger });
    const bus = new RedisBus<Channels>({ nodeId, client, prefix });
    open.push({ bus, client });
    const states: BusState[] = [];
    const gaps: BusGap[] = [];
    bus.on('state', (state) => states.push(state));
    bus.on('gap', (gap) => gaps.push(gap));
    await until(() => bus.state === 'connected', `${nodeId} to connect`);
    return { bus, client, states, gaps };
  }

  before(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const { bus, client } of open.splice(0)) {
      await bus.close();
      client.disconnect();
    }
  });
  after(async () => {
    await redis?.stop();
  });
  // Each test on its own channels, so one's leftovers cannot reach another.
  const fresh = () => (prefix = `warmline-test-${randomBytes(4).toString('hex')}:`);

  it('connects, reporting what it may have missed since it was made', async () => {
    fresh();
    const a = await node('node-a');
    assert.deepEqual(a.states, ['connected']);
    assert.equal(a.gaps.length, 1);
    assert.equal(a.gaps[0]!.node, 'node-a');
    assert.ok(a.gaps[0]!.since <= a.gaps[0]!.until);
  });

  it('carries messages between two nodes: each subscriber hears each message once, in order', async () => {
    fresh();
    const a = await node('node-a');
    const b = await node('node-b');
    const heardByA: string[] = [];
    const heardByB: string[] = [];
    a.bus.subscribe('chat', (m, from) => heardByA.push(`${from}:${m.seq}`));
    b.bus.subscribe('chat', (m, from) => heardByB.push(`${from}:${m.seq}`));
    // Subscribing is confirmed by Redis a moment later: wait until both nodes count on the channel.
    await waitForSubscribers(a.client, `${prefix}bus:chat`, 2);

    for (let seq = 1; seq <= 20; seq++) a.bus.publish('chat', { interactionId: 'in_1', seq });
    for (let seq = 101; seq <= 110; seq++) b.bus.publish('chat', { interactionId: 'in_1', seq });
    await until(() => heardByA.length >= 30 && heardByB.length >= 30, 'all 30 messages on both nodes');
    await sleep(200);

    const fromA = Array.from({ length: 20 }, (_, i) => `node-a:${i + 1}`);
    const fromB = Array.from({ length: 10 }, (_, i) => `node-b:${i + 101}`);
    for (const [heard, who] of [
      [heardByA, 'node-a'],
      [heardByB, 'node-b'],
    ] as const) {
      assert.equal(heard.length, 30, `${who} heard no message twice`);
      assert.deepEqual(
        heard.filter((h) => h.startsWith('node-a:')),
        fromA,
        `${who} heard node-a's messages once each, in order`,
      );
      assert.deepEqual(
        heard.filter((h) => h.startsWith('node-b:')),
        fromB,
        `${who} heard node-b's messages once each, in order`,
      );
    }
    // A channel nobody listens to on a node is not delivered there.
    const typing: string[] = [];
    b.bus.subscribe('typing', (m, from) => typing.push(`${from}:${m.typing}`));
    await waitForSubscribers(a.client, `${prefix}bus:typing`, 1);
    a.bus.publish('typing', { interactionId: 'in_1', typing: true });
    await until(() => typing.length === 1, 'typing on node-b');
    assert.deepEqual(typing, ['node-a:true']);
  });

  it('reaches one node by its id, and no other', async () => {
    fresh();
    const [a, b, c] = [await node('node-a'), await node('node-b'), await node('node-c')];
    const heard: Record<string, number[]> = { a: [], b: [], c: [] };
    a.bus.subscribe('chat', (m) => heard.a!.push(m.seq));
    b.bus.subscribe('chat', (m) => heard.b!.push(m.seq));
    c.bus.subscribe('chat', (m) => heard.c!.push(m.seq));
    await waitForSubscribers(a.client, `${prefix}bus:chat`, 3);

    assert.equal(await a.bus.publishTo('node-b', 'chat', { interactionId: 'in_1', seq: 1 }), true, 'node-b is listening');
    assert.equal(await a.bus.publishTo('node-gone', 'chat', { interactionId: 'in_1', seq: 2 }), false, 'no node-gone listens');
    // Then a message to everyone: node-a's messages reach each node in the order sent, so once c hears this, it would have heard the first.
    a.bus.publish('chat', { interactionId: 'in_1', seq: 3 });
    await until(() => heard.c!.includes(3) && heard.b!.includes(3) && heard.a!.includes(3), 'the broadcast everywhere');
    assert.deepEqual(heard, { a: [3], b: [1, 3], c: [3] });
  });

  it('stops hearing a channel when its last subscriber here leaves, and on close()', async () => {
    fresh();
    const a = await node('node-a');
    const b = await node('node-b');
    const heard: number[] = [];
    const off = b.bus.subscribe('chat', (m) => heard.push(m.seq));
    await waitForSubscribers(a.client, `${prefix}bus:chat`, 1);
    off();
    await waitForSubscribers(a.client, `${prefix}bus:chat`, 0);
    a.bus.publish('chat', { interactionId: 'in_1', seq: 1 });
    await sleep(200);
    assert.deepEqual(heard, []);

    await b.bus.close();
    assert.equal(b.bus.state, 'closed');
    assert.equal(await a.bus.publishTo('node-b', 'chat', { interactionId: 'in_1', seq: 2 }), false, 'a closed bus listens to nothing');
  });

  it('Redis killed mid-stream: both nodes reconnect, listen again, report the gap, and carry what is published after', async (t) => {
    if (!redis.owned) return t.skip('WARMLINE_TEST_REDIS_URL names a Redis these tests may not restart');
    fresh();
    const a = await node('node-a');
    const b = await node('node-b');
    const heardByB: number[] = [];
    const heardByA: number[] = [];
    b.bus.subscribe('chat', (m) => heardByB.push(m.seq));
    a.bus.subscribe('chat', (m) => heardByA.push(m.seq));
    await waitForSubscribers(a.client, `${prefix}bus:chat`, 2);

    // node-a publishes a message every 10 ms throughout.
    let seq = 0;
    const stream = setInterval(() => a.bus.publish('chat', { interactionId: 'in_1', seq: ++seq }), 10);
    try {
      await until(() => heardByB.length >= 10, 'the stream to flow');
      const gapsBefore = { a: a.gaps.length, b: b.gaps.length };
      await redis.restart('SIGKILL');
      await until(() => a.states.includes('reconnecting') && b.states.includes('reconnecting'), 'both nodes to notice');
      await until(() => a.bus.state === 'connected' && b.bus.state === 'connected', 'both nodes to be back', 15_000);
      // Every message published from here on must arrive.
      const firstAfter = seq + 1;
      await until(() => seq >= firstAfter + 30, '30 more messages to be published');
      clearInterval(stream);
      const last = seq;
      await until(() => heardByB.at(-1) === last, 'node-b to hear the last one');

      for (const [n, who] of [
        [a, 'node-a'],
        [b, 'node-b'],
      ] as const) {
        assert.deepEqual(n.states.slice(-2), ['reconnecting', 'connected'], `${who} went through reconnecting`);
        const own = n.gaps.slice(gapsBefore[who === 'node-a' ? 'a' : 'b']).filter((g) => g.node === who);
        assert.equal(own.length, 1, `${who} reported its own gap once`);
        assert.ok(own[0]!.since < own[0]!.until);
      }
      // (node-a could not publish while Redis was down and tells the others once it can; node-b may not be listening
      // again by then, and needs no notice: its own gap, reported after, makes it resync. The next test covers notices.)

      const after = heardByB.filter((s) => s >= firstAfter);
      assert.deepEqual(
        after,
        Array.from({ length: last - firstAfter + 1 }, (_, i) => firstAfter + i),
        'every message published after the reconnection, once, in order',
      );
      assert.deepEqual(heardByB, [...new Set(heardByB)].sort((x, y) => x - y), 'node-b heard nothing twice, nothing out of order');
      // node-a heard all its own messages, Redis or not: it serves its own sockets through an outage.
      assert.deepEqual(
        heardByA,
        Array.from({ length: last }, (_, i) => i + 1),
      );
    } finally {
      clearInterval(stream);
    }
  });

  it('a node that could not publish tells the others, even those that stayed connected', async () => {
    fresh();
    const a = await node('node-a');
    const b = await node('node-b');
    const heardByB: number[] = [];
    b.bus.subscribe('chat', (m) => heardByB.push(m.seq));
    await waitForSubscribers(a.client, `${prefix}bus:chat`, 1);

    // node-a's command connection drops (a deliberate disconnect here; a partition in life): its messages go nowhere.
    a.client.disconnect();
    await until(() => a.bus.state === 'reconnecting', 'node-a to notice');
    a.bus.publish('chat', { interactionId: 'in_1', seq: 1 });
    assert.equal(await a.bus.publishTo('node-b', 'chat', { interactionId: 'in_1', seq: 2 }), false);
    await a.client.connect();
    await until(() => a.bus.state === 'connected', 'node-a to be back');
    await until(() => b.gaps.some((g) => g.node === 'node-a'), 'node-b to hear of node-a\'s gap');
    const gap = b.gaps.find((g) => g.node === 'node-a')!;
    assert.ok(gap.since <= gap.until);
    assert.deepEqual(b.states, ['connected'], 'node-b never lost its own connection');
    assert.deepEqual(heardByB, []);
    a.bus.publish('chat', { interactionId: 'in_1', seq: 3 });
    await until(() => heardByB.length === 1, 'the next message');
    assert.deepEqual(heardByB, [3]);
  });
});

/** Waits until Redis counts `count` subscribers on `channel` (PUBSUB NUMSUB). */
async function waitForSubscribers(client: Redis, channel: string, count: number) {
  const end = Date.now() + 10_000;
  for (;;) {
    const [, n] = (await client.pubsub('NUMSUB', channel)) as [string, number];
    if (n === count) return;
    if (Date.now() > end) throw new Error(`${channel} has ${n} subscribers, not ${count}`);
    await sleep(10);
  }
}
