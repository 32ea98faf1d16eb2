/**
 * Time as a dependency: the server reads the clock and sets timers only
 * through this, so tests can drive time (and the routing engine can be tested
 * without waiting on real time).
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};
