/**
 * The lease that keeps one routing engine for the cluster, on a real Redis
 * with its default timings: one holder; a holder that dies (its connection
 * gone, nothing released) is replaced within the 5 s the cluster promises,
 * with a higher fencing token, and learns it lost; tokens keep rising when
 * Redis restarts empty.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { IllegalLeaseTransitionError, LocalLease, type LostReason } from '../../signaling/cluster/lease.js';
import { LEASE_RETRY_MS, LEASE_TTL_MS, RedisLease } from '../../signaling/cluster/redis-lease.js';
import { createRedisClient } from '../../signaling/cluster/redis-client.js';
import { silentLogger } from '../../signaling/log.js';
import { FakeClock } from '../support/fake-clock.js';
import { redisMissing, startRedis, type RedisServer } from '../support/redis.js';

/** What the cluster promises: the queue moves to another node within 5 s of its holder's death. */
const TAKEOVER_MS = 5000;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

describe('LocalLease', () => {
  it('is held from start to stop, with the start time as its token, announced after start() returns', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const lease = new LocalLease('routing', clock);
    const acquired: number[] = [];
    lease.on('acquired', (token) => acquired.push(token));
    lease.start();
    assert.deepEqual(acquired, []);
    await Promise.resolve();
    assert.deepEqual(acquired, [1_700_000_000_000]);
    assert.equal(lease.held, true);
    assert.equal(lease.token, 1_700_000_000_000);
    clock.advance(60_000);
    assert.equal(lease.token, 1_700_000_000_000, 'one hold, one token');
    assert.throws(() => lease.start(), IllegalLeaseTransitionError);
    await lease.stop();
    assert.equal(lease.held, false);
    assert.equal(lease.token, undefined);
  });
});

