/**
 * The card stays live during a call, and navigating during one is never
 * silent, end to end with two real browsers against the real server and its
 * embedded SIP proxy: a visitor calls without opening the chat; the shop's
 * own dataLayer `add_to_cart` reaches the interaction's context within 2 s
 * while the call rings and again once it is connected; the browser asks
 * before a link would end the call (staying keeps it), and when the visitor
 * leaves anyway the next page reports where they went.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { people, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';

interface CardContext {
  page: { url: string };
  cart?: { items: Array<{ sku: string; qty: number }> };
  topic?: string;
}

/** What the shop's own script does on "Add to cart" (demo/assets/shop.js): GA4 ecommerce on the dataLayer. */
const addToCart = (shop: Page, item: { sku: string; name: string; price: number }) =>
  shop.evaluate((i) => {
    const layer = (window as unknown as { dataLayer: unknown[] }).dataLayer;
    layer.push({ ecommerce: null });
    layer.push({ event: 'add_to_cart', ecommerce: { currency: 'EUR', value: i.price, items: [{ item_id: i.sku, item_name: i.name, price: i.price, quantity: 1 }] } });
  }, item);

describe('the context of a call, live, across a navigation', () => {
  const env = useServerAndBrowser();

  it('follows the cart while ringing and connected, asks before a link ends the call, and reports the next page', async (t) => {
    const { server, browser } = env;
    const [agentContext, shopContext] = await people(t, browser, { viewport: { width: 1400, height: 900 } }, {});
    const agent = await signInAgent(agentContext, server.url, 'alice');
    await agent.getByText('Ready for calls').waitFor();
    const agentToken = await agent.evaluate(() => JSON.parse(sessionStorage.getItem('warmline.agent-session')!).token as string);

    // The card comes with the ring on alice's socket: her console asks nothing of its own over HTTP.
    const cardRequests: string[] = [];
    agent.on('request', (r) => void (r.url().includes('/api/v1/agent/interactions/') && cardRequests.push(r.url())));
    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    await shop.goto(`${server.url}/products/copper-kettle`);
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('group', { name: 'What is your call about?' }).getByRole('button', { name: 'Help choosing' }).click();
    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByText('Incoming call from Visitor').waitFor();
    await shop.getByText('Ringing…').waitFor();
    assert.equal(await shop.locator('warmline-chat[open]').count(), 0, 'no chat open');

    const interactionId = await shop.evaluate(() => JSON.parse(localStorage.getItem('warmline.chat.demo')!).interactionId as string);
    const card = async (): Promise<CardContext> => {
      const res = await fetch(`${server.url}/api/v1/agent/interactions/${interactionId}`, { headers: { authorization: `Bearer ${agentToken}` } });
      return ((await res.json()) as { interaction: { context: CardContext } }).interaction.context;
    };
    /** Reads the interaction's context until `check` holds, for at most `ms`. */
    const within = async (ms: number, what: string, check: (c: CardContext) => boolean) => {
      const started = Date.now();
      for (;;) {
        const context = await card();
        if (check(context)) return context;
        if (Date.now() - started > ms) assert.fail(`${what} within ${ms} ms; the context is ${JSON.stringify(context)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const hasItem = (sku: string) => (c: CardContext) => !!c.cart?.items.some((i) => i.sku === sku);
    // alice's own card, live on her console (pushed with the ring, then context frames).
    const agentCard = agent.getByRole('region', { name: 'Customer context' });

    // While it rings.
    await addToCart(shop, { sku: 'GRN-HAND-1', name: 'Hand Grinder', price: 45 });
    const ringing = await within(2000, 'the grinder added while ringing', hasItem('GRN-HAND-1'));
    assert.equal(ringing.topic, 'Help choosing', 'the topic stays on the card');
    await agentCard.getByText('Hand Grinder').first().waitFor({ timeout: 2000 });
    assert.equal(await callBar.getByRole('button', { name: 'Answer' }).count(), 1, 'still ringing');

    // Once connected.
    await callBar.getByRole('button', { name: 'Answer' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    await addToCart(shop, { sku: 'BEAN-ETH-250', name: 'Ethiopia Beans 250 g', price: 12 });
    await within(2000, 'the beans added during the call', hasItem('BEAN-ETH-250'));
    await agentCard.getByText('Ethiopia Beans 250 g').first().waitFor({ timeout: 2000 });
    await agentCard.getByText('Hand Grinder').first().waitFor();

    // A link mid-call: the browser asks first. Staying keeps the call.
    const dialogs: string[] = [];
    shop.once('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await shop.getByRole('link', { name: /^Cart/ }).click();
    await waitUntil(() => dialogs.length > 0);
    assert.deepEqual(dialogs, ['beforeunload']);
    await shop.waitForTimeout(500);
    assert.match(shop.url(), /\/products\/copper-kettle$/, 'still on the product page');
    await shop.getByText('Connected with Alice Martin').waitFor();
    await callBar.getByText('On a call with Visitor').waitFor();

    // Leaving anyway: the call ends, and the next page tells the agent where the visitor went.
    shop.once('dialog', (dialog) => void dialog.accept());
    const reported = shop.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/api/v1/interactions/current/context'));
    await shop.getByRole('link', { name: /^Cart/ }).click();
    await shop.waitForURL(/\/cart$/);
    await callBar.getByText('Call ended').waitFor();
    await callBar.getByText('The visitor left the page').waitFor();
    await reported;
    const after = await within(3000, 'the cart page on the card', (c) => c.page.url === `${server.url}/cart`);
    assert.ok(hasItem('BEAN-ETH-250')(after), 'the cart is still there');
    assert.ok(await shop.evaluate(() => sessionStorage.getItem('warmline.call-left.demo') === null), 'reported once');
    // alice's card, the call over and not yet closed, shows where the visitor went.
    await agentCard.getByText('Your cart — Bean & Brew').first().waitFor({ timeout: 3000 });
    assert.deepEqual(cardRequests, [], 'no request for the card');
    assert.deepEqual(shopErrors, []);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
