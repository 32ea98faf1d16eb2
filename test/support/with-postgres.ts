/**
 * Runs a command with a PostgreSQL for the server tests: the one
 * WARMLINE_TEST_DATABASE_URL names, or a throwaway one started here
 * (postgres.ts) and removed after. The command sees WARMLINE_TEST_STORE=postgres
 * (test-server.ts then gives each server a fresh database) and the URL.
 *
 *   node --import tsx test/support/with-postgres.ts <command> [args…]
 */
import { spawn } from 'node:child_process';
import { startPostgres, type PostgresServer } from './postgres.js';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: with-postgres.ts <command> [args…]\n');
  process.exit(64);
}

let server: PostgresServer | undefined;
let url = process.env.WARMLINE_TEST_DATABASE_URL;
if (!url) {
  server = await startPostgres();
  url = server.url;
}

const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, WARMLINE_TEST_STORE: 'postgres', WARMLINE_TEST_DATABASE_URL: url } });
// Ctrl-C reaches the command through the terminal; a SIGTERM sent to this process alone is passed on.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => {});
const code = await new Promise<number>((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
if (code !== 0 && server) process.stderr.write(`PostgreSQL's log:\n${server.log().split('\n').slice(-30).join('\n')}\n`);
await server?.stop();
process.exit(code);
