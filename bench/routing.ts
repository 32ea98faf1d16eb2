/**
 * The routing engine's decision time (signaling/routing/routing-engine.ts),
 * in process, on a simulated clock: no I/O, no server, the engine alone.
 *
 * One run, at a given size (waiting items N, agents A = N / 10; several
 * queues with skills, agents with varied skills and capacity):
 * (a) enqueue N items while all A agents are signed in but none is
 *     available (per-item time);
 * (b) the agents go available one by one, 10 ms of simulated time apart:
 *     each is one decision (setPresence, whose dispatch() makes the offers);
 * (c) every open offer times out: each timeout is one decision (the item
 *     goes back, the freed agent is offered the next one it can take);
 * (d) heapUsed after a forced GC: the empty engine, with the items, with the
 *     offers out.
 * Also, at that size: one positionOf(), the positions of a whole queue as
 * RoutingService.announcePositions computes them on every queue event, and
 * one dispatch() with nothing to offer (what the engine's 15 s tick costs).
 *
 * The target is 10,000 items and 1,000 agents (`--quick`: 1,000 and 100).
 * The run climbs a ladder of sizes towards the target: 500 and 1,000 items,
 * then the largest size whose predicted time (from the growth measured so
 * far) fits the bound; what it could not reach is extrapolated from the
 * measured growth and labelled so.
 *
 *   node --import tsx bench/routing.ts [--quick]
 *
 * Bound: 60 s wall: the ladder starts no size predicted to end after 50 s,
 * and a size that overruns is cut at 57 s (reported as cut; cut in (c), it
 * keeps the timeouts measured so far). `--quick`: one size, the first 40
 * timeouts of (c) only, about 4 s. Starts no process and no
 * real timer: every engine timer lives on the simulated clock below.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpus, loadavg } from 'node:os';
import { RoutingEngine, type Capacity, type ItemKind, type QueueDef } from '../signaling/routing/routing-engine.js';
import type { Clock } from '../signaling/clock.js';
import { percentile, quick, round, writeResult, type Row } from './support/result.js';

const TARGET = quick ? { items: 1_000, agents: 100 } : { items: 10_000, agents: 1_000 };
/**
 * The sizes it may run (agents = items / 10): always the first two, for a
 * growth to predict from, then the largest whose predicted end fits BUDGET_MS.
 */
const LADDER = quick ? [1_000] : [500, 1_000, 1_500, 2_000, 3_000, 4_000, 5_000, 7_000, 10_000];
/** No size is started that is predicted to end after this; a running size is cut at HARD_STOP_MS. */
const BUDGET_MS = quick ? 8_000 : 50_000;
const HARD_STOP_MS = quick ? 12_000 : 57_000;
const OFFER_TIMEOUT_MS = 20_000;
const TICK_MS = 15_000;
const AVAILABLE_STEP_MS = 10;
/** `--quick` times only the first timeouts of (c), the longest phase. */
const TIMEOUT_SAMPLES = quick ? 40 : Infinity;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/**
 * A simulated clock like test/support/fake-clock.ts, but with timers in a
 * Map (FakeClock's cancel filters an array and its advance sorts it on every
 * timer, which would be timed along with the engine once thousands of offers
 * are out). advance() fires due timers in time order, each through `around`
 * so the caller can time it; a timer set while firing that is already due
 * fires in the next round.
 */
class BenchClock implements Clock {
  private readonly timers = new Map<number, { at: number; ms: number; fn: () => void }>();
  private nextId = 0;

  constructor(private time: number) {}

  now() {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number) {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), ms, fn });
    return { cancel: () => void this.timers.delete(id) };
  }

  get pending() {
    return this.timers.size;
  }

  /** Moves time on by `ms`; returns false if `stop()` said to stop early, leaving timers due. */
  advance(ms: number, around: (fn: () => void, ms: number) => void = (fn) => fn(), stop = () => false): boolean {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort(([a, x], [b, y]) => x.at - y.at || a - b);
      if (!due.length) break;
      for (const [id, timer] of due) {
        if (!this.timers.delete(id)) continue; // cancelled by an earlier one
        this.time = timer.at;
        around(timer.fn, timer.ms);
        if (stop()) return false;
      }
    }
    this.time = until;
    return true;
  }
}

