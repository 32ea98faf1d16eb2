/**
 * A socket's frames in the order they were asked for, though some take a
 * moment to build (an interaction's view reads the store): a frame asked for
 * later waits for one still being built. A frame may be given as a function,
 * run when its turn comes, to build it from what the connection knows then
 * (a visitor's last status); it may return nothing to send nothing.
 */
export type Outgoing<F> = F | (() => F | undefined | Promise<F | undefined>);

export class OrderedSender<F extends object> {
  private waiting = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly deliver: (frame: F) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  send(outgoing: Outgoing<F>) {
    if (this.waiting === 0) {
      // Nothing ahead of it: sent now, as a plain socket would.
      const frame = typeof outgoing === 'function' ? outgoing() : outgoing;
      if (!(frame instanceof Promise)) {
        if (frame) this.deliver(frame);
        return;
      }
      this.queue(() => frame);
      return;
    }
    this.queue(typeof outgoing === 'function' ? outgoing : () => outgoing);
  }

  /**
   * Holds back every frame asked for from now until `release()`: what
   * handling a client's frame causes reaches that client after it is
   * handled, as when handling took no time.
   */
  hold(): () => void {
    let release!: () => void;
    const released = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
    this.queue(() => released);
    return release;
  }

  private queue(build: () => F | undefined | Promise<F | undefined>) {
    this.waiting++;
    this.tail = this.tail
      .then(build)
      .then((frame) => {
        if (frame) this.deliver(frame);
      }, this.onError)
      .finally(() => this.waiting--);
  }
}

/**
 * A frame being built now, to be sent to several sockets when each one's
 * turn comes. Its failure is each socket's to report when it gets there; it
 * is marked handled at once, since that may be after Node would have called
 * it unhandled.
 */
export function shared<F>(building: Promise<F>): () => Promise<F> {
  building.catch(() => {});
  return () => building;
}
