/**
 * The real server for a benchmark: dist/server/main.js in demo mode (agents
 * alice and bob, password demo) as its own process (test/support/spawn-server.mjs),
 * with a configuration written to bench/results/tmp/ that lifts the rate
 * limits a load generator on one address would hit. Returns its pid too, to
 * read its memory and CPU, and kills it if the benchmark dies.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer } from '../../test/support/spawn-server.mjs';
import { RESULTS_DIR } from './result.js';
import { childPids } from './proc-stats.js';
import { onExit } from './load-worker.js';

export interface BenchServer {
  url: string;
  wsUrl: string;
  pid: number;
  close(): Promise<void>;
}

/** Limits as high as the configuration allows; `extra` is merged in at the top level. */
export const UNLIMITED_RATES = {
  requestsPerMinute: 1_000_000,
  conversationsPerMinute: 1_000_000,
  // The schema's maximum: 166 messages a second per conversation.
  messagesPerMinute: 10_000,
  signInsPerMinute: 10_000,
  signInsPerMinutePerIp: 100_000,
  connectionsPerIp: 1_000_000,
};

export async function startBenchServer(name: string, config: Record<string, unknown>): Promise<BenchServer> {
  const dir = join(RESULTS_DIR, 'tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-config.json`);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  const before = new Set(childPids('dist/server/main.js'));
  const server = await spawnServer({ env: { WARMLINE_CONFIG: file } });
  const pid = childPids('dist/server/main.js').find((p) => !before.has(p));
  const unregister = onExit(() => {
    if (pid) process.kill(pid, 'SIGKILL');
    rmSync(server.dataDir, { recursive: true, force: true });
  });
  if (!pid) {
    await server.close();
    throw new Error('started the server but could not find its process');
  }
  let closed = false;
  return {
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws'),
    pid,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      unregister();
      rmSync(file, { force: true });
    },
  };
}
