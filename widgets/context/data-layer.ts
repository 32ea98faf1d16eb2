/**
 * Watches `window.dataLayer` for GA4-style ecommerce events, so a shop that
 * already tags its pages for analytics gives the agent the cart and the
 * viewed product without any Warmline-specific code:
 *   dataLayer.push({ event: 'add_to_cart', ecommerce: { currency, items: [...] } })
 * and the gtag form, gtag('event', 'add_to_cart', { currency, items }).
 * Entries already in the array when the loader runs are read too. The
 * loader only records them; `commerce.ts` works out the cart when needed.
 */
import { recordCommerce, type CommerceEvent, type Ga4Item } from './visitor-state.js';

const KINDS: Record<string, Exclude<CommerceEvent['kind'], 'set'>> = {
  view_item: 'view',
  add_to_cart: 'add',
  remove_from_cart: 'remove',
  view_cart: 'replace',
  begin_checkout: 'replace',
};

function handle(name: unknown, params?: { currency?: unknown; items?: unknown }) {
  const kind = KINDS[name as string];
  if (!kind || !params) return;
  recordCommerce({ kind, currency: params.currency as string, items: Array.isArray(params.items) ? (params.items as Ga4Item[]) : [] });
}

function read(entry: unknown) {
  const e = entry as Record<string | number, never> | null;
  // gtag() pushes its `arguments` object: ['event', name, params].
  if (e?.[0] == 'event') handle(e[1], e[2]);
  else if (e?.ecommerce) handle(e.event, e.ecommerce);
}

export function watchDataLayer() {
  const w = window as unknown as { dataLayer?: unknown[] };
  const layer = (w.dataLayer = Array.isArray(w.dataLayer) ? w.dataLayer : []);
  layer.forEach(read);
  const push = layer.push;
  layer.push = function (...entries) {
    entries.forEach(read);
    return push.apply(this, entries);
  };
}
