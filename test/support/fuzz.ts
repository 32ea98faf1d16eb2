/**
 * Pieces shared by the fuzz tests: the seed every property runs with (so a
 * failure reproduces), and JSON text that may nest deeper than
 * `JSON.stringify` can walk.
 *
 * fast-check prints `{ seed, path }` and the counterexample when a property
 * fails. The seed is fixed, so a plain rerun replays the same inputs; set
 * `WARMLINE_FUZZ_SEED=<n>` to explore other ones.
 */
import fc from 'fast-check';

export const FUZZ_SEED = Number(process.env.WARMLINE_FUZZ_SEED ?? 0x5eed_2024);

/**
 * fast-check options for one property: the fixed seed, bounded runs, and the
 * assertion's own message in the report (node:test does not print causes).
 * A failure is shrunk to a small counterexample unless WARMLINE_FUZZ_SHRINK=0.
 */
export function fuzzOptions<T>(numRuns: number): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns, includeErrorInReport: true, endOnFailure: process.env.WARMLINE_FUZZ_SHRINK === '0' };
}

/** CPU milliseconds (user and system) this process spent since `since`: what a loaded CI machine does not inflate. */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return Math.round((user + system) / 1000);
}

/**
 * A value nested `depth` times (`[[[…]]]` or `{"a":{"a":…}}`), kept as a
 * marker until serialized: the test's own JSON.stringify would overflow the
 * stack on it, which is exactly what the server must survive.
 */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: 'array' | 'object',
  ) {}

  toText(): string {
    return this.kind === 'array' ? `${'['.repeat(this.depth)}1${']'.repeat(this.depth)}` : `${'{"a":'.repeat(this.depth)}1${'}'.repeat(this.depth)}`;
  }

  toString() {
    return `Deep(${this.depth}, ${this.kind})`;
  }
}

/** JSON text of a value that may hold `Deep` markers. */
export function toJsonText(value: unknown): string {
  const deep: Deep[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Deep ? `\u0000deep${deep.push(v) - 1}\u0000` : v));
  if (text === undefined) return String(value);
  return text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_m, i: string) => deep[Number(i)]!.toText());
}
