/**
 * The product on this page, from schema.org JSON-LD (`Product` with an
 * `Offer` or `AggregateOffer`), the structured data shops already publish
 * for search engines. Handles `@graph`, arrays and the usual shapes of
 * `brand`, `image` and `offers`.
 */
import type { Product } from '../protocol/context-envelope.js';

type Node = Record<string, unknown>;

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const text = (v: unknown, max = 200) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim().slice(0, max) || undefined : undefined);

function absolute(v: unknown): string | undefined {
  const raw = text(first(v) && typeof first(v) === 'object' ? (first(v) as Node).url : first(v), 2048);
  if (!raw) return undefined;
  try {
    const url = new URL(raw, location.href);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function isProduct(node: Node): boolean {
  const type = node['@type'];
  return type === 'Product' || (Array.isArray(type) && type.includes('Product'));
}

function* nodes(value: unknown): Generator<Node> {
  if (Array.isArray(value)) for (const v of value) yield* nodes(v);
  else if (value && typeof value === 'object') {
    const node = value as Node;
    yield node;
    if (node['@graph']) yield* nodes(node['@graph']);
  }
}

export function productFromJsonLd(doc: Document = document): Product | undefined {
  for (const script of doc.querySelectorAll('script[type="application/ld+json"]')) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    for (const node of nodes(data)) {
      if (!isProduct(node)) continue;
      const name = text(node.name);
      if (!name) continue;
      const product: Product = { name };
      const sku = text(node.sku ?? node.mpn ?? node.productID, 100);
      if (sku) product.sku = sku;
      const brand = first(node.brand);
      const brandName = text(brand && typeof brand === 'object' ? (brand as Node).name : brand, 100);
      if (brandName) product.brand = brandName;
      const offer = first(node.offers) as Node | undefined;
      if (offer && typeof offer === 'object') {
        const price = Number(offer.price ?? offer.lowPrice);
        if (Number.isFinite(price) && price >= 0) product.price = price;
        const currency = text(offer.priceCurrency, 3);
        if (currency && /^[A-Z]{3}$/.test(currency)) product.currency = currency;
        const availability = text(offer.availability, 100);
        if (availability) product.availability = availability.replace(/^https?:\/\/schema\.org\//, '');
      }
      const url = absolute(node.url) ?? (/^https?:/.test(location.href) ? location.href.slice(0, 2048) : undefined);
      if (url) product.url = url;
      const image = absolute(node.image);
      if (image) product.image = image;
      return product;
    }
  }
  return undefined;
}
