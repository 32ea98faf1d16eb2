/**
 * End-to-end helpers for Firefox: the system's Firefox (Debian's
 * `firefox-esr`), driven by puppeteer-core over WebDriver BiDi, fake
 * microphone, nothing downloaded (scripts/find-firefox.mjs finds it).
 *
 * Firefox gathers ICE candidates only on a non-loopback interface, the one
 * its default route leaves by, or, with no default route, the one the page
 * came from; never on loopback. So the server listens on every interface
 * and the Firefox page loads it from a non-loopback address of this machine
 * (`iceAddress()`), one the test adds when there is none (a dummy interface,
 * root only; `iceAddressProblem()` says why not otherwise).
 */
import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { launch, type Browser, type Page } from 'puppeteer-core';
import { FIREFOX_PREFS, findFirefox } from '../../scripts/find-firefox.mjs';
import { callStatsInPage, inboundAudioRising, type CallHolder, type CallStats } from './e2e.js';

/**
 * The page is on plain http at a non-loopback address, not a secure context:
 * these give it `navigator.mediaDevices` and getUserMedia all the same (as
 * Chromium's `--unsafely-treat-insecure-origin-as-secure` does in netns.ts).
 */
const INSECURE_MEDIA_PREFS = {
  'media.devices.insecure.enabled': true,
  'media.getusermedia.insecure.enabled': true,
};

export function launchFirefox(): Promise<Browser> {
  return launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...INSECURE_MEDIA_PREFS },
  });
}

/**
 * Firefox logs a WebSocket that cannot connect (the server down, on
 * purpose) as a JavaScript error, which Puppeteer passes on as a page error;
 * Chromium logs it as a network error. It is no exception of the page.
 */
const WEBSOCKET_REFUSED = /^Firefox can.t establish a connection to the server at wss?:/;

/** Collects page errors so a test can assert none happened. */
export function watchFirefoxErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!WEBSOCKET_REFUSED.test(message)) errors.push(message);
  });
  return errors;
}

/** What getStats says about the call in `page` (see callStats in e2e.ts). */
export function firefoxCallStats(page: Page, tag: CallHolder): Promise<CallStats> {
  return page.evaluate(callStatsInPage, tag);
}

/** Waits until the audio received by the call in `page` grows past `than` bytes. */
export function firefoxAudioRising(page: Page, tag: CallHolder, than: number, timeoutMs = 10_000): Promise<number> {
  return inboundAudioRising(() => firefoxCallStats(page, tag), tag, than, timeoutMs);
}

const ADDED_INTERFACE = 'wl-ice';
const ADDED_ADDRESS = '10.254.254.1';

const nonLoopbackIPv4 = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;

/** Why no address for Firefox's ICE can be had here, or undefined when one can. */
export function iceAddressProblem(): string | undefined {
  if (nonLoopbackIPv4()) return undefined;
  if (process.getuid?.() !== 0) {
    return 'Firefox gathers no ICE candidates on loopback, and this machine has no other interface: run the tests as root (they then add one), or give it a network interface';
  }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'this machine has no non-loopback interface for Firefox’s ICE, and iproute2 (ip) to add one is missing: apt-get install iproute2';
  }
  return undefined;
}

/**
 * A non-loopback IPv4 address of this machine for Firefox's ICE: the first
 * there is, or one on an interface added for the purpose (a dummy one, or a
 * veth pair where the kernel has no dummy module). `remove` takes away what
 * was added.
 */
export function iceAddress(): { address: string; remove(): void } {
  const found = nonLoopbackIPv4();
  if (found) return { address: found, remove: () => undefined };
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    ip('link', 'add', ADDED_INTERFACE, 'type', 'dummy');
  } catch {
    ip('link', 'add', ADDED_INTERFACE, 'type', 'veth', 'peer', 'name', `${ADDED_INTERFACE}-peer`);
    ip('link', 'set', `${ADDED_INTERFACE}-peer`, 'up');
  }
  ip('addr', 'add', `${ADDED_ADDRESS}/32`, 'dev', ADDED_INTERFACE);
  ip('link', 'set', ADDED_INTERFACE, 'up');
  // Deleting one end of a veth pair deletes both.
  return { address: ADDED_ADDRESS, remove: () => ip('link', 'del', ADDED_INTERFACE) };
}
