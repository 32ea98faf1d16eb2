/**
 * Benchmarks drive their load from child processes, so that the process
 * being measured shares neither its event loop nor its file descriptors
 * with the clients. A worker is a TypeScript file run with tsx over an IPC
 * channel: the parent calls its commands by name and awaits the results.
 *
 * Nothing outlives the benchmark: a worker whose parent goes away exits, and
 * every worker (and every other process registered with `onExit`) still
 * running when the parent exits — normally, on an error, or on SIGINT/SIGTERM
 * from bench/run.ts — is killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ── Parent side ───────────────────────────────────────────────────────

const cleanups = new Set<() => void>();
let hooked = false;

/** Runs `fn` (synchronously) when this process exits, however it exits. Returns a function that unregisters it. */
export function onExit(fn: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const cleanup of cleanups) {
        try {
          cleanup();
        } catch {
          // Already gone.
        }
      }
    });
    // Without handlers these signals end the process without an 'exit' event.
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  }
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export interface Worker {
  readonly pid: number;
  /** Runs a command in the worker; rejects with the worker's error, or if the worker dies first. */
  call<T = unknown>(command: string, args?: unknown): Promise<T>;
  /** Ends the worker (it closes what it opened when its channel goes) and waits until it has exited. */
  stop(): Promise<void>;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Starts `bench/support/<file>` as a worker. */
export function startWorker(file: string, name = file): Worker {
  const child: ChildProcess = fork(resolve(root, 'bench', 'support', file), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const unregister = onExit(() => child.kill('SIGKILL'));
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      exited = true;
      unregister();
      for (const p of pending.values()) p.reject(new Error(`worker ${name} exited (${signal ?? code}) during a call`));
      pending.clear();
      done();
    }),
  );
  child.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(`worker ${name}: ${reply.error}`));
  });
  return {
    get pid() {
      return child.pid!;
    },
    call<T>(command: string, args?: unknown) {
      if (exited) return Promise.reject(new Error(`worker ${name} has exited`));
      const id = nextId++;
      return new Promise<T>((res, rej) => {
        pending.set(id, { resolve: res, reject: rej });
        child.send({ id, command, args });
      });
    },
    async stop() {
      if (exited) return;
      child.disconnect();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}

// ── Worker side ───────────────────────────────────────────────────────

export type Commands = Record<string, (args: any) => unknown>;

/**
 * Serves commands to the parent. `shutdown` runs when the parent
 * disconnects (or dies), before the worker exits.
 */
export function serveCommands(commands: Commands, shutdown: () => void | Promise<void> = () => {}) {
  process.on('message', async (message: { id: number; command: string; args: unknown }) => {
    let reply: Reply;
    try {
      const command = commands[message.command];
      if (!command) throw new Error(`no command ${message.command}`);
      reply = { id: message.id, ok: true, result: await command(message.args) };
    } catch (err) {
      reply = { id: message.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    if (process.connected) process.send!(reply);
  });
  process.once('disconnect', async () => {
    const forced = setTimeout(() => process.exit(0), 5000);
    forced.unref();
    try {
      await shutdown();
    } finally {
      process.exit(0);
    }
  });
}
