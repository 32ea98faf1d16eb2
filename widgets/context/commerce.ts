/**
 * Works out the current cart and the last viewed product from the commerce
 * events the loader recorded (dataLayer events and Warmline.setCart calls),
 * in the order they happened: setCart replaces the cart, add/remove change
 * one line by SKU, view_cart/begin_checkout carry the whole cart.
 */
import type { Cart, CartItem, Product } from '../protocol/context-envelope.js';
import type { CommerceEvent, Ga4Item } from './visitor-state.js';

const text = (v: unknown, max = 200) => (v == null || v === '' ? undefined : String(v).slice(0, max));

export const cartTotal = (items: CartItem[]) => Math.round(items.reduce((sum, i) => sum + i.qty * i.price, 0) * 100) / 100;

function toLine(item: Ga4Item): CartItem | undefined {
  const sku = text(item.item_id, 100) ?? text(item.item_name, 100);
  if (!sku) return undefined;
  const qty = Math.floor(Number(item.quantity));
  const price = Number(item.price);
  return { sku, name: text(item.item_name) ?? sku, qty: qty > 0 ? qty : 1, price: price >= 0 ? price : 0 };
}

const link = (v: unknown) => (typeof v === 'string' && /^https?:\/\//.test(v) ? v.slice(0, 2048) : undefined);

/** A setCart line, clipped to the server's limits (the loader checked the types). */
function cleanLine(item: CartItem): CartItem {
  const line: CartItem = { sku: item.sku.slice(0, 100), name: item.name.slice(0, 200), qty: item.qty, price: item.price };
  const url = link(item.url);
  const image = link(item.image);
  if (url) line.url = url;
  if (image) line.image = image;
  return line;
}

const currencyOf = (v: unknown) => (typeof v === 'string' && /^[A-Z]{3}$/.test(v) ? v : undefined);

export function foldCommerce(events: readonly CommerceEvent[]): { cart?: Cart; product?: Product } {
  let currency = 'USD';
  let lines: CartItem[] = [];
  /** A total the site gave with setCart holds until the cart changes again. */
  let givenTotal: number | undefined;
  let product: Product | undefined;
  for (const event of events) {
    givenTotal = undefined;
    if (event.kind === 'set') {
      lines = event.cart ? event.cart.items.map(cleanLine) : [];
      if (event.cart) currency = event.cart.currency;
      givenTotal = event.cart?.total;
      continue;
    }
    currency = currencyOf(event.currency) ?? currency;
    const items = event.items.map(toLine).filter((l): l is CartItem => !!l);
    if (event.kind === 'view') {
      const first = items[0];
      if (first) product = { name: first.name, sku: first.sku, price: first.price, ...(currencyOf(event.currency) && { currency }) };
    } else if (event.kind === 'replace') {
      if (items.length) lines = items;
    } else {
      for (const item of items) {
        const line = lines.find((l) => l.sku === item.sku);
        const delta = event.kind === 'add' ? item.qty : -item.qty;
        if (line) line.qty += delta;
        else if (delta > 0) lines.push(item);
      }
      lines = lines.filter((l) => l.qty > 0);
    }
  }
  const result: { cart?: Cart; product?: Product } = {};
  if (lines.length) result.cart = { currency, items: lines, total: givenTotal ?? cartTotal(lines) };
  if (product) result.product = product;
  return result;
}
