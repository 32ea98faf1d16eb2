/**
 * Idle visitor connections one server process holds: memory per connection,
 * how fast they are set up, and whether the server still serves with all of
 * them open; against a bare `ws` server (holding connections, answering a
 * hello) as the reference, in the same run.
 *
 * - The real server: dist/server/main.js in its own process (demo mode,
 *   rate and connection limits raised: bench-server.ts).
 * - The reference: bench/support/bare-ws-server.ts, its own process too.
 * - The load: GENERATORS worker processes (bench/support/capacity-load.ts),
 *   each with its own file descriptor limit. They first start conversations
 *   over HTTP (POST /api/v1/interactions, a realistic context each), one per
 *   socket if that takes under CREATE_SECONDS, otherwise as many as it
 *   allowed, each then opened by several sockets (the rows say which). Then
 *   they open visitor sockets that say hello and wait for the welcome, and
 *   hold them idle.
 *
 * Two steps: FIRST_STEP sockets, then as many as the server's own file
 * descriptor limit allows less headroom (19,600 of `ulimit -n` 20,000
 * here). At each: VmRSS of the server process (/proc/<pid>/status) against
 * its RSS once the conversations exist and before any socket opened, and
 * against the step before; connections per second while opening, and the
 * server's CPU time per connection; /healthz. At the top, an agent accepts
 * the chat of one of the sockets and a message goes each way every 20 ms
 * for 4 s around the server's 30 s heartbeat, which pings every socket.
 *
 * Bound: about 2 minutes (≤ 25 s starting conversations, ~20 s opening
 * sockets, up to 33 s waiting for a heartbeat, ~10 s closing). --quick:
 * about 10 s.
 */
import WebSocket from 'ws';
import { startBenchServer, UNLIMITED_RATES } from './support/bench-server.js';
import { startWorker, type Worker } from './support/load-worker.js';
import { cpuMeter, fdLimit, machineCpuMeter, openFds, rssKiB } from './support/proc-stats.js';
import { percentile, quick, round, writeResult, type Row } from './support/result.js';
import { signIn } from '../test/support/http.js';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const GENERATORS = quick ? 2 : 3;
const FIRST_STEP = quick ? 150 : 10_000;
const QUICK_MAX = 300;
/** Starting conversations stops after this long; sockets then share them (each conversation opened by several). */
const CREATE_SECONDS = quick ? 10 : 25;
/** File descriptors the server keeps for itself beyond the sockets measured: SQLite, HTTP keep-alive, the agent's sockets, slack. */
const HEADROOM = 300;
const CONCURRENCY = 64;
const SETTLE_MS = quick ? 500 : 2000;
/** The server pings every socket every 30 s (signaling/server.ts, HEARTBEAT_MS), 500 per turn of its event loop (signaling/heartbeat.ts). */
const HEARTBEAT_MS = 30_000;
/** The probe's window either side of a heartbeat (full run), or its rounds (--quick). */
const PROBE_WINDOW_MS = 2000;
const QUICK_PROBE_ROUNDS = 5;

interface ProbeRound {
  /** Epoch ms the round started. */
  at: number;
  toAgent: number;
  ack: number;
  /** From the send to the server storing it, by the server's clock (ms resolution). */
  stored: number;
  toVisitor: number;
}
interface Probe {
  rounds: ProbeRound[];
  /** Epoch ms of the heartbeat the window straddles, as expected from the server's start. */
  heartbeatAt?: number;
}

const epochNow = () => performance.timeOrigin + performance.now();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The server's `ulimit -n`, read at the start. */
let serverFdLimit = 0;

interface OpenResult {
  opened: number;
  failed: number;
  firstFailure?: string;
  ms: number;
  open: number;
}

interface Level {
  sockets: number;
  failed: number;
  firstFailure?: string;
  openSeconds: number;
  perSecond: number;
  rssMiB: number;
  /** (RSS now − RSS before any socket) / sockets. */
  kibPerConnection: number;
  /** (RSS now − RSS at the previous step) / sockets added: the heap's slack from before no longer blurs it. */
  marginalKibPerConnection?: number;
  /** While opening: the server's share of a core, its CPU time per connection, and the generators' cores. */
  serverCpu: number;
  cpuMicrosPerConnection: number;
  generatorCores: number;
  /** Cores other processes on the machine kept busy meanwhile (it has 2). */
  othersCores: number;
  serverFds: number;
  healthzMs?: { median: number; max: number };
  healthzConnections?: unknown;
}

