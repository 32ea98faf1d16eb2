/**
 * Calls through a real LiveKit server, when one is given: LIVEKIT_URL,
 * LIVEKIT_API_KEY and LIVEKIT_API_SECRET (a self-hosted `livekit-server
 * --dev` answers to devkey/secret, or a LiveKit Cloud project). No LiveKit
 * server can run on the build machines, and none is faked: without the
 * variables this reports that it skipped and why. With them: a visitor
 * calls, bob answers on his console, audio flows both ways (getStats), and
 * alice, a supervisor, listens in and hears the call.
 *
 * The server must be able to reach this machine's Warmline for webhooks
 * only if you want room events; this test does not depend on them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { audioRising, people, signInAgent, useServerAndBrowser } from '../support/e2e.js';

const NEEDED = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;
const missing = NEEDED.filter((name) => !process.env[name]);
const skip = missing.length
  ? `skipped: no LiveKit server to test against (set ${missing.join(', ')}; none can run on the build machines, and none is faked)`
  : false;

describe('calls through a real LiveKit server', { skip }, () => {
  const env = useServerAndBrowser({ WARMLINE_MEDIA: 'livekit' });

  it('connects a visitor and an agent with audio both ways, and lets a supervisor listen in', async (t) => {
    const { server, browser } = env;
    const size = { viewport: { width: 1400, height: 900 } };
    const [bobContext, aliceContext, shopContext] = await people(t, browser, size, size, {});
    const bob = await signInAgent(bobContext, server.url, 'bob');
    await bob.getByText('Ready for calls').waitFor();
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    await alice.getByRole('combobox', { name: 'Status' }).selectOption('away');

    const shop = await shopContext.newPage();
    await shop.goto(`${server.url}/products/copper-kettle`);
    await shop.getByRole('button', { name: 'Add to cart' }).click();
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('button', { name: 'An order or delivery' }).click();

    const callBar = bob.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).click();
    await bob.getByRole('region', { name: 'Customer context' }).getByText('Copper Pour-Over Kettle').first().waitFor();
    await shop.getByText('Connected with Bob Chen').waitFor({ timeout: 20_000 });
    const loaded = await shop.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(loaded.some((n) => /livekit/.test(n)), 'livekit-client loaded for the call');
    assert.ok(!loaded.some((n) => /sip-call-transport/.test(n)), 'sip.js did not');

    const visitorBytes = await audioRising(shop, 'warmline-call', 0, 20_000);
    const agentBytes = await audioRising(bob, 'warmline-softphone', 0, 20_000);
    await audioRising(shop, 'warmline-call', visitorBytes);
    await audioRising(bob, 'warmline-softphone', agentBytes);

    const live = alice.getByRole('region', { name: 'Live calls' });
    await live.getByRole('button', { name: /Listen/ }).first().click({ timeout: 20_000 });
    await live.getByText(/Listening to Bob Chen/).waitFor();
    await audioRising(alice, 'warmline-live-calls', 0, 20_000);

    await shop.getByRole('button', { name: 'Hang up' }).click();
    await callBar.getByText('Call ended').waitFor();
  });
});
