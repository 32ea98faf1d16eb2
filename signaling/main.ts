/**
 * `npm start` runs this (built to dist/server/main.js): load the
 * configuration, open the store, seed the demo when asked, listen, and shut
 * down cleanly on SIGINT/SIGTERM.
 */
import { loadConfig, ConfigError } from './config/load-config.js';
import { openDatabase } from './store/database.js';
import { createServices } from './services.js';
import { createServer } from './server.js';
import { createLogger, type LogLevel } from './log.js';
import { resolveSecret } from './secret.js';
import { findRootDir } from './root-dir.js';
import { DEMO_AGENTS, seedDemoAgents, withDemoSite } from './demo/seed-demo.js';
import { VERSION } from './version.js';

async function main() {
  const log = createLogger((process.env.WARMLINE_LOG_LEVEL as LogLevel | undefined) ?? 'info');
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  if (config.demo) config = withDemoSite(config);

  const database = await openDatabase({ url: config.database.url, dataDir: config.dataDir, onIdleError: (err) => log.warn('a pooled database connection failed', err) });
  const secret = resolveSecret(config.secret, config.dataDir);
  const services = await createServices({ config, database, secret, rootDir: findRootDir(), log });
  if (config.demo) await seedDemoAgents(services.stores, services.auth);
  await services.stores.sessions.purgeExpired(Date.now());

  const server = createServer(services);
  const address = await server.listen();
  const base = config.publicUrl ?? `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  const lines = [`Warmline ${VERSION} listening on ${base}`];
  if (config.demo) {
    lines.push(
      `  Demo shop:      ${base}/`,
      `  Agent console:  ${base}/agent`,
      `  Demo agents:    ${DEMO_AGENTS.map((a) => `${a.username} / ${a.password}`).join(', ')}`,
      `  Data:           ${config.database.url ? 'PostgreSQL' : config.dataDir}`,
    );
  } else {
    lines.push(`  Agent console:  ${base}/agent`);
    if (config.sites.length === 0) lines.push('  No sites are configured: add one to warmline.config.json (see README).');
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  /** The longest a graceful stop waits for connections to close. */
  const STOP_GRACE_MS = 5000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing connections`);
    // A connection that never finishes closing must not keep a deploy waiting: what is stored is stored.
    setTimeout(() => {
      log.warn(`${signal}: connections still closing after ${STOP_GRACE_MS / 1000} s; exiting anyway`);
      process.exit(0);
    }, STOP_GRACE_MS).unref();
    await server.close();
    await services.stores.later.settled();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Warmline could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
