/**
 * The load generator of bench/chat.ts, run as a worker process (see
 * load-worker.ts). It holds, for each target (the real server and the bare
 * ws relay), N visitor sockets and the agent sockets their conversations
 * went to, all in this one process so that a message's send time and its
 * arrival at the agent are read from the same clock.
 *
 * A step sends at a fixed total rate, open loop (the schedule does not wait
 * for deliveries), round-robin over the visitors. Each message's text
 * carries the step, its number and the time it was sent; the agent side
 * reads them back, so the latency is visitor's `ws.send` → the agent's
 * socket having the frame (and having parsed it).
 */
import WebSocket from 'ws';
import { nextFrame } from './next-frame.js';
import { sampleContext } from '../../test/support/fixtures.js';
import { createInteraction, signIn } from '../../test/support/http.js';
import { serveCommands } from './load-worker.js';
import { percentile, round } from './result.js';

type TargetName = 'warmline' | 'bare';

interface Target {
  visitors: WebSocket[];
  agents: WebSocket[];
  /** Error frames visitors received (a rate limit, a refused message). */
  errors: number;
  firstError?: string;
  assigned: number;
}

interface StepState {
  tag: string;
  seen: Uint8Array;
  latencies: number[];
  received: number;
  duplicates: number;
  lastAt: number;
}

const targets = new Map<TargetName, Target>();
let current: StepState | undefined;

