/**
 * A lease in Redis (what a lease is: lease.ts).
 *
 * The key `<prefix>{lease:<name>}` holds `<nodeId> <token>` and expires after
 * the ttl unless its holder renews it, every ttl/3. A node that dies stops
 * renewing, the key expires, and a waiting node, trying every `retryEveryMs`,
 * takes it: within ttl + retryEveryMs of the last renewal, 4 s by default
 * against the 5 s the cluster promises for the queue to move to another node.
 * A shorter ttl would hand the role over on any pause of the event loop
 * longer than it (a busy node's GC, a burst of sockets), and each handover
 * costs a rebuild of the queue from the store.
 *
 * Acquiring is one script (atomic): if the key is absent, or names this node
 * (its previous answer was lost on the way, or it restarted with the same
 * id), it takes the next fencing token and sets the key with the ttl, as
 * `SET key value NX PX ttl` would, but with the token inside the value so
 * only this hold can renew or release it (compare-and-extend,
 * compare-and-delete).
 *
 * Fencing tokens come from INCR on `<prefix>{lease:<name>}:token`, raised to
 * at least Redis's clock in milliseconds. Redis here may run without
 * persistence (it is not the truth) and come back empty; a counter alone
 * would then start again at 1, below the tokens already handed out, and the
 * store would take a stale holder's writes over the new holder's. The clock
 * keeps them rising as long as Redis's clock does.
 *
 * The holder holds only while its time lasts: from when it sent its last
 * successful renewal, ttl less a small allowance for clocks running at
 * different rates. Redis cannot let another node in before that (the key
 * expires ttl after the renewal reached Redis, which is later), so two
 * holders never overlap by this node's account; a holder that cannot reach
 * Redis gives up at that moment ('lost', 'expired') without needing to.
 * (The `{…}` in the keys is a Redis Cluster hash tag: both keys of the
 * script live on one shard.)
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log.js';
import { checkNodeId } from './bus.js';
import { assertLeaseTransition, assertStartable, type Lease, type LeaseEventMap, type LeaseState, type LostReason } from './lease.js';
import { RedisScript } from './redis-script.js';

/** How long a hold lasts without renewal. */
export const LEASE_TTL_MS = 3000;
/** How often a waiting node tries to take it. */
export const LEASE_RETRY_MS = 1000;

export interface RedisLeaseOptions {
  /** The node's command connection (createRedisClient: it fails at once while Redis is away, rather than queueing). */
  client: Redis;
  /** The role, e.g. `routing`. */
  name: string;
  nodeId: string;
  ttlMs?: number;
  /** ttl / 3 by default: two renewals may fail before the hold runs out. */
  renewEveryMs?: number;
  retryEveryMs?: number;
  prefix?: string;
  clock?: Clock;
  log?: Logger;
}

/** KEYS: lease, token counter. ARGV: node id, ttl. Returns the new token, or nil when another node holds it. */
const ACQUIRE = new RedisScript(`
local holder = redis.call('GET', KEYS[1])
if holder and string.sub(holder, 1, #ARGV[1] + 1) ~= ARGV[1] .. ' ' then
  return false
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local token = redis.call('INCR', KEYS[2])
if token < now then
  token = now
  redis.call('SET', KEYS[2], string.format('%d', token))
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. string.format('%d', token), 'PX', ARGV[2])
return token
`);

/** KEYS: lease. ARGV: the holder's value, ttl. 1 when extended, 0 when the key is not this hold's any more. */
const RENEW = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

/** KEYS: lease. ARGV: the holder's value. 1 when deleted, 0 when it was not this hold's. */
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

interface Hold {
  token: number;
  /** What the key holds while this node does: `<nodeId> <token>`. */
  value: string;
  /** Until when this node may act as the holder, by its own clock. */
  validUntil: number;
}

export class RedisLease extends EventEmitter<LeaseEventMap> implements Lease {
  readonly name: string;
  private readonly client: Redis;
  private readonly nodeId: string;
  private readonly key: string;
  private readonly tokenKey: string;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly retryEveryMs: number;
  /** How long a hold may be used after its renewal was sent: the ttl less 1% + 2 ms for clock rates. */
  private readonly validityMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private current: LeaseState = 'idle';
  private hold: Hold | undefined;
  /** Changes with every state change, so an answer that arrives after one is ignored. */
  private epoch = 0;
  private next: { cancel(): void } | undefined;
  private deadline: { cancel(): void } | undefined;

  constructor(options: RedisLeaseOptions) {
    super();
    checkNodeId(options.nodeId);
    checkNodeId(options.name);
    this.name = options.name;
    this.client = options.client;
    this.nodeId = options.nodeId;
    const prefix = options.prefix ?? 'warmline:';
    this.key = `${prefix}{lease:${options.name}}`;
    this.tokenKey = `${this.key}:token`;
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.retryEveryMs = options.retryEveryMs ?? LEASE_RETRY_MS;
    this.validityMs = this.ttlMs - Math.ceil(this.ttlMs * 0.01) - 2;
    if (this.renewEveryMs >= this.validityMs) throw new RangeError(`A lease renewed every ${this.renewEveryMs} ms would run out first: its ttl is ${this.ttlMs} ms.`);
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
  }

