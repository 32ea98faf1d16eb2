/**
 * Work run one piece after the other, in the order asked, by code that does
 * not wait for it: writes to the store nobody reads back at once (a call's
 * record, a dialog's CSeq; with a pool of PostgreSQL connections two writes
 * sent at once could land in either order), and the routing engine's
 * decisions, each of which reads and writes the store before the next. A
 * failure is reported and does not stop what comes after.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private onError: (err: unknown) => void = () => {};

  /** Where failures are told (the server's log). */
  reportTo(onError: (err: unknown) => void) {
    this.onError = onError;
  }

  push(work: () => unknown) {
    this.tail = this.tail.then(work).then(
      () => undefined,
      (err: unknown) => this.onError(err),
    );
  }

  /** Resolves once the queue is empty, including work pushed while waiting. Never call it from work in the queue: it would wait for itself. */
  async settled(): Promise<void> {
    for (let tail = this.tail; ; tail = this.tail) {
      await tail;
      if (tail === this.tail) return;
    }
  }
}
