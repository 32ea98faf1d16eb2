/**
 * What every benchmark writes: bench/results/<name>.json, one table of rows
 * the runner (bench/run.ts) folds into bench/results/summary.md and prints.
 * Benchmarks report; they never assert (npm test checks only the size
 * budgets).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Row {
  /** What was measured, e.g. "click → agent's softphone ringing, embedded proxy". */
  label: string;
  /** The figure, already rounded for reading. */
  value: number | string;
  /** ms, msg/s, KB, MB, conn/s, dialogs/s… */
  unit: string;
  /** The reference measured in the same run (bare ws, Kamailio, bare sip.js…), if any. */
  reference?: { label: string; value: number | string; unit: string };
  /** A ratio or remark ("62% of bare ws"). */
  note?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  date: string;
  machine: { cpus: number; model: string; memoryGiB: number; node: string; kernel: string };
  rows: Row[];
  /** Whatever else is worth keeping: samples, per-step figures, settings. */
  raw?: unknown;
  /** Said when part of it could not run here (a peer missing), and why. */
  skipped?: string[];
}


export function machine(): BenchResult['machine'] {
  return { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release() };
}

export function writeResult(result: Omit<BenchResult, 'date' | 'machine'>): BenchResult {
  const full: BenchResult = { ...result, date: new Date().toISOString(), machine: machine() };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${result.name}.json`), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** The p-th percentile (0–100) of the numbers, by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** `--quick` makes every benchmark small enough to check that it runs (a minute or so in all). */
export const quick = process.argv.includes('--quick') || process.env.WARMLINE_BENCH_QUICK === '1';

/**
 * bench/results, which the README quotes; a --quick run writes to
 * bench/results/tmp/quick instead (gitignored), so its tiny counts never
 * replace the real figures.
 */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', ...(quick ? ['tmp', 'quick'] : []));
