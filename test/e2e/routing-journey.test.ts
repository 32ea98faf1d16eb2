/**
 * The routing queue end to end, with real browsers against the real server:
 * a topic reaches the agent with its skill and not the other; a second
 * caller sees their place move from 2 to 1; a visitor who asks to be called
 * back is rung in the browser when alice takes the callback, with audio; and
 * alice warm-transfers a call to bob, whose card shows the cart and her note.
 *
 * The demo's queues and skills: "Billing and refunds" needs billing, which
 * only alice has; "Help choosing" needs nothing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { audioRising, people, shouldWriteScreenshots, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';

const setStatus = async (agent: Page, status: 'available' | 'away') => {
  await agent.getByRole('combobox', { name: 'Status' }).selectOption(status);
  await agent.getByText(status === 'available' ? 'Ready for calls' : 'Calls off while away').waitFor();
};

/** Opens the shop (with the kettle in the cart when asked) and calls the queue named `topic`. */
async function callFrom(shop: Page, base: string, topic: string, withKettle = false) {
  if (withKettle) {
    await shop.goto(`${base}/products/copper-kettle`);
    await shop.getByRole('button', { name: 'Add to cart' }).click();
    await shop.getByText('Added 1 × Copper Pour-Over Kettle to your cart.').waitFor();
  } else {
    await shop.goto(`${base}/`);
  }
  await shop.getByRole('button', { name: 'Call us' }).click();
  await shop.getByRole('group', { name: 'What is your call about?' }).getByRole('button', { name: topic }).click();
}

const callStatus = (shop: Page) => shop.locator('warmline-call').getByRole('status').first();

