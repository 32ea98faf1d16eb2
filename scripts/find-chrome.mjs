#!/usr/bin/env node
/**
 * Finds a Chromium or Chrome for the browser tests: CHROME_PATH first, then
 * the usual install locations. `node scripts/find-chrome.mjs --check` exits
 * at once with instructions when there is none, so `npm test` fails fast.
 */
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function findChrome() {
  if (process.env.CHROME_PATH) {
    if (executable(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    throw new Error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, which is not an executable file.`);
  }
  const found = CANDIDATES.find(executable);
  if (!found) {
    throw new Error(
      'No Chromium or Chrome found for the browser tests.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y chromium\n' +
        '  macOS:         install Google Chrome\n' +
        '  Elsewhere:     set CHROME_PATH to a Chrome or Chromium executable.',
    );
  }
  return found;
}

/** Flags that work on CI machines: headless, no sandbox (root in containers), fake media, loopback WebRTC. */
export const CHROME_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const path = findChrome();
    if (!process.argv.includes('--quiet')) console.log(`Browser tests use ${path}`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
