/**
 * Finds a browser for the tests: the path in an environment variable first,
 * then the usual install locations. Nothing is ever downloaded. Shared by
 * find-chrome.mjs and find-firefox.mjs, which name their candidates and
 * their install hints.
 */
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * @param {{ name: string, envVar: string, candidates: string[], install: string[] }} browser
 * @returns {string} the executable's path; throws with install instructions when there is none
 */
export function findExecutable({ name, envVar, candidates, install }) {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (executable(fromEnv)) return fromEnv;
    throw new Error(`${envVar} is set to ${fromEnv}, which is not an executable file.`);
  }
  const found = candidates.find(executable);
  if (!found) throw new Error([`No ${name} found for the browser tests.`, ...install.map((line) => `  ${line}`)].join('\n'));
  return found;
}

/** `node scripts/find-….mjs --check`: exits at once with the instructions when there is none, so `npm test` fails fast. */
export function checkWhenRun(moduleUrl, find) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  try {
    const path = find();
    if (!process.argv.includes('--quiet')) console.log(`Browser tests use ${path}`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
