/**
 * Chat delivery latency, visitor → agent, on the real server and on a bare
 * `ws` relay as the ceiling, driven by the same load generator at the same
 * rates in the same run.
 *
 * - The real server: dist/server/main.js in its own process (demo mode), its
 *   rate limits raised (bench-server.ts) and each agent allowed 50 chats, so
 *   100 conversations go to alice and bob, who accept every offer.
 * - The ceiling: bench/support/bare-ws-server.ts, its own process too, which
 *   forwards each visitor frame to an agent socket and does nothing else.
 * - The load: bench/support/chat-load.ts, a third process holding every
 *   socket of both, so that neither server shares its event loop with the
 *   clients and send and receipt times come from one clock.
 *
 * At each total rate (100 … 16,000 msg/s, round-robin over the visitors,
 * open loop) each target gets a step of STEP_SECONDS, the two interleaved so
 * that background load hits both alike. A target's escalation stops at the
 * first step it does not keep up with; one more step halfway between its
 * last good rate and that one narrows its maximum. Reported: p50/p99/max
 * per rate, the knee (p99 over 50 ms or delivery behind), the maximum
 * sustained rate, and our figures as a fraction of bare ws.
 *
 * Bound: about 2 minutes (each step ≤ 5 s of sending + 2 s of draining, or
 * 10 s when it falls behind; about 15 steps). --quick: about 15 s.
 */
import { startBenchServer, UNLIMITED_RATES } from './support/bench-server.js';
import { startWorker, type Worker } from './support/load-worker.js';
import { cpuMeter, machineCpuMeter } from './support/proc-stats.js';
import { quick, round, writeResult, type Row } from './support/result.js';
import type { StepResult } from './support/chat-load.js';
import { loadavg } from 'node:os';

const CONVERSATIONS = quick ? 20 : 100;
const AGENTS = quick ? ['alice'] : ['alice', 'bob'];
const CHATS_PER_AGENT = 50;
/** With 100 conversations the real server's limit (10,000 messages a minute each, its maximum) allows 16,600 msg/s. */
const RATES = quick ? [200, 1000] : [100, 500, 1000, 2000, 4000, 8000, 16000];
const BARE_RATES = quick ? RATES : [...RATES, 32000];
const STEP_SECONDS = quick ? 1.5 : 5;
const DRAIN_MS = quick ? 1000 : 2000;
const P99_KNEE_MS = 50;

type Target = 'warmline' | 'bare';
interface Measured extends StepResult {
  /** Share of one core the target's server process used during the step, and the generator's. */
  serverCpu: number;
  generatorCpu: number;
  /** Cores other processes on the machine kept busy meanwhile (user + system time not ours; the machine has 2, and they compete with both ends). */
  othersCpu: number;
  /** Server CPU time per message delivered, in µs: what the load costs regardless of contention. */
  cpuMicrosPerMessage: number;
}

/** Every message delivered in time at the rate asked, without errors. */
const keptUp = (r: StepResult) =>
  !r.overrun && r.drained && r.missing === 0 && r.errors === 0 && r.sendRate >= 0.95 * r.rate && r.deliveredRate >= 0.95 * r.rate;
const generatorBound = (r: StepResult) => r.sendRate < 0.95 * r.rate;
const pct = (share: number) => `${Math.round(share * 100)}%`;
const triple = (r: StepResult) => `${r.p50} / ${r.p99} / ${r.max}`;

