/**
 * A second host on this machine for tests: a Linux network namespace joined
 * to this one by a veth pair, with its own address on a private /24, and a
 * Chromium that runs inside it (through `ip netns exec`). A test can then
 * change that host's address or cut its link mid-call, as a phone moving
 * from Wi-Fi to mobile data would, while everything stays on this machine.
 * Needs root (CAP_NET_ADMIN) and iproute2; `netnsProblem()` says why not.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../../scripts/find-chrome.mjs';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** Why network namespaces cannot be made here, or undefined when they can. */
export function netnsProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'making a network namespace needs root (CAP_NET_ADMIN); run the tests as root, as .ci/run does';
  try {
    ip('netns', 'list');
  } catch {
    return 'iproute2 (ip netns) is missing: apt-get install iproute2';
  }
  return undefined;
}

export interface TestHost {
  name: string;
  /** This machine's address on the link to the host: what the host reaches the server at. */
  gateway: string;
  /** The host's address now. */
  address: string;
  /** Moves the host to another address on its link (the old one goes), as a network change does. */
  changeAddress(): string;
  /** Cuts the link (`down`) or brings it back. */
  setLink(up: boolean): void;
  /**
   * A Chromium running inside the host. `secureOrigin`: the server's origin
   * as the host sees it, treated as secure (a microphone needs a secure
   * context, and this one is plain http on a private address).
   */
  launchBrowser(secureOrigin: string): Promise<Browser>;
  remove(): void;
}

export function createTestHost(): TestHost {
  const id = `${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
  const name = `wl${id}`;
  const hostSide = `wlh${id}`;
  const nsSide = `wln${id}`;
  const net = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}`;
  const inNs = (...args: string[]) => ip('netns', 'exec', name, 'ip', ...args);
  let octet = 2;
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
    ip('link', 'set', nsSide, 'netns', name);
    ip('addr', 'add', `${net}.1/24`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    inNs('link', 'set', 'lo', 'up');
    inNs('addr', 'add', `${net}.${octet}/24`, 'dev', nsSide);
    inNs('link', 'set', nsSide, 'up');
    inNs('route', 'add', 'default', 'via', `${net}.1`);
  } catch (err) {
    ip('netns', 'del', name);
    throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'warmline-netns-'));
  const browsers: Browser[] = [];
  return {
    name,
    gateway: `${net}.1`,
    get address() {
      return `${net}.${octet}`;
    },
    changeAddress() {
      const old = octet;
      octet += 1;
      // The old address first: the kernel would take a second one on the same /24 away with it.
      inNs('addr', 'del', `${net}.${old}/24`, 'dev', nsSide);
      inNs('addr', 'add', `${net}.${octet}/24`, 'dev', nsSide);
      inNs('route', 'replace', 'default', 'via', `${net}.1`);
      return `${net}.${octet}`;
    },
    setLink(up) {
      inNs('link', 'set', nsSide, up ? 'up' : 'down');
      if (up) inNs('route', 'replace', 'default', 'via', `${net}.1`);
    },
    async launchBrowser(secureOrigin) {
      // Chromium's own processes inherit the namespace from this wrapper.
      const wrapper = join(dir, 'chromium-in-netns');
      writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${name} ${findChrome()} "$@"\n`);
      chmodSync(wrapper, 0o755);
      const args = [...CHROME_FLAGS, `--unsafely-treat-insecure-origin-as-secure=${secureOrigin}`];
      const browser = await chromium.launch({ executablePath: wrapper, args, headless: true });
      browsers.push(browser);
      return browser;
    },
    remove() {
      for (const b of browsers) void b.close().catch(() => undefined);
      try {
        ip('netns', 'del', name);
      } catch {
        // Already gone.
      }
      try {
        ip('link', 'del', hostSide);
      } catch {
        // Went with the namespace.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
