import { expect } from '@open-wc/testing';
import { foldCommerce } from './commerce.js';
import type { CommerceEvent } from './visitor-state.js';

const kettle = { item_id: 'KET', item_name: 'Kettle', price: 59, quantity: 1 };
const mugs = { item_id: 'MUG', item_name: 'Mugs', price: '34.00', quantity: 2 };

describe('foldCommerce', () => {
  it('adds and removes lines by SKU and totals them', () => {
    const events: CommerceEvent[] = [
      { kind: 'add', currency: 'EUR', items: [kettle] },
      { kind: 'add', currency: 'EUR', items: [mugs] },
      { kind: 'add', currency: 'EUR', items: [kettle] },
      { kind: 'remove', currency: 'EUR', items: [{ ...mugs, quantity: 1 }] },
    ];
    const { cart } = foldCommerce(events);
    expect(cart).to.deep.equal({
      currency: 'EUR',
      items: [
        { sku: 'KET', name: 'Kettle', qty: 2, price: 59 },
        { sku: 'MUG', name: 'Mugs', qty: 1, price: 34 },
      ],
      total: 152,
    });
  });

  it('drops a line removed entirely, and has no cart when empty', () => {
    expect(foldCommerce([{ kind: 'add', items: [kettle] }, { kind: 'remove', items: [kettle] }]).cart).to.equal(undefined);
  });

  it('lets setCart replace the cart, keeping its total until the cart changes', () => {
    const set: CommerceEvent = {
      kind: 'set',
      cart: { currency: 'GBP', items: [{ sku: 'A', name: 'A', qty: 1, price: 10 }], total: 9.5 },
    };
    expect(foldCommerce([{ kind: 'add', items: [kettle] }, set]).cart).to.deep.equal({
      currency: 'GBP',
      items: [{ sku: 'A', name: 'A', qty: 1, price: 10 }],
      total: 9.5,
    });
    expect(foldCommerce([set, { kind: 'add', items: [{ item_id: 'A', price: 10 }] }]).cart?.total).to.equal(20);
    expect(foldCommerce([{ kind: 'add', items: [kettle] }, { kind: 'set', cart: null }]).cart).to.equal(undefined);
  });

  it('takes the whole cart from begin_checkout and the product from view_item', () => {
    const { cart, product } = foldCommerce([
      { kind: 'view', currency: 'EUR', items: [kettle] },
      { kind: 'add', items: [mugs] },
      { kind: 'replace', currency: 'EUR', items: [kettle] },
    ]);
    expect(cart?.items.map((i) => i.sku)).to.deep.equal(['KET']);
    expect(product).to.deep.equal({ name: 'Kettle', sku: 'KET', price: 59, currency: 'EUR' });
  });

  it('cleans what setCart was given: long names clipped, non-http links dropped', () => {
    const { cart } = foldCommerce([
      {
        kind: 'set',
        cart: { currency: 'EUR', items: [{ sku: 'S', name: 'x'.repeat(500), qty: 1, price: 1, url: 'javascript:alert(1)', image: 'https://cdn.example/i.png' }] },
      },
    ]);
    expect(cart?.items[0]?.name.length).to.equal(200);
    expect(cart?.items[0]?.url).to.equal(undefined);
    expect(cart?.items[0]?.image).to.equal('https://cdn.example/i.png');
  });

  it('ignores items without an id or name, and defaults a missing quantity to 1', () => {
    const { cart } = foldCommerce([{ kind: 'add', items: [{ price: 3 }, { item_name: 'Beans', price: 16.5 }] }]);
    expect(cart?.items).to.deep.equal([{ sku: 'Beans', name: 'Beans', qty: 1, price: 16.5 }]);
  });
});
