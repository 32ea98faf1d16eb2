/**
 * The Redis that the tests of several nodes run on (test/support/redis.ts),
 * driven through the project's client: it starts on a free port and answers
 * PING; it restarts on the same port, empty, and clients come back by
 * themselves, subscriptions included; it stops.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { answersPing, redisMissing, startRedis, type RedisServer } from '../support/redis.js';

/** How many connections Redis has subscribed to `channel`, waiting up to 5 s for there to be any. */
async function subscribers(client: Redis, channel: string): Promise<number> {
  const until = Date.now() + 5000;
  for (;;) {
    const [, count] = (await client.pubsub('NUMSUB', channel)) as [string, number];
    if (count > 0 || Date.now() > until) return count;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the test Redis', { skip: redisMissing() }, () => {
  let redis: RedisServer;
  let client: Redis;
  let subscriber: Redis;
  before(async () => {
    redis = await startRedis();
    // As a node would hold them: reconnecting on their own (ioredis's default backoff).
    client = new Redis(redis.url);
    subscriber = new Redis(redis.url);
  });
  after(async () => {
    client?.disconnect();
    subscriber?.disconnect();
    await redis?.stop();
  });

  it('starts and answers PING', async () => {
    assert.match(redis.url, /^rediss?:\/\//);
    assert.equal(await client.ping(), 'PONG');
    await client.set('warmline:test:kept', 'before');
    assert.equal(await client.get('warmline:test:kept'), 'before');
  });

  it('restarts on the same port, empty; clients reconnect and resubscribe by themselves', async (t) => {
    if (!redis.owned) return t.skip('WARMLINE_TEST_REDIS_URL names a Redis these tests may not restart');
    const url = redis.url;
    await subscriber.subscribe('warmline:test:frames');
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const lost = once(client, 'close');
      await redis.restart(signal);
      await lost;
      assert.equal(redis.url, url, 'the same port');
      assert.equal(await client.ping(), 'PONG', `${signal}: the client is back`);
      assert.equal(await client.get('warmline:test:kept'), null, `${signal}: nothing is kept across a restart`);
      // The subscriber comes back on its own too, and subscribes again: Redis counts it on the channel.
      assert.equal(await subscribers(client, 'warmline:test:frames'), 1, `${signal}: the subscriber listens again`);
      const heard = once(subscriber, 'message');
      const frame = `after ${signal}`;
      await client.publish('warmline:test:frames', frame);
      assert.deepEqual(await heard, ['warmline:test:frames', frame]);
      await client.set('warmline:test:kept', 'before');
    }
  });

  it('stops: nothing answers on its port any more', async (t) => {
    if (!redis.owned) return t.skip('WARMLINE_TEST_REDIS_URL names a Redis these tests may not stop');
    client.disconnect();
    subscriber.disconnect();
    await redis.stop();
    assert.equal(await answersPing(redis.url), false);
  });
});
