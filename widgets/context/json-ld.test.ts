import { expect } from '@open-wc/testing';
import { productFromJsonLd } from './json-ld.js';

function doc(...scripts: string[]): Document {
  const d = document.implementation.createHTMLDocument('t');
  for (const text of scripts) {
    const s = d.createElement('script');
    s.type = 'application/ld+json';
    s.textContent = text;
    d.head.append(s);
  }
  return d;
}

describe('productFromJsonLd', () => {
  it('reads a Product with an Offer', () => {
    const product = productFromJsonLd(
      doc(
        JSON.stringify({
          '@context': 'https://schema.org',
          '@type': 'Product',
          name: 'Copper Kettle',
          sku: 'KET-1',
          image: ['/img/kettle.svg'],
          brand: { '@type': 'Brand', name: 'Bean & Brew' },
          offers: { '@type': 'Offer', price: '59.00', priceCurrency: 'EUR', availability: 'https://schema.org/InStock' },
        }),
      ),
    );
    expect(product).to.include({ name: 'Copper Kettle', sku: 'KET-1', brand: 'Bean & Brew', price: 59, currency: 'EUR', availability: 'InStock' });
    expect(product?.image).to.equal(new URL('/img/kettle.svg', location.href).href);
  });

  it('finds the Product inside @graph and arrays, with an AggregateOffer', () => {
    const product = productFromJsonLd(
      doc(
        JSON.stringify([{ '@type': 'Organization', name: 'Shop' }]),
        JSON.stringify({
          '@graph': [{ '@type': 'BreadcrumbList' }, { '@type': ['Product', 'Thing'], name: 'Grinder', offers: [{ '@type': 'AggregateOffer', lowPrice: 99 }] }],
        }),
      ),
    );
    expect(product).to.include({ name: 'Grinder', price: 99 });
  });

  it('skips broken JSON and products without a name, and refuses javascript: URLs', () => {
    expect(productFromJsonLd(doc('{not json', JSON.stringify({ '@type': 'Product' })))).to.equal(undefined);
    const product = productFromJsonLd(doc(JSON.stringify({ '@type': 'Product', name: 'X', image: 'javascript:alert(1)' })));
    expect(product?.image).to.equal(undefined);
  });
});
