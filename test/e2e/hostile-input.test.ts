/**
 * Nothing a visitor sends runs as script in the agent's page (PRODUCT.md,
 * quality bars), checked in real browsers: classic XSS payloads in chat
 * messages, an attachment's file name, cart item names and SKUs (setCart and dataLayer), custom fields,
 * the claimed identity, the page title, URL and referrer, the product's
 * JSON-LD, a journey entry and a self-service step reach alice's console,
 * where the offer, the context card and the chat show them as text; her
 * reply with a payload reaches the visitor as text. No payload runs, no
 * element is injected, no link gets a javascript: URL (the widgets drop such
 * URLs, and an envelope forged by hand with one is refused), and neither page
 * reports a CSP violation (an injected event handler would).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { people, signInAgent, useServerAndBrowser, watchErrors } from '../support/e2e.js';
import { watchCspViolations } from '../support/csp-violations.js';

const PAYLOADS = {
  img: '<img src=x onerror="window.__pwned=1">',
  script: '<script>window.__pwned=1</script>',
  svg: '"><svg onload=window.__pwned=1>',
  jsUrl: 'javascript:window.__pwned=1',
  template: "{{constructor.constructor('window.__pwned=1')()}}",
  litExpression: '${window.__pwned=1}',
  attribute: "' onmouseover='window.__pwned=1' x='",
  styleBreakout: '</style><img src=x onerror=window.__pwned=1><style>',
  unicode: 'invoice\u202Efdp.exe \u200Bzero\u200Dwidth \u2066isolated\u2069 \uFEFFbom',
};
const LONG = `${'W'.repeat(3_000)}${PAYLOADS.img}`;
/** An attachment's name as a payload, on a real 1×1 PNG. */
const FILE_NAME = '<img src=x onerror="window.__pwned=1">.png';
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

type Api = {
  setCart(cart: unknown): void;
  setContext(fields: Record<string, unknown>): void;
  identify(identity: unknown): void;
  track(step: string, detail?: string): void;
};

/**
 * Everything dangerous in a page's DOM, shadow roots included: elements the
 * widgets never write (scripts and styles in shadow roots, images of x,
 * frames, svgs that are not the widgets' own 24×24 icons), any `on…`
 * attribute, any link that is not http(s), mailto, tel or blob:.
 */
function dangerous(page: Page): Promise<string[]> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  return page.evaluate(() => {
    const found: string[] = [];
    const roots: Array<[Document | ShadowRoot, boolean]> = [[document, false]];
    for (let next = roots.pop(); next; next = roots.pop()) {
      const [root, inShadow] = next;
      for (const el of root.querySelectorAll('*')) {
        const tag = el.localName;
        const html = el.outerHTML.slice(0, 120);
        if (inShadow && ['script', 'style', 'iframe', 'object', 'embed', 'frame', 'base', 'meta'].includes(tag)) found.push(`${tag} in a shadow root: ${html}`);
        if (tag === 'img' && el.getAttribute('src') === 'x') found.push(html);
        if (tag === 'svg' && el.getAttribute('viewBox') !== '0 0 24 24') found.push(`a foreign svg: ${html}`);
        for (const attr of el.getAttributeNames()) if (/^on/i.test(attr)) found.push(`${attr} on ${html}`);
        if (tag === 'a' && el.hasAttribute('href') && !/^(https?|mailto|tel|blob):/i.test((el as HTMLAnchorElement).href)) found.push(`link to ${el.getAttribute('href')}`);
        if (el.shadowRoot) roots.push([el.shadowRoot, true]);
      }
    }
    return found;
  });
}

const pwned = (page: Page) => page.evaluate(() => (window as { __pwned?: unknown }).__pwned);

/** The visible text of an element (shadow DOM included, as a reader sees it). */
const textOf = async (locator: ReturnType<Page['locator']>) => (await locator.innerText()).replace(/[ \t\n]+/g, ' ');

