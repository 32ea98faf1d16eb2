/**
 * The click-to-call journey every SIP path must pass, one body for all of
 * them (the embedded proxy in call-journey.test.ts, Kamailio in
 * kamailio.test.ts), so the paths cannot drift apart: the visitor with a
 * product in the cart and a word in the chat calls; alice's softphone rings
 * with the product and the chat so far; she answers; audio flows both ways
 * (getStats), mute is heard at the other end, hold and resume reach the
 * visitor, a key the visitor presses reaches alice, and hanging up ends the
 * call on both sides.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { audioBecomes, audioRising, callStats, energyOver, people, shouldWriteScreenshots, signInAgent, watchErrors, type ServerProcess } from '../support/e2e.js';
import type { TestHost } from '../support/netns.js';

export async function callJourney(t: TestContext, env: { readonly server: ServerProcess; readonly browser: Browser }, options: { screenshots?: boolean } = {}) {
  const screenshots = shouldWriteScreenshots && options.screenshots !== false;
  const { server, browser } = env;
  const [agentContext, shopContext] = await people(t, browser, { viewport: { width: 1400, height: 900 } }, {});
  const agent = await signInAgent(agentContext, server.url, 'alice');
  const agentErrors = watchErrors(agent);
  await agent.getByText('Ready for calls').waitFor();

  const shop = await shopContext.newPage();
  const shopErrors = watchErrors(shop);
  await shop.goto(`${server.url}/products/copper-kettle`);
  await shop.getByRole('button', { name: 'Add to cart' }).click();
  // A word in the chat first: the call joins the same conversation.
  await shop.getByRole('button', { name: /Chat/ }).click();
  await shop.getByRole('textbox', { name: 'Message' }).fill('I would rather talk. Can I call?');
  await shop.getByRole('textbox', { name: 'Message' }).press('Enter');
  await shop.getByRole('log', { name: 'Messages' }).getByText('I would rather talk. Can I call?').waitFor();

  const loadedBefore = await shop.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
  assert.ok(!loadedBefore.some((name) => /sip-call-transport/.test(name)), 'sip.js is not loaded before the call');

  await shop.getByRole('button', { name: 'Call us' }).click();
  await shop.getByRole('group', { name: 'What is your call about?' }).getByRole('button', { name: 'Help choosing' }).click();

  const callBar = agent.getByRole('region', { name: 'Call' });
  await callBar.getByText('Incoming call from Visitor').waitFor();
  const card = agent.getByRole('region', { name: 'Customer context' });
  await card.getByText('Copper Pour-Over Kettle').first().waitFor();
  assert.match((await card.innerText()).replace(/\s+/g, ' '), /Total €59\.00/);
  await agent.getByRole('log', { name: 'Chat so far' }).getByText('I would rather talk. Can I call?').waitFor();
  assert.ok(
    (await shop.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))).some((name) => /sip-call-transport/.test(name)),
    'sip.js loaded when the call started',
  );
  await shop.getByText('Ringing…').waitFor();
  if (screenshots) await agent.screenshot({ path: 'docs/screenshot-call-ringing.png' });

  await callBar.getByRole('button', { name: 'Answer' }).click();
  await shop.getByText('Connected with Alice Martin').waitFor();
  await callBar.getByText('On a call with Visitor').waitFor();

  // Audio both ways: the bytes each side receives keep rising.
  const visitorBytes = await audioRising(shop, 'warmline-call', 0);
  const agentBytes = await audioRising(agent, 'warmline-softphone', 0);
  await audioRising(shop, 'warmline-call', visitorBytes);
  await audioRising(agent, 'warmline-softphone', agentBytes);

  // Only host candidates: no STUN was configured, and sip.js's public default is never used.
  assert.deepEqual([...new Set((await callStats(shop, 'warmline-call')).candidates)], ['host']);
  assert.deepEqual([...new Set((await callStats(agent, 'warmline-softphone')).candidates)], ['host']);

  // Mute silences the visitor at alice's end, and unmute brings the sound back; the same the other way.
  assert.ok((await energyOver(agent, 'warmline-softphone')) > 0.01, 'alice hears the visitor');
  await shop.getByRole('button', { name: 'Mute' }).click();
  assert.ok(await audioBecomes(agent, 'warmline-softphone', 'quiet'), 'the visitor is muted');
  await shop.getByRole('button', { name: 'Mute' }).click();
  assert.ok(await audioBecomes(agent, 'warmline-softphone', 'audible'), 'the visitor is heard again');
  await callBar.getByRole('button', { name: 'Mute' }).click();
  assert.ok(await audioBecomes(shop, 'warmline-call', 'quiet'), 'alice is muted');
  await callBar.getByRole('button', { name: 'Mute' }).click();
  assert.ok(await audioBecomes(shop, 'warmline-call', 'audible'), 'alice is heard again');

  await callBar.getByRole('button', { name: 'Hold' }).click();
  await shop.getByText('On hold. Please stay on the line.').waitFor();
  await callBar.getByRole('button', { name: 'Resume' }).click();
  await shop.getByText('Connected with Alice Martin').waitFor();

  await shop.getByRole('button', { name: 'Keypad' }).click();
  await shop.getByRole('button', { name: 'Key 1' }).click();
  await callBar.getByText('Keys pressed: 1').waitFor();
  if (screenshots) await shop.screenshot({ path: 'docs/screenshot-call-visitor.png' });

  await shop.getByRole('button', { name: 'Hang up' }).click();
  await shop.getByText('You hung up.').waitFor();
  await callBar.getByText('Call ended').waitFor();

  const interactionId = await shop.evaluate(() => JSON.parse(localStorage.getItem('warmline.chat.demo')!).interactionId as string);
  const token = await agent.evaluate(() => JSON.parse(sessionStorage.getItem('warmline.agent-session')!).token as string);
  const res = await fetch(`${server.url}/api/v1/agent/interactions/${interactionId}`, { headers: { authorization: `Bearer ${token}` } });
  const { interaction } = (await res.json()) as { interaction: { context: { topic?: string }; messages: Array<{ text: string }> } };
  assert.equal(interaction.context.topic, 'Help choosing', 'the chosen topic is in the context');
  assert.ok(interaction.messages.some((m) => m.text === 'I would rather talk. Can I call?'), 'the call used the chat’s interaction');
  assert.deepEqual(shopErrors, []);
  assert.deepEqual(agentErrors, []);
}

/** alice ready for calls, and a visitor on the shop whose call about choosing she has answered: audio flows both ways. */
export async function aliceInCall(t: TestContext, env: { readonly server: ServerProcess; readonly browser: Browser }) {
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
  return { agent, shop, callBar, shopContext, errors: () => [...agentErrors, ...shopErrors] };
}

