/**
 * Runs the built server (dist/server/main.js) as a real child process on a
 * free loopback port with its own data directory — what `npm start` runs.
 * Used by the browser component tests (web-test-runner) and the end-to-end
 * tests, which also restart it to prove nothing is lost.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'dist', 'server', 'main.js');

function start(port, dataDir, env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [main], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WARMLINE_DATA_DIR: dataDir, WARMLINE_DEMO: '1', WARMLINE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolvePromise({ child, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk;
      if (process.env.WARMLINE_TEST_VERBOSE) process.stderr.write(chunk);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${output}`));
    });
  });
}

/**
 * @param {{ env?: Record<string, string> }} [options]
 */
export async function spawnServer(options = {}) {
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first.`);
  const dataDir = mkdtempSync(join(tmpdir(), 'warmline-e2e-'));
  let { child, url } = await start(0, dataDir, options.env ?? {});
  const port = Number(new URL(url).port);
  const exited = (c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));
  return {
    get url() {
      return url;
    },
    port,
    dataDir,
    /** Stops the process: SIGTERM is a clean shutdown, SIGKILL a crash. */
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      await exited(child);
    },
    /** Starts it again on the same port and data, as after a deploy or a crash. */
    async start() {
      ({ child, url } = await start(port, dataDir, options.env ?? {}));
    },
    async close() {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
