/**
 * A real Redis for the tests of several nodes: Debian's redis-server (which
 * .ci/run installs) on a free loopback port, in a temporary directory, and
 * nothing written to disk (`--save '' --appendonly no`), so a restart comes
 * back empty, as a Redis that lost its memory does. `restart()` (SIGTERM, or
 * SIGKILL for a crash) keeps the port, so clients reconnect by themselves;
 * `stop()` ends it and removes its files.
 *
 * With WARMLINE_TEST_REDIS_URL set, that Redis is used instead: it is only
 * checked, never restarted or stopped, and its keys are shared with whoever
 * else uses it.
 *
 * The project's Redis client is ioredis: it reconnects on its own with a
 * backoff, re-subscribes its channels after a reconnect (what a node needs
 * when Redis restarts under it), queues commands while offline, runs Lua
 * scripts as named commands (atomic leases and counters), and ships its own
 * types, in one package of five small dependencies. `redis` (node-redis) does
 * as much but brings the modules (JSON, search, bloom, time series) along.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freeTcpPort } from './free-port.js';
import { stopChild } from './child-process.js';

/** Debian's; REDIS_SERVER names another. */
const REDIS_SERVER = process.env.REDIS_SERVER ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server');

export interface RedisServer {
  /** redis://127.0.0.1:<port>, or WARMLINE_TEST_REDIS_URL. */
  readonly url: string;
  /** Whether these tests started it, and so may restart and stop it. */
  readonly owned: boolean;
  /** What redis-server wrote, for a failing test to show. */
  log(): string;
  /** Stops it (SIGTERM, or SIGKILL for a crash) and starts it again, empty, on the same port: every connection is lost. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

/** Why no Redis can be had here, or undefined when one can. */
export function redisMissing(): string | undefined {
  if (process.env.WARMLINE_TEST_REDIS_URL) return undefined;
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  if (probe.error) return 'redis-server is not installed (apt-get install redis-server; .ci/run does it) and WARMLINE_TEST_REDIS_URL is not set';
  return undefined;
}

/** Whether the Redis at `url` answers PING, once it has finished loading (ioredis's ready check waits for that). */
export async function answersPing(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  // A refused connection is the answer here, not an error to report.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The URL without its password, for messages. */
const shown = (url: string) => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};

export async function startRedis(): Promise<RedisServer> {
  const external = process.env.WARMLINE_TEST_REDIS_URL;
  if (external) {
    if (!(await answersPing(external, 5000))) throw new Error(`WARMLINE_TEST_REDIS_URL (${shown(external)}) does not answer PING`);
    const notOurs = () => Promise.reject(new Error(`${shown(external)} (WARMLINE_TEST_REDIS_URL) was not started by these tests: they cannot restart it`));
    return { url: external, owned: false, log: () => '', restart: notOurs, stop: async () => undefined };
  }
  const missing = redisMissing();
  if (missing) throw new Error(missing);

  const port = await freeTcpPort();
  const dir = mkdtempSync(join(tmpdir(), 'warmline-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  let output = '';
  let child: ChildProcess;
  let exited: Promise<void>;
  // A test run that dies leaves no redis-server behind.
  const orphaned = () => child?.kill('SIGKILL');
  process.once('exit', orphaned);

  const launch = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const started = Date.now();
    while (!(await answersPing(url))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited at start:\n${output}`);
      if (Date.now() - started > 15_000) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not answer PING on ${port} within 15 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const halt = (signal: NodeJS.Signals) => stopChild(child, exited, signal);

  try {
    await launch();
  } catch (err) {
    process.off('exit', orphaned);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    owned: true,
    log: () => output,
    async restart(signal = 'SIGTERM') {
      await halt(signal);
      await launch();
    },
    async stop() {
      await halt('SIGTERM');
      process.off('exit', orphaned);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