/** bob ready for calls, and a visitor on the shop calling about an order: his call bar, ringing or about to. */
export async function visitorCallsBob(t: TestContext, env: { readonly server: ServerProcess; readonly browser: Browser }) {
  const { server, browser } = env;
  const [agentContext, shopContext] = await people(t, browser, {}, {});
  const agent = await signInAgent(agentContext, server.url, 'bob');
  await agent.getByText('Ready for calls').waitFor();
  const shop = await shopContext.newPage();
  await shop.goto(`${server.url}/`);
  await shop.getByRole('button', { name: 'Call us' }).click();
  await shop.getByRole('button', { name: 'An order or delivery' }).click();
  return { agent, shop, callBar: agent.getByRole('region', { name: 'Call' }) };
}

/** The local address of the candidate pair ICE uses now, in the call held by `tag`. */
function selectedAddress(page: Page, tag: 'warmline-call' | 'warmline-softphone'): Promise<string | undefined> {
  return page.evaluate(async (selector) => {
    const el = document.querySelector(selector) as (HTMLElement & { getStats?(): Promise<RTCStatsReport | undefined>; getCallStats?(): Promise<RTCStatsReport | undefined> }) | null;
    const report = await (el?.getStats?.() ?? el?.getCallStats?.());
    let pairId: string | undefined;
    report?.forEach((s: { type: string; selectedCandidatePairId?: string }) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? (report?.get(pairId) as { localCandidateId?: string } | undefined) : undefined;
    const local = pair?.localCandidateId ? (report?.get(pair.localCandidateId) as { address?: string } | undefined) : undefined;
    return local?.address;
  }, tag);
}

/**
 * A network change, the visitor's: their browser is a real Chromium on a
 * host of its own (a network namespace joined by a veth pair,
 * test/support/netns.ts), whose address changes mid-call as a phone moving
 * from Wi-Fi to mobile data does. The path ICE had found is gone for good,
 * and the visitor's WebSocket with it: the call must say "reconnecting",
 * reconnect, restart ICE with a re-INVITE (RFC 8445 §9), and carry audio
 * both ways again over the new address, its controls still reaching the
 * other side. The server (and the SIP platform, if any) must listen where
 * that host reaches it: `host.gateway`.
 */
export async function networkChangeJourney(t: TestContext, env: { readonly server: ServerProcess; readonly browser: Browser }, host: TestHost) {
  const { server, browser } = env;
  const [agentContext] = await people(t, browser, {});
  const agent = await signInAgent(agentContext, `http://127.0.0.1:${server.port}`, 'alice');
  await agent.getByText('Ready for calls').waitFor();

  const shopOrigin = `http://${host.gateway}:${server.port}`;
  const visitorBrowser = await host.launchBrowser(shopOrigin);
  t.after(() => visitorBrowser.close());
  const shop = await (await visitorBrowser.newContext()).newPage();
  const shopErrors = watchErrors(shop);
  await shop.goto(`${shopOrigin}/`);
  await shop.getByRole('button', { name: 'Call us' }).click();
  await shop.getByRole('button', { name: 'Help choosing' }).click();
  const callBar = agent.getByRole('region', { name: 'Call' });
  await callBar.getByRole('button', { name: 'Answer' }).click();
  await shop.getByText('Connected with Alice Martin').waitFor();
  await audioRising(shop, 'warmline-call', 0);
  await audioRising(agent, 'warmline-softphone', 0);
  const first = host.address;
  assert.equal(await selectedAddress(shop, 'warmline-call'), first, 'the call runs over the visitor’s first address');

  const next = host.changeAddress();
  await shop.getByText('Reconnecting…').waitFor({ timeout: 15_000 });
  await shop.getByText('Connected with Alice Martin').waitFor({ timeout: 30_000 });
  await callBar.getByText('On a call with Visitor').waitFor({ timeout: 20_000 });
  assert.equal(await selectedAddress(shop, 'warmline-call'), next, 'ICE found the new address');
  await audioRising(shop, 'warmline-call', (await callStats(shop, 'warmline-call')).bytes);
  await audioRising(agent, 'warmline-softphone', (await callStats(agent, 'warmline-softphone')).bytes);

  // The controls still reach the other side over the visitor's new WebSocket.
  await callBar.getByRole('button', { name: 'Hold' }).click();
  await shop.getByText('On hold. Please stay on the line.').waitFor();
  await callBar.getByRole('button', { name: 'Resume' }).click();
  await shop.getByText('Connected with Alice Martin').waitFor();
  await shop.getByRole('button', { name: 'Hang up' }).click();
  await callBar.getByText('Call ended').waitFor({ timeout: 5000 });
  assert.deepEqual(shopErrors, []);
}