describe('hostile input from the visitor reaches the agent as text', () => {
  const env = useServerAndBrowser();

  it('renders every payload as text on the console and in the visitor’s chat, and runs none', async (t) => {
    const { server, browser } = env;
    const [shopContext, agentContext] = await people(t, browser, {}, { viewport: { width: 1400, height: 900 } });
    const shopViolations = await watchCspViolations(shopContext);
    const agentViolations = await watchCspViolations(agentContext);

    const shop = await shopContext.newPage();
    const shopErrors = watchErrors(shop);
    // A referrer from this origin is kept whole, query and all.
    await shop.goto(`${server.url}/products/copper-kettle`, { referer: `${server.url}/?from=${PAYLOADS.svg}` });
    await shop.waitForFunction(() => !!window.Warmline && !Array.isArray(window.Warmline));

    await shop.evaluate((P) => {
      const api = window.Warmline as unknown as Api;
      // The product's JSON-LD, as a compromised or careless shop might publish it.
      const ld = document.querySelector('script[type="application/ld+json"]')!;
      const product = JSON.parse(ld.textContent!);
      Object.assign(product, { name: `${P.img} ${P.template}`, sku: P.svg, url: P.jsUrl, image: P.jsUrl, brand: { '@type': 'Brand', name: P.styleBreakout } });
      ld.textContent = JSON.stringify(product);
      api.setCart({
        currency: 'EUR',
        items: [
          { sku: P.svg, name: P.img, qty: 1, price: 5, url: P.jsUrl, image: P.jsUrl },
          { sku: P.attribute, name: P.script, qty: 2, price: 1 },
        ],
      });
      (window as unknown as { dataLayer: unknown[] }).dataLayer.push({ event: 'add_to_cart', ecommerce: { currency: 'EUR', items: [{ item_id: P.litExpression, item_name: P.styleBreakout, price: 3, quantity: 1 }] } });
      api.setContext({ note: P.styleBreakout, template: P.template, unicode: P.unicode, long: `${'L'.repeat(900)}${P.img}`, link: P.jsUrl });
      api.identify({ id: P.attribute, name: P.img, email: P.svg, phone: P.script.slice(0, 40) });
      api.track(P.script, P.template);
      // A single-page-app navigation: a journey entry whose URL and title are hostile.
      history.pushState({}, '', `?q=${encodeURIComponent(P.img)}#${P.svg}`);
      document.title = P.script;
    }, PAYLOADS);
    // The journey records the navigation on the next tick, with the title the app set.
    await shop.waitForFunction((title) => JSON.parse(sessionStorage.getItem('warmline.state') ?? '{}').journey?.at(-1)?.title === title, PAYLOADS.script);

    // A page URL cannot be javascript: in a browser, but a visitor can post any envelope by hand: refused.
    const forged = await shop.evaluate(async (jsUrl) => {
      const context = { v: 1, visitor: { id: 'hostile-visitor-1' }, page: { url: jsUrl, title: 'x' }, journey: [{ url: jsUrl, title: 'x', at: Date.now() }] };
      const res = await fetch('/api/v1/interactions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', context }) });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
    }, PAYLOADS.jsUrl);
    assert.equal(forged.status, 422, JSON.stringify(forged.body));
    assert.match(forged.body.error?.message ?? '', /must be an http or https URL/);

    await shop.getByRole('button', { name: /Chat/ }).click();
    const message = shop.getByRole('textbox', { name: 'Message' });
    const visitorLog = shop.getByRole('log', { name: 'Messages' });
    const messages = [...Object.values(PAYLOADS), LONG];
    for (const text of messages) {
      await message.fill(text);
      await message.press('Enter');
    }
    await visitorLog.getByText(PAYLOADS.unicode).waitFor();
    // A photo whose file name is a payload: the name is shown as text wherever the file goes.
    await shop.locator('warmline-chat input[type="file"]').setInputFiles({ name: FILE_NAME, mimeType: 'image/png', buffer: PNG_1PX });
    await visitorLog.getByText(FILE_NAME).waitFor();

    const agent = await signInAgent(agentContext, server.url, 'alice');
    const agentErrors = watchErrors(agent);
    const offer = agent.getByRole('article', { name: /New chat request/ });
    await offer.waitFor();
    assert.deepEqual(await dangerous(agent), [], 'the offer preview injected nothing');
    await offer.getByRole('button', { name: 'Accept' }).click();

    const card = agent.getByRole('region', { name: 'Customer context' });
    await card.getByText(PAYLOADS.styleBreakout).first().waitFor();
    const agentLog = agent.getByRole('log', { name: 'Messages' });
    await agentLog.getByText(LONG).waitFor();

    const cardText = await textOf(card);
    const expectOnCard: Array<[string, string]> = [
      ['identity name', PAYLOADS.img],
      ['identity email', PAYLOADS.svg],
      ['cart item name', PAYLOADS.script],
      ['dataLayer item name', PAYLOADS.styleBreakout],
      ['custom field', PAYLOADS.template],
      ['page title', PAYLOADS.script],
      ['JSON-LD product name', `${PAYLOADS.img} ${PAYLOADS.template}`],
      ['referrer', `${server.url}/?from=`],
    ];
    for (const [where, text] of expectOnCard) assert.ok(cardText.includes(text), `${where} shown as text on the card: ${text}`);
    assert.ok((await card.innerText()).includes(PAYLOADS.unicode), 'the RTL override and invisible characters come through unchanged');
    assert.ok(cardText.includes('javascript:window.__pwned=1'), 'the javascript: custom field is text');

    await agentLog.getByText(FILE_NAME).waitFor();
    await agentLog.locator('img[src^="blob:"]').first().waitFor();
    const logText = await agentLog.innerText();
    for (const text of messages) assert.ok(logText.includes(text), `the chat shows as text: ${text.slice(0, 60)}`);

    // Alice answers with a payload of her own: the visitor sees it as text.
    const reply = `Please do not paste ${PAYLOADS.img} or ${PAYLOADS.svg} here.`;
    const composer = agent.getByRole('textbox', { name: 'Message' });
    await composer.fill(reply);
    await composer.press('Enter');
    await visitorLog.getByText(reply).waitFor();

    assert.equal(await pwned(agent), undefined, 'nothing ran on the console');
    assert.equal(await pwned(shop), undefined, 'nothing ran on the shop');
    assert.deepEqual(await dangerous(agent), [], 'nothing injected into the console');
    assert.deepEqual(await dangerous(shop), [], 'nothing injected into the visitor’s widgets');
    const cardLinks = await card.evaluate((el) => [...el.querySelectorAll('a')].map((a) => a.href));
    assert.ok(cardLinks.length > 0, 'the card has its links (page, journey, product)');
    assert.ok(cardLinks.every((href) => /^https?:/.test(href)), `only http(s) links: ${cardLinks.join(' ')}`);

    // Long text wraps instead of pushing the console sideways.
    const overflow = await agent.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the console scrolls sideways by ${overflow}px`);

    assert.deepEqual(agentViolations, [], 'no CSP violation on the console');
    assert.deepEqual(shopViolations, [], 'no CSP violation on the shop');
    assert.deepEqual(agentErrors, []);
    assert.deepEqual(shopErrors, []);
  });
});
