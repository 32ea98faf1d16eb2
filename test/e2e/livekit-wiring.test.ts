/**
 * The LiveKit media path wired end to end in real browsers, as far as it
 * goes without a LiveKit server (none can run on the build machines, and
 * none is faked; livekit.test.ts runs against a real one when given). The
 * server runs with `media: livekit` and a LiveKit URL nobody answers at:
 * the visitor's call is queued and rings on bob's console with the
 * customer's card; the visitor's browser loads livekit-client (never
 * sip.js), cannot reach the room, says the connection was lost, and gives
 * up the call, which stops bob's phone ringing. alice, a supervisor, has the
 * Live calls section.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { people, serverPresence, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';

describe('the LiveKit path, wired through the widgets and the console (no LiveKit server)', () => {
  const env = useServerAndBrowser({
    WARMLINE_MEDIA: 'livekit',
    // Port 9 (discard): nothing answers there, so joining a room fails fast.
    LIVEKIT_URL: 'ws://127.0.0.1:9',
    LIVEKIT_API_KEY: 'APIwiring',
    LIVEKIT_API_SECRET: 'livekit-wiring-secret-0123456789',
  });

  it('queues and rings the call on the console with the card, loads livekit-client only, and ends cleanly when the room cannot be reached', async (t) => {
    const { server, browser } = env;
    const size = { viewport: { width: 1400, height: 900 } };
    const [bobContext, aliceContext, shopContext] = await people(t, browser, size, size, {});
    const bob = await signInAgent(bobContext, server.url, 'bob');
    await bob.getByText('Ready for calls').waitFor();
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    await alice.getByRole('combobox', { name: 'Status' }).selectOption('away');
    // Away as the server has it before the call: else it could be offered to her first.
    await serverPresence(alice, server.url, 'alice', 'away');
    await alice.getByText('No calls in progress.').waitFor();

    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    await shop.goto(`${server.url}/products/copper-kettle`);
    await shop.getByRole('button', { name: 'Add to cart' }).click();
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('button', { name: 'An order or delivery' }).click();

    // The routing engine offered it to bob: his console rings (no SIP INVITE on this path).
    const callBar = bob.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).waitFor();
    await bob.getByRole('region', { name: 'Customer context' }).getByText('Copper Pour-Over Kettle').first().waitFor();

    await shop.getByText('The connection was lost.').waitFor({ timeout: 30_000 });
    await callBar.getByRole('button', { name: 'Answer' }).waitFor({ state: 'detached', timeout: 10_000 });

    const shopLoaded = await shop.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(shopLoaded.some((n) => /livekit-call-transport/.test(n)), 'the LiveKit transport loaded for the call');
    assert.ok(!shopLoaded.some((n) => /sip-call-transport/.test(n)), 'sip.js did not');
    const bobLoaded = await bob.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(!bobLoaded.some((n) => /agent-sip-phone/.test(n)), 'the console did not load sip.js in LiveKit mode');
    assert.ok(bobLoaded.some((n) => /agent-livekit-phone/.test(n)), 'it loaded the LiveKit phone');
    assert.deepEqual(shopErrors, []);
  });
});
