/**
 * What a visitor sees when they hit a rate limit: the chat says to slow
 * down and sends the message itself once the server allows it, exactly
 * once. The server runs with low limits (test/fixtures/low-limits.config.json:
 * 12 messages a minute per conversation, bursts of 5).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { people, useServerAndBrowser } from '../support/e2e.js';

describe('rate limits, as the visitor meets them', () => {
  const env = useServerAndBrowser({ WARMLINE_CONFIG: 'test/fixtures/low-limits.config.json' });

  it('tells a visitor writing too fast to slow down, and sends the held message once allowed', async (t) => {
    const { server, browser } = env;
    const [visitorContext] = await people(t, browser, {});
    const shop = await visitorContext.newPage();
    await shop.goto(`${server.url}/`);
    await shop.getByRole('button', { name: /Chat/ }).click();
    const box = shop.getByRole('textbox', { name: 'Message' });
    const log = shop.getByRole('log', { name: 'Messages' });
    for (let i = 1; i <= 7; i++) {
      await box.fill(`Quick message number ${i}`);
      await box.press('Enter');
    }
    const alert = shop.locator('warmline-chat').getByRole('alert');
    await alert.getByText(/You are writing very fast\. Your message goes in \d+ s\./).waitFor();
    // Held, not lost: once the server allows it, it goes and the warning goes away.
    await alert.waitFor({ state: 'detached', timeout: 20_000 });
    await log.getByText('Quick message number 7').waitFor();
    const texts = await log.locator('[part~="message"]').allInnerTexts();
    for (let i = 1; i <= 7; i++) {
      assert.equal(texts.filter((x) => x.includes(`Quick message number ${i}`)).length, 1, `message ${i} shown once`);
    }
  });
});
