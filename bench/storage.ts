/**
 * What storing a chat message costs on PostgreSQL against SQLite: the same
 * real server (dist/server/main.js, demo mode), the same chat load
 * (bench/support/chat-load.ts, its own process) at the same fixed rates,
 * once with SQLite in its data dir and once on a real PostgreSQL
 * (test/support/postgres.ts: Debian's, in a temporary directory, fsync off
 * as in the tests — so the figures are CPU, not disk).
 *
 * Reported per rate: delivery p50/p99 and CPU per message delivered, of the
 * server process and, on PostgreSQL, of PostgreSQL's processes too (with
 * SQLite the database's work is inside the server's process; with
 * PostgreSQL it is split across processes, so both are counted).
 *
 * Bound: about 1.5 minutes (two servers × 3 rates × 5 s, plus set-up).
 * --quick: one rate, 1.5 s. Skipped, and said so, when PostgreSQL cannot run
 * here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startBenchServer, UNLIMITED_RATES, type BenchServer } from './support/bench-server.js';
import { startWorker, type Worker } from './support/load-worker.js';
import { cpuMeter, cpuSeconds } from './support/proc-stats.js';
import { quick, round, writeResult, type Row } from './support/result.js';
import type { StepResult } from './support/chat-load.js';
import { createTestDatabase, postgresMissing, startPostgres, type PostgresServer } from '../test/support/postgres.js';

const CONVERSATIONS = quick ? 10 : 50;
const AGENTS = ['alice'];
const RATES = quick ? [200] : [250, 1000, 2000];
const STEP_SECONDS = quick ? 1.5 : 5;
const DRAIN_MS = quick ? 1000 : 2000;

type Store = 'sqlite' | 'postgres';
interface Measured extends StepResult {
  store: Store;
  serverMicrosPerMessage: number;
  /** PostgreSQL's own processes (postmaster, backends, writers); 0 for SQLite. */
  databaseMicrosPerMessage: number;
}

/** PostgreSQL's processes: the postmaster listening on `port` and its children (one backend per connection). */
function postgresPids(port: number): number[] {
  const postmaster = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .find((pid) => {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return args[0]!.endsWith('/postgres') && args.includes('-p') && args[args.indexOf('-p') + 1] === String(port);
      } catch {
        return false;
      }
    });
  if (!postmaster) return [];
  const children = readdirSync(`/proc/${postmaster}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${postmaster}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return [postmaster, ...children];
}

/** CPU seconds of a set of processes, read again at the end (backends come and go: those gone by then are lost, noted). */
function groupCpu(pids: () => number[]): () => number {
  const before = new Map(pids().map((pid) => [pid, safeCpu(pid)]));
  return () => pids().reduce((sum, pid) => sum + safeCpu(pid) - (before.get(pid) ?? 0), 0);
}

function safeCpu(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return 0;
  }
}

async function measure(store: Store, server: BenchServer, databasePids: () => number[]): Promise<Measured[]> {
  const load: Worker = startWorker('chat-load.ts', `chat load (${store})`);
  const out: Measured[] = [];
  try {
    await load.call('setupWarmline', { url: server.url, wsUrl: server.wsUrl, conversations: CONVERSATIONS, agents: AGENTS });
    for (const [i, rate] of RATES.entries()) {
      const serverCpu = cpuMeter(server.pid);
      const databaseCpu = groupCpu(databasePids);
      const t0 = performance.now();
      const result = await load.call<StepResult>('step', { target: 'warmline', rate, seconds: STEP_SECONDS, drainMs: DRAIN_MS, tag: `${store}${i}` });
      const wall = (performance.now() - t0) / 1000;
      const perMessage = (cores: number) => (result.received ? round(((cores * wall) / result.received) * 1e6, 0) : NaN);
      const m: Measured = { ...result, store, serverMicrosPerMessage: perMessage(serverCpu()), databaseMicrosPerMessage: perMessage(databaseCpu() / wall) };
      out.push(m);
      console.log(
        `[storage] ${store.padEnd(8)} ${String(rate).padStart(5)} msg/s: p50/p99 ${m.p50} / ${m.p99} ms, delivered ${m.deliveredRate} msg/s, ` +
          `server ${m.serverMicrosPerMessage} µs/msg, database ${m.databaseMicrosPerMessage} µs/msg`,
      );
    }
  } finally {
    await load.call('closeAll').catch(() => {});
    await load.stop();
  }
  return out;
}

async function main() {
  const started = Date.now();
  const config = { limits: { rate: UNLIMITED_RATES }, routing: { capacity: { chats: CONVERSATIONS }, offerTimeoutSeconds: 600 } };
  const missing = postgresMissing();
  const steps: Measured[] = [];
  let postgres: PostgresServer | undefined;
  try {
    const sqlite = await startBenchServer('storage-sqlite', config);
    try {
      steps.push(...(await measure('sqlite', sqlite, () => [])));
    } finally {
      await sqlite.close();
    }
    if (!missing) {
      postgres = await startPostgres();
      const database = await createTestDatabase(postgres.url);
      const port = Number(new URL(postgres.url).port);
      const server = await startBenchServer('storage-postgres', { ...config, database: { url: database.url } });
      try {
        steps.push(...(await measure('postgres', server, () => postgresPids(port))));
      } finally {
        await server.close();
        await database.drop().catch(() => {});
      }
    }
  } finally {
    await postgres?.stop();
  }

  const rows: Row[] = [];
  for (const rate of RATES) {
    const s = steps.find((m) => m.store === 'sqlite' && m.rate === rate);
    const p = steps.find((m) => m.store === 'postgres' && m.rate === rate);
    if (!s) continue;
    const total = (m: Measured) => m.serverMicrosPerMessage + m.databaseMicrosPerMessage;
    rows.push({
      label: `${rate.toLocaleString('en-US')} msg/s: CPU per message, PostgreSQL (server + database)`,
      value: p ? `${total(p)} (${p.serverMicrosPerMessage} + ${p.databaseMicrosPerMessage})` : 'not measured',
      unit: 'µs',
      reference: { label: 'SQLite (in the server process)', value: s.serverMicrosPerMessage, unit: 'µs' },
      note: p ? `${round(total(p) / s.serverMicrosPerMessage)}× SQLite; delivered ${p.deliveredRate} / ${s.deliveredRate} msg/s` : '',
    });
    rows.push({
      label: `${rate.toLocaleString('en-US')} msg/s: delivery p50 / p99, PostgreSQL`,
      value: p ? `${p.p50} / ${p.p99}` : 'not measured',
      unit: 'ms',
      reference: { label: 'SQLite', value: `${s.p50} / ${s.p99}`, unit: 'ms' },
    });
  }
  writeResult({
    name: 'storage',
    title: 'Storing chat messages: PostgreSQL against SQLite (same server, same load)',
    rows,
    ...(missing ? { skipped: [`PostgreSQL: ${missing}`] } : {}),
    raw: { settings: { conversations: CONVERSATIONS, rates: RATES, stepSeconds: STEP_SECONDS, drainMs: DRAIN_MS }, steps, seconds: Math.round((Date.now() - started) / 1000) },
  });
  console.log(`[storage] done in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
