/**
 * A lease: one holder at a time for a named role across the nodes, such as
 * the routing engine that decides for every queue. The holder acts for the
 * role only while `held` is true and stops at 'lost'; every write it makes
 * for the role carries its fencing token, so that a holder that lost the
 * lease without knowing it yet (a long pause, a partition) is refused by the
 * store, which keeps the highest token it has seen.
 *
 * ```
 *            start              acquired
 *   idle ──────────▶ waiting ──────────▶ held
 *                      ▲                  │
 *                      └────── lost ──────┘
 *   (any) ── stop ──▶ stopped
 * ```
 *
 * On one node the LocalLease below is always held; with Redis it is the
 * RedisLease (redis-lease.ts). The store should accept a write whose token
 * is at least the highest it has seen (equal: the same hold writing again).
 */
import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../clock.js';

export type LeaseState = 'idle' | 'waiting' | 'held' | 'stopped';

/**
 * Why a holder lost its lease: `refused` when Redis no longer names it the
 * holder (it expired and another node took it, or Redis restarted empty);
 * `expired` when it could not renew in time (Redis unreachable, or this
 * process paused) and must assume another node holds it now.
 */
export type LostReason = 'refused' | 'expired';

export interface LeaseEventMap {
  /** This node holds the lease from now, with this fencing token (higher than any earlier holder's). */
  acquired: [token: number];
  /** This node no longer holds it: stop acting for the role at once. */
  lost: [reason: LostReason];
}

export interface Lease extends EventEmitter<LeaseEventMap> {
  readonly name: string;
  readonly state: LeaseState;
  /** Whether this node holds the lease now (the RedisLease also checks that its time has not run out). */
  readonly held: boolean;
  /** The fencing token of the current hold, if held. */
  readonly token: number | undefined;
  /** Starts trying to hold it; 'acquired' follows, never inside this call. */
  start(): void;
  /** Stops for good, giving the lease up if held (no 'lost' follows: the caller knows). */
  stop(): Promise<void>;
}

const ALLOWED: Record<LeaseState, readonly LeaseState[]> = {
  idle: ['waiting', 'stopped'],
  waiting: ['held', 'stopped'],
  held: ['waiting', 'stopped'],
  stopped: [],
};

export class IllegalLeaseTransitionError extends Error {
  override readonly name = 'IllegalLeaseTransitionError';
  constructor(
    readonly from: LeaseState,
    readonly to: LeaseState,
  ) {
    super(`A lease cannot go from ${from} to ${to}.`);
  }
}

export function assertLeaseTransition(from: LeaseState, to: LeaseState): void {
  if (!ALLOWED[from].includes(to)) throw new IllegalLeaseTransitionError(from, to);
}

/** `start()` is the one way out of idle, and only out of idle (held → waiting is a loss, not a start). */
export function assertStartable(state: LeaseState): void {
  if (state !== 'idle') throw new IllegalLeaseTransitionError(state, 'waiting');
}

/**
 * The lease of a single node: nobody else can hold it, so it is held from
 * start to stop. Its token is the time it started, in milliseconds, as the
 * RedisLease's tokens are at least Redis's time: tokens keep rising across
 * restarts and when a deployment moves from one node to several or back, so
 * the store never refuses the current holder for a token from another mode.
 */
export class LocalLease extends EventEmitter<LeaseEventMap> implements Lease {
  private current: LeaseState = 'idle';
  private startedAt = 0;

  constructor(
    readonly name: string,
    private readonly clock: Clock = systemClock,
  ) {
    super();
  }

  get state(): LeaseState {
    return this.current;
  }

  get held(): boolean {
    return this.current === 'held';
  }

  get token(): number | undefined {
    return this.held ? this.startedAt : undefined;
  }

  start(): void {
    assertStartable(this.current);
    this.current = 'waiting';
    this.startedAt = this.clock.now();
    // On a microtask, as the RedisLease's comes later too: a listener added right after start() hears it.
    queueMicrotask(() => {
      if (this.current !== 'waiting') return;
      this.current = 'held';
      this.emit('acquired', this.startedAt);
    });
  }

  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    this.current = 'stopped';
  }
}
