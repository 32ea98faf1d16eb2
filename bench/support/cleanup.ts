/**
 * What a benchmark started is stopped, whatever happens: on its way out, on
 * SIGINT/SIGTERM (the runner's time bound sends SIGTERM), and at its own hard
 * deadline when it runs alone. Cleanups run once, last added first.
 */
export interface Cleanup {
  /** Adds steps to run on the way out (a browser to close, a server to stop). */
  push(...steps: Array<() => Promise<unknown>>): void;
  /** Runs the steps (once) and disarms the deadline. */
  run(): Promise<void>;
}

export function cleanupOnExit(name: string, deadlineMs: number): Cleanup {
  const steps: Array<() => Promise<unknown>> = [];
  let running: Promise<void> | undefined;
  const run = () => {
    clearTimeout(deadline);
    running ??= (async () => {
      for (const step of steps.splice(0).reverse()) await step().catch((err: Error) => console.error(`cleanup: ${err.message.split('\n')[0]}`));
    })();
    return running;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void run().finally(() => process.exit(130)));
  const deadline = setTimeout(() => {
    console.error(`${name}: over the ${deadlineMs / 1000} s bound; stopping`);
    void run().finally(() => process.exit(2));
  }, deadlineMs);
  deadline.unref();
  return { push: (...more) => void steps.push(...more), run };
}
