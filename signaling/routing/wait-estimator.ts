/**
 * The estimated wait of a queue, from how long its recent interactions took
 * to handle: position ÷ agents serving the queue × average handling time
 * of the last few. Before there is any history, a configured default.
 */
export class WaitEstimator {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly defaultHandleMs: number,
    private readonly window = 20,
  ) {}

  record(queue: string, handleMs: number) {
    const list = this.recent.get(queue) ?? [];
    list.push(handleMs);
    if (list.length > this.window) list.shift();
    this.recent.set(queue, list);
  }

  averageHandleMs(queue: string): number {
    const list = this.recent.get(queue);
    return list?.length ? list.reduce((a, b) => a + b, 0) / list.length : this.defaultHandleMs;
  }

  /** Milliseconds until the item at `position` (1 = next) is likely taken, with `agents` serving the queue. */
  estimate(queue: string, position: number, agents: number): number {
    return Math.round(Math.ceil(position / Math.max(1, agents)) * this.averageHandleMs(queue));
  }
}