/** mulberry32: the same agents and items on every run. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pickWeighted = <T>(random: () => number, choices: Array<[T, number]>): T => {
  let r = random() * choices.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of choices) if ((r -= weight) < 0) return value;
  return choices.at(-1)![0];
};

const QUEUES: Array<[QueueDef, weight: number]> = [
  [{ id: 'general', skills: [] }, 30],
  [{ id: 'orders', skills: ['orders'] }, 25],
  [{ id: 'billing', skills: ['billing'] }, 20],
  [{ id: 'technical', skills: ['technical'] }, 10],
  [{ id: 'orders-fr', skills: ['orders', 'fr'] }, 8],
  [{ id: 'billing-zh', skills: ['billing', 'zh'] }, 7],
];
const SKILL_ODDS: Array<[string, number]> = [
  ['orders', 0.6],
  ['billing', 0.4],
  ['technical', 0.25],
  ['fr', 0.15],
  ['zh', 0.15],
];
const KINDS: Array<[ItemKind, number]> = [
  ['chat', 55],
  ['call', 25],
  ['callback', 10],
  ['offline', 10],
];
const DEFAULT_CAPACITY: Capacity = { chats: 3, calls: 1, chatsDuringCall: 1 };

const us = (from: bigint) => Number(process.hrtime.bigint() - from) / 1000;
const stats = (samples: number[]) => ({
  count: samples.length,
  p50: round(percentile(samples, 50)),
  p99: round(percentile(samples, 99)),
  max: round(samples.length ? Math.max(...samples) : NaN),
  mean: round(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length)),
  totalMs: round(samples.reduce((a, b) => a + b, 0) / 1000),
});
type Stats = ReturnType<typeof stats>;

interface SizeResult {
  items: number;
  agents: number;
  /** (a) and (b) ran to the end (else the bound cut them, and the size is reported as cut). */
  complete: boolean;
  wallMs: number;
  cpuMs: number;
  enqueue: Stats & { lastTenthMean: number; offers: number };
  available: Stats & { offers: number };
  /** `cut`: the bound was reached before every open offer had timed out; the samples are the first ones. */
  timeouts: Stats & { reoffers: number; setAway: number; offersOpen: number; cut: boolean };
  ticks: Stats;
  idleDispatchUs: number;
  positionOfUs: number;
  /** What RoutingService.announcePositions computes for a whole queue (on a staffing change): the queue's staffing once, then positionOf and the estimate of each waiting item. */
  announce: { queue: string; waiting: number; ms: number };
  heap: { engineWithAgentsMB: number; itemsMB: number; bytesPerItem: number; withOffersMB: number; offersOut: number };
}

