/**
 * The first complete journey, with two real browsers against the real server:
 * a visitor adds a product to the cart with the shop's own button, opens the
 * chat and writes; alice accepts and sees the product, the cart total and the
 * page at once; they talk; the visitor reloads and keeps the history; the
 * server is killed mid-conversation and a message written meanwhile arrives
 * exactly once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { shouldWriteScreenshots, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';

describe('chat end to end: the agent sees the visitor’s page and cart without asking', () => {
  const env = useServerAndBrowser();

  it('carries the context, survives a reload and a server restart, and delivers exactly once', async () => {
    const { server, browser } = env;
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const shop = await visitorContext.newPage();
    const shopErrors = watchErrors(shop);
    await shop.goto(`${server.url}/`);
    await shop.getByRole('link', { name: /Copper Pour-Over Kettle/ }).click();
    await shop.getByRole('button', { name: 'Add to cart' }).click();
    await shop.getByText('Added 1 × Copper Pour-Over Kettle to your cart.').waitFor();

    // Before any click the page has not loaded the chat, nor anything for calls but the button the shop placed.
    const loaded = () => shop.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
    const before = await loaded();
    assert.ok(!before.includes('/widgets/warmline-chat.js'), 'the chat is not loaded before a click');
    assert.ok(!before.some((p) => p.includes('sip-call-transport')), 'sip.js is not loaded');

    await shop.getByRole('button', { name: /Chat/ }).click();
    const message = shop.getByRole('textbox', { name: 'Message' });
    await message.waitFor();
    assert.ok((await loaded()).includes('/widgets/warmline-chat.js'), 'the chat loaded on the click');
    await message.fill('Hello! Does this kettle work on induction?');
    await message.press('Enter');
    const visitorLog = shop.getByRole('log', { name: 'Messages' });
    await visitorLog.getByText('Hello! Does this kettle work on induction?').waitFor();
    await shop.getByText('No one is available right now').waitFor();

    const agentContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const agent = await signInAgent(agentContext, server.url, 'alice');
    const agentErrors = watchErrors(agent);
    const offer = agent.getByRole('article', { name: /New chat request/ });
    await offer.getByText('Does this kettle work on induction?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();

    const card = agent.getByRole('region', { name: 'Customer context' });
    await card.waitFor();
    const cardText = (await card.innerText()).replace(/\s+/g, ' ');
    assert.match(cardText, /Copper Pour-Over Kettle/, 'the product is on the card');
    assert.match(cardText, /Total €59\.00/, 'the cart total is on the card');
    assert.ok(cardText.includes(`${server.url}/products/copper-kettle`), 'the page URL is on the card');
    assert.match(cardText, /Bean & Brew/, 'the journey is on the card');
    await shop.getByText('You are chatting with Alice Martin.').waitFor();

    const composer = agent.getByRole('textbox', { name: 'Message' });
    await composer.fill('Yes, it works on gas, electric and induction hobs.');
    await composer.press('Enter');
    await visitorLog.getByText('Yes, it works on gas, electric and induction hobs.').waitFor();

    // The cart changes during the chat: the card follows live.
    await shop.getByRole('spinbutton', { name: 'Quantity' }).fill('2');
    await shop.getByRole('button', { name: 'Add to cart' }).click();
    await card.getByText('€177.00').waitFor();

    if (shouldWriteScreenshots) {
      await shop.screenshot({ path: 'docs/screenshot-shop.png' });
      await agent.screenshot({ path: 'docs/screenshot-agent.png' });
    }

    // A reload keeps the conversation.
    await shop.reload();
    await shop.getByRole('log', { name: 'Messages' }).getByText('Yes, it works on gas, electric and induction hobs.').waitFor();
    await shop.getByRole('log', { name: 'Messages' }).getByText('Hello! Does this kettle work on induction?').waitFor();

    // Moving to another page of the shop: the chat follows, open, with its history.
    await shop.getByRole('link', { name: /^Cart/ }).click();
    await shop.getByRole('heading', { name: 'Your cart' }).waitFor();
    await shop.getByRole('log', { name: 'Messages' }).getByText('Yes, it works on gas, electric and induction hobs.').waitFor();
    await card.getByText(`${server.url}/cart`).waitFor();

    // The server dies mid-conversation; the visitor writes while it is down.
    await server.stop('SIGKILL');
    await shop.getByText(/Reconnecting|Connection lost/).first().waitFor();
    const during = 'Are you still there? (sent while the server was down)';
    await shop.getByRole('textbox', { name: 'Message' }).fill(during);
    await shop.getByRole('textbox', { name: 'Message' }).press('Enter');
    await shop.getByText('Sending').waitFor();
    await server.start();

    const agentLog = agent.getByRole('log', { name: 'Messages' });
    await agentLog.getByText(during).waitFor({ timeout: 20_000 });
    await shop.getByRole('log', { name: 'Messages' }).getByText(during).waitFor();
    await waitForStatus(shop, during, 'Read');
    assert.equal(await agentLog.getByText(during).count(), 1, 'the agent sees it once');
    assert.equal(await shop.getByRole('log', { name: 'Messages' }).getByText(during).count(), 1, 'the visitor sees it once');
    const agentToken = await agent.evaluate(() => JSON.parse(sessionStorage.getItem('warmline.agent-session')!).token as string);
    const interactionId = await shop.evaluate(() => JSON.parse(localStorage.getItem('warmline.chat.demo')!).interactionId as string);
    const res = await fetch(`${server.url}/api/v1/agent/interactions/${interactionId}`, { headers: { authorization: `Bearer ${agentToken}` } });
    const { interaction } = (await res.json()) as { interaction: { messages: Array<{ text: string }> } };
    assert.equal(interaction.messages.filter((m) => m.text === during).length, 1, 'stored once');

    assert.deepEqual(shopErrors, []);
    assert.deepEqual(agentErrors, []);
  });
});

/** Waits until the visitor's message shows the given delivery state. */
async function waitForStatus(page: Page, text: string, status: string) {
  await page.waitForFunction(
    ([t, s]) => {
      const list = document.querySelector('warmline-chat')?.shadowRoot?.querySelector('warmline-message-list')?.shadowRoot;
      const item = [...(list?.querySelectorAll('li') ?? [])].find((li) => li.textContent?.includes(t!));
      return item?.textContent?.includes(s!);
    },
    [text, status],
    { timeout: 15_000 },
  );
}
