/**
 * End-to-end helpers: a real Chromium (playwright-core driving the system
 * browser, fake media devices) against the real built server in its own
 * process.
 */
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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

export const shouldWriteScreenshots = process.env.WARMLINE_SCREENSHOTS === '1';

/**
 * For a describe block: a server process and a browser, started before its
 * tests and stopped after them.
 */
export function useServerAndBrowser(env: Record<string, string> = {}): { readonly server: ServerProcess; readonly browser: Browser } {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startServerProcess(env);
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

/**
 * Audio bytes received so far by the call in `page`, read with getStats from
 * the element that holds the call (`<warmline-call>` or `<warmline-softphone>`).
 */
export async function inboundAudioBytes(page: Page, tag: 'warmline-call' | 'warmline-softphone'): Promise<number> {
  return page.evaluate(async (selector) => {
    const el = document.querySelector(selector) as (HTMLElement & { getStats?(): Promise<RTCStatsReport | undefined>; getCallStats?(): Promise<RTCStatsReport | undefined> }) | null;
    const report = await (el?.getStats?.() ?? el?.getCallStats?.());
    let bytes = 0;
    report?.forEach((s: { type: string; kind?: string; bytesReceived?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived ?? 0;
    });
    return bytes;
  }, tag);
}

/** Waits until the audio received by the call in `page` grows past `than` bytes. */
export async function audioRising(page: Page, tag: 'warmline-call' | 'warmline-softphone', than: number, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const bytes = await inboundAudioBytes(page, tag);
    if (bytes > than) return bytes;
    if (Date.now() - started > timeoutMs) throw new Error(`${tag}: inbound audio stuck at ${bytes} bytes`);
    await page.waitForTimeout(200);
  }
}

/** The audio energy received so far (RTCInboundRtpStreamStats.totalAudioEnergy): flat while the other side is muted. */
export async function inboundAudioEnergy(page: Page, tag: 'warmline-call' | 'warmline-softphone'): Promise<number> {
  return page.evaluate(async (selector) => {
    const el = document.querySelector(selector) as (HTMLElement & { getStats?(): Promise<RTCStatsReport | undefined>; getCallStats?(): Promise<RTCStatsReport | undefined> }) | null;
    const report = await (el?.getStats?.() ?? el?.getCallStats?.());
    let energy = 0;
    report?.forEach((s: { type: string; kind?: string; totalAudioEnergy?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') energy += s.totalAudioEnergy ?? 0;
    });
    return energy;
  }, tag);
}

/** How much audio energy arrives at `page` over `ms`. */
export async function energyOver(page: Page, tag: 'warmline-call' | 'warmline-softphone', ms = 1500): Promise<number> {
  const start = await inboundAudioEnergy(page, tag);
  await page.waitForTimeout(ms);
  return (await inboundAudioEnergy(page, tag)) - start;
}

/** The types of the local ICE candidates of the call in `page` (only "host" when no STUN or TURN is configured). */
export async function localCandidateTypes(page: Page, tag: 'warmline-call' | 'warmline-softphone'): Promise<string[]> {
  return page.evaluate(async (selector) => {
    const el = document.querySelector(selector) as (HTMLElement & { getStats?(): Promise<RTCStatsReport | undefined>; getCallStats?(): Promise<RTCStatsReport | undefined> }) | null;
    const report = await (el?.getStats?.() ?? el?.getCallStats?.());
    const types: string[] = [];
    report?.forEach((s: { type: string; candidateType?: string }) => {
      if (s.type === 'local-candidate' && s.candidateType) types.push(s.candidateType);
    });
    return types;
  }, tag);
}
