/**
 * The server's rate limits and connection counts, built once from the
 * configuration (`limits.rate`) and shared by HTTP routes and sockets.
 */
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { ConnectionLimiter, RateLimiter, type Taken } from './rate-limiter.js';
import type { RateLimit } from '../cluster/shared-rate-limiter.js';

export interface Limits {
  /** HTTP API requests, by IP. */
  requests: RateLimit;
  /** New conversations, by IP. */
  conversations: RateLimit;
  /** Chat messages, by conversation. */
  messages: RateLimit;
  /** Sign-in attempts, by username. */
  signIns: RateLimit;
  /** Sign-in attempts, by IP. */
  signInsByIp: RateLimit;
  /** Open WebSockets, by IP. */
  connections: ConnectionLimiter;
}

/** A quarter of a minute's allowance at once, and never fewer than 5. */
const burstOf = (perMinute: number) => Math.max(5, Math.ceil(perMinute / 4));

/**
 * `shared`, in a cluster: makes the limit of that name shared by every node
 * (SharedRateLimiter), so N nodes do not grant N times the budget.
 */
export function createLimits(config: Config, clock: Clock, shared?: (name: string, perMinute: number, burst: number) => RateLimit): Limits {
  const rate = config.limits.rate;
  const limiter = (perMinute: number, name: string): RateLimit => shared?.(name, perMinute, burstOf(perMinute)) ?? new RateLimiter(perMinute, burstOf(perMinute), clock);
  return {
    requests: limiter(rate.requestsPerMinute, 'requests'),
    conversations: limiter(rate.conversationsPerMinute, 'conversations'),
    messages: limiter(rate.messagesPerMinute, 'messages'),
    signIns: limiter(rate.signInsPerMinute, 'sign-ins'),
    signInsByIp: limiter(rate.signInsPerMinutePerIp, 'sign-ins-by-ip'),
    connections: new ConnectionLimiter(rate.connectionsPerIp),
  };
}

/** Throws the one 429 error when a bucket is empty; `what` names what there is too much of. */
export function enforce(taken: Taken, what: string): void {
  if (taken.ok) return;
  throw AppError.rateLimited(`Too many ${what}. Try again in ${taken.retryAfterSeconds} seconds.`, taken.retryAfterSeconds);
}
