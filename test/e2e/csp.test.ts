/**
 * The widgets under a strict Content-Security-Policy, in a real Chromium: the
 * demo shop and the agent console as the server serves them (nonce, no
 * 'unsafe-inline'), through a whole chat and up to a connected call, with no
 * violation reported; and a page on another origin that embeds the loader
 * under its own nonce-only policy, including a browser without constructable
 * stylesheets, where Lit writes <style> elements that need the page's nonce.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { people, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';
import { watchCspViolations } from '../support/csp-violations.js';

/**
 * A site owner's page on another origin, with its own strict policy: the
 * entries docs/operations.md tells site owners to add, either naming the
 * Warmline server in script-src or trusting what the nonced loader imports
 * ('strict-dynamic').
 */
async function hostPage(warmline: string, scripts: 'host' | 'strict-dynamic'): Promise<{ url: string; policy: string; server: Server }> {
  const { host } = new URL(warmline);
  const policy = [
    "default-src 'none'",
    `script-src 'nonce-abc' ${scripts === 'host' ? warmline : "'strict-dynamic'"}`,
    "style-src 'nonce-abc'",
    `connect-src ${warmline} ws://${host}`,
    'img-src blob:',
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another shop</title>
<style nonce="abc">body { font-family: serif; }</style>
<script src="${warmline}/warmline.js" nonce="abc" data-site="demo" async></script>
</head><body><h1>Another shop</h1><warmline-call></warmline-call></body></html>`;
  const server = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, policy, server };
}

describe('under a strict Content-Security-Policy', () => {
  const env = useServerAndBrowser();

  it('the shop and the agent console work through a chat and a call with no violation', async (t) => {
    const { server, browser } = env;
    const [shopContext, agentContext] = await people(t, browser, {}, { viewport: { width: 1400, height: 900 } });
    const shopViolations = await watchCspViolations(shopContext);
    const agentViolations = await watchCspViolations(agentContext);

    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    const response = await shop.goto(`${server.url}/products/copper-kettle`);
    assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self' 'nonce-/);
    // The product's JSON-LD is a data block without a nonce: read, never blocked.
    assert.equal(await shop.locator('script[type="application/ld+json"]').count(), 1);
    await shop.getByRole('button', { name: 'Add to cart' }).click();
    await shop.getByText('Added 1 × Copper Pour-Over Kettle to your cart.').waitFor();
    await shop.getByRole('button', { name: /Chat/ }).click();
    const message = shop.getByRole('textbox', { name: 'Message' });
    await message.fill('Is the kettle spout good for pour-over?');
    await message.press('Enter');
    const visitorLog = shop.getByRole('log', { name: 'Messages' });
    await visitorLog.getByText('Is the kettle spout good for pour-over?').waitFor();

    const agent = await signInAgent(agentContext, server.url, 'alice');
    const agentErrors = watchErrors(agent);
    await agent.getByText('Ready for calls').waitFor();
    const offer = agent.getByRole('article', { name: /New chat request/ });
    await offer.getByRole('button', { name: 'Accept' }).click();
    const card = agent.getByRole('region', { name: 'Customer context' });
    await card.getByText('Copper Pour-Over Kettle').first().waitFor();
    const composer = agent.getByRole('textbox', { name: 'Message' });
    await composer.fill('Yes, it is a gooseneck spout.');
    await composer.press('Enter');
    await visitorLog.getByText('Yes, it is a gooseneck spout.').waitFor();

    // The call: the visual IVR, the microphone (fake, granted), ringing, and audio elements playing.
    await shop.getByRole('button', { name: 'Call us' }).click();
    await shop.getByRole('group', { name: 'What is your call about?' }).getByRole('button', { name: 'Help choosing' }).click();
    const callBar = agent.getByRole('region', { name: 'Call' });
    await callBar.getByRole('button', { name: 'Answer' }).waitFor();
    await shop.getByText('Ringing…').waitFor();
    await callBar.getByRole('button', { name: 'Answer' }).click();
    await shop.getByText('Connected with Alice Martin').waitFor();
    await shop.getByRole('button', { name: 'Hang up' }).click();
    await callBar.getByText('Call ended').waitFor();

    assert.deepEqual(shopViolations, [], 'no CSP violation on the shop');
    assert.deepEqual(agentViolations, [], 'no CSP violation on the agent console');
    assert.deepEqual(shopErrors, []);
    assert.deepEqual(agentErrors, []);

    // The watcher does see a violation when there is one (a style attribute, as styleMap would write).
    await agent.evaluate(() => {
      const probe = document.createElement('p');
      probe.setAttribute('style', 'color: red');
      document.body.append(probe);
    });
    for (let i = 0; i < 40 && !agentViolations.length; i++) await agent.waitForTimeout(50);
    assert.ok(agentViolations.some((v) => /style-src/.test(v)), `the probe was reported: ${JSON.stringify(agentViolations)}`);
  });

  const variants = [
    { scripts: 'host', constructable: true, call: true, title: 'naming the Warmline server in script-src: the chat and a call' },
    { scripts: 'strict-dynamic', constructable: false, call: false, title: "with 'strict-dynamic', in a browser without constructable stylesheets: the chat" },
  ] as const;
  for (const { scripts, constructable, call, title } of variants) {
    it(`a page on another origin embeds the loader under its own nonce policy, ${title}`, async (t) => {
      const { server, browser } = env;
      const host = await hostPage(server.url, scripts);
      t.after(() => new Promise<void>((resolve) => host.server.close(() => resolve())));
      const [context, agentContext] = await people(t, browser, {}, {});
      const violations = await watchCspViolations(context);
      if (!constructable) {
        // What Lit checks to decide: without it, it writes a <style> into each shadow root, with window.litNonce.
        await context.addInitScript(() => delete (Document.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets);
      }
      const page = await context.newPage();
      const errors = watchErrors(page);
      const response = await page.goto(host.url);
      assert.equal(response!.headers()['content-security-policy'], host.policy);
      assert.notEqual(new URL(host.url).origin, new URL(server.url).origin, 'another origin');

      await page.getByRole('button', { name: 'Chat with us' }).click();
      const message = page.getByRole('textbox', { name: 'Message' });
      await message.fill('Hello from another shop');
      await message.press('Enter');
      const log = page.getByRole('log', { name: 'Messages' });
      await log.getByText('Hello from another shop').waitFor();

      const seen = await page.evaluate(() => {
        const chat = document.querySelector('warmline-chat')!;
        const styles = [...chat.shadowRoot!.querySelectorAll('style')];
        return {
          litNonce: (window as { litNonce?: string }).litNonce,
          styleElements: styles.length,
          styleNonces: [...new Set(styles.map((s) => s.nonce))],
          adopted: chat.shadowRoot!.adoptedStyleSheets.length,
          position: getComputedStyle(chat).position,
        };
      });
      assert.equal(seen.litNonce, 'abc', 'the loader read its script tag’s nonce');
      assert.equal(seen.position, 'fixed', 'the chat’s styles apply');
      if (constructable) {
        assert.equal(seen.styleElements, 0, 'constructable stylesheets, no <style> elements');
        assert.ok(seen.adopted > 0);
      } else {
        assert.ok(seen.styleElements > 0, 'Lit wrote <style> elements');
        assert.deepEqual(seen.styleNonces, ['abc'], 'each with the page’s nonce');
      }

      if (call) {
        // A call needs no media-src: its audio is a live stream, not a URL.
        const agent = await signInAgent(agentContext, server.url, 'bob');
        await agent.getByText('Ready for calls').waitFor();
        await page.getByRole('button', { name: 'Call us' }).click();
        await page.getByRole('button', { name: 'An order or delivery' }).click();
        const callBar = agent.getByRole('region', { name: 'Call' });
        await callBar.getByRole('button', { name: 'Answer' }).click();
        await page.getByText('Connected with Bob Chen').waitFor();
        await page.getByRole('button', { name: 'Hang up' }).click();
        await callBar.getByText('Call ended').waitFor();
      }
      assert.deepEqual(violations, [], 'no CSP violation');
      assert.deepEqual(errors, []);
    });
  }
});