describe('one routing queue for calls, chats and callbacks', () => {
  const env = useServerAndBrowser();

  it('sends a billing call to the agent with the billing skill, not to the other', async (t) => {
    const { server, browser } = env;
    const [aliceContext, bobContext, shopContext] = await people(t, browser, {}, {}, {});
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    const bob = await signInAgent(bobContext, server.url, 'bob');
    await setStatus(alice, 'available');
    await setStatus(bob, 'available');
    const shop = await shopContext.newPage();
    const errors = watchErrors(shop);
    await callFrom(shop, server.url, 'Billing and refunds');

    const aliceCall = alice.getByRole('region', { name: 'Call' });
    await aliceCall.getByRole('button', { name: 'Answer' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    assert.equal(await bob.getByRole('region', { name: 'Call' }).count(), 0, 'bob, without the billing skill, was never rung');
    await alice.getByRole('region', { name: 'Customer context' }).getByText('Billing and refunds').first().waitFor();
    await shop.getByRole('button', { name: 'Hang up' }).click();
    await aliceCall.getByText('Call ended').waitFor();
    assert.deepEqual(errors, []);
  });

  it('tells a second caller they are number 2, then next when the first leaves', async (t) => {
    const { server, browser } = env;
    const [aliceContext, firstContext, secondContext] = await people(t, browser, {}, {}, {});
    // Alice is signed in but away: billing is staffed, so callers wait in line for her.
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    await setStatus(alice, 'away');
    const first = await firstContext.newPage();
    const second = await secondContext.newPage();
    await callFrom(first, server.url, 'Billing and refunds');
    await callStatus(first).getByText('You are next').waitFor();
    await callFrom(second, server.url, 'Billing and refunds');
    await callStatus(second).getByText('You are number 2 in line').waitFor();
    if (shouldWriteScreenshots) await second.screenshot({ path: 'docs/screenshot-queue.png' });

    await first.getByRole('button', { name: 'Hang up' }).click();
    await callStatus(second).getByText('You are next').waitFor();

    // Alice comes back: the one still waiting rings at her.
    await setStatus(alice, 'available');
    await alice.getByRole('region', { name: 'Call' }).getByRole('button', { name: 'Answer' }).waitFor();
    await second.getByRole('button', { name: 'Hang up' }).click();
    await alice.getByRole('region', { name: 'Call' }).getByText('Call ended').waitFor();
  });

  it('calls a visitor back in the browser when alice takes the callback, with audio both ways', async (t) => {
    const { server, browser } = env;
    const [aliceContext, shopContext] = await people(t, browser, { viewport: { width: 1400, height: 900 } }, {});
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    await setStatus(alice, 'away');
    const shop = await shopContext.newPage();
    const errors = watchErrors(shop);
    await callFrom(shop, server.url, 'Billing and refunds', true);
    await callStatus(shop).getByText('You are next').waitFor();

    await shop.getByRole('button', { name: 'Call me back instead' }).click();
    await shop.getByLabel(/phone number/i).fill('+44 20 7946 0018');
    await shop.getByRole('button', { name: 'Call me back', exact: true }).click();
    await shop.getByText('We will call you back here when it is your turn.', { exact: false }).waitFor();
    assert.equal(await shop.getByRole('button', { name: 'Hang up' }).count(), 0, 'the visitor is off the line');

    // On another page of the shop the callback still waits, and rings there.
    await shop.getByRole('link', { name: /^Cart/ }).click();
    await shop.locator('warmline-call').getByText('#1').waitFor();

    await setStatus(alice, 'available');
    const offer = alice.getByRole('article', { name: /Callback request/ });
    await offer.getByText('+44 20 7946 0018').waitFor();
    await offer.getByText('The visitor is on the site: their browser can ring.').waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    const work = alice.getByRole('region', { name: 'Callback' });
    await work.getByText('The visitor is on the site').waitFor();
    await alice.getByRole('region', { name: 'Customer context' }).getByText('Copper Pour-Over Kettle').first().waitFor();
    await work.getByRole('button', { name: 'Call back in the browser' }).click();

    const answer = shop.getByRole('button', { name: 'Answer' });
    await answer.click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    const visitorBytes = await audioRising(shop, 'warmline-call', 0);
    const agentBytes = await audioRising(alice, 'warmline-softphone', 0);
    await audioRising(shop, 'warmline-call', visitorBytes);
    await audioRising(alice, 'warmline-softphone', agentBytes);

    await alice.getByRole('region', { name: 'Call' }).getByRole('button', { name: 'Hang up' }).click();
    await shop.getByText('The agent ended the call.').waitFor();
    await work.getByRole('button', { name: 'Reached', exact: true }).click();
    await work.waitFor({ state: 'detached' });
    assert.deepEqual(errors, []);
  });

  it('lets alice talk to bob before handing him the call; bob’s card shows the cart and her note', async (t) => {
    const { server, browser } = env;
    const size = { viewport: { width: 1400, height: 900 } };
    const [aliceContext, bobContext, shopContext] = await people(t, browser, size, size, {});
    const alice = await signInAgent(aliceContext, server.url, 'alice');
    const bob = await signInAgent(bobContext, server.url, 'bob');
    await setStatus(bob, 'away');
    await setStatus(alice, 'available');
    const shop = await shopContext.newPage();
    await callFrom(shop, server.url, 'Help choosing', true);
    const aliceCalls = alice.locator('warmline-agent-call');
    await aliceCalls.getByRole('button', { name: 'Answer' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    await setStatus(bob, 'available');

    await aliceCalls.getByRole('button', { name: 'Transfer' }).click();
    const form = alice.getByRole('form', { name: 'Transfer to' });
    await form.getByRole('combobox', { name: 'Agent or queue' }).selectOption({ label: 'Bob Chen (available)' });
    await form.getByRole('textbox', { name: /Note for them/ }).fill('Wants to swap the kettle for the larger one.');
    await form.getByRole('button', { name: 'Talk to them first' }).click();

    // The customer waits on hold, hearing hold music, while alice and bob talk.
    await shop.locator('warmline-call[data-tone="hold"]').waitFor();
    const bobCall = bob.getByRole('region', { name: 'Call' });
    await bobCall.getByText('Alice Martin wants to transfer a call to you').waitFor();
    await bobCall.getByRole('button', { name: 'Answer' }).click();
    await alice.getByText('Consulting Bob Chen').waitFor();
    await audioRising(bob, 'warmline-softphone', 0);
    await alice.getByRole('button', { name: 'Complete transfer' }).click();

    await shop.getByText('Connected with Bob Chen').waitFor();
    await bob.getByText('On a call with Visitor').waitFor();
    const card = bob.getByRole('region', { name: 'Customer context' });
    await card.getByText('Wants to swap the kettle for the larger one.').waitFor();
    assert.match((await card.innerText()).replace(/\s+/g, ' '), /Total €59\.00/, 'the cart travelled with the call');
    if (shouldWriteScreenshots) await bob.screenshot({ path: 'docs/screenshot-transfer.png' });
    await audioRising(shop, 'warmline-call', 0);
    const bobBytes = (await audioRising(bob, 'warmline-softphone', 0)) + 1;
    await audioRising(bob, 'warmline-softphone', bobBytes);
    await alice.getByRole('region', { name: 'Call' }).getByText(/Call ended/).first().waitFor();
    await shop.getByRole('button', { name: 'Hang up' }).click();
    await bobCall.getByText('Call ended').first().waitFor();
  });
});
