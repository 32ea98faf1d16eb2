/**
 * End-to-end helpers: a real Chromium (playwright-core driving the system
 * browser, fake media devices) against the real built server in its own
 * process.
 */
import { after, before, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { CHROME_FLAGS, findChrome } from '../../scripts/find-chrome.mjs';
import { spawnServer, type SpawnedServer } from './spawn-server.mjs';

export type ServerProcess = SpawnedServer;

export const startServerProcess = (env: Record<string, string> = {}): Promise<ServerProcess> => spawnServer({ env });

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChrome(), args: CHROME_FLAGS, headless: true });
}

/** Collects page errors so a test can assert none happened. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export async function signInAgent(context: BrowserContext, base: string, username = 'alice'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/agent`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Agent console/ }).waitFor();
  return page;
}

/**
 * Waits until the server has `username` at `presence` (the console shows a
 * chosen presence at once; the routing engine hears of it a moment later),
 * asked through the agent directory with the session of the console on `page`.
 */
export async function serverPresence(page: Page, base: string, username: string, presence: 'available' | 'away'): Promise<void> {
  const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('warmline.agent-session') ?? '{}') as { token?: string }).token);
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${base}/api/v1/agent/directory`, { headers: { authorization: `Bearer ${token}` } });
    const { agents } = (await res.json()) as { agents: Array<{ username: string; presence: string }> };
    if (agents.find((a) => a.username === username)?.presence === presence) return;
    if (Date.now() - started > 10_000) throw new Error(`the server never had ${username} ${presence}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const shouldWriteScreenshots = process.env.WARMLINE_SCREENSHOTS === '1';

/**
 * For a describe block: a server process and a browser, started before its
 * tests and stopped after them.
 */
export function useServerAndBrowser(
  /** The server's environment, or what sets it up first (a SIP platform to point it at) and returns it. */
  env: Record<string, string> | (() => Promise<Record<string, string>>) = {},
): { readonly server: ServerProcess; readonly browser: Browser } {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startServerProcess(typeof env === 'function' ? await env() : env);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the server is not started yet');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not started yet');
      return browser;
    },
  };
}

export type CallHolder = 'warmline-call' | 'warmline-softphone' | 'warmline-live-calls';

export interface CallStats {
  bytes: number;
  energy: number;
  candidates: string[];
}

/**
 * Runs in the page (Playwright's or Puppeteer's `evaluate`, so it uses
 * nothing from outside itself): what getStats says about the call held by
 * the element `tag` (`<warmline-call>` or `<warmline-softphone>`).
 */
export async function callStatsInPage(tag: CallHolder): Promise<CallStats> {
  // The element may sit in another component's shadow root (the supervisor's live calls in the console).
  let el0: Element | null = document.querySelector(tag);
  const roots: Array<Document | ShadowRoot> = [document];
  while (!el0 && roots.length) {
    const root = roots.pop()!;
    for (const e of root.querySelectorAll('*')) {
      if (e.localName === tag) el0 = e;
      if (e.shadowRoot) roots.push(e.shadowRoot);
    }
  }
  const el = el0 as (HTMLElement & { getStats?(): Promise<RTCStatsReport | undefined>; getCallStats?(): Promise<RTCStatsReport | undefined> }) | null;
  const report = await (el?.getStats?.() ?? el?.getCallStats?.());
  const summary: CallStats = { bytes: 0, energy: 0, candidates: [] };
  report?.forEach((s: { type: string; kind?: string; bytesReceived?: number; totalAudioEnergy?: number; candidateType?: string }) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      summary.bytes += s.bytesReceived ?? 0;
      summary.energy += s.totalAudioEnergy ?? 0;
    }
    if (s.type === 'local-candidate' && s.candidateType) summary.candidates.push(s.candidateType);
  });
  return summary;
}

/**
 * What getStats says about the call in `page`, read from the element that
 * holds it (`<warmline-call>` or `<warmline-softphone>`): audio bytes and
 * energy received so far (energy stays flat while the other side is muted),
 * and the types of the local ICE candidates.
 */
export function callStats(page: Page, tag: CallHolder): Promise<CallStats> {
  return page.evaluate(callStatsInPage, tag);
}

/** Waits until the inbound audio `read` reports for the call held by `tag` grows past `than` bytes. */
export async function inboundAudioRising(read: () => Promise<CallStats>, tag: CallHolder, than: number, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { bytes } = await read();
    if (bytes > than) return bytes;
    if (Date.now() - started > timeoutMs) throw new Error(`${tag}: inbound audio stuck at ${bytes} bytes`);
    await sleep(200);
  }
}

/** Waits until the audio received by the call in `page` grows past `than` bytes. */
export function audioRising(page: Page, tag: CallHolder, than: number, timeoutMs = 10_000): Promise<number> {
  return inboundAudioRising(() => callStats(page, tag), tag, than, timeoutMs);
}

/** How much audio energy arrives at `page` over `ms`. */
export async function energyOver(page: Page, tag: CallHolder, ms = 1500): Promise<number> {
  const start = (await callStats(page, tag)).energy;
  await page.waitForTimeout(ms);
  return (await callStats(page, tag)).energy - start;
}

/**
 * Waits until the audio arriving at `page` is silent (`quiet`) or audible over
 * a half-second window, for up to `timeoutMs`: what was sent before a mute
 * may still sit in the receiver's jitter buffer, longer on a loaded machine.
 * Returns whether it got there.
 */
export async function audioBecomes(page: Page, tag: CallHolder, wanted: 'quiet' | 'audible', timeoutMs = 5000): Promise<boolean> {
  const started = Date.now();
  do {
    // The same bars as a single 1.5 s look would set: under 0.001 is silence, over 0.01 per 1.5 s is sound.
    const energy = await energyOver(page, tag, wanted === 'quiet' ? 500 : 1000);
    if (wanted === 'quiet' ? energy < 0.001 : energy > 0.0067) return true;
  } while (Date.now() - started < timeoutMs);
  return false;
}

/** Browser contexts (separate people) for one test, closed when it ends. */
export async function people<T extends BrowserContextOptions[]>(t: TestContext, browser: Browser, ...options: T): Promise<{ [K in keyof T]: BrowserContext }> {
  const contexts = await Promise.all(options.map((o) => browser.newContext(o)));
  t.after(() => Promise.all(contexts.map((c) => c.close())));
  return contexts as { [K in keyof T]: BrowserContext };
}
