/**
 * Keyboard only, end to end, with real browsers against the real server:
 * once a page has loaded, the visitor and the agent only press keys (Tab,
 * Shift+Tab, Enter, Escape, and typing), never click.
 *
 * - Chat: the visitor tabs to the launcher, opens the chat with Enter, lands
 *   in the text box, writes and sends with Enter; alice signs in, tabs to the
 *   offer, accepts it with Enter, lands in the composer and replies; the
 *   visitor closes the chat with Escape and is back on the launcher.
 * - Call: the visitor tabs to "Call us", opens it with Enter, lands on the
 *   first topic, moves between topics with Tab and Shift+Tab, calls with
 *   Enter; alice tabs to Answer and answers; the visitor tabs to Hang up and
 *   hangs up; Escape closes the panel, back on "Call us".
 *
 * On the way, axe-core checks the whole pages as they are (the shop with the
 * chat open and with the call panel, the console with an offer, a chat and
 * a call): the landmarks a widget brings must fit the page around it (no
 * second banner), and the console page has its main landmark.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { people, useServerAndBrowser, watchErrors } from '../support/e2e.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The element that has focus, looked for through shadow roots: its tag and its accessible name as the page gives it. */
async function focused(page: Page): Promise<{ tag: string; name: string }> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return { tag: '', name: '' };
    const labelledBy = el.getAttribute('aria-labelledby');
    const name =
      el.getAttribute('aria-label') ??
      (labelledBy ? (el.getRootNode() as Document | ShadowRoot).getElementById(labelledBy)?.textContent : null) ??
      (el.id ? (el.getRootNode() as Document | ShadowRoot).querySelector(`label[for="${el.id}"]`)?.textContent : null) ??
      el.closest('label')?.textContent ??
      el.textContent ??
      '';
    return { tag: el.localName, name: name.replace(/\s+/g, ' ').trim() };
  });
}

/** Presses Tab (or Shift+Tab) until the focused element is named `name`; fails after `max` presses. */
async function tabTo(page: Page, name: string | RegExp, { back = false, max = 60 } = {}): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    seen.push(`${now.tag} "${now.name}"`);
    if (typeof name === 'string' ? now.name === name : name.test(now.name)) return;
  }
  assert.fail(`Tab never reached ${name}; focus went through:\n${seen.join('\n')}`);
}

/** Waits until the focused element is named `name`. */
async function focusIs(page: Page, name: string | RegExp, tag?: string): Promise<void> {
  let now = { tag: '', name: '' };
  for (let i = 0; i < 50; i++) {
    now = await focused(page);
    if ((typeof name === 'string' ? now.name === name : name.test(now.name)) && (!tag || now.tag === tag)) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`focus is on ${now.tag} "${now.name}", not on ${tag ?? ''} ${name}`);
}

