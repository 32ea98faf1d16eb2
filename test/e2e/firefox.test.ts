/**
 * The visitor's side in Firefox: the system's Firefox (puppeteer-core over
 * WebDriver BiDi, fake microphone, test/support/firefox.ts) on the demo
 * shop, alice in the agent console in Chromium as everywhere else. A chat,
 * across a server restart, and a call through the embedded SIP proxy with
 * audio both ways (getStats on both sides) and a hang-up that ends alice's
 * call too.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'puppeteer-core';
import { audioRising, people, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';
import { firefoxAudioRising, iceAddress, iceAddressProblem, launchFirefox, watchFirefoxErrors } from '../support/firefox.js';

/** A visitor of their own (a fresh Firefox profile context) on `url`. */
async function visitorPage(t: TestContext, firefox: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await firefox.createBrowserContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = watchFirefoxErrors(page);
  await page.goto(url);
  return { page, errors };
}

// Puppeteer's ARIA selectors find nothing inside the widgets' shadow roots in Firefox (only in
// the document), so text and CSS selectors, which pierce shadow roots.
/** The element that shows `text`, shadow roots included: a button by its label, a line of status. */
const byText = (page: Page, text: string) => page.locator(`::-p-text(${text})`);
/** Waits until `text` shows. (Visible, which also makes Puppeteer poll: a change inside a shadow root is no mutation of the document.) */
const waitForText = (page: Page, text: string, timeout = 10_000) => page.waitForSelector(`::-p-text(${text})`, { visible: true, timeout });
const chatLauncher = (page: Page) => page.locator('pierce/button[aria-label="Chat with us"]');
const chatMessage = (page: Page) => page.locator('warmline-chat >>> textarea');

// Without a non-loopback interface, Firefox has no ICE candidate to offer: said, not faked.
describe('the visitor in Firefox', { skip: iceAddressProblem() }, () => {
  // The Firefox page loads the shop from a non-loopback address, so the server listens beyond loopback.
  const env = useServerAndBrowser({ HOST: '0.0.0.0' });
  let firefox: Browser | undefined;
  let address: ReturnType<typeof iceAddress> | undefined;
  before(async () => {
    address = iceAddress();
    firefox = await launchFirefox();
  });
  after(async () => {
    await firefox?.close();
    address?.remove();
  });
  const shopOrigin = () => `http://${address!.address}:${env.server.port}`;
  const agentOrigin = () => `http://127.0.0.1:${env.server.port}`;

  it('chats with alice, and the conversation carries on across a server restart', async (t) => {
    const { server, browser } = env;
    const { page: shop, errors: shopErrors } = await visitorPage(t, firefox!, `${shopOrigin()}/`);
    await chatLauncher(shop).click();
    await chatMessage(shop).fill('Hello from Firefox! Is the kettle in stock?');
    await shop.keyboard.press('Enter');
    await waitForText(shop, 'No one is available right now');

    const [agentContext] = await people(t, browser, {});
    const agent = await signInAgent(agentContext, agentOrigin(), 'alice');
    const agentErrors = watchErrors(agent);
    const offer = agent.getByRole('article', { name: /New chat request/ });
    await offer.getByText('Is the kettle in stock?').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await waitForText(shop, 'You are chatting with Alice Martin.');
    const composer = agent.getByRole('textbox', { name: 'Message' });
    await composer.fill('Yes, we ship it tomorrow.');
    await composer.press('Enter');
    await waitForText(shop, 'Yes, we ship it tomorrow.');

    // The server dies; the visitor writes while it is down, and it arrives once it is back.
    await server.stop('SIGKILL');
    await waitForText(shop, 'Reconnecting');
    const during = 'Still there? (sent while the server was down)';
    await chatMessage(shop).fill(during);
    await shop.keyboard.press('Enter');
    await server.start();
    const agentLog = agent.getByRole('log', { name: 'Messages' });
    await agentLog.getByText(during).waitFor({ timeout: 20_000 });
    await composer.fill('Still here.');
    await composer.press('Enter');
    await waitForText(shop, 'Still here.', 20_000);
    assert.equal(await agentLog.getByText(during).count(), 1, 'the agent sees it once');

    assert.deepEqual(shopErrors, []);
    assert.deepEqual(agentErrors, []);
  });

  it('calls alice, audio flows both ways, and hanging up ends her call too', async (t) => {
    const { browser } = env;
    const [agentContext] = await people(t, browser, {});
    const agent = await signInAgent(agentContext, agentOrigin(), 'alice');
    const agentErrors = watchErrors(agent);
    await agent.getByText('Ready for calls').waitFor();

    const { page: shop, errors: shopErrors } = await visitorPage(t, firefox!, `${shopOrigin()}/`);
    await byText(shop, 'Call us').click();
    await byText(shop, 'Help choosing').click();
    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByText('Incoming call from Visitor').waitFor();
    await waitForText(shop, 'Ringing…');
    await callBar.getByRole('button', { name: 'Answer' }).click();
    await waitForText(shop, 'Connected with Alice Martin');
    await callBar.getByText('On a call with Visitor').waitFor();

    // Audio both ways: the bytes each side receives keep rising.
    const visitorBytes = await firefoxAudioRising(shop, 'warmline-call', 0);
    const agentBytes = await audioRising(agent, 'warmline-softphone', 0);
    await firefoxAudioRising(shop, 'warmline-call', visitorBytes);
    await audioRising(agent, 'warmline-softphone', agentBytes);

    await byText(shop, 'Hang up').click();
    await waitForText(shop, 'You hung up.');
    await callBar.getByText('Call ended').waitFor();
    assert.deepEqual(shopErrors, []);
    assert.deepEqual(agentErrors, []);
  });
});