/** About what a chat message weighs: a sentence after the marker. */
const PADDING = ' Does the copper kettle work on an induction hob, and is the lid dishwasher-safe?';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    // Errors after the open (a reset when a server stops) end in 'close'; without a listener they would end this process.
    ws.on('error', () => {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}


async function until(what: string, test: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/** What every agent socket does with a frame: record a step's message, and (real server) accept every offer. */
function onAgentFrame(target: Target, ws: WebSocket, data: WebSocket.RawData) {
  const at = performance.now();
  const frame = JSON.parse(String(data));
  const text: string | undefined = frame.type === 'message' ? frame.message?.text : frame.type === 'send' ? frame.text : undefined;
  if (text !== undefined) {
    const step = current;
    if (!step || !text.startsWith(step.tag)) return;
    const [, number, sentAt] = text.slice(0, text.indexOf(' ')).split(':');
    const k = Number(number);
    if (step.seen[k]) {
      step.duplicates++;
      return;
    }
    step.seen[k] = 1;
    step.received++;
    step.latencies.push(at - Number(sentAt));
    step.lastAt = at;
  } else if (frame.type === 'offer') {
    ws.send(JSON.stringify({ type: 'accept', interactionId: frame.offer.interactionId }));
  } else if (frame.type === 'assigned') {
    target.assigned++;
  }
}

function watchVisitor(target: Target, ws: WebSocket) {
  ws.on('message', (data: Buffer) => {
    // Acks and the echo of each message come back to the visitor; only errors matter here.
    if (data.includes('"type":"error"')) {
      target.errors++;
      target.firstError ??= String(data);
    }
  });
}

/**
 * The real server: sign the agents in (available, accepting every offer),
 * start `conversations` chats over HTTP, open a visitor socket for each
 * (hello), and write a first message so that each is offered and accepted.
 */
async function setupWarmline(args: { url: string; wsUrl: string; conversations: number; agents: string[] }) {
  const target: Target = { visitors: [], agents: [], errors: 0, assigned: 0 };
  targets.set('warmline', target);
  for (const username of args.agents) {
    const { token } = await signIn(args.url, username);
    const ws = await open(`${args.wsUrl}/ws/v1/agent`);
    const welcome = nextFrame(ws, (f) => f.type === 'welcome');
    ws.send(JSON.stringify({ type: 'hello', token, since: {} }));
    await welcome;
    ws.on('message', (data) => onAgentFrame(target, ws, data));
    ws.send(JSON.stringify({ type: 'presence', state: 'available' }));
    target.agents.push(ws);
  }
  const started = performance.now();
  const created = await pool([...Array(args.conversations).keys()], 16, (i) =>
    createInteraction(args.url, sampleContext({ visitor: { id: `bench-visitor-${String(i).padStart(5, '0')}` } })),
  );
  const createMs = performance.now() - started;
  target.visitors = await pool(created, 16, async ({ token }) => {
    const ws = await open(`${args.wsUrl}/ws/v1/visitor`);
    const welcome = nextFrame(ws, (f) => f.type === 'welcome' || f.type === 'error');
    ws.send(JSON.stringify({ type: 'hello', token, since: 0 }));
    const frame = await welcome;
    if (frame.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(frame)}`);
    watchVisitor(target, ws);
    return ws;
  });
  target.visitors.forEach((ws, i) => ws.send(JSON.stringify({ type: 'send', cid: `first-${String(i).padStart(5, '0')}`, text: 'Hello, a question about the kettle.' })));
  await until(`${args.conversations} chats to be assigned (have ${target.assigned})`, () => target.assigned >= args.conversations, 30_000);
  return { conversations: target.visitors.length, agents: target.agents.length, createMs: round(createMs), setupMs: round(performance.now() - started) };
}

/** The bare ws relay: agent sockets, and visitors spread over them as the real server's are. */
async function setupBare(args: { wsUrl: string; conversations: number; agents: number }) {
  const target: Target = { visitors: [], agents: [], errors: 0, assigned: 0 };
  targets.set('bare', target);
  for (let i = 0; i < args.agents; i++) {
    const ws = await open(`${args.wsUrl}/agent?i=${i}`);
    await nextFrame(ws, (f) => f.type === 'welcome');
    ws.on('message', (data) => onAgentFrame(target, ws, data));
    target.agents.push(ws);
  }
  target.visitors = await pool([...Array(args.conversations).keys()], 16, async (i) => {
    const ws = await open(`${args.wsUrl}/visitor?to=${i % args.agents}`);
    const welcome = nextFrame(ws, (f) => f.type === 'welcome');
    ws.send(JSON.stringify({ type: 'hello', token: `bare-${i}`, since: 0 }));
    await welcome;
    watchVisitor(target, ws);
    return ws;
  });
  return { conversations: target.visitors.length, agents: target.agents.length };
}

export interface StepResult {
  target: TargetName;
  rate: number;
  offered: number;
  sent: number;
  received: number;
  /** Not at the agent 10 s after sending stopped. */
  missing: number;
  duplicates: number;
  /** What the generator achieved, and how far behind its schedule it fell at worst. */
  sendRate: number;
  maxSendLagMs: number;
  /** Messages delivered per second, first send to last delivery. */
  deliveredRate: number;
  /** Sending stopped early: more than two seconds' worth of messages were in flight. */
  overrun: boolean;
  /** Every message was at the agent within `drainMs` of the last send. */
  drained: boolean;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  firstError?: string;
}

async function step(args: { target: TargetName; rate: number; seconds: number; drainMs: number; tag: string }): Promise<StepResult> {
  const target = targets.get(args.target);
  if (!target) throw new Error(`${args.target} is not set up`);
  const { visitors } = target;
  const total = Math.round(args.rate * args.seconds);
  const state: StepState = { tag: args.tag, seen: new Uint8Array(total), latencies: [], received: 0, duplicates: 0, lastAt: 0 };
  const errorsBefore = target.errors;
  current = state;
  const start = performance.now();
  const perMs = args.rate / 1000;
  let sent = 0;
  let maxLag = 0;
  let overrun = false;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) * perMs) + 1);
      if (due > sent) maxLag = Math.max(maxLag, now - (start + sent / perMs));
      while (sent < due) {
        const sentAt = performance.now();
        const text = `${args.tag}:${sent}:${sentAt.toFixed(3)}${PADDING}`;
        visitors[sent % visitors.length]!.send(`{"type":"send","cid":"${args.tag}-${sent}","text":"${text}"}`);
        sent++;
      }
      if (sent - state.received > Math.max(2000, args.rate * 2)) {
        overrun = true;
        return done();
      }
      if (sent >= total) return done();
      setTimeout(tick, 1);
    };
    tick();
  });
  const sendEnd = performance.now();
  while (state.received < sent && performance.now() - sendEnd < args.drainMs) await sleep(2);
  const drained = state.received >= sent;
  // Let whatever is still in flight arrive before the next step (counted, but the step has failed already).
  while (state.received < sent && performance.now() - sendEnd < 10_000) await sleep(10);
  current = undefined;
  const l = state.latencies;
  return {
    target: args.target,
    rate: args.rate,
    offered: total,
    sent,
    received: state.received,
    missing: sent - state.received,
    duplicates: state.duplicates,
    sendRate: round(sent / ((sendEnd - start) / 1000), 0),
    maxSendLagMs: round(maxLag, 1),
    deliveredRate: state.received ? round(state.received / ((state.lastAt - start) / 1000), 0) : 0,
    overrun,
    drained,
    p50: round(percentile(l, 50), 2),
    p90: round(percentile(l, 90), 2),
    p99: round(percentile(l, 99), 2),
    max: round(l.length ? l.reduce((a, b) => Math.max(a, b)) : NaN, 1),
    errors: target.errors - errorsBefore,
    ...(target.firstError ? { firstError: target.firstError.slice(0, 300) } : {}),
  };
}

async function closeTarget(name: TargetName) {
  const target = targets.get(name);
  if (!target) return;
  targets.delete(name);
  const sockets = [...target.visitors, ...target.agents];
  const closed = sockets.map((ws) => (ws.readyState === ws.CLOSED ? Promise.resolve() : new Promise((r) => ws.once('close', r))));
  for (const ws of sockets) ws.close();
  await Promise.race([Promise.all(closed), sleep(3000)]);
  for (const ws of sockets) ws.terminate();
}

async function closeAll() {
  await Promise.all([...targets.keys()].map(closeTarget));
}

serveCommands({ setupWarmline, setupBare, step, close: closeTarget, closeAll }, closeAll);
