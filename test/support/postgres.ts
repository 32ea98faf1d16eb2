/**
 * A real PostgreSQL (Debian's postgresql, which .ci/run installs) for the
 * server tests' second pass: a throwaway cluster in a temporary directory,
 * listening on a free loopback port (and a unix socket in that directory
 * only), run as the `postgres` user when this runs as root, since
 * PostgreSQL refuses root. Each test server gets a fresh database in it
 * (`createTestDatabase`). `stop()` ends it and removes its files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { freeTcpPort } from './free-port.js';
import { stopChild } from './child-process.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Debian keeps the server's binaries out of PATH, one folder per major version. */
function binDir(): string | undefined {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

/** Why PostgreSQL cannot run here, or undefined when it can. */
export function postgresMissing(): string | undefined {
  const bin = binDir();
  if (!bin) return 'PostgreSQL is not installed (apt-get install postgresql; .ci/run does it), and WARMLINE_TEST_DATABASE_URL names none';
  if (process.getuid?.() === 0 && runAs() === undefined) return 'running as root, and there is no postgres user to run PostgreSQL as';
  return undefined;
}

/** The postgres user's ids when this runs as root (PostgreSQL will not), else nothing to change. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return Number.isInteger(uid) && uid > 0 && Number.isInteger(gid) ? { uid, gid } : undefined;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres: the maintenance database, to create others from. */
  url: string;
  /** What PostgreSQL wrote, for a failing test to show. */
  log(): string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const missing = postgresMissing();
  if (missing) throw new Error(missing);
  const bin = binDir()!;
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'warmline-postgres-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  // Trust on loopback only: a throwaway cluster nobody else can reach; no fsync, nothing here must survive a crash.
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { ...ids, encoding: 'utf8', cwd: dir });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed:\n${init.stderr || init.error?.message}`);
  }
  const port = await freeTcpPort();
  const settings = ['listen_addresses=127.0.0.1', `unix_socket_directories=${dir}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=300'];
  let output = '';
  const child: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
    ...ids,
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const halt = async () => {
    // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing waits for clients.
    await stopChild(child, exited, 'SIGINT');
    rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  while (!(await listening(port))) {
    if (child.exitCode !== null) {
      await halt();
      throw new Error(`postgres exited at start:\n${output}`);
    }
    if (Date.now() - started > 30_000) {
      await halt();
      throw new Error(`postgres did not listen on ${port} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, log: () => output, stop: halt };
}

/**
 * A fresh, empty database in the cluster `serverUrl` names (any database of
 * it, used to connect), and its removal. Names are random: test files run in
 * parallel against one cluster.
 */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `warmline_test_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // WITH (FORCE): a connection a test left open does not keep the database.
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
