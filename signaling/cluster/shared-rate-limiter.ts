/**
 * Rate limits that hold across nodes: the token buckets of
 * limits/rate-limiter.ts, kept in Redis so that every node takes from the
 * same bucket. Behind a load balancer a visitor's requests land on any node;
 * with a bucket per node, N nodes would grant N times the budget.
 *
 * The same bucket, not a window: `burst` at once and `perMinute` refilled,
 * computed by one Lua script (atomic, so two nodes cannot both take the last
 * token), which makes a limit in the configuration mean the same on one node
 * as on several and answers the same `retryAfterSeconds`. A fixed window
 * would let twice the budget through across a window's edge. The script
 * reads Redis's clock, not the node's: nodes' clocks differ a little, and a
 * bucket written by a node ahead of the others would look refilled to none
 * of them. A bucket's key expires when it would be full again, which is when
 * it stops carrying information (the in-process limiter prunes the same).
 *
 * When Redis cannot answer (down, restarting, or slower than the client's
 * command timeout), each node falls back to its own in-process bucket: a
 * limit per node until Redis is back. Neither failing open (no limit at all:
 * sign-in guessing unhindered during an outage) nor closed (every request
 * refused: Redis, which is only a carrier, would take the whole service down
 * with it). The fallback and the return are logged once each.
 */
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log.js';
import { RateLimiter, type Taken } from '../limits/rate-limiter.js';
import { RedisScript } from './redis-script.js';

/**
 * What a rate limit is to its callers: `take` one request's token or learn
 * when to try again. The in-process RateLimiter answers at once; the shared
 * one after a round trip to Redis, so callers `await` what `take` returns.
 */
export interface RateLimit {
  take(key: string): Taken | Promise<Taken>;
}

export interface SharedRateLimiterOptions {
  /** The node's command connection (createRedisClient: it fails at once while Redis is away, rather than queueing). */
  client: Redis;
  /** Which limit this is, e.g. `sign-ins`: limits with the same name on every node share their buckets. */
  name: string;
  perMinute: number;
  burst: number;
  prefix?: string;
  /** For the fallback buckets. */
  clock?: Clock;
  log?: Logger;
}

/**
 * KEYS: bucket. ARGV: tokens per ms, burst. Returns {1, 0} when a token was
 * taken, {0, ms until the next token} when not. The bucket is a hash of
 * `tokens` and `at`, as in RateLimiter.refill.
 */
const TAKE = new RedisScript(`
local perMs = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local at = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * perMs)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) / perMs)))
if taken == 1 then
  return {1, 0}
end
return {0, math.ceil((1 - tokens) / perMs)}
`);

export class SharedRateLimiter implements RateLimit {
  private readonly client: Redis;
  private readonly keyPrefix: string;
  private readonly perMs: number;
  private readonly burst: number;
  /** This node's own buckets, used while Redis cannot answer. */
  private readonly fallback: RateLimiter;
  private readonly log: Logger;
  private readonly name: string;
  private fellBack = false;

  constructor(options: SharedRateLimiterOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1)) throw new RangeError(`A rate limit refills more than 0 a minute and holds at least 1; not ${options.perMinute}/min, ${options.burst}.`);
    this.client = options.client;
    this.name = options.name;
    this.keyPrefix = `${options.prefix ?? 'warmline:'}rate:${options.name}:`;
    this.perMs = options.perMinute / 60_000;
    this.burst = options.burst;
    this.fallback = new RateLimiter(options.perMinute, options.burst, options.clock ?? systemClock);
    this.log = options.log ?? silentLogger;
  }

  async take(key: string): Promise<Taken> {
    // Not even asking while the connection is down: the answer would only be an error.
    if (this.client.status !== 'ready') return this.takeHere(key);
    let reply: [number, number];
    try {
      reply = (await TAKE.run(this.client, [this.keyPrefix + key], [this.perMs, this.burst])) as [number, number];
    } catch (err) {
      return this.takeHere(key, err);
    }
    if (this.fellBack) {
      this.fellBack = false;
      this.log.info(`rate limit ${this.name}: shared across nodes again`);
    }
    const [taken, waitMs] = reply;
    return taken === 1 ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  private takeHere(key: string, err?: unknown): Taken {
    if (!this.fellBack) {
      this.fellBack = true;
      this.log.warn(`rate limit ${this.name}: Redis cannot answer; each node limits on its own until it can`, err);
    }
    return this.fallback.take(key);
  }
}
