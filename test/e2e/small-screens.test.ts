/**
 * Visitors are often on phones and agents in the field on tablets: the chat
 * and the agent console must be usable there, without sideways scrolling.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { shouldWriteScreenshots, signInAgent, useServerAndBrowser } from '../support/e2e.js';

const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const tablet = { viewport: { width: 820, height: 1180 }, isMobile: true, hasTouch: true };

async function noSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  assert.ok(scrollWidth <= clientWidth, `the page scrolls sideways (${scrollWidth} > ${clientWidth})`);
}

describe('on phones and tablets', () => {
  const env = useServerAndBrowser();

  it('the visitor’s chat takes the whole phone screen, and the agent works on a tablet and a phone', async () => {
    const { server, browser } = env;
    const visitor = await (await browser.newContext(phone)).newPage();
    await visitor.goto(`${server.url}/products/ethiopia-beans`);
    await visitor.getByRole('button', { name: 'Add to cart' }).tap();
    await visitor.getByRole('button', { name: /Chat/ }).tap();
    const panel = visitor.getByRole('dialog', { name: 'Chat with us' });
    await panel.waitFor();
    const box = (await panel.boundingBox())!;
    assert.deepEqual([box.x, box.y, box.width, box.height], [0, 0, 390, 844], 'full screen on a phone');
    const input = visitor.getByRole('textbox', { name: 'Message' });
    const inputBox = (await input.boundingBox())!;
    assert.ok(inputBox.y + inputBox.height <= 844 && inputBox.width > 200, 'the text box is on screen and wide enough');
    await input.fill('Are these beans good for espresso?');
    await visitor.getByRole('button', { name: 'Send' }).tap();
    await visitor.getByRole('log', { name: 'Messages' }).getByText('Are these beans good for espresso?').waitFor();
    await visitor.getByRole('button', { name: 'Close chat' }).tap();
    await noSidewaysScroll(visitor);

    for (const [name, device] of [
      ['tablet', tablet],
      ['phone', phone],
    ] as const) {
      const agent = await signInAgent(await browser.newContext(device), server.url, name === 'tablet' ? 'alice' : 'bob');
      if (name === 'tablet') {
        await agent.getByRole('article', { name: /New chat request/ }).getByRole('button', { name: 'Accept' }).tap();
        await agent.getByRole('region', { name: 'Customer context' }).getByText('Ethiopia Yirgacheffe Beans, 250 g').first().waitFor();
        const composer = agent.getByRole('textbox', { name: 'Message' });
        await composer.fill('Yes, they make a bright espresso.');
        await agent.getByRole('button', { name: 'Send' }).tap();
        await visitor.getByRole('button', { name: /Chat/ }).tap();
        await visitor.getByText('Yes, they make a bright espresso.').waitFor();
        if (shouldWriteScreenshots) {
          await visitor.screenshot({ path: 'docs/screenshot-phone.png' });
          await agent.screenshot({ path: 'docs/screenshot-tablet.png' });
        }
      } else {
        await agent.getByRole('combobox', { name: 'Status' }).waitFor();
        await agent.getByRole('button', { name: 'Sign out' }).waitFor();
      }
      for (const control of [agent.getByRole('combobox', { name: 'Status' }), agent.getByRole('button', { name: 'Sign out' })]) {
        const b = (await control.boundingBox())!;
        assert.ok(b.x >= 0 && b.x + b.width <= device.viewport.width, `${name}: a header control is off screen`);
      }
      await noSidewaysScroll(agent);
    }
  });
});