describe('RedisLease', { skip: redisMissing() }, () => {
  let redis: RedisServer;
  let prefix: string;
  const open: Array<{ lease: RedisLease; client: Redis }> = [];

  interface Node {
    lease: RedisLease;
    client: Redis;
    /** What the lease announced, with when (Date.now()). */
    events: Array<{ at: number; event: 'acquired'; token: number } | { at: number; event: 'lost'; reason: LostReason }>;
  }

  async function node(nodeId: string, options: { ttlMs?: number; retryEveryMs?: number } = {}): Promise<Node> {
    const client = createRedisClient(redis.url, { name: `${nodeId}-commands`, log: silentLogger });
    await until(() => client.status === 'ready', `${nodeId}'s connection`);
    const lease = new RedisLease({ client, name: 'routing', nodeId, prefix, ...options });
    open.push({ lease, client });
    const events: Node['events'] = [];
    lease.on('acquired', (token) => events.push({ at: Date.now(), event: 'acquired', token }));
    lease.on('lost', (reason) => events.push({ at: Date.now(), event: 'lost', reason }));
    return { lease, client, events };
  }

  const acquiredBy = (n: Node) => n.events.filter((e) => e.event === 'acquired').map((e) => (e as { token: number }).token);

  before(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const { lease, client } of open.splice(0)) {
      await lease.stop();
      client.disconnect();
    }
  });
  after(async () => {
    await redis?.stop();
  });
  const fresh = () => (prefix = `warmline-test-${randomBytes(4).toString('hex')}:`);

  it('one holder; when it dies another takes over within 5 s with a higher token; the dead one learns it lost', async (t) => {
    fresh();
    const a = await node('node-a');
    const b = await node('node-b');
    a.lease.start();
    await until(() => a.lease.held, 'node-a to hold the lease');
    const [tokenA] = acquiredBy(a);
    assert.ok(tokenA !== undefined && tokenA > 0);
    assert.equal(a.lease.token, tokenA);

    b.lease.start();
    // Longer than a ttl and a retry: had node-a not renewed, its hold would have expired and node-b taken it.
    await sleep(LEASE_TTL_MS + LEASE_RETRY_MS + 500);
    assert.equal(b.lease.state, 'waiting');
    assert.equal(b.lease.held, false);
    assert.equal(a.lease.held, true, 'node-a renewed its hold');
    assert.deepEqual(await b.lease.holder(), { nodeId: 'node-a', token: tokenA });

    // node-a "dies": its connection goes, nothing is released.
    const diedAt = Date.now();
    a.client.disconnect();
    await until(() => b.lease.held, 'node-b to take over', TAKEOVER_MS + 5000);
    const tookOverMs = Date.now() - diedAt;
    // By design at most ttl + one retry (4 s) after the last renewal; the promise is 5 s.
    t.diagnostic(`node-b took over ${tookOverMs} ms after node-a died`);
    assert.ok(tookOverMs < TAKEOVER_MS, `node-b took over in ${tookOverMs} ms; the cluster promises ${TAKEOVER_MS}`);
    const [tokenB] = acquiredBy(b);
    assert.ok(tokenB! > tokenA, `node-b's token ${tokenB} is above node-a's ${tokenA}`);
    assert.deepEqual(await b.lease.holder(), { nodeId: 'node-b', token: tokenB });

    // node-a gave up by itself when its time ran out, before node-b could have the lease: never two holders.
    const lost = a.events.find((e) => e.event === 'lost');
    assert.deepEqual(lost && { event: lost.event, reason: 'reason' in lost && lost.reason }, { event: 'lost', reason: 'expired' });
    const acquiredB = b.events.find((e) => e.event === 'acquired')!;
    assert.ok(lost!.at <= acquiredB.at, 'node-a knew it had lost before node-b acquired');
    assert.equal(a.lease.held, false);
    assert.equal(a.lease.token, undefined);

    // node-a comes back: it waits while node-b holds.
    await a.client.connect();
    await sleep(2 * LEASE_RETRY_MS + 200);
    assert.equal(a.lease.state, 'waiting');
    assert.equal(b.lease.held, true);
    assert.equal(acquiredBy(a).length, 1);

    // node-b stops (a deploy): it releases, and node-a takes over within about one retry, with a higher token again.
    const releasedAt = Date.now();
    await b.lease.stop();
    await until(() => a.lease.held, 'node-a to take over after the release');
    assert.ok(Date.now() - releasedAt < LEASE_RETRY_MS + 1000, 'a released lease is taken in about one retry interval');
    assert.ok(acquiredBy(a)[1]! > tokenB!);
  });

  it('a holder whose key was taken from it learns so at its next renewal', async () => {
    fresh();
    const a = await node('node-a');
    a.lease.start();
    await until(() => a.lease.held, 'node-a to hold the lease');
    // As if it had paused past its ttl and another node had taken the role meanwhile.
    await a.client.set(`${prefix}{lease:routing}`, 'node-z 99999999999999', 'PX', 60_000);
    await until(() => a.events.some((e) => e.event === 'lost'), 'node-a to learn it lost', LEASE_TTL_MS);
    assert.deepEqual(
      a.events.map((e) => (e.event === 'lost' ? `lost ${e.reason}` : e.event)),
      ['acquired', 'lost refused'],
    );
    assert.equal(a.lease.state, 'waiting');
    assert.equal(a.lease.held, false);
  });

  it('at most one holder among three contenders, at every moment', async (t) => {
    fresh();
    // A short ttl here, so the contenders change hands several times in the test's few seconds.
    const nodes = [await node('node-a', { ttlMs: 600, retryEveryMs: 100 }), await node('node-b', { ttlMs: 600, retryEveryMs: 100 }), await node('node-c', { ttlMs: 600, retryEveryMs: 100 })];
    for (const n of nodes) n.lease.start();
    await until(() => nodes.some((n) => n.lease.held), 'a holder');
    const holders = new Set<string>();
    const end = Date.now() + 3000;
    let round = 0;
    const revivals: NodeJS.Timeout[] = [];
    t.after(() => revivals.forEach(clearTimeout));
    while (Date.now() < end) {
      const holding = nodes.filter((n) => n.lease.held);
      assert.ok(holding.length <= 1, `${holding.length} holders at once`);
      for (const n of holding) holders.add(String(n.lease.token));
      // Now and then the holder dies; another must follow it.
      if (++round % 50 === 0 && holding[0]) {
        const dead = holding[0];
        dead.client.disconnect();
        revivals.push(setTimeout(() => void dead.client.connect().catch(() => undefined), 1000));
      }
      await sleep(10);
    }
    assert.ok(holders.size >= 2, `the lease changed hands (${holders.size} holds seen)`);
    const tokens = nodes.flatMap(acquiredBy).sort((x, y) => x - y);
    assert.equal(new Set(tokens).size, tokens.length, 'no token was handed out twice');
  });

  it('Redis restarting empty: a holder is back, with a token above every earlier one', async (t) => {
    if (!redis.owned) return t.skip('WARMLINE_TEST_REDIS_URL names a Redis these tests may not restart');
    fresh();
    const a = await node('node-a');
    const b = await node('node-b');
    a.lease.start();
    await until(() => a.lease.held, 'node-a to hold the lease');
    b.lease.start();
    const [tokenA] = acquiredBy(a);
    await redis.restart('SIGKILL');
    await until(() => a.events.some((e) => e.event === 'lost'), 'node-a to learn it lost', TAKEOVER_MS);
    await until(() => (a.lease.held || b.lease.held) && acquiredBy(a).length + acquiredBy(b).length === 2, 'a holder again', TAKEOVER_MS);
    const holder = a.lease.held ? a : b;
    assert.ok(holder.lease.token! > tokenA!, `the token after the restart (${holder.lease.token}) is above the one before (${tokenA}), though Redis forgot its counter`);
    assert.equal(a.lease.held && b.lease.held, false);
  });

  it('refuses a renewal period the ttl cannot cover, and a second start', async () => {
    fresh();
    const { client } = await node('node-a');
    assert.throws(() => new RedisLease({ client, name: 'routing', nodeId: 'node-a', ttlMs: 1000, renewEveryMs: 1000 }), RangeError);
    assert.throws(() => new RedisLease({ client, name: 'no spaces', nodeId: 'node-a' }), TypeError);
    const lease = new RedisLease({ client, name: 'routing', nodeId: 'node-a', prefix });
    open.push({ lease, client });
    lease.start();
    assert.throws(() => lease.start(), IllegalLeaseTransitionError);
    await until(() => lease.held, 'the lease');
    assert.throws(() => lease.start(), IllegalLeaseTransitionError);
  });
});
