/**
 * A load generator of bench/capacity.ts, run as a worker process (see
 * load-worker.ts); the benchmark runs several, each with its own file
 * descriptor limit. It starts conversations over HTTP, opens visitor
 * sockets (each says hello and waits for the welcome) and holds them idle,
 * and on request checks that a message still goes both ways on one of them.
 */
import WebSocket from 'ws';
import { nextFrame } from './next-frame.js';
import { sampleContext } from '../../test/support/fixtures.js';
import { createInteraction } from '../../test/support/http.js';
import { serveCommands } from './load-worker.js';

const tokens: string[] = [];
const sockets: WebSocket[] = [];
let closedUnexpectedly = 0;
let closing = false;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` for 0…count-1 with at most `limit` at once. */
async function pool(count: number, limit: number, fn: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** Starts up to `count` conversations (demo site, a realistic context each), stopping at `deadline` (epoch ms). */
async function create(args: { url: string; count: number; concurrency: number; prefix: string; deadline: number }) {
  const started = performance.now();
  let i = 0;
  await Promise.all(
    Array.from({ length: args.concurrency }, async () => {
      while (i < args.count && Date.now() < args.deadline) {
        const id = `${args.prefix}-${String(i++).padStart(6, '0')}`;
        const { token } = await createInteraction(args.url, sampleContext({ visitor: { id } }));
        tokens.push(token);
      }
    }),
  );
  return { count: tokens.length, ms: Math.round(performance.now() - started) };
}

/** Opens a socket, says hello and resolves once the server has answered it (the welcome). */
function connect(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const fail = (err: Error) => {
      ws.terminate();
      reject(err);
    };
    ws.on('error', (err) => fail(err));
    ws.once('unexpected-response', (_req, res) => fail(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', token, since: 0 })));
    ws.once('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type !== 'welcome') return fail(new Error(`hello answered with ${String(data).slice(0, 200)}`));
      ws.removeAllListeners('error');
      ws.on('error', () => {});
      ws.once('close', () => {
        if (!closing) closedUnexpectedly++;
      });
      resolve(ws);
    });
  });
}

/**
 * Opens `count` more visitor sockets, `concurrency` at a time. Socket k uses
 * conversation k modulo the conversations started here (or a made-up token
 * for the bare server, which checks none).
 */
async function open(args: { url: string; count: number; concurrency: number }) {
  const started = performance.now();
  let failed = 0;
  let firstFailure: string | undefined;
  const base = sockets.length;
  await pool(args.count, args.concurrency, async (i) => {
    const k = base + i;
    const token = tokens.length ? tokens[k % tokens.length]! : `bare-token-${String(k).padStart(8, '0')}`;
    try {
      sockets.push(await connect(args.url, token));
    } catch (err) {
      failed++;
      firstFailure ??= (err as Error).message;
    }
  });
  const ms = performance.now() - started;
  return { opened: sockets.length - base, failed, firstFailure, ms: Math.round(ms), open: openCount() };
}

const openCount = () => sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;

function status() {
  return { open: openCount(), closedUnexpectedly };
}


/**
 * With every socket open: the first socket's visitor writes, an agent
 * console (a second socket of `agentToken`'s agent) accepts the chat, then,
 * from `from` (epoch ms) until `until` or for `rounds` rounds, every 20 ms
 * the visitor writes and the agent answers. Each round times the visitor's
 * send → the agent's socket having the message, → the visitor's ack, and the
 * agent's send → the visitor having the reply; `at` is when it started and
 * `stored` how long after that the server stored the message (its ack's `at`,
 * from the server's clock, to the millisecond).
 */
async function probe(args: { wsUrl: string; agentToken: string; from?: number; until?: number; rounds?: number }) {
  const visitor = sockets[0];
  if (!visitor) throw new Error('no socket open');
  const now = () => performance.timeOrigin + performance.now();
  const agent = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${args.wsUrl}/ws/v1/agent`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
  agent.on('error', () => {});
  try {
    const welcome = nextFrame(agent, (f) => f.type === 'welcome');
    agent.send(JSON.stringify({ type: 'hello', token: args.agentToken, since: {} }));
    await welcome;
    const offer = nextFrame(agent, (f) => f.type === 'offer');
    visitor.send(JSON.stringify({ type: 'send', cid: 'probe-first', text: 'Hello, is anyone there?' }));
    const { offer: offered } = await offer;
    const assigned = nextFrame(agent, (f) => f.type === 'assigned');
    agent.send(JSON.stringify({ type: 'accept', interactionId: offered.interactionId }));
    await assigned;
    if (args.from && args.from > now()) await sleep(args.from - now());
    const rounds: Array<{ at: number; toAgent: number; ack: number; stored: number; toVisitor: number }> = [];
    for (let i = 0; args.rounds !== undefined ? i < args.rounds : now() < (args.until ?? 0); i++) {
      const text = `probe message ${i}`;
      const cid = `probe-${String(i).padStart(5, '0')}`;
      const atAgent = nextFrame(agent, (f) => f.type === 'message' && f.message.text === text);
      const acked = nextFrame(visitor, (f) => f.type === 'ack' && f.cid === cid);
      const at = now();
      const sent = performance.now();
      visitor.send(JSON.stringify({ type: 'send', cid, text }));
      let toAgent = 0;
      let ack = 0;
      let stored = 0;
      await Promise.all([
        atAgent.then(() => (toAgent = performance.now() - sent)),
        acked.then((frame) => {
          ack = performance.now() - sent;
          // The server's own clock (ms): how long the frame waited before the server stored it.
          stored = frame.at - at;
        }),
      ]);
      const reply = `probe reply ${i}`;
      const atVisitor = nextFrame(visitor, (f) => f.type === 'message' && f.message.text === reply);
      const replied = performance.now();
      agent.send(JSON.stringify({ type: 'send', interactionId: offered.interactionId, cid: `reply-${String(i).padStart(5, '0')}`, text: reply }));
      await atVisitor;
      rounds.push({ at, toAgent, ack, stored, toVisitor: performance.now() - replied });
      await sleep(20);
    }
    return rounds;
  } finally {
    agent.close();
  }
}

async function closeAll() {
  closing = true;
  const open = sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED);
  const closed = open.map((ws) => new Promise((resolve) => ws.once('close', resolve)));
  for (const ws of open) ws.close();
  await Promise.race([Promise.all(closed), sleep(5000)]);
  for (const ws of open) ws.terminate();
  sockets.length = 0;
  tokens.length = 0;
  closing = false;
  closedUnexpectedly = 0;
}

serveCommands({ create, open, status, probe, closeAll }, closeAll);