async function main() {
  const started = Date.now();
  const load0 = loadavg()[0]!;
  const server = await startBenchServer('chat', {
    limits: { rate: UNLIMITED_RATES },
    routing: { capacity: { chats: CHATS_PER_AGENT }, offerTimeoutSeconds: 600 },
  });
  const bare = startWorker('bare-ws-server.ts', 'bare ws');
  let load: Worker | undefined;
  const steps: Measured[] = [];
  const setup: Record<string, unknown> = {};
  try {
    const { port } = await bare.call<{ port: number }>('start');
    load = startWorker('chat-load.ts', 'chat load');
    setup.warmline = await load.call('setupWarmline', { url: server.url, wsUrl: server.wsUrl, conversations: CONVERSATIONS, agents: AGENTS });
    setup.bare = await load.call('setupBare', { wsUrl: `ws://127.0.0.1:${port}`, conversations: CONVERSATIONS, agents: AGENTS.length });
    const pids: Record<Target, number> = { warmline: server.pid, bare: bare.pid };

    let n = 0;
    const run = async (target: Target, rate: number) => {
      const serverCpu = cpuMeter(pids[target]);
      const generatorCpu = cpuMeter(load!.pid);
      const machineCpu = machineCpuMeter();
      const t0 = performance.now();
      const tag = `step${String(n++).padStart(2, '0')}${target[0]}`;
      const result = await load!.call<StepResult>('step', { target, rate, seconds: STEP_SECONDS, drainMs: DRAIN_MS, tag });
      const [server, generator, machine] = [serverCpu(), generatorCpu(), machineCpu()];
      const wall = (performance.now() - t0) / 1000;
      const measured: Measured = {
        ...result,
        serverCpu: round(server, 2),
        generatorCpu: round(generator, 2),
        othersCpu: round(Math.max(0, machine.processCores - server - generator), 2),
        cpuMicrosPerMessage: result.received ? round((server * wall) / result.received * 1e6, 0) : NaN,
      };
      steps.push(measured);
      console.log(
        `[chat] ${target.padEnd(8)} ${String(rate).padStart(6)} msg/s: p50/p99/max ${triple(result)} ms, delivered ${result.deliveredRate} msg/s` +
          `${keptUp(result) ? '' : ' — fell behind'}, server CPU ${pct(measured.serverCpu)} (${measured.cpuMicrosPerMessage} µs/msg), generator ${pct(measured.generatorCpu)}, others ${pct(measured.othersCpu)}`,
      );
      return measured;
    };

    // Interleaved escalation; each target stops at its first step that does not keep up.
    const stopped: Partial<Record<Target, number>> = {};
    for (const rate of BARE_RATES) {
      for (const target of ['warmline', 'bare'] as const) {
        if (stopped[target] !== undefined || !(target === 'bare' ? BARE_RATES : RATES).includes(rate)) continue;
        const r = await run(target, rate);
        if (!keptUp(r)) stopped[target] = rate;
      }
    }
    // One step halfway between the last rate kept up with and the first one not.
    for (const target of ['warmline', 'bare'] as const) {
      const failedAt = stopped[target];
      const good = steps.filter((s) => s.target === target && keptUp(s)).map((s) => s.rate);
      const last = good.length ? Math.max(...good) : undefined;
      if (failedAt === undefined || last === undefined || failedAt / last < 1.3 || quick) continue;
      const r = steps.find((s) => s.target === target && s.rate === failedAt)!;
      if (generatorBound(r) && target === 'bare') continue; // The generator, not the relay, ran out.
      const mid = Math.round((last + failedAt) / 2 / 100) * 100;
      await run(target, mid);
      // The reference at the same rate, if it was still keeping up beyond it.
      if (target === 'warmline' && (stopped.bare === undefined || stopped.bare > mid)) await run('bare', mid);
    }
  } finally {
    await load?.call('closeAll').catch(() => {});
    await load?.stop();
    await bare.stop();
    await server.close();
  }

  writeResult({
    name: 'chat',
    title: 'Chat delivery, visitor → agent (real server vs bare ws relay)',
    rows: rows(steps),
    raw: {
      settings: { conversations: CONVERSATIONS, agents: AGENTS, stepSeconds: STEP_SECONDS, drainMs: DRAIN_MS, p99KneeMs: P99_KNEE_MS, rates: RATES, bareRates: BARE_RATES },
      setup,
      steps,
      loadAverage: { before: load0, after: loadavg()[0] },
      seconds: Math.round((Date.now() - started) / 1000),
    },
  });
  console.log(`[chat] done in ${Math.round((Date.now() - started) / 1000)} s`);
}

