/**
 * End-to-end helpers: a real Chromium (playwright-core driving the system
 * browser, fake media devices) against the real built server in its own
 * process.
 */
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