function runSize(items: number, agents: number, stopAt: number): SizeResult {
  const random = prng(items * 7919 + agents);
  const start = Date.UTC(2026, 10, 23, 10, 0, 0);
  const heapBefore = heapAfterGc();
  const began = performance.now();
  const cpuBegan = process.cpuUsage();
  const clock = new BenchClock(start);
  const engine = new RoutingEngine(clock, {
    queues: new Map(QUEUES.map(([q]) => [q.id, q])),
    isOpen: () => true,
    offerTimeoutMs: OFFER_TIMEOUT_MS,
    awayAfterMissedOffers: 3,
    declineCooldownMs: 60_000,
    defaultCapacity: DEFAULT_CAPACITY,
    defaultHandleMs: 120_000,
    tickMs: TICK_MS,
  });
  let offers = 0;
  let setAway = 0;
  engine.on('offer', () => offers++);
  engine.on('presence', () => setAway++);
  const cut = () => performance.now() > stopAt;
  let complete = true;

  // Agents, signed in (phones registered for most) but not available yet: presence 'away'.
  const agentIds: string[] = [];
  for (let a = 0; a < agents; a++) {
    const id = `agent-${a}`;
    const skills = SKILL_ODDS.filter(([, odds]) => random() < odds).map(([skill]) => skill);
    const capacity: Capacity = {
      chats: 1 + Math.floor(random() * 4),
      calls: random() < 0.8 ? 1 : 0,
      chatsDuringCall: random() < 0.5 ? 1 : 0,
    };
    engine.defineAgent(id, skills, capacity);
    engine.setPhoneReady(id, random() < 0.85);
    engine.setOnline(id, true);
    agentIds.push(id);
  }
  const heapAgents = heapAfterGc();

  // (a) Items arrive; nobody is available, so each enqueue's dispatch offers nothing.
  const enqueueUs: number[] = [];
  for (let i = 0; i < items && !(i % 100 === 0 && cut()); i++) {
    const kind = pickWeighted(random, KINDS);
    const r = random();
    const input = {
      id: `item-${String(i).padStart(6, '0')}`,
      interactionId: `int-${i}`,
      kind,
      queue: pickWeighted(random, QUEUES.map(([q, w]) => [q.id, w] as [string, number])),
      priority: r < 0.05 ? 10 : r < 0.2 ? 5 : 0,
      // Arrivals 50 ms apart, all in the past: the queue has been building up.
      enqueuedAt: start - (items - i) * 50,
      ...(kind === 'callback' && random() < 0.5 ? { notBefore: start + 300_000 } : {}),
      ...(random() < 0.005 ? { target: agentIds[Math.floor(random() * agents)]! } : {}),
      ...(random() < 0.02 ? { preferred: agentIds[Math.floor(random() * agents)]! } : {}),
    };
    const t = process.hrtime.bigint();
    engine.enqueue(input);
    enqueueUs.push(us(t));
  }
  if (enqueueUs.length < items) complete = false;
  const enqueueOffers = offers;
  const heapItems = heapAfterGc();

  // What the 15 s tick and every queue-position query cost at this size.
  const idle: number[] = [];
  for (let k = 0; k < 3 && complete; k++) {
    const t = process.hrtime.bigint();
    engine.dispatch();
    idle.push(us(t));
  }
  const positions: number[] = [];
  const waiting = complete ? engine.waiting() : [];
  for (let k = 0; k < 10 && waiting.length; k++) {
    const item = waiting[Math.floor((k / 10) * waiting.length)]!;
    const t = process.hrtime.bigint();
    engine.positionOf(item.id);
    positions.push(us(t));
  }
  const announceQueue = QUEUES[0]![0].id;
  const inQueue = complete ? engine.waiting(announceQueue) : [];
  const announceStarted = process.hrtime.bigint();
  const waitOf = engine.waitsOf(announceQueue);
  for (const item of inQueue) waitOf(item.kind, engine.positionOf(item.id)!);
  const announceMs = us(announceStarted) / 1000;

  // (b) Agents go available one by one, in a shuffled order: one decision each.
  const order = [...agentIds];
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const availableUs: number[] = [];
  offers = 0;
  for (const id of complete ? order : []) {
    if (cut()) {
      complete = false;
      break;
    }
    clock.advance(AVAILABLE_STEP_MS);
    const t = process.hrtime.bigint();
    engine.setPresence(id, 'available');
    availableUs.push(us(t));
  }
  const availableOffers = offers;
  const offersOut = agentIds.reduce((n, id) => n + (engine.agentSnapshot(id)?.offers ?? 0), 0);
  const heapOffers = heapAfterGc();

  // (c) Nobody answers: every offer times out (and the tick fires once on the way).
  const timeoutUs: number[] = [];
  const tickUs: number[] = [];
  offers = 0;
  let timeoutsCut = false;
  if (complete) {
    timeoutsCut = !clock.advance(
      OFFER_TIMEOUT_MS + agents * AVAILABLE_STEP_MS + 1,
      (fn, ms) => {
        const t = process.hrtime.bigint();
        fn();
        (ms === TICK_MS ? tickUs : timeoutUs).push(us(t));
      },
      () => timeoutUs.length >= TIMEOUT_SAMPLES || cut(),
    );
  }
  const reoffers = offers;

  engine.stop();
  engine.removeAllListeners();
  const cpu = process.cpuUsage(cpuBegan);
  const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
  return {
    items,
    agents,
    complete,
    wallMs: Math.round(performance.now() - began),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    enqueue: { ...stats(enqueueUs), lastTenthMean: stats(enqueueUs.slice(-Math.ceil(enqueueUs.length / 10))).mean, offers: enqueueOffers },
    available: { ...stats(availableUs), offers: availableOffers },
    timeouts: { ...stats(timeoutUs), reoffers, setAway, offersOpen: offersOut, cut: timeoutsCut },
    ticks: stats(tickUs),
    idleDispatchUs: round(percentile(idle, 50)),
    positionOfUs: round(percentile(positions, 50)),
    announce: { queue: announceQueue, waiting: inQueue.length, ms: round(announceMs) },
    heap: {
      engineWithAgentsMB: mb(heapAgents - heapBefore),
      itemsMB: mb(heapItems - heapAgents),
      bytesPerItem: Math.round((heapItems - heapAgents) / Math.max(1, enqueueUs.length)),
      withOffersMB: mb(heapOffers - heapBefore),
      offersOut,
    },
  };
}

