#!/usr/bin/env node
/**
 * Finds a Chromium or Chrome for the browser tests: CHROME_PATH first, then
 * the usual install locations. `node scripts/find-chrome.mjs --check` exits
 * at once with instructions when there is none, so `npm test` fails fast.
 */
import { checkWhenRun, findExecutable } from './find-executable.mjs';

export function findChrome() {
  return findExecutable({
    name: 'Chromium or Chrome',
    envVar: 'CHROME_PATH',
    candidates: [
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
      '/snap/bin/chromium',
      '/opt/google/chrome/chrome',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    ],
    install: ['Debian/Ubuntu: sudo apt-get install -y chromium', 'macOS:         install Google Chrome', 'Elsewhere:     set CHROME_PATH to a Chrome or Chromium executable.'],
  });
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

checkWhenRun(import.meta.url, findChrome);