/** Splits `count` over the generators and opens them all at once; the rate is over the wall time of the slowest. */
async function openOn(generators: Worker[], url: string, count: number) {
  const share = (i: number) => Math.floor(count / generators.length) + (i < count % generators.length ? 1 : 0);
  const started = performance.now();
  const results = await Promise.all(generators.map((g, i) => g.call<OpenResult>('open', { url, count: share(i), concurrency: CONCURRENCY })));
  const seconds = (performance.now() - started) / 1000;
  const opened = results.reduce((a, r) => a + r.opened, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  return { opened, failed, firstFailure: results.find((r) => r.firstFailure)?.firstFailure, seconds };
}

/** Five GETs of /healthz, 100 ms apart: the median and the slowest time, and what the last one said. */
async function healthz(url: string) {
  const times: number[] = [];
  let last: { status: number; connections?: unknown } = { status: 0 };
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/healthz`);
    const body = (await res.json()) as { connections?: unknown };
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    last = { status: res.status, connections: body.connections };
    await sleep(100);
  }
  return { median: round(percentile(times, 50), 1), max: round(Math.max(...times), 1), ...last };
}

function portsFree(): number {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return high! - low! + 1;
}

async function measure(
  kind: 'warmline' | 'bare',
  generators: Worker[],
  pid: number,
  wsUrl: string,
  httpUrl: string | undefined,
  counts: number[],
  baseline: number,
): Promise<Level[]> {
  const levels: Level[] = [];
  let total = 0;
  let previous = baseline;
  for (const target of counts) {
    const serverCpu = cpuMeter(pid);
    const generatorCpus = generators.map((g) => cpuMeter(g.pid));
    const machineCpu = machineCpuMeter();
    const step = await openOn(generators, wsUrl, target - total);
    const cpu = serverCpu();
    const generatorCores = generatorCpus.reduce((a, m) => a + m(), 0);
    const othersCores = Math.max(0, machineCpu().processCores - cpu - generatorCores);
    total += step.opened;
    await sleep(SETTLE_MS);
    const rss = rssKiB(pid);
    const level: Level = {
      sockets: total,
      failed: step.failed,
      ...(step.firstFailure ? { firstFailure: step.firstFailure } : {}),
      openSeconds: round(step.seconds, 2),
      perSecond: Math.round(step.opened / step.seconds),
      rssMiB: round(rss / 1024, 1),
      kibPerConnection: round((rss - baseline) / total, 2),
      ...(previous !== baseline ? { marginalKibPerConnection: round((rss - previous) / step.opened, 2) } : {}),
      serverCpu: round(cpu, 2),
      cpuMicrosPerConnection: Math.round((cpu * step.seconds * 1e6) / step.opened),
      generatorCores: round(generatorCores, 2),
      othersCores: round(othersCores, 2),
      serverFds: openFds(pid),
    };
    previous = rss;
    if (httpUrl) {
      const h = await healthz(httpUrl);
      level.healthzMs = { median: h.median, max: h.max };
      level.healthzConnections = h.connections;
    }
    levels.push(level);
    console.log(
      `[capacity] ${kind.padEnd(8)} ${total} sockets (${step.failed} failed) in ${level.openSeconds} s = ${level.perSecond} conn/s ` +
        `(server CPU ${Math.round(cpu * 100)}%, ${level.cpuMicrosPerConnection} µs/conn; generators ${level.generatorCores} cores, others ${level.othersCores}); ` +
        `RSS ${level.rssMiB} MiB, ${level.kibPerConnection} KiB/conn${level.marginalKibPerConnection !== undefined ? ` (${level.marginalKibPerConnection} for the last ${step.opened})` : ''}` +
        `${level.healthzMs ? `; /healthz ${level.healthzMs.median} ms` : ''}`,
    );
    if (step.failed) break;
  }
  return levels;
}

async function main() {
  const started = Date.now();
  const load0 = loadavg()[0]!;
  const generators: Worker[] = [];
  const raw: Record<string, unknown> = { generators: GENERATORS, concurrencyPerGenerator: CONCURRENCY, headroom: HEADROOM };
  let ours: Level[] = [];
  let bare: Level[] = [];
  let probe: Probe | undefined;
  let counts: number[] = [];
  let created = { count: 0, seconds: 0, serverCpu: 0, cpuMicrosEach: 0 };
  let baselines = { warmline: 0, bare: 0 };
  let dropped = { warmline: 0, bare: 0 };
  const server = await startBenchServer('capacity', { limits: { rate: UNLIMITED_RATES } });
  // Its heartbeat interval started as it began listening, a few ms before this.
  const serverStartedAt = epochNow();
  let bareServer: Worker | undefined;
  let agent: WebSocket | undefined;
  try {
    for (let i = 0; i < GENERATORS; i++) generators.push(startWorker('capacity-load.ts', `capacity load ${i}`));
    const limit = (serverFdLimit = fdLimit(server.pid));
    const max = quick ? QUICK_MAX : Math.floor(Math.min(limit - openFds(server.pid) - HEADROOM, portsFree() - 2000) / 100) * 100;
    counts = [Math.min(FIRST_STEP, max), max];
    raw.serverFdLimit = limit;
    raw.ephemeralPorts = portsFree();

    // One conversation per socket, started over HTTP before anything is measured.
    const t0 = performance.now();
    const createCpu = cpuMeter(server.pid);
    const share = (i: number) => Math.floor(max / GENERATORS) + (i < max % GENERATORS ? 1 : 0);
    const deadline = Date.now() + CREATE_SECONDS * 1000;
    const made = await Promise.all(
      generators.map((g, i) => g.call<{ count: number }>('create', { url: server.url, count: share(i), concurrency: 12, prefix: `capacity-${i}`, deadline })),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = createCpu();
    const count = made.reduce((a, m) => a + m.count, 0);
    created = { count, seconds: round(seconds, 1), serverCpu: round(cpu, 2), cpuMicrosEach: Math.round((cpu * seconds * 1e6) / count) };
    console.log(`[capacity] ${count} conversations started over HTTP in ${created.seconds} s (server CPU ${Math.round(cpu * 100)}%, ${created.cpuMicrosEach} µs each)`);

    // alice is signed in and available before the sockets open (so no availability change is fanned out to them all).
    const { token: agentToken } = await signIn(server.url, 'alice');
    agent = new WebSocket(`${server.wsUrl}/ws/v1/agent`);
    agent.on('error', () => {});
    await new Promise((resolve, reject) => {
      agent!.once('open', resolve);
      agent!.once('error', reject);
    });
    agent.send(JSON.stringify({ type: 'hello', token: agentToken, since: {} }));
    agent.send(JSON.stringify({ type: 'presence', state: 'available' }));

    await sleep(SETTLE_MS);
    baselines.warmline = rssKiB(server.pid);
    raw.healthzBefore = await healthz(server.url);
    ours = await measure('warmline', generators, server.pid, `${server.wsUrl}/ws/v1/visitor`, server.url, counts, baselines.warmline);
    if (quick) {
      probe = { rounds: await generators[0]!.call<ProbeRound[]>('probe', { wsUrl: server.wsUrl, agentToken, rounds: QUICK_PROBE_ROUNDS }) };
    } else {
      // Rounds from 2 s before the next heartbeat to 2 s after it, to see what pinging every socket costs a message.
      const heartbeatAt = serverStartedAt + HEARTBEAT_MS * Math.ceil((epochNow() + PROBE_WINDOW_MS + 1000 - serverStartedAt) / HEARTBEAT_MS);
      const rounds = await generators[0]!.call<ProbeRound[]>('probe', {
        wsUrl: server.wsUrl,
        agentToken,
        from: heartbeatAt - PROBE_WINDOW_MS,
        until: heartbeatAt + PROBE_WINDOW_MS,
      });
      probe = { rounds, heartbeatAt };
    }
    dropped.warmline = (await Promise.all(generators.map((g) => g.call<{ closedUnexpectedly: number }>('status')))).reduce((a, s) => a + s.closedUnexpectedly, 0);
    await Promise.all(generators.map((g) => g.call('closeAll')));
    agent.close();
    await server.close();

    bareServer = startWorker('bare-ws-server.ts', 'bare ws');
    const { port } = await bareServer.call<{ port: number }>('start');
    await sleep(SETTLE_MS);
    baselines.bare = rssKiB(bareServer.pid);
    bare = await measure('bare', generators, bareServer.pid, `ws://127.0.0.1:${port}/visitor`, undefined, counts, baselines.bare);
    dropped.bare = (await Promise.all(generators.map((g) => g.call<{ closedUnexpectedly: number }>('status')))).reduce((a, s) => a + s.closedUnexpectedly, 0);
    await Promise.all(generators.map((g) => g.call('closeAll')));
  } finally {
    agent?.terminate();
    await Promise.all(generators.map((g) => g.stop()));
    await bareServer?.stop();
    await server.close().catch(() => {});
  }

  writeResult({
    name: 'capacity',
    title: 'Idle visitor connections in one server process (real server vs bare ws)',
    rows: rows(ours, bare, probe, created, baselines, dropped),
    raw: { ...raw, counts, created, baselinesKiB: baselines, ours, bare, probe, dropped, loadAverage: { before: load0, after: loadavg()[0] }, seconds: Math.round((Date.now() - started) / 1000) },
  });
  console.log(`[capacity] done in ${Math.round((Date.now() - started) / 1000)} s`);
}

