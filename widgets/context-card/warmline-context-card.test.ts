import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineContextCard } from './warmline-context-card.component.js';
import './warmline-context-card.js';
import type { ContextEnvelope } from '../protocol/context-envelope.js';
import { expectAxeClean, expectContrastClean } from '../../test/support/axe.js';

const context: ContextEnvelope = {
  v: 1,
  visitor: { id: 'visitor-0001', identity: { name: 'Jamie Rivera', email: 'jamie@example.com', verified: false } },
  page: { url: 'https://shop.example/products/kettle', title: 'Copper Pour-Over Kettle', referrer: 'https://search.example/' },
  journey: [
    { url: 'https://shop.example/', title: 'Home', at: 1_700_000_000_000 },
    { url: 'https://shop.example/products/kettle', title: 'Copper Pour-Over Kettle', at: 1_700_000_060_000 },
  ],
  cart: {
    currency: 'EUR',
    items: [
      { sku: 'KET', name: 'Copper Pour-Over Kettle', qty: 1, price: 59 },
      { sku: 'MUG', name: 'Stoneware Mug Set (4)', qty: 2, price: 34 },
    ],
    total: 127,
  },
  product: { name: 'Copper Pour-Over Kettle', price: 59, currency: 'EUR', sku: 'KET', url: 'https://shop.example/products/kettle' },
  steps: [{ name: 'Read shipping and returns', at: 1_700_000_030_000 }],
  locale: { language: 'en-GB', timezone: 'Europe/London' },
  device: { class: 'mobile', screen: { width: 390, height: 844 } },
  custom: { plan: 'gold', orders: 3 },
};

const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

