/**
 * The server's rate limits and connection counts, built once from the
 * configuration (`limits.rate`) and shared by HTTP routes and sockets.
 */
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { ConnectionLimiter, RateLimiter, type Taken } from './rate-limiter.js';

export interface Limits {
  /** HTTP API requests, by IP. */
  requests: RateLimiter;
  /** New conversations, by IP. */
  conversations: RateLimiter;
  /** Chat messages, by conversation. */
  messages: RateLimiter;
  /** Sign-in attempts, by username. */
  signIns: RateLimiter;
  /** Sign-in attempts, by IP. */
  signInsByIp: RateLimiter;
  /** Open WebSockets, by IP. */
  connections: ConnectionLimiter;
}

/** A quarter of a minute's allowance at once, and never fewer than 5. */
const burstOf = (perMinute: number) => Math.max(5, Math.ceil(perMinute / 4));

export function createLimits(config: Config, clock: Clock): Limits {
  const rate = config.limits.rate;
  const limiter = (perMinute: number) => new RateLimiter(perMinute, burstOf(perMinute), clock);
  return {
    requests: limiter(rate.requestsPerMinute),
    conversations: limiter(rate.conversationsPerMinute),
    messages: limiter(rate.messagesPerMinute),
    signIns: limiter(rate.signInsPerMinute),
    signInsByIp: limiter(rate.signInsPerMinutePerIp),
    connections: new ConnectionLimiter(rate.connectionsPerIp),
  };
}

/** Throws the one 429 error when a bucket is empty; `what` names what there is too much of. */
export function enforce(taken: Taken, what: string): void {
  if (taken.ok) return;
  throw AppError.rateLimited(`Too many ${what}. Try again in ${taken.retryAfterSeconds} seconds.`, taken.retryAfterSeconds);
}
