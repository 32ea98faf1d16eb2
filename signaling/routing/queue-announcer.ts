/**
 * Coalesces a queue's movements into at most one announcement per queue per
 * interval, so a visitor hears of their place at most about once a second
 * however fast the line moves: with V visitors waiting, announcing costs
 * O(V) per interval, not O(V) per movement (2,000 visitors and a line
 * moving ten times a second used to be 20,000 frames a second).
 *
 * The first change after a quiet interval is announced at once (a short
 * line feels live); changes within the interval after it are gathered,
 * from the first position that moved, and announced when it ends. One
 * timer per queue with changes pending, none otherwise.
 */
import type { Clock } from '../clock.js';

export class QueueAnnouncer {
  /** Queues inside their interval: the first position moved since it began (undefined: nothing yet). */
  private readonly pending = new Map<string, { from: number | undefined; timer: { cancel(): void } }>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    /** Tells the queue's visitors from position `from` on (1 = next) their place, where it changed. */
    private readonly announce: (queue: string, from: number) => void,
  ) {}

  /** Positions of this queue from `from` on may have moved (or its estimates changed). */
  changed(queue: string, from: number) {
    const window = this.pending.get(queue);
    if (window) {
      window.from = Math.min(window.from ?? from, from);
      return;
    }
    this.announce(queue, from);
    this.open(queue);
  }

  stop() {
    for (const { timer } of this.pending.values()) timer.cancel();
    this.pending.clear();
  }

  private open(queue: string) {
    const timer = this.clock.setTimeout(() => {
      const from = this.pending.get(queue)?.from;
      this.pending.delete(queue);
      if (from === undefined) return;
      this.announce(queue, from);
      this.open(queue);
    }, this.intervalMs);
    this.pending.set(queue, { from: undefined, timer });
  }
}
