/**
 * Verified identity end to end: the demo shop's "Sign in as Jamie" has its
 * backend sign Jamie's identity; alice sees it as verified, and when Jamie
 * comes back on another device, the card shows the earlier conversation.
 * A visitor who only claims to be Jamie (Warmline.identify without a
 * signature) is shown as not verified, with nothing joined.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { people, signInAgent, useServerAndBrowser } from '../support/e2e.js';

async function chat(shop: Page, text: string) {
  await shop.getByRole('button', { name: /Chat/ }).click();
  const box = shop.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await shop.getByRole('log', { name: 'Messages' }).getByText(text).waitFor();
}

describe('verified identity, across devices', () => {
  const env = useServerAndBrowser();

  it('shows a signed-in customer as verified, with their conversation from another device; a mere claim as not verified', async (t) => {
    const { server, browser } = env;
    const [aliceContext, laptop, phone, impostor] = await people(t, browser, { viewport: { width: 1400, height: 900 } }, {}, {}, {});
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    await alice.getByRole('combobox', { name: 'Status' }).selectOption('available');
    const card = alice.getByRole('region', { name: 'Customer context' });

    // On the laptop: signed in at the shop, so its backend vouches for Jamie.
    const first = await laptop.newPage();
    await first.goto(`${server.url}/`);
    await first.getByRole('button', { name: 'Sign in as Jamie (demo)' }).click();
    await first.getByRole('button', { name: 'Signed in as Jamie' }).waitFor();
    await chat(first, 'My grinder arrived with a cracked hopper.');
    await alice.getByRole('article', { name: /Jamie Rivera/ }).getByRole('button', { name: 'Accept' }).click();
    await card.getByText('Verified', { exact: true }).waitFor();
    assert.equal(await card.getByText('Not verified').count(), 0);
    await alice.getByRole('textbox', { name: 'Message' }).fill('Sorry to hear that. I will send a new hopper today.');
    await alice.getByRole('textbox', { name: 'Message' }).press('Enter');
    await alice.getByRole('button', { name: 'End chat' }).click();

    // Days later, on the phone: signed in again, a new conversation.
    const second = await phone.newPage();
    await second.goto(`${server.url}/`);
    await second.getByRole('button', { name: 'Sign in as Jamie (demo)' }).click();
    await second.getByRole('button', { name: 'Signed in as Jamie' }).waitFor();
    await chat(second, 'Has the new hopper shipped?');
    await alice.getByRole('article', { name: /Jamie Rivera/ }).getByRole('button', { name: 'Accept' }).click();
    await alice.getByRole('log', { name: 'Messages' }).getByText('Has the new hopper shipped?').waitFor();
    const earlier = card.locator('.history');
    await earlier.getByText('Earlier conversations').waitFor();
    await earlier.locator('summary').first().click();
    await earlier.getByText('My grinder arrived with a cracked hopper.').waitFor();
    await earlier.getByText('I will send a new hopper today.', { exact: false }).waitFor();
    await alice.getByRole('button', { name: 'End chat' }).click();

    // Someone who merely says they are Jamie.
    const fake = await impostor.newPage();
    await fake.goto(`${server.url}/`);
    await fake.evaluate(() => (window as unknown as { Warmline: { identify(i: unknown): void } }).Warmline.identify({ id: 'cust-1042', name: 'Jamie Rivera', email: 'jamie@example.com' }));
    await chat(fake, 'Please read me my last orders.');
    await alice.getByRole('article', { name: /Jamie Rivera/ }).getByRole('button', { name: 'Accept' }).click();
    await alice.getByRole('log', { name: 'Messages' }).getByText('Please read me my last orders.').waitFor();
    await card.getByText('Not verified').waitFor();
    assert.equal(await card.locator('.history').count(), 0, 'nothing of Jamie’s past is joined to a claim');
  });
});