const perConversation = (top: Level | undefined, created: { count: number }) => (top && created.count ? Math.ceil(top.sockets / created.count) : 1);

function rows(
  ours: Level[],
  bare: Level[],
  probe: Probe | undefined,
  created: { count: number; seconds: number; serverCpu: number; cpuMicrosEach: number },
  baselines: { warmline: number; bare: number },
  dropped: { warmline: number; bare: number },
): Row[] {
  const out: Row[] = [];
  const n = (v: number) => v.toLocaleString('en-US');
  const top = ours.at(-1);
  const bareTop = bare.at(-1);
  if (top) {
    out.push({
      label: `idle visitor connections held by one process (each said hello to ${perConversation(top, created) <= 1 ? 'its own conversation' : `a conversation it shares with ~${perConversation(top, created) - 1} others`})`,
      value: top.sockets,
      unit: 'connections',
      ...(bareTop ? { reference: { label: 'bare ws', value: bareTop.sockets, unit: 'connections' } } : {}),
      note: `${top.failed ? `${top.failed} failed to open (${top.firstFailure}); ` : ''}bounded by the fd limit (ulimit -n ${n(serverFdLimit)} less ${HEADROOM} headroom), not by the server; ${dropped.warmline} dropped while held (ws ${dropped.bare})`,
    });
  }
  for (const [i, level] of ours.entries()) {
    const ref = bare[i];
    out.push({
      label: `RSS per connection at ${n(level.sockets)} connections (from before the first socket)`,
      value: level.kibPerConnection,
      unit: 'KiB',
      ...(ref ? { reference: { label: 'bare ws', value: ref.kibPerConnection, unit: 'KiB' } } : {}),
      note: `server RSS ${round(baselines.warmline / 1024, 1)} → ${level.rssMiB} MiB${ref ? ` (ws ${round(baselines.bare / 1024, 1)} → ${ref.rssMiB} MiB); ${round(level.kibPerConnection / ref.kibPerConnection)}× bare ws` : ''}` +
        (i === 0 ? '; the first sockets partly fill heap left over from starting the conversations, so this reads low' : ''),
    });
    if (level.marginalKibPerConnection !== undefined) {
      const from = ours[i - 1]!.sockets;
      out.push({
        label: `RSS per connection added, ${n(from)} → ${n(level.sockets)}`,
        value: level.marginalKibPerConnection,
        unit: 'KiB',
        ...(ref?.marginalKibPerConnection !== undefined ? { reference: { label: 'bare ws', value: ref.marginalKibPerConnection, unit: 'KiB' } } : {}),
        note: `the better estimate of what one more idle connection costs${ref?.marginalKibPerConnection ? `; ${round(level.marginalKibPerConnection / ref.marginalKibPerConnection)}× bare ws` : ''}; kernel socket buffers are not in RSS`,
      });
    }
  }
  for (const [i, level] of ours.entries()) {
    const ref = bare[i];
    const from = i === 0 ? 0 : ours[i - 1]!.sockets;
    out.push({
      label: `connection setup rate, ${n(from)} → ${n(level.sockets)} (upgrade, hello, welcome)`,
      value: level.perSecond,
      unit: 'conn/s',
      ...(ref ? { reference: { label: 'bare ws', value: ref.perSecond, unit: 'conn/s' } } : {}),
      note:
        `${ref ? `${Math.round((100 * level.perSecond) / ref.perSecond)}% of bare ws; ` : ''}server CPU ${Math.round(level.serverCpu * 100)}% of a core, ${level.cpuMicrosPerConnection} µs per connection` +
        `${ref ? ` (ws ${Math.round(ref.serverCpu * 100)}%, ${ref.cpuMicrosPerConnection} µs)` : ''}; ${GENERATORS} generator processes, ${CONCURRENCY} opening at a time each, used ${level.generatorCores} cores` +
        `${ref ? ` (${ref.generatorCores} against ws)` : ''}` +
        `${Math.max(level.othersCores, ref?.othersCores ?? 0) >= 0.3 ? `; other processes kept ${level.othersCores} cores busy meanwhile (${ref?.othersCores ?? '–'} during ws)` : ''}`,
    });
  }
  const cpuRow = (level: Level | undefined, ref: Level | undefined) =>
    level &&
    out.push({
      label: `server CPU per connection set up, ${n(level.sockets)} connections`,
      value: level.cpuMicrosPerConnection,
      unit: 'µs',
      ...(ref ? { reference: { label: 'bare ws', value: ref.cpuMicrosPerConnection, unit: 'µs' } } : {}),
      note: `hardly depends on what else runs on the machine, unlike the rate; ~${Math.round(1e6 / level.cpuMicrosPerConnection / 100) * 100} conn/s on one free core${ref ? ` (ws ~${Math.round(1e6 / ref.cpuMicrosPerConnection / 100) * 100})` : ''}`,
    });
  cpuRow(top, bareTop);
  if (top?.healthzMs !== undefined) {
    out.push({
      label: `GET /healthz with ${n(top.sockets)} connections open: median / max of 5`,
      value: `${top.healthzMs.median} / ${top.healthzMs.max}`,
      unit: 'ms',
      note: `200, counting ${JSON.stringify(top.healthzConnections)}`,
    });
  }
  if (probe?.rounds.length) {
    const { rounds, heartbeatAt } = probe;
    const stats = (list: number[]) => `${round(percentile(list, 50), 2)} / ${round(percentile(list, 99), 1)} / ${round(Math.max(...list), 1)}`;
    const window = heartbeatAt ? ` over ${(2 * PROBE_WINDOW_MS) / 1000} s around a heartbeat` : '';
    out.push({
      label: `a message on one of ${n(top?.sockets ?? 0)} open connections, visitor → agent: median / p99 / max of ${rounds.length}${window}`,
      value: stats(rounds.map((r) => r.toAgent)),
      unit: 'ms',
      note: `visitor's ack ${stats(rounds.map((r) => r.ack))} ms; agent's reply → visitor ${stats(rounds.map((r) => r.toVisitor))} ms; one round every 20 ms`,
    });
    if (heartbeatAt) {
      // A round is "at" the heartbeat if it started within 500 ms before it, or after it while the loop could still be running.
      const near = rounds.filter((r) => r.at > heartbeatAt - 500 && r.at < heartbeatAt + 500);
      const away = rounds.filter((r) => !near.includes(r));
      const worst = (list: ProbeRound[]) => Math.max(...list.map((r) => Math.max(r.toAgent, r.toVisitor)));
      if (near.length && away.length) {
        const slowest = rounds.reduce((a, r) => (Math.max(r.toAgent, r.toVisitor) > Math.max(a.toAgent, a.toVisitor) ? r : a));
        const stall = worst(near);
        out.push({
          label: `slowest message within 0.5 s of the 30 s heartbeat (it pings all ${n(top?.sockets ?? 0)} sockets, 500 per turn of the event loop)`,
          value: round(stall, 1),
          unit: 'ms',
          note:
            `slowest elsewhere in the window ${round(worst(away), 1)} ms; the slowest of all started ${Math.round(slowest.at - heartbeatAt)} ms from the expected heartbeat ` +
            `and was stored by the server ${Math.round(slowest.stored)} ms after it was sent (so it waited on the server's event loop); ` +
            `a stall that long every 30 s is ${round((100 * stall) / HEARTBEAT_MS)}% of the time`,
        });
      }
    }
  }
  out.push({
    label: 'conversations started over HTTP before opening the sockets (POST /api/v1/interactions)',
    value: created.seconds ? Math.round(created.count / created.seconds) : 0,
    unit: 'conv/s',
    note:
      `${n(created.count)} in ${created.seconds} s, ${GENERATORS} generators × 12 requests at a time; server CPU ${Math.round(created.serverCpu * 100)}% of a core, ${created.cpuMicrosEach} µs each; ` +
      (perConversation(top, created) <= 1 ? 'one conversation per socket' : `cut at ${CREATE_SECONDS} s, so each conversation is opened by ${perConversation(top, created)} sockets`),
  });
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
