/**
 * Click-to-call end to end, with two real browsers and fake microphones
 * against the real server and its embedded SIP proxy: the visitor with a
 * product in the cart calls, alice's softphone rings with the product and the
 * chat so far, audio flows both ways (getStats), hold and resume reach the
 * visitor, a key the visitor presses reaches alice, and hanging up ends the
 * call on both sides.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { people, shouldWriteScreenshots, signInAgent, useServerAndBrowser } from '../support/e2e.js';
import { callJourney, visitorCallsBob } from './call-scenario.js';

describe('calls end to end through the embedded SIP proxy', () => {
  const env = useServerAndBrowser();

  it('rings alice with the context, carries audio both ways, holds, passes DTMF and hangs up on both sides', (t) => callJourney(t, env));

  it('stops alice’s phone ringing when the visitor hangs up first', async (t) => {
    const { shop, callBar } = await visitorCallsBob(t, env);
    await callBar.getByRole('button', { name: 'Answer' }).waitFor();
    await shop.getByText('Ringing…').waitFor();
    await shop.getByRole('button', { name: 'Hang up' }).click();
    await callBar.getByText('Call ended').waitFor();
    assert.equal(await callBar.getByRole('button', { name: 'Answer' }).count(), 0, 'the ringing stopped');
    await shop.getByText('You hung up.').waitFor();
  });

  it('holds a call in line while the only billing agent is away, and rings her when she is back', async (t) => {
    const { server, browser } = env;
    const [agentContext, shopContext] = await people(t, browser, {}, {});
    const agent = await signInAgent(agentContext, server.url, 'alice');
    await agent.getByText('Ready for calls').waitFor();
    await agent.getByRole('combobox', { name: 'Status' }).selectOption('away');
    await agent.getByText('Calls off while away').waitFor();
    // Her phone unregistered for real (its REGISTER carries her credential again): no phone is registered.
    const phones = async () => ((await (await fetch(`${server.url}/healthz`)).json()) as { sip: { phones: number } }).sip.phones;
    for (let i = 0; i < 50 && (await phones()) > 0; i++) await agent.waitForTimeout(100);
    assert.equal(await phones(), 0);
    const shop = await shopContext.newPage();
    await shop.goto(`${server.url}/`);
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('button', { name: 'Billing and refunds' }).click();
    await shop.getByText('You are next').waitFor();
    assert.equal(await agent.getByRole('region', { name: 'Call' }).count(), 0, 'alice’s phone did not ring while she was away');
    await agent.getByRole('combobox', { name: 'Status' }).selectOption('available');
    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).waitFor();
    await shop.getByText('Ringing…').waitFor();
    await shop.getByRole('button', { name: 'Hang up' }).click();
    await callBar.getByText('Call ended').waitFor();
  });

  it('shows a button to start the sound when the browser blocks playback', async (t) => {
    const { server, browser } = env;
    const [agentContext, shopContext] = await people(t, browser, {}, {});
    const agent = await signInAgent(agentContext, server.url, 'bob');
    await agent.getByText('Ready for calls').waitFor();
    // Chromium lets a page that uses the microphone play sound; Safari on iOS may not. Refuse the
    // first play() as such a browser does, and pass every later one through.
    await shopContext.addInitScript(() => {
      const play = HTMLMediaElement.prototype.play;
      let refused = false;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        if (!refused) {
          refused = true;
          return Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError'));
        }
        return play.call(this);
      };
    });
    const shop = await shopContext.newPage();
    await shop.goto(`${server.url}/`);
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('button', { name: 'Help choosing' }).click();
    await agent.getByRole('region', { name: 'Call' }).getByRole('button', { name: 'Answer' }).click();
    const start = shop.getByRole('button', { name: 'Turn on sound' });
    await start.click();
    await start.waitFor({ state: 'detached' });
    assert.equal(await shop.locator('warmline-call').evaluate((el) => (el.shadowRoot!.querySelector('audio') as HTMLAudioElement).paused), false);
    await shop.getByRole('button', { name: 'Hang up' }).click();
  });
});
