/**
 * Several Warmline nodes as in production: a real PostgreSQL and Redis
 * (postgres.ts, redis.ts), two server processes of the built server
 * (spawn-server.mjs) and Debian's haproxy with deploy/cluster/haproxy.cfg,
 * its addresses given in the environment as the file expects.
 *
 * The clients here are the protocol's, as a widget and a console speak it:
 * they resume after their socket drops (hello with what they have), resend
 * what was not acked (same client ids), and keep messages by sequence
 * number, so a test can count what was lost or received twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import pg from 'pg';
import { freeTcpPort } from './free-port.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startRedis, type RedisServer } from './redis.js';
import { spawnServer } from './spawn-server.mjs';
import { sampleContext } from './fixtures.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

export type Node = Awaited<ReturnType<typeof spawnServer>>;

export interface Cluster {
  postgres: PostgresServer;
  redis: RedisServer;
  nodes: [Node, Node];
  /** The balancer's http:// URL. */
  lb: string;
  db: pg.Pool;
  /** The node that holds the routing lease now (waits up to 10 s for one). */
  holder(): Promise<Node>;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const postgres = await startPostgres();
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'warmline-cluster-'));
  const configFile = join(dir, 'warmline.config.json');
  // Many conversations and messages from one address (the test's): limits out of the way.
  writeFileSync(
    configFile,
    JSON.stringify({ limits: { rate: { requestsPerMinute: 1_000_000, conversationsPerMinute: 1_000_000, messagesPerMinute: 10_000 } }, routing: { offerTimeoutSeconds: 120 } }),
  );
  const env = {
    WARMLINE_CONFIG: configFile,
    WARMLINE_DATABASE_URL: postgres.url,
    WARMLINE_REDIS_URL: redis.url,
    WARMLINE_SECRET: 'cluster-test-secret-cluster-test-secret',
    WARMLINE_TRUSTED_PROXIES: 'loopback',
  };
  const started: Node[] = [];
  let haproxy: ChildProcess;
  let lbPort: number;
  try {
    // One after the other: the first creates the schema and seeds the demo agents.
    started.push(await spawnServer({ env }));
    started.push(await spawnServer({ env }));
    lbPort = await freeTcpPort();
    haproxy = await startHaproxy(dir, lbPort, started.map((n) => n.port));
  } catch (err) {
    await Promise.all(started.map((n) => n.close()));
    await redis.stop();
    await postgres.stop();
    throw err;
  }
  const [first, second] = started as [Node, Node];
  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const nodes: [Node, Node] = [first, second];
  return {
    postgres,
    redis,
    nodes,
    lb: `http://127.0.0.1:${lbPort}`,
    db,
    async holder() {
      const started = Date.now();
      for (;;) {
        for (const node of nodes) {
          const health = await fetch(`${node.url}/healthz`).then((r) => r.json() as Promise<{ routing?: boolean }>).catch(() => undefined);
          if (health?.routing) return node;
        }
        if (Date.now() - started > 10_000) throw new Error('no node holds the routing lease');
        await sleep(100);
      }
    },
    async stop() {
      haproxy.kill('SIGKILL');
      await db.end();
      await Promise.all(nodes.map((n) => n.close()));
      await redis.stop();
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startHaproxy(dir: string, port: number, nodePorts: number[]): Promise<ChildProcess> {
  const child = spawn('haproxy', ['-db', '-f', join(ROOT, 'deploy', 'cluster', 'haproxy.cfg')], {
    env: {
      ...process.env,
      WARMLINE_LB_BIND: `127.0.0.1:${port}`,
      WARMLINE_NODE1: `127.0.0.1:${nodePorts[0]}`,
      WARMLINE_NODE2: `127.0.0.1:${nodePorts[1]}`,
      WARMLINE_LB_ADMIN: join(dir, 'haproxy.sock'),
    },
    stdio: ['ignore', 'ignore', process.env.WARMLINE_TEST_VERBOSE ? 'inherit' : 'ignore'],
  });
  const started = Date.now();
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) return child;
    if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode} (WARMLINE_TEST_VERBOSE=1 shows why)`);
    if (Date.now() - started > 10_000) {
      child.kill('SIGKILL');
      throw new Error('haproxy did not answer within 10 s');
    }
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A socket that reconnects when it drops (to `urls()`'s first that answers), saying hello with what it has. */
abstract class ResumingClient {
  protected ws: WebSocket | undefined;
  private stopped = false;
  readonly frames: any[] = [];
  /** Sent and not acked, by client id, in order: sent again after a reconnect (the server drops a repeat). */
  protected readonly unacked = new Map<string, any>();
  reconnects = 0;
  closeCodes: number[] = [];

  constructor(
    public url: string,
    private readonly path: string,
  ) {}

  protected abstract hello(): unknown;
  protected abstract onFrame(frame: any): void;

  async connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.open();
        return;
      } catch (err) {
        if (this.stopped || attempt > 200) throw err;
        await sleep(100);
      }
    }
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}${this.path}`);
      let welcomed = false;
      ws.on('open', () => ws.send(JSON.stringify(this.hello())));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        this.frames.push(frame);
        this.onFrame(frame);
        if (frame.type === 'welcome' && !welcomed) {
          welcomed = true;
          this.ws = ws;
          for (const pending of this.unacked.values()) ws.send(JSON.stringify(pending));
          resolve();
        }
      });
      ws.on('error', (err) => {
        if (!welcomed) reject(err);
      });
      ws.on('close', (code) => {
        if (!welcomed) return reject(new Error(`closed ${code} before welcome`));
        this.closeCodes.push(code);
        if (this.ws === ws) this.ws = undefined;
        if (this.stopped) return;
        this.reconnects++;
        void this.connect();
      });
    });
  }

  protected sendFrame(frame: any) {
    if (frame.cid) this.unacked.set(frame.cid, frame);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  get connected() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close() {
    this.stopped = true;
    this.ws?.close();
  }
}

