import type { ContextInput } from '../../widgets/protocol/context-envelope.js';

/** A realistic context envelope: a visitor on a product page with one item in the cart. */
export function sampleContext(overrides: Partial<ContextInput> = {}): ContextInput {
  return {
    v: 1,
    visitor: { id: 'visitor-0001' },
    page: { url: 'https://shop.example/products/kettle', title: 'Copper Pour-Over Kettle', referrer: 'https://search.example/' },
    journey: [
      { url: 'https://shop.example/', title: 'Bean & Brew', at: 1_700_000_000_000 },
      { url: 'https://shop.example/products/kettle', title: 'Copper Pour-Over Kettle', at: 1_700_000_060_000 },
    ],
    cart: { currency: 'EUR', items: [{ sku: 'KET-CU-1', name: 'Copper Pour-Over Kettle', qty: 1, price: 59 }], total: 59 },
    product: { name: 'Copper Pour-Over Kettle', sku: 'KET-CU-1', price: 59, currency: 'EUR' },
    locale: { language: 'en-GB', timezone: 'Europe/London' },
    device: { class: 'desktop' },
    ...overrides,
  };
}

/** The same visitor on the cart page, a grinder added to the kettle (the cart a visitor changes mid-call). */
export function cartContext(): ContextInput {
  return sampleContext({
    page: { url: 'https://shop.example/cart', title: 'Your cart' },
    cart: {
      currency: 'EUR',
      items: [
        { sku: 'KET-CU-1', name: 'Copper Pour-Over Kettle', qty: 1, price: 59 },
        { sku: 'GRN-1', name: 'Hand Grinder', qty: 1, price: 45 },
      ],
      total: 104,
    },
  });
}
