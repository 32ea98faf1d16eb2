/**
 * Transfers never hang (issue 12), with real browsers against the real
 * server: alice answers a call and wants to talk to bob first; bob's phone
 * rings and he does not answer. Within the offer timeout (8 s here,
 * test/fixtures/short-offers.config.json) the consultation ends, alice's
 * call bar says bob did not answer (worded from the server’s code), and the customer, on hold all along,
 * is hers again: she resumes and they talk.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { audioRising, people, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';
import enAgent from '../../widgets/base/translations/en-agent.js';

const OFFER_TIMEOUT_MS = 8_000;

const setStatus = async (agent: Page, status: 'available' | 'away') => {
  await agent.getByRole('combobox', { name: 'Status' }).selectOption(status);
  await agent.getByText(status === 'available' ? 'Ready for calls' : 'Calls off while away').waitFor();
};

describe('transfers that cannot go through come back', () => {
  const env = useServerAndBrowser({ WARMLINE_CONFIG: 'test/fixtures/short-offers.config.json' });

  it('brings the call back to alice, with a notice, when bob does not answer her consultation', async (t) => {
    const { server, browser } = env;
    const size = { viewport: { width: 1400, height: 900 } };
    const [aliceContext, bobContext, shopContext] = await people(t, browser, size, size, {});
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    const bob = await signInAgent(bobContext, server.url, 'bob');
    const aliceErrors = watchErrors(alice);
    // Bob away while the call comes in, so that it rings at alice.
    await setStatus(bob, 'away');
    await setStatus(alice, 'available');
    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    await shop.goto(`${server.url}/`);
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('group', { name: 'What is your call about?' }).getByRole('button', { name: 'Help choosing' }).click();
    const aliceCalls = alice.locator('warmline-agent-call');
    await aliceCalls.getByRole('button', { name: 'Answer' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    await setStatus(bob, 'available');

    await aliceCalls.getByRole('button', { name: 'Transfer' }).click();
    const form = alice.getByRole('form', { name: 'Transfer to' });
    await form.getByRole('combobox', { name: 'Agent or queue' }).selectOption({ label: 'Bob Chen (available)' });
    await form.getByRole('button', { name: 'Talk to them first' }).click();
    const asked = Date.now();

    await shop.locator('warmline-call[data-tone="hold"]').waitFor();
    const bobRinging = bob.getByRole('region', { name: 'Call' }).getByText('Alice Martin wants to transfer a call to you');
    await bobRinging.waitFor();
    await alice.getByText('Consulting Bob Chen').waitFor();

    // Bob does not answer: within the offer timeout and a few seconds, it is alice's again, with why.
    const notice = alice.getByRole('region', { name: 'Call' }).getByRole('alert');
    // The console words the server's code (no_answer) in alice's language: "Bob Chen (did not answer): the transfer was not made. …"
    await notice.getByText(enAgent.transferFailedBecause(enAgent.refusalOf('Bob Chen', enAgent.refusedNoAnswer))).waitFor({ timeout: OFFER_TIMEOUT_MS + 5_000 });
    const tookMs = Date.now() - asked;
    assert.ok(tookMs >= OFFER_TIMEOUT_MS - 1_000, `not before the offer timeout (${tookMs} ms)`);
    await bobRinging.waitFor({ state: 'detached' });
    assert.equal(await alice.getByText('Consulting Bob Chen').count(), 0, 'the consultation is gone');
    await alice.getByRole('region', { name: 'Call' }).getByText('Visitor is on hold').waitFor();
    assert.equal(await shop.locator('warmline-call[data-tone="hold"]').count(), 1, 'the customer waited on hold, still on the line');

    // She resumes, and they talk again.
    await aliceCalls.getByRole('button', { name: 'Resume' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    await alice.getByRole('region', { name: 'Call' }).getByText('On a call with Visitor').waitFor();
    const aliceBytes = await audioRising(alice, 'warmline-softphone', 0);
    await audioRising(alice, 'warmline-softphone', aliceBytes);
    const shopBytes = await audioRising(shop, 'warmline-call', 0);
    await audioRising(shop, 'warmline-call', shopBytes);

    await shop.getByRole('button', { name: 'Hang up' }).click();
    await alice.getByRole('region', { name: 'Call' }).getByText('Call ended').waitFor();
    assert.deepEqual(aliceErrors, []);
    assert.deepEqual(shopErrors, []);
  });
});