  get state(): LeaseState {
    return this.current;
  }

  get held(): boolean {
    return this.current === 'held' && this.hold !== undefined && this.clock.now() < this.hold.validUntil;
  }

  get token(): number | undefined {
    return this.held ? this.hold?.token : undefined;
  }

  start(): void {
    assertStartable(this.current);
    this.transition('waiting');
    this.schedule(0, () => this.tryAcquire());
  }

  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    const hold = this.hold;
    this.transition('stopped');
    if (!hold) return;
    try {
      // So that another node takes over in one retry interval rather than at the end of the ttl.
      await RELEASE.run(this.client, [this.key], [hold.value]);
      this.log.info(`lease ${this.name}: released by ${this.nodeId}`);
    } catch (err) {
      this.log.warn(`lease ${this.name}: could not release; it ends by itself within ${this.ttlMs} ms`, err);
    }
  }

  /** Who holds the lease now, by Redis's account (a node that wants the holder to do something for it asks this). */
  async holder(): Promise<{ nodeId: string; token: number } | undefined> {
    const value = await this.client.get(this.key);
    const [nodeId, token] = value?.split(' ') ?? [];
    return nodeId && token ? { nodeId, token: Number(token) } : undefined;
  }

  private async tryAcquire() {
    const epoch = this.epoch;
    const sentAt = this.clock.now();
    let token: number | null;
    try {
      token = (await ACQUIRE.run(this.client, [this.key, this.tokenKey], [this.nodeId, this.ttlMs])) as number | null;
    } catch (err) {
      // Redis is away (the connection logs that); try again.
      this.log.debug(`lease ${this.name}: could not try to acquire: ${err instanceof Error ? err.message : String(err)}`);
      if (epoch === this.epoch) this.schedule(this.retryEveryMs, () => this.tryAcquire());
      return;
    }
    if (epoch !== this.epoch) {
      // Stopped while asking: give back what was just taken.
      if (token !== null) await RELEASE.run(this.client, [this.key], [`${this.nodeId} ${token}`]).catch(() => undefined);
      return;
    }
    if (token === null) {
      this.schedule(this.retryEveryMs, () => this.tryAcquire());
      return;
    }
    this.hold = { token, value: `${this.nodeId} ${token}`, validUntil: sentAt + this.validityMs };
    this.transition('held');
    this.armDeadline();
    this.schedule(this.renewEveryMs, () => this.renew());
    this.log.info(`lease ${this.name}: acquired by ${this.nodeId} with token ${token}`);
    this.emit('acquired', token);
  }

  private async renew() {
    const epoch = this.epoch;
    const hold = this.hold!;
    const sentAt = this.clock.now();
    let renewed: unknown;
    try {
      renewed = await RENEW.run(this.client, [this.key], [hold.value, this.ttlMs]);
    } catch (err) {
      if (epoch !== this.epoch) return;
      // Try again soon; if none succeeds in time, the deadline ends the hold.
      this.log.debug(`lease ${this.name}: renewal failed: ${err instanceof Error ? err.message : String(err)}`);
      this.schedule(Math.ceil(this.renewEveryMs / 4), () => this.renew());
      return;
    }
    if (epoch !== this.epoch) return;
    if (renewed !== 1) {
      this.lose('refused');
      return;
    }
    hold.validUntil = sentAt + this.validityMs;
    this.armDeadline();
    this.schedule(this.renewEveryMs, () => this.renew());
  }

  private lose(reason: LostReason) {
    this.transition('waiting');
    this.log.warn(`lease ${this.name}: lost by ${this.nodeId} (${reason})`);
    this.emit('lost', reason);
    if (this.current === 'waiting') this.schedule(this.retryEveryMs, () => this.tryAcquire());
  }

  /** Ends the hold when its time runs out without a renewal, whether or not Redis can be reached to say so. */
  private armDeadline() {
    this.deadline?.cancel();
    const epoch = this.epoch;
    const { validUntil } = this.hold!;
    this.deadline = this.clock.setTimeout(() => {
      if (epoch === this.epoch) this.lose('expired');
    }, validUntil - this.clock.now());
  }

  private schedule(ms: number, fn: () => Promise<void>) {
    this.next?.cancel();
    this.next = this.clock.setTimeout(() => void fn(), ms);
  }

  private transition(to: LeaseState) {
    assertLeaseTransition(this.current, to);
    this.current = to;
    this.epoch++;
    this.next?.cancel();
    this.deadline?.cancel();
    this.next = this.deadline = undefined;
    if (to !== 'held') this.hold = undefined;
  }
}
