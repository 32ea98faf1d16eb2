/**
 * `npm run bench`: runs every benchmark in its own process, one after the
 * other (they would skew each other on 2 cores), each bounded in time; a
 * benchmark that overruns is killed with its whole process group, so
 * nothing it started outlives the run. Then folds bench/results/*.json into
 * bench/results/summary.md, the table the README quotes, and prints it.
 *
 *   npm run bench                  all of them
 *   npm run bench -- chat calls    only these
 *   npm run bench -- --quick       tiny counts: checks that each one runs
 *                                  (results in bench/results/tmp/quick/)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR, type BenchResult, type Row, machine } from './support/result.js';

const here = dirname(fileURLToPath(import.meta.url));

/** In the order the README lists them; the bounds add up to under 17 minutes. */
const BENCHMARKS: Array<{ name: string; minutes: number }> = [
  { name: 'payload', minutes: 1.5 },
  { name: 'calls', minutes: 4 },
  { name: 'chat', minutes: 2.5 },
  { name: 'capacity', minutes: 2.5 },
  { name: 'sip-load', minutes: 2 },
  { name: 'routing', minutes: 1.5 },
  { name: 'storage', minutes: 2 },
];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const chosen = args.filter((a) => !a.startsWith('--'));
const unknown = chosen.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
  process.exit(2);
}
const plan = chosen.length ? BENCHMARKS.filter((b) => chosen.includes(b.name)) : BENCHMARKS;

interface Outcome { name: string; status: 'ok' | 'failed' | 'timed out'; seconds: number; detail?: string }

function runOne(name: string, minutes: number): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    // detached: the benchmark leads its own process group, so a kill on
    // timeout also takes the Chromium, Kamailio or sipp it started.
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`), ...(quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
      env: { ...process.env, WARMLINE_BENCH_QUICK: quick ? '1' : '' },
    });
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => { try { process.kill(-child.pid!, signal); } catch { /* already gone */ } };
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n[bench] ${name} ran past its ${minutes} min bound; stopping it.`);
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 5000).unref();
    }, minutes * 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Whatever it left behind in its group (a browser it did not close) goes too.
      killGroup('SIGKILL');
      const seconds = Math.round((Date.now() - started) / 1000);
      if (timedOut) resolve({ name, status: 'timed out', seconds });
      else if (code === 0) resolve({ name, status: 'ok', seconds });
      else resolve({ name, status: 'failed', seconds, detail: signal ? `signal ${signal}` : `exit ${code}` });
    });
  });
}

const cell = (value: unknown) => String(value ?? '').replace(/\|/g, '\\|');
const figure = (value: number | string, unit: string) => `${typeof value === 'number' ? value.toLocaleString('en-US') : value} ${unit}`.trim();

function table(result: BenchResult): string {
  const lines = ['| Measure | Warmline | Reference | |', '|---|---:|---|---|'];
  for (const row of result.rows as Row[]) {
    const reference = row.reference ? `${row.reference.label}: ${figure(row.reference.value, row.reference.unit)}` : '';
    lines.push(`| ${cell(row.label)} | ${cell(figure(row.value, row.unit))} | ${cell(reference)} | ${cell(row.note)} |`);
  }
  for (const reason of result.skipped ?? []) lines.push(`| *not measured* | | | ${cell(reason)} |`);
  return lines.join('\n');
}

function summary(results: BenchResult[], outcomes: Outcome[]): string {
  const m = machine();
  const parts = [
    '# Benchmark results',
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (--quick: counts too small to quote)' : ''} on ${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}.`,
    'Made by `npm run bench`; each section comes from `bench/results/<name>.json`, which also keeps the raw samples.',
    '',
  ];
  for (const { name } of BENCHMARKS) {
    const result = results.find((r) => r.name === name);
    const outcome = outcomes.find((o) => o.name === name);
    if (!result) {
      if (outcome) parts.push(`## ${name}`, '', `Did not finish: ${outcome.status}${outcome.detail ? ` (${outcome.detail})` : ''}.`, '');
      continue;
    }
    const stale = !outcome ? ` (from an earlier run, ${result.date.slice(0, 10)})` : outcome.status !== 'ok' ? ` (this run ${outcome.status}; figures from ${result.date.slice(0, 16)})` : '';
    parts.push(`## ${result.title}${stale}`, '', table(result), '');
  }
  return parts.join('\n');
}

const runStarted = Date.now();
const outcomes: Outcome[] = [];
let stopping = false;
process.on('SIGINT', () => { stopping = true; });
for (const { name, minutes } of plan) {
  if (stopping) break;
  console.log(`\n[bench] ${name} (bounded at ${minutes} min)`);
  const outcome = await runOne(name, minutes);
  outcomes.push(outcome);
  console.log(`[bench] ${name}: ${outcome.status} in ${outcome.seconds} s`);
}

// Results of benchmarks that did not run this time are kept (marked as
// earlier), so `npm run bench -- chat` refreshes one section, not the file.
const results: BenchResult[] = [];
for (const { name } of BENCHMARKS) {
  const file = join(RESULTS_DIR, `${name}.json`);
  if (!existsSync(file)) continue;
  const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  const ranNow = Date.parse(result.date) >= runStarted;
  const outcome = outcomes.find((o) => o.name === name);
  // A result file older than this run for a benchmark that ran is stale.
  if (outcome && !ranNow && outcome.status === 'ok') continue;
  results.push(result);
}
const text = summary(results, outcomes);
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'summary.md'), text);
console.log(`\n${text}`);
console.log(`[bench] ${Math.round((Date.now() - runStarted) / 1000)} s in all; written to ${relative(process.cwd(), join(RESULTS_DIR, 'summary.md'))}`);
process.exit(outcomes.every((o) => o.status === 'ok') ? 0 : 1);
