import { expect } from '@open-wc/testing';
import { createApi } from './public-api.js';
import { readState } from '../context/visitor-state.js';
import { foldCommerce } from '../context/commerce.js';
import { clearStorage } from '../../test/support/browser.js';

describe('window.Warmline API', () => {
  let opened = 0;
  const api = createApi('test', () => opened++, () => {}, { setLanguage: () => {}, register: () => {} });
  beforeEach(clearStorage);

  it('setCart records the cart and announces the change', () => {
    let changes = 0;
    const count = () => changes++;
    window.addEventListener('warmline-context-change', count);
    api.setCart({ currency: 'EUR', items: [{ sku: 'KET', name: 'Kettle', qty: 2, price: 59 }] });
    window.removeEventListener('warmline-context-change', count);
    expect(changes).to.equal(1);
    expect(foldCommerce(readState().commerce ?? []).cart).to.deep.equal({
      currency: 'EUR',
      items: [{ sku: 'KET', name: 'Kettle', qty: 2, price: 59 }],
      total: 118,
    });
    api.setCart(null);
    expect(foldCommerce(readState().commerce ?? []).cart).to.equal(undefined);
  });

  it('setCart refuses bad input with a message naming the problem, and records nothing', () => {
    expect(() => api.setCart({ currency: 'euro', items: [] })).to.throw(TypeError, /Warmline.setCart: pass \{ currency/);
    expect(() => api.setCart({ currency: 'EUR', items: [{ sku: 'A', name: 'A', qty: 0, price: 1 }] })).to.throw(TypeError, /items\[0\] needs/);
    expect(() => api.setCart({ currency: 'EUR', items: [{ sku: 'A', name: 'A', qty: 1, price: -1 }] })).to.throw(TypeError, /price/);
    expect(readState().commerce ?? []).to.have.length(0);
  });

  it('identify, setContext and track record what the agent will see', () => {
    api.identify({ id: 'c-1', name: 'Jamie', email: 'jamie@example.com' });
    api.setContext({ plan: 'gold', orders: 3, vip: true, note: null });
    api.setContext({ vip: undefined });
    api.track('Read returns policy');
    api.track('Tracked order', 'order 1042');
    const state = readState();
    expect(state.identity).to.deep.equal({ id: 'c-1', name: 'Jamie', email: 'jamie@example.com' });
    expect(state.custom).to.deep.equal({ plan: 'gold', orders: 3, note: null });
    expect(state.steps?.map((s) => [s.name, s.detail])).to.deep.equal([
      ['Read returns policy', undefined],
      ['Tracked order', 'order 1042'],
    ]);
  });

  it('refuses bad identify, setContext and track arguments', () => {
    expect(() => api.identify({ name: 42 } as never)).to.throw(TypeError, /Warmline.identify/);
    expect(() => api.setContext({ 'bad key!': 1 })).to.throw(TypeError, /"bad key!"/);
    expect(() => api.setContext({ nested: { a: 1 } } as never)).to.throw(TypeError, /nested/);
    expect(() => api.track('')).to.throw(TypeError, /Warmline.track/);
    expect(readState().custom).to.equal(undefined);
  });

  it('open() opens the chat', () => {
    api.open();
    expect(opened).to.equal(1);
  });
});
