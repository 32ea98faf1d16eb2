/**
 * Starts the real signaling server in this process on a free port, with a
 * fresh store: a SQLite file in a temporary directory, or, when
 * WARMLINE_TEST_STORE=postgres (`npm run test:server:postgres`, through
 * with-postgres.ts), a fresh database in the PostgreSQL that
 * WARMLINE_TEST_DATABASE_URL names. Used by the server tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../signaling/config/load-config.js';
import { openDatabase, type Database } from '../../signaling/store/database.js';
import { createTestDatabase } from './postgres.js';
import { createServices, type Services } from '../../signaling/services.js';
import { createServer, type WarmlineServer } from '../../signaling/server.js';
import { silentLogger, type Logger } from '../../signaling/log.js';
import { seedDemoAgents } from '../../signaling/demo/seed-demo.js';
import { findRootDir } from '../../signaling/root-dir.js';
import type { Clock } from '../../signaling/clock.js';
import type { RoomCloser } from '../../signaling/livekit/room-closer.js';

export interface TestServer {
  url: string;
  wsUrl: string;
  services: Services;
  dataDir: string;
  /** Which store the server runs on. */
  dialect: Database['dialect'];
  /** Its PostgreSQL database, when it runs on one. */
  databaseUrl: string | undefined;
  /** Stops the server and opens a new one on the same port and database, as a restart would. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const GENEROUS_RATES = {
  requestsPerMinute: 1_000_000,
  conversationsPerMinute: 1_000_000,
  messagesPerMinute: 10_000,
  signInsPerMinute: 10_000,
  signInsPerMinutePerIp: 100_000,
  connectionsPerIp: 1_000_000,
};

export async function startTestServer(overrides: Record<string, unknown> = {}, options: { clock?: Clock; log?: Logger; livekitRooms?: RoomCloser } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'warmline-test-'));
  const config = validateConfig({
    dataDir,
    sites: [
      { key: 'demo', name: 'Demo', origins: ['*'] },
      { key: 'strict', name: 'Strict', origins: ['https://shop.example'] },
    ],
    ...overrides,
    // Every test runs from 127.0.0.1 and signs in, connects and writes far faster than people:
    // rate limits stay out of the way unless a test sets them (origins-and-limits.test.ts).
    limits: { ...(overrides.limits as object), rate: { ...GENEROUS_RATES, ...((overrides.limits as { rate?: object } | undefined)?.rate ?? {}) } },
  });
  const postgres = testOnPostgres() ? await createTestDatabase(testDatabaseUrl()) : undefined;
  let database: Database;
  let server: WarmlineServer;
  let port = 0;

  const boot = async () => {
    database = await openDatabase({ url: postgres?.url, dataDir });
    const services = await createServices({
      config,
      database,
      secret: 'test-secret-test-secret-test-secret!',
      rootDir: findRootDir(),
      log: options.log ?? silentLogger,
      ...(options.livekitRooms ? { livekitRooms: options.livekitRooms } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    await seedDemoAgents(services.stores, services.auth);
    server = createServer(services);
    const address = await server.listen(port, '127.0.0.1');
    port = address.port;
  };
  await boot();

  const handle: TestServer = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}`;
    },
    get services() {
      return server.services;
    },
    dataDir,
    dialect: postgres ? 'postgres' : 'sqlite',
    databaseUrl: postgres?.url,
    async restart() {
      await server.close();
      await database.close();
      await boot();
    },
    async close() {
      await server.close();
      await database.close();
      await postgres?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Whether this run's servers store in PostgreSQL (the second pass of `npm run test:server`). */
export const testOnPostgres = () => process.env.WARMLINE_TEST_STORE === 'postgres';

function testDatabaseUrl(): string {
  const url = process.env.WARMLINE_TEST_DATABASE_URL;
  if (!url) throw new Error('WARMLINE_TEST_STORE=postgres needs WARMLINE_TEST_DATABASE_URL: run through test/support/with-postgres.ts (npm run test:server:postgres).');
  return url;
}
