/**
 * Calls that survive the signaling server going away: two real browsers
 * with fake microphones in a call through the embedded SIP proxy, and the
 * real server in its own process killed (SIGKILL, a crash) or stopped
 * (SIGTERM, a deploy) mid-call, then started again on the same port and
 * data. The audio keeps flowing browser to browser meanwhile (getStats),
 * both sides say "reconnecting" and then "connected" again by themselves,
 * and afterwards every control reaches the other side: mute is heard as
 * silence, hold and resume, a key, a transfer (after the kill), the
 * hang-up. Then a new caller rings alice without anyone reloading a page.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { audioBecomes, audioRising, callStats, people, signInAgent, useServerAndBrowser } from '../support/e2e.js';
import { aliceInCall } from './call-scenario.js';

describe('a call survives the server going away and coming back', () => {
  const env = useServerAndBrowser();

  /** The bytes each side receives go on rising. */
  async function audioFlows(shop: Page, agent: Page) {
    await audioRising(shop, 'warmline-call', (await callStats(shop, 'warmline-call')).bytes);
    await audioRising(agent, 'warmline-softphone', (await callStats(agent, 'warmline-softphone')).bytes);
  }

  it('keeps the call through restarts in a row, each just after a hold and a resume (an ACK may die with the process)', async (t) => {
    const { server } = env;
    const { agent, shop, callBar, errors } = await aliceInCall(t, env);
    for (const signal of ['SIGKILL', 'SIGTERM', 'SIGKILL'] as const) {
      // Resume's 200 and its ACK are still on their way when the process goes: the visitor's phone then
      // sends the 200 again over its new WebSocket, and refuses a new re-INVITE (500, Retry-After) until acknowledged.
      await callBar.getByRole('button', { name: 'Hold' }).click();
      await shop.getByText('On hold. Please stay on the line.').waitFor();
      await callBar.getByRole('button', { name: 'Resume' }).click();
      await shop.getByText('Connected with Alice Martin').waitFor();
      await server.stop(signal);
      await shop.getByText('Reconnecting…').waitFor();
      await server.start();
      await callBar.getByText('On a call with Visitor').waitFor({ timeout: 20_000 });
      await agent.getByText('Ready for calls').waitFor();
      await shop.getByText('Connected with Alice Martin').waitFor({ timeout: 20_000 });
    }
    await callBar.getByRole('button', { name: 'Hold' }).click();
    await shop.getByText('On hold. Please stay on the line.').waitFor({ timeout: 15_000 });
    await audioRising(shop, 'warmline-call', (await callStats(shop, 'warmline-call')).bytes);
    await shop.getByRole('button', { name: 'Hang up' }).click();
    await callBar.getByText('Call ended').first().waitFor({ timeout: 5000 });
    assert.deepEqual(errors(), []);
  });

  it('keeps a caller waiting in line through a restart: the call is placed again by itself, at the same place', async (t) => {
    const { server, browser } = env;
    const [agentContext, shopContext] = await people(t, browser, {}, {});
    const agent = await signInAgent(agentContext, server.url, 'alice');
    await agent.getByText('Ready for calls').waitFor();
    await agent.getByRole('combobox', { name: 'Status' }).selectOption('away');
    await agent.getByText('Calls off while away').waitFor();
    const shop = await shopContext.newPage();
    await shop.goto(`${server.url}/`);
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('button', { name: 'Billing and refunds' }).click();
    await shop.getByText('You are next').waitFor();

    await server.stop('SIGKILL');
    await shop.getByText('Reconnecting…').waitFor();
    await server.start();
    await shop.getByText('You are next').waitFor({ timeout: 20_000 });
    // Still the same call: alice comes back and it rings her.
    await agent.getByRole('combobox', { name: 'Status' }).selectOption('available');
    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).click({ timeout: 20_000 });
    await shop.getByText('Connected with Alice Martin').waitFor();
    await shop.getByRole('button', { name: 'Hang up' }).click();
    await callBar.getByText('Call ended').first().waitFor();
  });

  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`keeps the call through a ${signal} and a restart, and every control works afterwards`, async (t) => {
      const { server } = env;
      const { agent, shop, callBar, errors } = await aliceInCall(t, env);

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
      let hangsUpOn = callBar;
      if (signal === 'SIGKILL') {
        // A transfer too: the call item came back to alice with the process, and bob takes it over.
        const [bobContext] = await people(t, env.browser, {});
        const bob = await signInAgent(bobContext, server.url, 'bob');
        await bob.getByText('Ready for calls').waitFor();
        await callBar.getByRole('button', { name: 'Transfer' }).click();
        const form = agent.getByRole('form', { name: 'Transfer to' });
        await form.getByRole('combobox', { name: 'Agent or queue' }).selectOption({ label: 'Bob Chen (available)' });
        await form.getByRole('button', { name: 'Transfer now' }).click();
        hangsUpOn = bob.getByRole('region', { name: 'Call' });
        await hangsUpOn.getByRole('button', { name: 'Answer' }).click();
        await shop.getByText('Connected with Bob Chen').waitFor();
        await audioRising(shop, 'warmline-call', (await callStats(shop, 'warmline-call')).bytes);
      }
      await shop.getByRole('button', { name: 'Hang up' }).click();
      await shop.getByText('You hung up.').waitFor();
      await hangsUpOn.getByText('Call ended').first().waitFor({ timeout: 5000 });

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
