/**
 * Calls that survive the signaling server going away: two real browsers
 * with fake microphones in a call through the embedded SIP proxy, and the
 * real server in its own process killed (SIGKILL, a crash) or stopped
 * (SIGTERM, a deploy) mid-call, then started again on the same port and
 * data. The audio keeps flowing browser to browser meanwhile (getStats),
 * both sides say "reconnecting" and then "connected" again by themselves,
 * and afterwards every control reaches the other side: mute is heard as
 * silence, hold and resume, a key, the hang-up. Then a new caller rings
 * alice without anyone reloading a page.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { audioBecomes, audioRising, callStats, people, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';

describe('a call survives the server going away and coming back', () => {
  const env = useServerAndBrowser();

  /** alice and a visitor in a call, audio flowing both ways. */
  async function inCall(t: TestContext) {
    const { server, browser } = env;
    const [agentContext, shopContext] = await people(t, browser, {}, {});
    const agent = await signInAgent(agentContext, server.url, 'alice');
    const agentErrors = watchErrors(agent);
    await agent.getByText('Ready for calls').waitFor();
    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    await shop.goto(`${server.url}/`);
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('button', { name: 'Help choosing' }).click();
    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    await callBar.getByText('On a call with Visitor').waitFor();
    await audioRising(shop, 'warmline-call', 0);
    await audioRising(agent, 'warmline-softphone', 0);
    return { agent, shop, callBar, errors: () => [...agentErrors, ...shopErrors] };
  }

  /** The bytes each side receives go on rising. */
  async function audioFlows(shop: Page, agent: Page) {
    await audioRising(shop, 'warmline-call', (await callStats(shop, 'warmline-call')).bytes);
    await audioRising(agent, 'warmline-softphone', (await callStats(agent, 'warmline-softphone')).bytes);
  }

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`keeps the call through a ${signal} and a restart, and every control works afterwards`, async (t) => {
      const { server } = env;
      const { agent, shop, callBar, errors } = await inCall(t);

      await server.stop(signal);
      // Both sides say so, and the audio goes on browser to browser.
      await shop.getByText('Reconnecting…').waitFor();
      await callBar.getByText('Reconnecting the call with Visitor…').waitFor();
      await agent.getByText('Reconnecting the phone…').waitFor();
      await audioFlows(shop, agent);
      await agent.waitForTimeout(1000);
      await audioFlows(shop, agent);

      await server.start();
      await shop.getByText('Connected with Alice Martin').waitFor({ timeout: 20_000 });
      await callBar.getByText('On a call with Visitor').waitFor({ timeout: 20_000 });
      await agent.getByText('Ready for calls').waitFor();
      await audioFlows(shop, agent);

      // Through the new process: mute is heard as silence, hold and resume reach the visitor, a key reaches alice.
      await shop.getByRole('button', { name: 'Mute' }).click();
      assert.ok(await audioBecomes(agent, 'warmline-softphone', 'quiet'), 'the visitor is muted');
      await shop.getByRole('button', { name: 'Mute' }).click();
      assert.ok(await audioBecomes(agent, 'warmline-softphone', 'audible'), 'the visitor is heard again');
      await callBar.getByRole('button', { name: 'Hold' }).click();
      await shop.getByText('On hold. Please stay on the line.').waitFor();
      await callBar.getByRole('button', { name: 'Resume' }).click();
      await shop.getByText('Connected with Alice Martin').waitFor();
      await shop.getByRole('button', { name: 'Keypad' }).click();
      await shop.getByRole('button', { name: 'Key 5' }).click();
      await callBar.getByText('Keys pressed: 5').waitFor();
      await shop.getByRole('button', { name: 'Hang up' }).click();
      await shop.getByText('You hung up.').waitFor();
      await callBar.getByText('Call ended').waitFor({ timeout: 5000 });

      // A new caller rings alice with the card, nobody having reloaded anything.
      const [secondContext] = await people(t, env.browser, {});
      const second = await secondContext.newPage();
      await second.goto(`${server.url}/products/copper-kettle`);
      await second.getByRole('button', { name: 'Add to cart' }).click();
      await second.getByRole('button', { name: 'Call us' }).click();
      await second.getByRole('button', { name: 'Help choosing' }).click();
      await agent.getByRole('button', { name: 'Answer' }).waitFor();
      await agent.getByRole('region', { name: 'Customer context' }).getByText('Copper Pour-Over Kettle').first().waitFor();
      await second.getByRole('button', { name: 'Hang up' }).click();
      await agent.getByRole('button', { name: 'Answer' }).waitFor({ state: 'detached' });
      assert.deepEqual(errors(), []);
    });
  }
});
