/**
 * Managing agent accounts outside demo mode:
 *
 *   npm run agents -- add <username> [--name "Full Name"]
 *   npm run agents -- password <username>
 *   npm run agents -- list
 *
 * The password is read from WARMLINE_AGENT_PASSWORD or asked for on the
 * terminal (not echoed); it is stored only as an scrypt hash.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig } from '../config/load-config.js';
import { openDatabase } from '../store/database.js';
import { Stores } from '../store/stores.js';
import { AgentAuth } from '../auth/agent-auth.js';
import { hashPassword } from '../auth/password.js';
import { resolveSecret } from '../secret.js';
import { systemClock } from '../clock.js';
import { AppError } from '../errors.js';

const USAGE = `Usage:
  npm run agents -- add <username> [--name "Full Name"]
  npm run agents -- password <username>
  npm run agents -- list`;

async function askPassword(prompt: string): Promise<string> {
  if (process.env.WARMLINE_AGENT_PASSWORD) return process.env.WARMLINE_AGENT_PASSWORD;
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const answer = await new Promise<string>((resolve) => {
    rl.question(prompt, resolve);
    muted = true;
  });
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function main(argv: string[]) {
  const [command, username, ...rest] = argv;
  const config = loadConfig();
  const database = await openDatabase({ url: config.database.url, dataDir: config.dataDir });
  const stores = new Stores(database.db, database.dialect);
  const auth = new AgentAuth(stores, resolveSecret(config.secret, config.dataDir), config.sessionTtlMinutes * 60_000, systemClock);
  try {
    if (command === 'list') {
      for (const agent of await stores.agents.list()) console.log(`${agent.username}\t${agent.name}\t${agent.presence}`);
    } else if (command === 'add' && username) {
      const nameAt = rest.indexOf('--name');
      const name = nameAt >= 0 ? (rest[nameAt + 1] ?? username) : username;
      if (await stores.agents.findByUsername(username)) throw AppError.conflict(`The agent "${username}" exists already.`);
      const password = await askPassword(`Password for ${username}: `);
      const agent = await auth.createAgent({ username, name, password });
      console.log(`Added agent ${agent.username} (${agent.name}).`);
    } else if (command === 'password' && username) {
      const agent = await stores.agents.findByUsername(username);
      if (!agent) throw AppError.notFound(`There is no agent "${username}".`);
      const password = await askPassword(`New password for ${username}: `);
      if (password.length < 4) throw AppError.badRequest('A password has at least 4 characters.');
      await stores.agents.setPasswordHash(agent.id, await hashPassword(password));
      console.log(`Changed the password of ${username}.`);
    } else {
      console.error(USAGE);
      process.exitCode = 64;
    }
  } catch (err) {
    console.error(err instanceof AppError ? err.message : err);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

await main(process.argv.slice(2));