// ── The ladder ──────────────────────────────────────────────────────────

const t0 = performance.now();
const load = loadavg();
const sizes: SizeResult[] = [];
const notRun: Array<{ items: number; agents: number; predictedS: number }> = [];
/**
 * How a size's wall time grows with the size (N and A scaled together):
 * 2 to start (N enqueues, A decisions each walking up to N items), then as
 * measured between the last two sizes; it only decides which size fits.
 */
let growth = 2;
const ladder = LADDER.filter((n) => n <= TARGET.items);
const predict = (items: number) => {
  const last = sizes.at(-1);
  return last ? last.wallMs * (items / last.items) ** growth : 0;
};
for (;;) {
  const last = sizes.at(-1);
  const elapsed = performance.now() - t0;
  const items = sizes.length < 2 ? ladder[sizes.length] : ladder.filter((n) => n > last!.items && elapsed + predict(n) <= BUDGET_MS).at(-1);
  if (items === undefined) break;
  const agents = Math.round(items / 10);
  const result = runSize(items, agents, t0 + HARD_STOP_MS);
  console.log(
    `${items} items / ${agents} agents: ${result.complete ? '' : 'CUT at the bound, '}${round(result.wallMs / 1000)} s; ` +
      `enqueue mean ${result.enqueue.mean} µs, going available p50 ${result.available.p50} µs, timeout p50 ${result.timeouts.p50} µs`,
  );
  sizes.push(result);
  if (!result.complete) break;
  const previous = sizes.at(-2);
  if (previous?.complete) growth = Math.min(4, Math.max(1, Math.log(result.wallMs / previous.wallMs) / Math.log(items / previous.items)));
}
const largest = sizes.filter((s) => s.complete).at(-1)?.items ?? 0;
for (const items of ladder.filter((n) => n > largest)) notRun.push({ items, agents: Math.round(items / 10), predictedS: round(predict(items) / 1000) });

// ── Rows ────────────────────────────────────────────────────────────────

const full = sizes.filter((s) => s.complete);
const top = full.at(-1);
const rows: Row[] = [];
const count = (n: number) => n.toLocaleString('en-US');
const sizeLabel = (s: { items: number; agents: number }) => `${count(s.items)} items / ${count(s.agents)} agents`;
/** Exponent of a figure's growth with the size (N and A scaled together): least squares on log-log over every complete size. */
const exponent = (f: (s: SizeResult) => number) => {
  const points = full.filter((s) => f(s) > 0).map((s) => [Math.log(s.items), Math.log(f(s))] as const);
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return points.length >= 2 && sxx > 0 ? points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx : NaN;
};
const reachedTarget = top?.items === TARGET.items;
const limitNote = `a decision (dispatch()) looks at each agent once and walks the line, kept in serving order, only while some agent has room; it ends when none has`;

