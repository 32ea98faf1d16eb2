/**
 * Browser tests of the widgets (`widgets/**\/*.test.ts`) in real headless
 * Chromium, then in real headless Firefox (the system's, driven by
 * puppeteer-core over WebDriver BiDi). A real Warmline server (the built
 * one, in its own process with a throwaway database) runs beside the test
 * pages; tests find its URL at `/__warmline`.
 */
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { findChrome, CHROME_FLAGS } from './scripts/find-chrome.mjs';
import { findFirefox, FIREFOX_PREFS } from './scripts/find-firefox.mjs';
import { spawnServer } from './test/support/spawn-server.mjs';

let server;

const warmlineServer = {
  name: 'warmline-server',
  async serverStart() {
    // The test pages are on another origin (this dev server): let them use the agent API.
    // Beside the demo site, a site whose only queue is never open, for the offline form.
    server = await spawnServer({ env: { WARMLINE_AGENT_ORIGINS: '*', WARMLINE_CONFIG: 'test/fixtures/widget-tests.config.json' } });
  },
  async serverStop() {
    await server?.close();
  },
};

/** Tells test pages where the Warmline server is. */
async function serverUrlRoute(ctx, next) {
  if (ctx.path !== '/__warmline') return next();
  ctx.body = { url: server.url };
}

export default {
  files: ['widgets/**/*.test.ts'],
  nodeResolve: { exportConditions: ['production'] },
  middleware: [serverUrlRoute],
  browsers: [
    chromeLauncher({ launchOptions: { executablePath: findChrome(), headless: true, args: CHROME_FLAGS } }),
    // The same launcher drives Firefox when given puppeteer-core and `browser: 'firefox'` (what
    // @web/test-runner-puppeteer does, without the full puppeteer package and its browser download).
    chromeLauncher({
      puppeteer: puppeteerCore,
      launchOptions: { browser: 'firefox', executablePath: findFirefox(), headless: true, extraPrefsFirefox: FIREFOX_PREFS },
    }),
  ],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' }), warmlineServer],
  testFramework: { config: { timeout: 10000 } },
  testsFinishTimeout: 5 * 60_000,
  // One test file at a time: they share one server, whose agents' presence is global. So also
  // one browser at a time: every file in Chromium, then every file in Firefox.
  concurrency: 1,
  concurrentBrowsers: 1,
};