export class ClusterVisitor extends ResumingClient {
  /** Messages by seq (as the widget keeps them). */
  readonly messages = new Map<number, any>();
  /** How many times a message frame came for a seq already had (resent after a resume: shown once). */
  repeats = 0;
  private lastSeq = 0;
  private cids = 0;

  private constructor(
    url: string,
    readonly interactionId: string,
    readonly token: string,
  ) {
    super(url, '/ws/v1/visitor');
  }

  static async start(url: string, label = 'visitor'): Promise<ClusterVisitor> {
    const res = await fetch(`${url}/api/v1/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', context: sampleContext({ visitor: { id: `${label}-${Math.random().toString(36).slice(2, 10)}` } }) }),
    });
    if (!res.ok) throw new Error(`starting a conversation: ${res.status} ${await res.text()}`);
    const { interactionId, token } = (await res.json()) as { interactionId: string; token: string };
    const visitor = new ClusterVisitor(url, interactionId, token);
    await visitor.connect();
    return visitor;
  }

  protected hello() {
    return { type: 'hello', token: this.token, since: this.lastSeq };
  }

  protected onFrame(frame: any) {
    const take = (m: any) => {
      if (this.messages.has(m.seq)) this.repeats++;
      this.messages.set(m.seq, m);
      this.lastSeq = Math.max(this.lastSeq, m.seq);
    };
    if (frame.type === 'welcome') frame.messages.forEach(take);
    if (frame.type === 'message') take(frame.message);
    if (frame.type === 'ack') this.unacked.delete(frame.cid);
  }

  /** Sends a message; resolves once acked (through any reconnects). */
  say(text: string, extra: Record<string, unknown> = {}): Promise<void> {
    const cid = `v${++this.cids}-${Math.random().toString(36).slice(2, 8)}`;
    this.sendFrame({ type: 'send', cid, text, ...extra });
    return waitFor(`the ack of ${text}`, () => !this.unacked.has(cid), 60_000).then(() => undefined);
  }

  send(frame: unknown) {
    this.sendFrame(frame);
  }

  texts(): string[] {
    return [...this.messages.values()].map((m) => m.text);
  }
}

export class ClusterAgent extends ResumingClient {
  /** Messages by interaction, by seq. */
  readonly messages = new Map<string, Map<number, any>>();
  private cids = 0;

  private constructor(
    url: string,
    readonly token: string,
  ) {
    super(url, '/ws/v1/agent');
  }

  static async signIn(url: string, username = 'alice'): Promise<ClusterAgent> {
    const res = await fetch(`${url}/api/v1/agent/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
    if (!res.ok) throw new Error(`signing in: ${res.status} ${await res.text()}`);
    const { token } = (await res.json()) as { token: string };
    const agent = new ClusterAgent(url, token);
    await agent.connect();
    return agent;
  }

  protected hello() {
    const since: Record<string, number> = {};
    for (const [id, messages] of this.messages) since[id] = Math.max(0, ...messages.keys());
    return { type: 'hello', token: this.token, since };
  }

  protected onFrame(frame: any) {
    const take = (interactionId: string, m: any) => {
      let map = this.messages.get(interactionId);
      if (!map) this.messages.set(interactionId, (map = new Map()));
      map.set(m.seq, m);
    };
    if (frame.type === 'welcome') for (const i of frame.interactions) for (const m of i.messages ?? []) take(i.id, m);
    if (frame.type === 'assigned') for (const m of frame.interaction.messages ?? []) take(frame.interaction.id, m);
    if (frame.type === 'message') take(frame.interactionId, frame.message);
    if (frame.type === 'ack') this.unacked.delete(frame.cid);
  }

  presence(state: 'available' | 'away') {
    this.sendFrame({ type: 'presence', state });
  }

  send(frame: unknown) {
    this.sendFrame(frame);
  }

  say(interactionId: string, text: string): Promise<void> {
    const cid = `a${++this.cids}-${Math.random().toString(36).slice(2, 8)}`;
    this.sendFrame({ type: 'send', interactionId, cid, text });
    return waitFor(`the ack of ${text}`, () => !this.unacked.has(cid), 60_000).then(() => undefined);
  }

  texts(interactionId: string): string[] {
    return [...(this.messages.get(interactionId)?.values() ?? [])].map((m) => m.text);
  }

  /** Offers in the order they came, each once per frame. */
  offers(): any[] {
    return this.frames.flatMap((f) => (f.type === 'offer' ? [f.offer] : f.type === 'welcome' ? f.offers : []));
  }
}
