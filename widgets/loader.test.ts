/**
 * The built loader (dist/warmline.js), as a site owner's page runs it:
 * included twice, with calls and dataLayer events from before it loaded.
 */
import { expect } from '@open-wc/testing';
import { until } from '../test/support/browser.js';
import { expectAxeClean } from '../test/support/axe.js';

function addScript(src: string, attrs: Record<string, string> = {}) {
  return new Promise<void>((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`${src} did not load: run npm run build first`));
    document.head.append(s);
  });
}

describe('the loader script', () => {
  before(async () => {
    localStorage.clear();
    sessionStorage.clear();
    // What a page may do before the loader arrives.
    const w = window as unknown as { dataLayer: unknown[]; Warmline: unknown };
    w.dataLayer = [{ event: 'add_to_cart', ecommerce: { currency: 'EUR', items: [{ item_id: 'KET', item_name: 'Kettle', price: 59, quantity: 1 }] } }];
    w.Warmline = [['setContext', { plan: 'gold' }]];
    document.title = 'Loader test page';
    await addScript('/dist/warmline.js', { 'data-site': 'demo', 'data-theme': 'dark' });
    await addScript('/dist/warmline.js', { 'data-site': 'demo' });
  });

  it('exposes one window.Warmline and one launcher, however often it is included', async () => {
    const api = (window as unknown as { Warmline: { version: string; setCart: unknown } }).Warmline;
    expect(api.version).to.match(/^\d+\.\d+\.\d+/);
    expect(api.setCart).to.be.a('function');
    await until(() => document.querySelector('[data-warmline-launcher]'), 'the launcher');
    expect(document.querySelectorAll('[data-warmline-launcher]')).to.have.length(1);
  });

  it('replays queued calls, reads dataLayer events from before and after it loaded, and records the page', () => {
    (window as unknown as { dataLayer: unknown[] }).dataLayer.push({
      event: 'add_to_cart',
      ecommerce: { currency: 'EUR', items: [{ item_id: 'KET', item_name: 'Kettle', price: 59, quantity: 2 }] },
    });
    const state = JSON.parse(sessionStorage.getItem('warmline.state') ?? '{}');
    expect(state.custom).to.deep.equal({ plan: 'gold' });
    expect(state.commerce.map((e: { kind: string; items: Array<{ quantity: number }> }) => [e.kind, e.items[0]?.quantity])).to.deep.equal([
      ['add', 1],
      ['add', 2],
    ]);
    expect(state.journey.at(-1)).to.include({ url: location.href, title: 'Loader test page' });
  });

  it('has loaded nothing but itself before a click, and loads the chat on click', async () => {
    const scripts = () => [...new Set(performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/dist/')))];
    expect(scripts()).to.deep.equal(['/dist/warmline.js']);
    const launcher = document.querySelector('[data-warmline-launcher]')!.shadowRoot!.querySelector('button')!;
    expect(launcher.getAttribute('aria-label')).to.contain('Chat');
    await expectAxeClean(document.querySelector('[data-warmline-launcher]')!);
    launcher.click();
    const chat = await until(() => document.querySelector('warmline-chat'), 'the chat element');
    await customElements.whenDefined('warmline-chat');
    await until(() => (chat as HTMLElement & { open: boolean }).open, 'the chat to open');
    expect(scripts()).to.include('/dist/widgets/warmline-chat.js');
    expect(chat.getAttribute('site')).to.equal('demo');
    expect(chat.getAttribute('theme')).to.equal('dark', 'the script tag’s data-theme');
    expect(document.querySelector('[data-warmline-launcher]')).to.equal(null);
  });
});
