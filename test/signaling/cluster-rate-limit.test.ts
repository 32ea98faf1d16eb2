/**
 * Rate limits shared by the nodes through a real Redis: two nodes take from
 * one budget, answer as the in-process limiter does, and each falls back to
 * its own buckets while Redis cannot answer, saying so once.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { RateLimiter, type Taken } from '../../signaling/limits/rate-limiter.js';
import { SharedRateLimiter, type RateLimit } from '../../signaling/cluster/shared-rate-limiter.js';
import { createRedisClient } from '../../signaling/cluster/redis-client.js';
import { createLogger, silentLogger, type Logger } from '../../signaling/log.js';
import { FakeClock } from '../support/fake-clock.js';
import { redisMissing, startRedis, type RedisServer } from '../support/redis.js';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const shown = (taken: Taken) => (taken.ok ? 'ok' : `retry in ${taken.retryAfterSeconds} s`);

describe('SharedRateLimiter', { skip: redisMissing() }, () => {
  let redis: RedisServer;
  let prefix: string;
  const clients: Redis[] = [];

  async function client(name: string): Promise<Redis> {
    const c = createRedisClient(redis.url, { name, log: silentLogger });
    clients.push(c);
    await until(() => c.status === 'ready', `${name}'s connection`);
    return c;
  }

  const limiter = (c: Redis, options: { name?: string; perMinute: number; burst: number; log?: Logger }) =>
    new SharedRateLimiter({ client: c, name: options.name ?? 'conversations', perMinute: options.perMinute, burst: options.burst, prefix, log: options.log });

  before(async () => {
    redis = await startRedis();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.disconnect();
  });
  after(async () => {
    await redis?.stop();
  });
  const fresh = () => (prefix = `warmline-test-${randomBytes(4).toString('hex')}:`);

  it('two nodes share one budget: the burst is granted once across both', async () => {
    fresh();
    const onA = limiter(await client('node-a'), { perMinute: 60, burst: 5 });
    const onB = limiter(await client('node-b'), { perMinute: 60, burst: 5 });
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push(shown(await (i % 2 ? onB : onA).take('203.0.113.7')));
    assert.deepEqual(answers, ['ok', 'ok', 'ok', 'ok', 'ok', 'retry in 1 s', 'retry in 1 s', 'retry in 1 s', 'retry in 1 s', 'retry in 1 s']);

    // Each node on its own bucket, as today, would have granted twice the burst.
    const clock = new FakeClock();
    const [hereA, hereB] = [new RateLimiter(60, 5, clock), new RateLimiter(60, 5, clock)];
    const alone = Array.from({ length: 10 }, (_, i) => (i % 2 ? hereB : hereA).take('203.0.113.7')).filter((t) => t.ok);
    assert.equal(alone.length, 10);

    // Another key, and another limit under the same key, have budgets of their own.
    assert.equal(shown(await onB.take('198.51.100.1')), 'ok');
    const signIns = limiter(clients[0]!, { name: 'sign-ins', perMinute: 60, burst: 5 });
    assert.equal(shown(await signIns.take('203.0.113.7')), 'ok');
  });

  it('answers as the in-process limiter does, retry times included', async () => {
    fresh();
    const shared = limiter(await client('node-a'), { perMinute: 30, burst: 5 });
    const here = new RateLimiter(30, 5, new FakeClock());
    const sharedAnswers: string[] = [];
    const hereAnswers: string[] = [];
    for (let i = 0; i < 8; i++) {
      sharedAnswers.push(shown(await shared.take('alice')));
      hereAnswers.push(shown(here.take('alice')));
    }
    assert.deepEqual(sharedAnswers, hereAnswers);
    assert.deepEqual(hereAnswers.slice(4), ['ok', 'retry in 2 s', 'retry in 2 s', 'retry in 2 s']);
  });

  it('refills at the configured rate, and a bucket is forgotten when it would be full again', async () => {
    fresh();
    const c = await client('node-a');
    // 600 a minute: a token every 100 ms.
    const fast = limiter(c, { perMinute: 600, burst: 2 });
    assert.deepEqual([shown(await fast.take('k')), shown(await fast.take('k')), shown(await fast.take('k'))], ['ok', 'ok', 'retry in 1 s']);
    const ttl = await c.pttl(`${prefix}rate:conversations:k`);
    assert.ok(ttl > 0 && ttl <= 200, `the bucket expires when full again (in ${ttl} ms, at most 200)`);
    await sleep(250);
    assert.equal(shown(await fast.take('k')), 'ok');
    await sleep(400);
    assert.equal(await c.exists(`${prefix}rate:conversations:k`), 0, 'a full bucket is not kept');
  });

  it('Redis unreachable: each node limits on its own, says so once, and shares again when Redis is back', async () => {
    fresh();
    const c = await client('node-a');
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    const shared = limiter(c, { perMinute: 60, burst: 3, log });
    assert.equal(shown(await shared.take('k')), 'ok');

    c.disconnect();
    const started = Date.now();
    const down: string[] = [];
    for (let i = 0; i < 5; i++) down.push(shown(await shared.take('k')));
    assert.ok(Date.now() - started < 1000, 'no waiting on a Redis that is away');
    assert.deepEqual(down, ['ok', 'ok', 'ok', 'retry in 1 s', 'retry in 1 s'], "this node's own bucket still limits");
    assert.equal(lines.filter((l) => / warn /.test(l)).length, 1, `one warning: ${lines.join('\n')}`);
    assert.match(lines[0]!, /rate limit conversations: Redis cannot answer/);

    await until(() => c.status === 'end', 'the connection to close');
    await c.connect();
    // The shared bucket had 2 tokens left when Redis went away.
    assert.deepEqual([shown(await shared.take('k')), shown(await shared.take('k')), shown(await shared.take('k'))], ['ok', 'ok', 'retry in 1 s']);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, / info .*rate limit conversations: shared across nodes again/);
  });

  it('Redis too slow to answer: the node answers from its own bucket after the command timeout', async () => {
    fresh();
    const c = await client('node-a');
    const admin = await client('admin');
    const lines: string[] = [];
    const shared = limiter(c, { perMinute: 60, burst: 3, log: createLogger('warn', (line) => lines.push(line)) });
    // Redis holds every write (the script writes) for 3 s: far longer than the client's 1 s command timeout.
    await admin.client('PAUSE', 3000, 'WRITE');
    const started = Date.now();
    assert.equal(shown(await shared.take('k')), 'ok');
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 2500, `answered on the timeout (1 s), not when Redis did (3 s): in ${took} ms`);
    assert.equal(lines.length, 1);
    await admin.client('UNPAUSE');
  });

  it('fits where the in-process limiter does', () => {
    // A compile-time check as much as a test: the wiring puts either behind `RateLimit`.
    const limits: RateLimit[] = [new RateLimiter(60, 5, new FakeClock())];
    assert.equal(limits.length, 1);
    assert.throws(() => new SharedRateLimiter({ client: undefined as never, name: 'x', perMinute: 0, burst: 5 }), RangeError);
  });
});