describe('<warmline-context-card>', () => {
  it('shows page, journey, cart with quantities and total, viewed product, steps, locale and device in a "Customer context" region', async () => {
    const el = await fixture<WarmlineContextCard>(html`<warmline-context-card lang="en" .context=${context}></warmline-context-card>`);
    const region = el.shadowRoot!.querySelector('[role="region"]')!;
    expect(region.getAttribute('aria-label')).to.equal('Customer context');
    const t = text(el);
    for (const expected of ['Jamie Rivera', 'Not verified', 'https://shop.example/products/kettle', 'Home', 'Stoneware Mug Set (4)', '€127.00', 'Read shipping and returns', 'British English · Europe/London', 'mobile', 'plan', 'gold']) {
      expect(t).to.contain(expected);
    }
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim()));
    expect(rows).to.deep.equal([
      ['Copper Pour-Over Kettle', '1', '€59.00'],
      ['Stoneware Mug Set (4)', '2', '€34.00'],
    ]);
    await expectAxeClean(el);
  });

  it('marks a verified identity as verified', async () => {
    const verified = { ...context, visitor: { id: 'v-1', identity: { name: 'Jamie', verified: true } } };
    const el = await fixture<WarmlineContextCard>(html`<warmline-context-card .context=${verified}></warmline-context-card>`);
    expect(el.shadowRoot!.querySelector('.badge')!.textContent).to.equal('Verified');
    await expectAxeClean(el);
  });

  it('is readable in dark: badges, notes, links and the muted lines', async () => {
    const notes = [{ author: 'Alice Martin', text: 'Wants the kettle before Friday.', at: 1_700_000_100_000 }];
    const el = await fixture<WarmlineContextCard>(html`<warmline-context-card theme="dark" lang="en" .context=${context} .notes=${notes}></warmline-context-card>`);
    expect(getComputedStyle(el.shadowRoot!.querySelector('[part="base"]')!).backgroundColor).to.equal('rgb(22, 27, 34)');
    await expectContrastClean(el);
    await expectAxeClean(el);
    el.context = { ...context, visitor: { id: 'v-1', identity: { name: 'Jamie', verified: true } } };
    await el.updateComplete;
    await expectContrastClean(el);
  });

  it('renders what the visitor sent as text and makes links of http(s) URLs only', async () => {
    const hostile = {
      ...context,
      visitor: { id: 'v-1', identity: { name: '<img src=x onerror=alert(1)>', verified: false } },
      page: { url: 'javascript:alert(1)', title: '<script>alert(1)</script>' },
      cart: { currency: 'EUR', items: [{ sku: 'X', name: '<b>bold</b>', qty: 1, price: 1 }], total: 1 },
      custom: { '<i>key</i>': '<a href="javascript:alert(1)">x</a>' },
    } as unknown as ContextEnvelope;
    const el = await fixture<WarmlineContextCard>(html`<warmline-context-card .context=${hostile}></warmline-context-card>`);
    const root = el.shadowRoot!;
    expect(root.querySelector('img, script, b, i')).to.equal(null);
    expect([...root.querySelectorAll('a')].map((a) => a.getAttribute('href'))).to.not.include('javascript:alert(1)');
    expect(text(el)).to.contain('<script>alert(1)</script>');
  });

  it('says so when the cart is empty', async () => {
    const el = await fixture<WarmlineContextCard>(html`<warmline-context-card .context=${{ ...context, cart: undefined }}></warmline-context-card>`);
    expect(text(el)).to.contain('The cart is empty.');
  });

  it('warns plainly about an unverified identity, and not about a verified one', async () => {
    const el = await fixture<WarmlineContextCard>(html`<warmline-context-card .context=${context}></warmline-context-card>`);
    expect(el.shadowRoot!.querySelector('.unverified-note')!.textContent).to.contain('not confirmed by the site');
    const verified = { ...context, visitor: { id: 'v-1', identity: { name: 'Jamie', verified: true } } };
    const ok = await fixture<WarmlineContextCard>(html`<warmline-context-card .context=${verified}></warmline-context-card>`);
    expect(ok.shadowRoot!.querySelector('.unverified-note')).to.equal(null);
  });

  it('joins a label and its value, and a note’s author and time, with the punctuation of the agent’s language', async () => {
    const notes = [{ author: 'Alice Martin', text: 'Refund approved.', at: Date.UTC(2026, 10, 20, 14, 5) }];
    for (const [lang, referrer, noteBy] of [
      ['en', 'Came from: https://search.example/', /^Alice Martin wrote, /],
      ['ru', 'Источник перехода: https://search.example/', /^Автор: Alice Martin, /],
      ['zh-Hant', '來源：https://search.example/', /^Alice Martin的備註，/],
    ] as const) {
      const el = await fixture<WarmlineContextCard>(html`<warmline-context-card lang=${lang} .context=${context} .notes=${notes}></warmline-context-card>`);
      const muted = [...el.shadowRoot!.querySelectorAll('.muted')].map((p) => p.textContent!.trim());
      expect(muted).to.include(referrer);
      expect(el.shadowRoot!.querySelector('.notes footer')!.textContent!.trim()).to.match(noteBy);
    }
  });

  it('lists the customer’s earlier conversations, with their transcripts and notes, as text', async () => {
    const history = [
      {
        id: 'in_earlier01',
        createdAt: Date.UTC(2026, 10, 20, 14, 5),
        status: 'closed' as const,
        topic: 'An order or delivery',
        pageTitle: 'Your cart',
        messages: [
          { seq: 1, from: 'visitor' as const, text: 'Where is order 1042? <img src=x onerror=alert(1)>', at: 1 },
          { seq: 2, from: 'agent' as const, author: 'Alice Martin', text: 'It ships tomorrow.', at: 2 },
        ],
        notes: [{ author: 'Alice Martin', text: 'Promised a discount next time.', at: 3 }],
      },
    ];
    const verified = { ...context, visitor: { id: 'v-1', identity: { id: 'cust-1042', name: 'Jamie', verified: true } } };
    const el = await fixture<WarmlineContextCard>(html`<warmline-context-card lang="en" .context=${verified} .history=${history}></warmline-context-card>`);
    const section = el.shadowRoot!.querySelector('.history')!;
    expect(section.querySelector('h3')!.textContent).to.equal('Earlier conversations');
    const t = section.textContent!.replace(/\s+/g, ' ');
    for (const expected of ['An order or delivery', 'Where is order 1042? <img src=x onerror=alert(1)>', 'Alice Martin: It ships tomorrow.', 'Promised a discount next time.']) {
      expect(t).to.contain(expected);
    }
    // When, as a date and as a distance the agent takes in at a glance.
    expect(section.querySelector('summary')!.textContent).to.match(/^Nov 20, 2026, \d{1,2}:05\s[AP]M \(\d+ days ago\) · An order or delivery$/);
    expect(section.querySelector('img')).to.equal(null);
    await expectAxeClean(el);
  });
});