function rows(steps: Measured[]): Row[] {
  const of = (target: Target) => steps.filter((s) => s.target === target).sort((a, b) => a.rate - b.rate);
  const ours = of('warmline');
  const bare = of('bare');
  const out: Row[] = [];
  for (const r of ours) {
    const ref = bare.find((b) => b.rate === r.rate);
    const notes = [
      `delivered ${r.deliveredRate.toLocaleString('en-US')} msg/s`,
      `server CPU ${r.cpuMicrosPerMessage} µs/msg${ref ? ` (ws ${ref.cpuMicrosPerMessage})` : ''}`,
    ];
    if (r.othersCpu >= 0.3) notes.push(`other processes kept ${r.othersCpu} of the 2 cores busy`);
    if (ref && keptUp(r) && keptUp(ref)) notes.push(`p50 ${round(r.p50 / ref.p50)}×, p99 ${round(r.p99 / ref.p99)}× bare ws`);
    if (!keptUp(r)) {
      notes.push(
        r.overrun
          ? `fell behind: sending stopped after ${r.sent.toLocaleString('en-US')} of ${r.offered.toLocaleString('en-US')} with over 2 s' worth in flight`
          : generatorBound(r)
            ? `the generator sent only ${r.sendRate} msg/s`
            : `fell behind: ${r.missing} not delivered within ${DRAIN_MS / 1000} s${r.errors ? `, ${r.errors} error frames (${r.firstError})` : ''}`,
      );
    }
    if (ref && !keptUp(ref)) notes.push(`bare ws fell behind here too${generatorBound(ref) ? ' (generator-bound)' : ''}`);
    out.push({
      label: `${r.rate.toLocaleString('en-US')} msg/s offered: p50 / p99 / max`,
      value: triple(r),
      unit: 'ms',
      ...(ref ? { reference: { label: 'bare ws relay', value: triple(ref), unit: 'ms' } } : {}),
      note: notes.join('; '),
    });
  }

  const knee = (list: Measured[]) => list.find((r) => !keptUp(r) || r.p99 > P99_KNEE_MS);
  const sustained = (list: Measured[]) => Math.max(0, ...list.filter(keptUp).map((r) => r.rate));
  const peak = (list: Measured[]) => Math.max(0, ...list.map((r) => r.deliveredRate));
  const describeKnee = (list: Measured[]) => {
    const k = knee(list);
    if (!k) return `none up to ${Math.max(...list.map((r) => r.rate)).toLocaleString('en-US')}`;
    return `${k.rate.toLocaleString('en-US')} (${keptUp(k) ? `p99 ${k.p99} ms` : generatorBound(k) ? 'generator-bound' : 'fell behind'})`;
  };
  const kOurs = knee(ours);
  out.push({
    label: `knee: lowest rate with p99 > ${P99_KNEE_MS} ms or delivery behind`,
    value: kOurs ? kOurs.rate : `none up to ${Math.max(0, ...ours.map((r) => r.rate)).toLocaleString('en-US')}`,
    unit: 'msg/s',
    reference: { label: 'bare ws relay', value: describeKnee(bare), unit: 'msg/s' },
    note: kOurs ? (keptUp(kOurs) ? `p99 ${kOurs.p99} ms` : 'fell behind') : '',
  });
  const sOurs = sustained(ours);
  const sBare = sustained(bare);
  const bareBound = bare.some((r) => !keptUp(r) && generatorBound(r));
  out.push({
    label: 'maximum sustained rate (every message at the agent within 2 s, no errors)',
    value: sOurs,
    unit: 'msg/s',
    reference: { label: 'bare ws relay', value: sBare, unit: 'msg/s' },
    note: sBare ? `${pct(sOurs / sBare)} of bare ws${bareBound ? ' (bare ws was held back by the generator: a lower bound for it)' : ''}; rates step ×2, plus one halfway step` : '',
  });
  const pOurs = peak(ours);
  const pBare = peak(bare);
  out.push({
    label: 'peak delivery rate measured (first send to last delivery)',
    value: pOurs,
    unit: 'msg/s',
    reference: { label: 'bare ws relay', value: pBare, unit: 'msg/s' },
    note: pBare ? `${pct(pOurs / pBare)} of bare ws` : '',
  });
  // CPU per message from the steps both kept up with at ≥ 1,000 msg/s (below that, wake-ups dominate).
  const cpuOf = (list: Measured[]) => {
    const good = list.filter((r) => keptUp(r) && r.rate >= 1000).map((r) => r.cpuMicrosPerMessage);
    return good.length ? Math.min(...good) : NaN;
  };
  const cOurs = cpuOf(ours);
  const cBare = cpuOf(bare);
  if (Number.isFinite(cOurs)) {
    out.push({
      label: 'server CPU per message (least over steps kept up with at ≥ 1,000 msg/s)',
      value: cOurs,
      unit: 'µs',
      ...(Number.isFinite(cBare) ? { reference: { label: 'bare ws relay', value: cBare, unit: 'µs' } } : {}),
      note: `one free core could then deliver at most ~${Math.round(1e6 / cOurs / 100) * 100} msg/s${Number.isFinite(cBare) ? ` (bare ws ~${Math.round(1e6 / cBare / 1000) * 1000}); ${round(cOurs / cBare)}× the work of bare ws` : ''}; unlike latency, this hardly depends on what else runs on the machine`,
    });
  }
  const low = ours.find((r) => r.rate === 1000 && keptUp(r));
  const lowRef = bare.find((r) => r.rate === 1000 && keptUp(r));
  if (low && lowRef) {
    out.push({
      label: 'latency at 1,000 msg/s as a multiple of bare ws: p50 / p99',
      value: `${round(low.p50 / lowRef.p50)}× / ${round(low.p99 / lowRef.p99)}×`,
      unit: '',
      reference: { label: 'bare ws relay', value: `${lowRef.p50} / ${lowRef.p99}`, unit: 'ms' },
    });
  }
  const others = steps.map((r) => r.othersCpu);
  out.push({
    label: 'CPU other processes on the machine used during the steps: mean / max',
    value: `${round(others.reduce((a, b) => a + b, 0) / Math.max(1, others.length), 2)} / ${round(Math.max(0, ...others), 2)}`,
    unit: 'cores of 2',
    note: 'time they took from both servers and the generator alike; latencies and rates depend on it, CPU per message hardly',
  });
  out.push({
    label: 'what each message costs us that bare ws does not',
    value: 'see note',
    unit: '',
    note:
      'JSON.parse + valibot check of the frame; a token-bucket take; one SQLite transaction (duplicate check by client id, next seq UPDATE, INSERT) in WAL mode with synchronous=NORMAL; ' +
      'the interaction row read back twice (its context JSON parsed each time); 3 frames out instead of 1 (the message to the agent, the same message back to the visitor, the ack), each JSON.stringify-ed; ' +
      'bare ws forwards the frame unparsed to one socket',
  });
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
