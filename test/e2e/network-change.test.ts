/**
 * A call survives a network change. The visitor's browser is a real
 * Chromium on a host of its own (a network namespace joined by a veth pair,
 * test/support/netns.ts); mid-call that host's address changes, as a phone
 * moving from Wi-Fi to mobile data does: the path ICE had found is gone for
 * good, and the visitor's WebSocket with it. The call must say
 * "reconnecting", restart ICE with a re-INVITE (RFC 8445 §9) over a new
 * WebSocket, and carry audio both ways again over the new address.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { audioRising, callStats, people, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';
import { createTestHost, netnsProblem, type TestHost } from '../support/netns.js';

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

// Without root there is no second host to move: said, not faked (see netnsProblem()).
describe('a call survives the visitor’s network changing under it', { skip: netnsProblem() }, () => {
  // The visitor's host reaches the server over the veth link, so the server listens beyond loopback.
  const env = useServerAndBrowser({ HOST: '0.0.0.0' });
  let host: TestHost | undefined;
  before(() => {
    host = createTestHost();
  });
  after(() => host?.remove());

  it('restarts ICE when the visitor’s address changes, and the audio comes back both ways over the new one', async (t) => {
    const { server, browser } = env;
    const [agentContext] = await people(t, browser, {});
    const agent = await signInAgent(agentContext, `http://127.0.0.1:${server.port}`, 'alice');
    await agent.getByText('Ready for calls').waitFor();

    const shopOrigin = `http://${host!.gateway}:${server.port}`;
    const visitorBrowser = await host!.launchBrowser(shopOrigin);
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
    const first = host!.address;
    assert.equal(await selectedAddress(shop, 'warmline-call'), first, 'the call runs over the visitor’s first address');

    const next = host!.changeAddress();
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
  });
});
