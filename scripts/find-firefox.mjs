#!/usr/bin/env node
/**
 * Finds a Firefox for the browser tests: FIREFOX_PATH first, then the usual
 * install locations (Debian's `firefox-esr` first). Puppeteer drives it over
 * WebDriver BiDi; nothing is downloaded. `node scripts/find-firefox.mjs
 * --check` exits at once with instructions when there is none, so `npm test`
 * fails fast.
 */
import { checkWhenRun, findExecutable } from './find-executable.mjs';

export function findFirefox() {
  return findExecutable({
    name: 'Firefox',
    envVar: 'FIREFOX_PATH',
    candidates: [
      '/usr/bin/firefox-esr',
      '/usr/bin/firefox',
      '/usr/lib/firefox-esr/firefox-esr',
      '/usr/lib/firefox/firefox',
      '/snap/bin/firefox',
      '/Applications/Firefox.app/Contents/MacOS/firefox',
      'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
    ],
    install: ['Debian/Ubuntu: sudo apt-get install -y firefox-esr', 'macOS:         install Firefox', 'Elsewhere:     set FIREFOX_PATH to a Firefox executable.'],
  });
}

/**
 * Preferences that work on CI machines, as CHROME_FLAGS does for Chromium:
 * a fake microphone without a permission prompt, and ICE host candidates
 * with their real addresses rather than mDNS names (no mDNS resolver here).
 */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
};

checkWhenRun(import.meta.url, findFirefox);
