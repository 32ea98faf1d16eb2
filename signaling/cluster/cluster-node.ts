/**
 * This process as one node of several (config `cluster.redisUrl`): its
 * connection to Redis, the bus to the other nodes, the routing lease and
 * the shared rate limits. services.ts wires them to the rest; on one node
 * none of this exists and everything stays in the process.
 */
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { newId } from '../ids.js';
import type { Bus } from './bus.js';
import type { ClusterChannels } from './cluster-channels.js';
import { createRedisClient } from './redis-client.js';
import { RedisBus } from './redis-bus.js';
import { RedisLease } from './redis-lease.js';
import { SharedRateLimiter, type RateLimit } from './shared-rate-limiter.js';

export interface ClusterNode {
  readonly nodeId: string;
  readonly bus: Bus<ClusterChannels>;
  readonly lease: RedisLease;
  /** A rate limit shared by every node under this name. */
  limit(name: string, perMinute: number, burst: number): RateLimit;
  /** Closes the bus and the connection (the lease is stopped by whoever started it). */
  close(): Promise<void>;
}

export function joinCluster(redisUrl: string, clock: Clock, log: Logger): ClusterNode {
  // One id per process: a node that restarts is a new node, and the others forget the old one's roster.
  const nodeId = newId('node');
  const client: Redis = createRedisClient(redisUrl, { name: `${nodeId}-commands`, log });
  const bus = new RedisBus<ClusterChannels>({ nodeId, client, clock, log });
  const lease = new RedisLease({ client, name: 'routing', nodeId, clock, log });
  log.info(`cluster: node ${nodeId} joining through Redis`);
  return {
    nodeId,
    bus,
    lease,
    limit: (name, perMinute, burst) => new SharedRateLimiter({ client, name, perMinute, burst, clock, log }),
    async close() {
      await bus.close();
      client.disconnect();
    },
  };
}
