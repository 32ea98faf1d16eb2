/**
 * A node's connection to Redis, made one way for the bus, the lease and the
 * shared rate limits. The options all say the same thing: Redis is a
 * carrier, not the truth, so a command either happens now or fails now.
 *
 * - Nothing is queued while the connection is down (`enableOfflineQueue:
 *   false`) and nothing is re-sent after it comes back (`maxRetriesPerRequest:
 *   0`, `autoResendUnfulfilledCommands: false`): a lease renewal or a
 *   "typing" sent late is wrong, and a caller that gets the error at once can
 *   fall back (the rate limits) or report a gap (the bus).
 * - A command waits at most `commandTimeout`, and a connection that has a
 *   command pending and hears nothing for `socketTimeout` is dropped and made
 *   again, so a Redis that vanished without closing the TCP connection is
 *   noticed (the bus pings its subscriber connection for this).
 * - It reconnects by itself, forever, at most a second apart: a node without
 *   Redis still serves its own sockets, and rejoins the others as soon as
 *   Redis is back. `disconnect()` stops it for good.
 * - The bus resubscribes by itself (`autoResubscribe: false`) because it must
 *   know when the subscriptions are back before it reports a gap.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface RedisClientOptions {
  /** Shown in Redis's CLIENT LIST and in the logs, e.g. `node_ab12-commands`. */
  name: string;
  log: Logger;
  /** How long a command may take; 1 s by default. */
  commandTimeoutMs?: number;
}

/** 50, 100, 200, 400, 800, then 1000 ms, each plus up to 100 ms so nodes do not reconnect in step. */
export const reconnectDelay = (attempt: number) => Math.min(50 * 2 ** (attempt - 1), 1000) + Math.floor(Math.random() * 100);

export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const commandTimeout = options.commandTimeoutMs ?? 1000;
  const client = new Redis(url, {
    connectionName: options.name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    commandTimeout,
    socketTimeout: 2 * commandTimeout,
    retryStrategy: reconnectDelay,
  });
  watchConnection(client, options.name, options.log);
  return client;
}

/** Another connection with the same options (the bus's subscriber), logged the same way. */
export function duplicateRedisClient(client: Redis, options: Pick<RedisClientOptions, 'name' | 'log'>): Redis {
  const copy = client.duplicate({ connectionName: options.name });
  watchConnection(copy, options.name, options.log);
  return copy;
}

/** Logs when the connection is lost and when it is back, once each; the failed attempts in between only at debug. */
function watchConnection(client: Redis, name: string, log: Logger) {
  let lostAt: number | undefined;
  let lastError: unknown;
  client.on('error', (err) => {
    lastError = err;
    log.debug(`redis ${name}: ${err instanceof Error ? err.message : String(err)}`);
  });
  // After a close, 'reconnecting' (not after a deliberate disconnect(), which ends it).
  client.on('reconnecting', () => {
    if (lostAt !== undefined) return;
    lostAt = Date.now();
    log.warn(`redis ${name}: connection lost; reconnecting`, lastError);
  });
  client.on('ready', () => {
    if (lostAt === undefined) return;
    log.info(`redis ${name}: connection back after ${Date.now() - lostAt} ms`);
    lostAt = undefined;
    lastError = undefined;
  });
}