if (top) {
  const at = sizeLabel(top);
  const size = reachedTarget ? '' : ` (at ${at})`;
  rows.push(
    {
      label: 'size measured',
      value: at,
      unit: '',
      note:
        (reachedTarget ? 'the target size' : `NOT the target ${sizeLabel(TARGET)}, which does not fit the ${BUDGET_MS / 1000} s bound: ${limitNote}`) +
        `. Load average ${round(load[0]!, 1)} on ${cpus().length} CPUs at the start; this size took ${round(top.wallMs / 1000, 1)} s wall for ${round(top.cpuMs / 1000, 1)} s of CPU`,
    },
    { label: `(a) enqueue, nobody available: per item p50${size}`, value: top.enqueue.p50, unit: 'µs', note: `mean ${top.enqueue.mean} µs; the last tenth ${top.enqueue.lastTenthMean} µs each (it grows with the queue)` },
    { label: `(a) enqueue, nobody available: per item p99${size}`, value: top.enqueue.p99, unit: 'µs', note: `max ${top.enqueue.max} µs` },
    { label: `(a) enqueue ${count(top.items)} items: total`, value: top.enqueue.totalMs, unit: 'ms', note: `${top.enqueue.offers} offers (none expected)` },
    { label: `(b) an agent goes available → offers: per decision p50${size}`, value: top.available.p50, unit: 'µs', note: `setPresence('available') and the dispatch() it runs, ${count(top.available.count)} agents one by one` },
    { label: `(b) an agent goes available → offers: per decision p99${size}`, value: top.available.p99, unit: 'µs', note: `max ${top.available.max} µs` },
    { label: `(b) ${count(top.agents)} agents going available: total`, value: top.available.totalMs, unit: 'ms', note: `${count(top.available.offers)} offers made, ${count(top.heap.offersOut)} open at the end` },
    {
      label: `(c) offer timeout → re-offer: per decision p50${size}`,
      value: top.timeouts.p50,
      unit: 'µs',
      note:
        `${count(top.timeouts.count)} timeouts${top.timeouts.cut ? ` (cut: the first ${count(top.timeouts.count)} of ${count(top.timeouts.offersOpen)} open offers)` : ''}, ${count(top.timeouts.reoffers)} re-offers; ` +
        `${top.timeouts.setAway} agents set away after 3 missed offers in a row, their other offers withdrawn together, with one dispatch()`,
    },
    { label: `(c) offer timeout → re-offer: per decision p99${size}`, value: top.timeouts.p99, unit: 'µs', note: `max ${top.timeouts.max} µs` },
    { label: `(c) ${count(top.timeouts.count)} offer timeouts: total`, value: top.timeouts.totalMs, unit: 'ms' },
    {
      label: `dispatch() with nothing to offer (the ${TICK_MS / 1000} s tick)${size}`,
      value: round(top.idleDispatchUs / 1000, 2),
      unit: 'ms',
      note: `${count(top.items)} waiting, nobody available${top.ticks.count ? `; ${round(top.ticks.p50 / 1000, 1)} ms with every agent available and full (the tick during (c))` : ''}`,
    },
    {
      label: `positionOf() one item${size}`,
      value: top.positionOfUs,
      unit: 'µs',
      note: 'a binary search in the queue’s line, kept in serving order',
    },
    {
      label: `positions of every waiting item of one queue, as RoutingService.announcePositions computes them on each queue event${size}`,
      value: round(top.announce.ms),
      unit: 'ms',
      note: `the ${top.announce.queue} queue, ${count(top.announce.waiting)} waiting: staffing counted once, then positionOf and the estimate for each. Only a staffing change announces a whole queue: other queue events carry the first position that moved (an enqueue at the back: one item)`,
    },
    { label: `(d) heap: ${count(top.items)} waiting items`, value: top.heap.itemsMB, unit: 'MB', note: `${count(top.heap.bytesPerItem)} B per item (heapUsed after GC)` },
    { label: `(d) heap: engine, ${count(top.agents)} agents, items and open offers`, value: top.heap.withOffersMB, unit: 'MB', note: `${count(top.heap.offersOut)} offers open; the agents alone ${top.heap.engineWithAgentsMB} MB` },
  );
}
for (const s of sizes) {
  rows.push({
    label: `scaling: ${sizeLabel(s)}${s.complete ? '' : ' (cut at the bound)'}`,
    value: s.available.p50,
    unit: 'µs per decision (p50)',
    note: `enqueue mean ${s.enqueue.mean} µs/item; timeout re-offer p50 ${s.timeouts.p50} µs${s.timeouts.cut ? ` (the first ${s.timeouts.count} timeouts only)` : ''}; the whole size ${round(s.wallMs / 1000)} s wall, ${round(s.cpuMs / 1000)} s CPU`,
  });
}
if (top && !reachedTarget && full.length >= 2) {
  const p = {
    enqueue: exponent((s) => s.enqueue.mean),
    decision: exponent((s) => s.available.p50),
    timeout: exponent((s) => s.timeouts.p50),
  };
  const k = TARGET.items / top.items;
  const from = `fitted on ${full.map((s) => count(s.items)).join(', ')} items (agents a tenth); extrapolated, NOT measured`;
  const enqueueMean = top.enqueue.mean * k ** p.enqueue;
  const decision = top.available.p50 * k ** p.decision;
  rows.push(
    {
      label: `extrapolated to ${sizeLabel(TARGET)}: enqueue per item`,
      value: round(enqueueMean),
      unit: 'µs',
      note: `× size^${round(p.enqueue, 2)}, ${from}; enqueueing all ${count(TARGET.items)} ≈ ${round((enqueueMean * TARGET.items) / 1e6)} s`,
    },
    {
      label: `extrapolated to ${sizeLabel(TARGET)}: an agent going available, per decision`,
      value: round(decision / 1000, 1),
      unit: 'ms',
      note: `× size^${round(p.decision, 2)}, ${from}; ${count(TARGET.agents)} of them ≈ ${round((decision * TARGET.agents) / 1e6)} s`,
    },
    {
      label: `extrapolated to ${sizeLabel(TARGET)}: offer timeout → re-offer, per decision`,
      value: round((top.timeouts.p50 * k ** p.timeout) / 1000, 1),
      unit: 'ms',
      note: `× size^${round(p.timeout, 2)}, ${from}`,
    },
  );
}

const seconds = round((performance.now() - t0) / 1000, 1);
writeResult({
  name: 'routing',
  title: 'Routing engine decision time',
  rows,
  raw: {
    target: TARGET,
    ladder: LADDER,
    budgetMs: BUDGET_MS,
    hardStopMs: HARD_STOP_MS,
    settings: { offerTimeoutMs: OFFER_TIMEOUT_MS, tickMs: TICK_MS, availableStepMs: AVAILABLE_STEP_MS, defaultCapacity: DEFAULT_CAPACITY, queues: QUEUES, skillOdds: SKILL_ODDS, kinds: KINDS },
    sizes,
    notRun,
    loadAverageAtStart: load.map((l) => round(l, 2)),
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    quick,
    seconds,
  },
  ...(notRun.length ? { skipped: notRun.map((s) => `${sizeLabel(s)}: predicted ${s.predictedS} s, over the ${BUDGET_MS / 1000} s bound`) } : {}),
});
for (const row of rows) console.log(`${row.label}: ${row.value} ${row.unit}${row.note ? `  — ${row.note}` : ''}`);
console.log(`\nrouting: ${seconds} s (load average at start ${load.map((l) => round(l, 2)).join(' ')})`);
