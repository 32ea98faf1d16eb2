/**
 * When to try again after a connection is lost (after LiveKit's
 * DefaultReconnectPolicy): quick first retries, then spaced out with jitter so
 * that thousands of visitors do not all come back in the same second after a
 * server restart, and a limit, after which the widget says it is offline and
 * offers a button (it never retries forever).
 */
export interface ReconnectContext {
  /** Retries made since the connection was lost (0 for the first). */
  retryCount: number;
  /** Milliseconds since the connection was lost. */
  elapsedMs: number;
}

export interface ReconnectPolicy {
  /** The delay before the next attempt, or null to stop trying. */
  nextRetryDelayInMs(context: ReconnectContext): number | null;
}

const DELAYS = [0, 300, 1200, 2700, 4800, 7000];

export class DefaultReconnectPolicy implements ReconnectPolicy {
  constructor(
    private readonly maxDelayMs = 10_000,
    private readonly giveUpAfterMs = 2 * 60_000,
    private readonly random: () => number = Math.random,
  ) {}

  nextRetryDelayInMs({ retryCount, elapsedMs }: ReconnectContext): number | null {
    if (elapsedMs >= this.giveUpAfterMs) return null;
    const base = DELAYS[retryCount] ?? this.maxDelayMs;
    // Up to 30% jitter on every retry but the immediate first one.
    return retryCount === 0 ? 0 : Math.round(base * (1 + this.random() * 0.3));
  }
}
