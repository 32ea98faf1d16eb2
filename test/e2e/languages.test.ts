/**
 * Each language Warmline speaks, end to end, in a real browser against the
 * real server: a page in English, Simplified Chinese (zh-CN), Traditional
 * Chinese (zh-TW) or Russian, in a browser set to French (which Warmline
 * does not speak, so the page's `lang` decides), gets the launcher, the
 * chat, the call panel's topics (the demo queues' own labels), the place in
 * line and the offline form ("We open again …") in that language; an agent
 * who picks it in the console's Language menu gets the console in it. The
 * Chinese pages show no character of the other script. And `data-lang` on
 * the script tag wins over the page and the browser, and
 * `Warmline.setLanguage` switches an open chat.
 *
 * Expected words come from the translation modules, so wording changes
 * follow. With WARMLINE_SCREENSHOTS=1 it writes docs/languages/*.png.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { people, shouldWriteScreenshots, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';
import { simplifiedOnly, traditionalOnly } from '../support/chinese-script.js';
import { DEMO_QUEUES } from '../../signaling/demo/seed-demo.js';
import { LANGUAGE_NAMES, type BuiltInLanguage } from '../../widgets/base/translations/packs.js';
import en, { type VisitorTerms } from '../../widgets/base/translations/en.js';
import enCall, { type CallTerms } from '../../widgets/base/translations/en-call.js';
import enQueue, { type QueueTerms } from '../../widgets/base/translations/en-queue.js';
import enAgent, { type AgentTerms } from '../../widgets/base/translations/en-agent.js';
import zhHans from '../../widgets/base/translations/zh-hans.js';
import zhHansCall from '../../widgets/base/translations/zh-hans-call.js';
import zhHansQueue from '../../widgets/base/translations/zh-hans-queue.js';
import zhHansAgent from '../../widgets/base/translations/zh-hans-agent.js';
import zhHant from '../../widgets/base/translations/zh-hant.js';
import zhHantCall from '../../widgets/base/translations/zh-hant-call.js';
import zhHantQueue from '../../widgets/base/translations/zh-hant-queue.js';
import zhHantAgent from '../../widgets/base/translations/zh-hant-agent.js';
import ru from '../../widgets/base/translations/ru.js';
import ruCall from '../../widgets/base/translations/ru-call.js';
import ruQueue from '../../widgets/base/translations/ru-queue.js';
import ruAgent from '../../widgets/base/translations/ru-agent.js';

interface Language {
  code: BuiltInLanguage;
  /** The page's `<html lang>`. */
  pageLang: string;
  visitor: VisitorTerms;
  call: CallTerms;
  queue: QueueTerms;
  agent: AgentTerms;
  /** Characters of the other Chinese script in a text (none may show). */
  wrongScript?: (text: string) => string[];
}

const LANGUAGES: Language[] = [
  { code: 'en', pageLang: 'en', visitor: en, call: enCall, queue: enQueue, agent: enAgent },
  { code: 'zh-Hans', pageLang: 'zh-CN', visitor: zhHans, call: zhHansCall, queue: zhHansQueue, agent: zhHansAgent, wrongScript: traditionalOnly },
  { code: 'zh-Hant', pageLang: 'zh-TW', visitor: zhHant, call: zhHantCall, queue: zhHantQueue, agent: zhHantAgent, wrongScript: simplifiedOnly },
  { code: 'ru', pageLang: 'ru', visitor: ru, call: ruCall, queue: ruQueue, agent: ruAgent },
];

/** A locale Warmline does not speak: the page's `lang` decides. */
const FRENCH_BROWSER = { locale: 'fr-FR', viewport: { width: 1000, height: 700 } };

/**
 * A site whose only queue is closed now and opens in three days, in Moscow's
 * time (no daylight saving: always GMT+3), so the offline form says when.
 * Written at start, so "now" is never within its hours.
 */
const CLOSED_SITE = 'closed-now';
const CLOSED_QUEUE = { id: 'desk', label: 'Front desk', labels: { 'zh-Hans': '服务台', 'zh-Hant': '服務台', ru: 'Стойка информации' } };
const ZONE = 'Europe/Moscow';