/** axe-core on the whole page as it is now (every default rule, any impact): its violations, listed. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const { violations } = await (window as unknown as { axe: { run(context: Document): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document);
    return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' » ')).join(', ')}`);
  });
}

async function signInWithKeyboard(page: Page, base: string, username: string) {
  await page.goto(`${base}/agent`);
  await page.getByLabel('Username').waitFor();
  await tabTo(page, 'Username', { max: 5 });
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await focusIs(page, 'Password');
  await page.keyboard.type('demo');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Agent console/ }).waitFor();
}

describe('keyboard only, end to end', () => {
  const env = useServerAndBrowser();

  it('chat: the visitor opens the chat, writes and closes it; the agent accepts and replies', async (t) => {
    const { server, browser } = env;
    const [shopContext, agentContext] = await people(t, browser, { viewport: { width: 1280, height: 800 } }, { viewport: { width: 1400, height: 900 } });
    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    await shop.goto(`${server.url}/`);
    await shop.locator('[data-warmline-launcher]').waitFor({ state: 'attached' });

    await tabTo(shop, /^Chat/);
    await shop.keyboard.press('Enter');
    await focusIs(shop, 'Message', 'textarea');
    const text = 'Typed with the keyboard only: is the grinder quiet?';
    await shop.keyboard.type(text);
    await shop.keyboard.press('Enter');
    const visitorLog = shop.getByRole('log', { name: 'Messages' });
    await visitorLog.getByText(text).waitFor();
    await focusIs(shop, 'Message', 'textarea');
    assert.deepEqual(await axeViolations(shop), [], 'the shop with the chat open');
    assert.equal(await shop.getByRole('banner').count(), 1, 'the shop’s header is the only banner, the chat open');

    const agent = await agentContext.newPage();
    const agentErrors = watchErrors(agent);
    await signInWithKeyboard(agent, server.url, 'alice');
    const offer = agent.getByRole('article', { name: /New chat request/ });
    await offer.getByText(text).waitFor();
    assert.deepEqual(await axeViolations(agent), [], 'the console with an offer');
    assert.equal(await agent.getByRole('main').count(), 1, 'the console page has its main landmark');
    await tabTo(agent, 'Accept');
    await agent.keyboard.press('Enter');
    await agent.getByRole('region', { name: 'Customer context' }).waitFor();
    await focusIs(agent, 'Message', 'textarea');
    const reply = 'Yes: it is the quietest we sell.';
    await agent.keyboard.type(reply);
    await agent.keyboard.press('Enter');
    await visitorLog.getByText(reply).waitFor();
    await shop.getByText('You are chatting with Alice Martin.').waitFor();
    assert.deepEqual(await axeViolations(agent), [], 'the console in a chat');

    await shop.keyboard.press('Escape');
    await shop.getByRole('dialog').waitFor({ state: 'hidden' });
    await focusIs(shop, /^Chat with us/, 'button');

    // Leave alice free for the call below.
    await tabTo(agent, 'End chat', { back: true });
    await agent.keyboard.press('Enter');
    await agent.getByRole('textbox', { name: 'Message' }).waitFor({ state: 'detached' });
    assert.deepEqual(shopErrors, []);
    assert.deepEqual(agentErrors, []);
  });

  it('call: the visitor calls and hangs up; the agent answers', async (t) => {
    const { server, browser } = env;
    const [shopContext, agentContext] = await people(t, browser, { viewport: { width: 1280, height: 800 } }, { viewport: { width: 1400, height: 900 } });
    const agent = await agentContext.newPage();
    const agentErrors = watchErrors(agent);
    await signInWithKeyboard(agent, server.url, 'alice');
    await agent.getByText('Ready for calls').waitFor();

    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    await shop.goto(`${server.url}/`);
    await shop.locator('warmline-call').getByRole('button', { name: 'Call us' }).waitFor();

    await tabTo(shop, 'Call us');
    await shop.keyboard.press('Enter');
    await focusIs(shop, 'Help choosing', 'button');
    await shop.keyboard.press('Tab');
    await focusIs(shop, /^An order or delivery/, 'button');
    await shop.keyboard.press('Shift+Tab');
    await focusIs(shop, 'Help choosing', 'button');
    assert.deepEqual(await axeViolations(shop), [], 'the shop with the call panel');
    assert.equal(await shop.getByRole('banner').count(), 1, 'the shop’s header is the only banner, the call panel open');
    await shop.keyboard.press('Enter');

    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).waitFor();
    await shop.getByText('Ringing…').waitFor();
    assert.deepEqual(await axeViolations(agent), [], 'the console with a call ringing');
    await tabTo(agent, 'Answer');
    await agent.keyboard.press('Enter');
    await callBar.getByText('On a call with Visitor').waitFor();
    await focusIs(agent, 'Call', 'section');
    await shop.getByText('Connected with Alice Martin').waitFor();
    assert.deepEqual(await axeViolations(agent), [], 'the console in a call');
    assert.deepEqual(await axeViolations(shop), [], 'the shop in a call');

    // Focus stayed in the panel while the call was placed: Tab reaches Hang up.
    await focusIs(shop, 'Call us', 'section');
    await tabTo(shop, 'Hang up', { max: 5 });
    await shop.keyboard.press('Enter');
    await shop.getByText('You hung up.').waitFor();
    await callBar.getByText('Call ended').waitFor();
    await focusIs(shop, 'Call us', 'section');
    await shop.keyboard.press('Escape');
    await focusIs(shop, 'Call us', 'button');
    assert.deepEqual(shopErrors, []);
    assert.deepEqual(agentErrors, []);
  });
});