function writeConfig(dir: string): string {
  const day = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, weekday: 'short' }).format(Date.now() + 3 * 86_400_000).toLowerCase();
  const path = join(dir, 'languages.config.json');
  const config = {
    queues: [{ ...CLOSED_QUEUE, hours: { timezone: ZONE, weekly: { [day]: [['09:00', '18:00']] } } }],
    sites: [{ key: CLOSED_SITE, name: 'Closed now (language tests)', origins: ['*'], queues: [CLOSED_QUEUE.id], chatQueue: CLOSED_QUEUE.id }],
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** A visitor's page in `lang` with the script tag for `site`, and a placed call button. */
const visitorPage = (base: string, lang: string, site: string, extra = '') => `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>Bean &amp; Brew</title></head>
<body style="font-family: sans-serif; margin: 24px">
<h1>Bean &amp; Brew</h1>
<p><code>&lt;html lang="${lang}"&gt;</code></p>
<warmline-call></warmline-call>
<script src="${base}/warmline.js" data-site="${site}" ${extra} async></script>
</body>
</html>`;

/**
 * The site owner's pages, on their own origin (a plain HTTP server on
 * 127.0.0.1): the script tag loads Warmline from the server, as on a real
 * shop. `open` writes a page and goes to it.
 */
async function sitePages() {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const body = pages.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async open(page: Page, html: string) {
      const path = `/page-${pages.size}.html`;
      pages.set(path, html);
      await page.goto(base + path);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Runs in the page (so it uses nothing from outside itself): the text of
 * every Warmline widget, down through their open shadow roots, with the
 * accessible names and placeholders they set.
 */
function widgetTextInPage(): string {
  const parts: string[] = [];
  const roots: ShadowRoot[] = [];
  for (const el of document.querySelectorAll('*')) {
    if (el.shadowRoot && (el.localName.startsWith('warmline-') || el.hasAttribute('data-warmline-launcher'))) roots.push(el.shadowRoot);
  }
  while (roots.length) {
    const walker = document.createTreeWalker(roots.pop()!, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (!node.parentElement?.closest('style, script')) parts.push(node.textContent ?? '');
        continue;
      }
      const el = node as Element;
      for (const name of ['aria-label', 'placeholder', 'title', 'alt']) parts.push(el.getAttribute(name) ?? '');
      if (el.shadowRoot) roots.push(el.shadowRoot);
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}

/**
 * Asserts the widgets on `page` show no character of the other Chinese
 * script. The console's language menu names each language in itself
 * (简体中文, 繁體中文): those names are left out.
 */
async function assertOneScript(page: Page, lang: Language, where: string) {
  if (!lang.wrongScript) return;
  let text = await page.evaluate(widgetTextInPage);
  for (const name of Object.values(LANGUAGE_NAMES)) text = text.replaceAll(name, '');
  assert.deepEqual(lang.wrongScript(text), [], `${where} (${lang.pageLang}) shows characters of the other script: ${text}`);
}

/** Waits until `read` gives a text `ok` accepts; fails with the last one read. */
async function until(read: () => Promise<string>, ok: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  const started = Date.now();
  let text = '';
  while (Date.now() - started < timeoutMs) {
    text = (await read().catch(() => '')).replace(/\s+/g, ' ').trim();
    if (ok(text)) return text;
    await sleep(100);
  }
  throw new Error(`${what}: still "${text}" after ${timeoutMs} ms`);
}

/** Every way `queuePlace` words place `position`, whatever wait the server estimates. */
const placeTexts = (visitor: VisitorTerms, position: number) => Array.from({ length: 121 }, (_, minutes) => visitor.queuePlace(position, minutes));

const labelIn = (q: (typeof DEMO_QUEUES)[number], code: BuiltInLanguage) => (q.labels as Record<string, string>)[code] ?? q.label;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Signs an agent in whose console may come up in any language (the one they saved last). */
async function signInAnyLanguage(context: BrowserContext, base: string, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/agent`);
  // The sign-in form speaks the browser's language: French is not spoken, so English.
  await page.getByLabel(enAgent.username).fill(username);
  await page.getByLabel(enAgent.password).fill('demo');
  await page.getByRole('button', { name: enAgent.signIn }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(LANGUAGES.map((l) => escape(l.agent.agentConsole)).join('|')) }).waitFor();
  return page;
}

const shot = async (target: Page | Locator, name: string) => {
  if (shouldWriteScreenshots) await target.screenshot({ path: `docs/languages/${name}.png` });
};

describe('Warmline in each language it speaks', () => {
  let configDir = '';
  const env = useServerAndBrowser(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'warmline-languages-'));
    return { WARMLINE_CONFIG: writeConfig(configDir), WARMLINE_LOG_LEVEL: 'debug' };
  });
  after(() => rmSync(configDir, { recursive: true, force: true }));
  let site: Awaited<ReturnType<typeof sitePages>>;
  before(async () => (site = await sitePages()));
  after(() => site.close());

  // Alice is signed in but away all along: the demo queues are staffed, so a call waits in line for her.
  let aliceContext: BrowserContext | undefined;
  before(async () => {
    if (shouldWriteScreenshots) mkdirSync('docs/languages', { recursive: true });
    aliceContext = await env.browser.newContext();
    const alice = await signInAgent(aliceContext, env.server.url, 'alice');
    await alice.getByRole('combobox', { name: enAgent.presence }).selectOption('away');
    await alice.getByText(enAgent.phoneOff).waitFor();
  });
  after(() => aliceContext?.close());

  for (const lang of LANGUAGES) {
    const { code, pageLang, visitor, call, queue, agent } = lang;

    it(`speaks ${code} on a page in lang="${pageLang}": launcher, chat, topics, place in line, offline form, console`, async (t) => {
      const { server, browser } = env;
      const base = server.url;
      const [visitorContext, agentContext] = await people(t, browser, FRENCH_BROWSER, FRENCH_BROWSER);
      const page = await visitorContext.newPage();
      const errors = watchErrors(page);
      await site.open(page, visitorPage(base, pageLang, 'demo'));

      // The loader's floating button, before any widget has loaded.
      const launcher = page.locator('[data-warmline-launcher]').getByRole('button', { name: visitor.openChat, exact: true });
      await launcher.waitFor();

      // The chat.
      await launcher.click();
      const chat = page.getByRole('dialog', { name: visitor.chatTitle, exact: true });
      const input = chat.getByRole('textbox', { name: visitor.message, exact: true });
      await input.waitFor();
      assert.equal(await input.getAttribute('placeholder'), visitor.placeholder);
      await chat.getByText(visitor.statusNew, { exact: true }).waitFor();
      await chat.getByRole('button', { name: visitor.send, exact: true }).waitFor();
      await chat.getByRole('button', { name: visitor.closeChat, exact: true }).waitFor();

      // The call panel's topics: the demo queues, by their labels in this language.
      const callEl = page.locator('warmline-call');
      await callEl.getByRole('button', { name: call.callUs, exact: true }).click();
      const topics = callEl.getByRole('group', { name: call.chooseTopic, exact: true });
      await topics.waitFor();
      const shown = (await topics.getByRole('button').allTextContents()).map((s) => s.trim());
      assert.deepEqual(shown, DEMO_QUEUES.map((q) => labelIn(q, code)));
      await callEl.getByRole('button', { name: call.cancelCall, exact: true }).waitFor();
      await assertOneScript(page, lang, 'the chat and the call topics');
      await shot(page, `${code}-chat`);

      // A call to billing waits for alice: the place in line in words.
      const billing = DEMO_QUEUES.find((q) => q.id === 'billing')!;
      await topics.getByRole('button', { name: labelIn(billing, code), exact: true }).click();
      const places = placeTexts(visitor, 1);
      await until(() => callEl.getByRole('status').first().innerText(), (s) => places.includes(s), `the place in line in ${code}`);
      await callEl.getByRole('button', { name: call.hangUp, exact: true }).waitFor();
      await callEl.getByRole('button', { name: call.mute, exact: true }).waitFor();
      await callEl.getByRole('button', { name: queue.callbackOffer, exact: true }).waitFor();
      await assertOneScript(page, lang, 'the call waiting in line');
      await shot(page, `${code}-queue`);
      await callEl.getByRole('button', { name: call.hangUp, exact: true }).click();
      await callEl.getByText(call.callEnded, { exact: true }).waitFor();

      // The offline form of a closed queue, with when it opens, in the queue's zone.
      await site.open(page, visitorPage(base, pageLang, CLOSED_SITE, 'data-launcher="none"'));
      await callEl.getByRole('button', { name: call.callUs, exact: true }).click();
      const form = callEl.locator('warmline-offline-form');
      await form.getByRole('button', { name: queue.offlineSend, exact: true }).waitFor();
      const closed = (await (await fetch(`${base}/api/v1/sites/${CLOSED_SITE}/queues`)).json()) as { queues: Array<{ opensAt?: string; timezone?: string }> };
      const { opensAt, timezone } = closed.queues[0]!;
      assert.ok(opensAt && timezone, 'the closed queue says when it opens');
      // Worded by the browser's Intl in the page's language, in the queue's zone ("Sunday 09:00 GMT+3").
      const when = await page.evaluate(
        ([tag, at, timeZone]) => new Intl.DateTimeFormat(tag, { weekday: 'long', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone }).format(new Date(at!)),
        [pageLang, opensAt, timezone],
      );
      const why = (await form.locator('#why').innerText()).replace(/\s+/g, ' ').trim();
      const label = (CLOSED_QUEUE.labels as Record<string, string>)[code] ?? CLOSED_QUEUE.label;
      for (const sentence of [queue.offlineClosed(label), queue.offlineOpensAt(when), queue.offlineIntro]) {
        assert.ok(why.includes(sentence), `the offline form says "${sentence}": ${why}`);
      }
      for (const field of [queue.offlineName, queue.offlineContact, queue.offlineMessage]) await form.getByLabel(field, { exact: true }).waitFor();
      await assertOneScript(page, lang, 'the offline form');
      await shot(page, `${code}-offline`);

      // The agent console, once bob picks the language.
      const bob = await signInAnyLanguage(agentContext, base, 'bob');
      const bobErrors = watchErrors(bob);
      await bob.getByRole('combobox').filter({ has: bob.getByRole('option', { name: LANGUAGE_NAMES[code], exact: true }) }).selectOption({ label: LANGUAGE_NAMES[code] });
      await bob.getByRole('heading', { level: 1, name: `${agent.agentConsole} — Bob Chen`, exact: true }).waitFor();
      // Saved, then put on the softphone (English is also what the French browser gets: the heading alone proves nothing there).
      await until(() => bob.locator('warmline-softphone').getAttribute('lang').then((l) => l ?? ''), (l) => l === code, `the console's lang ${code}`);
      const presence = bob.getByRole('combobox', { name: agent.presence });
      assert.deepEqual((await presence.locator('option').allTextContents()).map((s) => s.trim()), [agent.available, agent.away]);
      const language = bob.getByRole('combobox', { name: agent.language });
      assert.deepEqual(
        (await language.locator('option').allTextContents()).map((s) => s.trim()),
        [agent.languageAuto, ...Object.values(LANGUAGE_NAMES)],
      );
      await bob.getByRole('heading', { name: agent.incoming, exact: true }).waitFor();
      await bob.getByRole('heading', { name: agent.chats, exact: true }).waitFor();
      await bob.getByRole('button', { name: agent.signOut, exact: true }).waitFor();
      await assertOneScript(bob, lang, 'the agent console');
      await shot(bob, `${code}-console`);

      assert.deepEqual(errors, []);
      assert.deepEqual(bobErrors, []);
    });
  }

  it('puts data-lang above the page and the browser, and switches an open chat with Warmline.setLanguage', async (t) => {
    const { server, browser } = env;
    const base = server.url;
    // A Russian page, a browser in Simplified Chinese, a script tag asking for Traditional Chinese.
    const [context] = await people(t, browser, { locale: 'zh-CN', viewport: FRENCH_BROWSER.viewport });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await site.open(page, visitorPage(base, 'ru', 'demo', 'data-lang="zh-TW"'));
    assert.equal(await page.evaluate(() => navigator.language), 'zh-CN');

    await page.locator('[data-warmline-launcher]').getByRole('button', { name: zhHant.openChat, exact: true }).click();
    const chat = page.locator('warmline-chat');
    const input = chat.locator('textarea');
    await chat.getByRole('textbox', { name: zhHant.message, exact: true }).waitFor();
    assert.equal(await chat.getAttribute('lang'), 'zh-TW');
    assert.equal(await input.getAttribute('placeholder'), zhHant.placeholder);
    await chat.getByText(zhHant.statusNew, { exact: true }).waitFor();
    await input.fill('Hello, is the grinder in stock?');
    await input.press('Enter');
    await chat.getByRole('log', { name: zhHant.messages, exact: true }).getByText('Hello, is the grinder in stock?').waitFor();
    await assertOneScript(page, LANGUAGES.find((l) => l.code === 'zh-Hant')!, 'the chat by data-lang');

    await page.evaluate(() => (window as unknown as { Warmline: { setLanguage(code: string | null): void } }).Warmline.setLanguage('ru'));
    await until(() => input.getAttribute('placeholder').then((p) => p ?? ''), (p) => p === ru.placeholder, 'the placeholder in Russian');
    assert.equal(await chat.getAttribute('lang'), 'ru');
    // The conversation goes on, its words now Russian: the message is still there, the status worded anew.
    await chat.getByRole('log', { name: ru.messages, exact: true }).getByText('Hello, is the grinder in stock?').waitFor();
    const waiting = [ru.statusNoAgents, ru.statusWaiting, ...placeTexts(ru, 1)];
    await until(() => chat.getByRole('dialog').locator('.subtitle').innerText(), (s) => waiting.includes(s), 'the chat status in Russian');
    assert.deepEqual(errors, []);
  });
});
