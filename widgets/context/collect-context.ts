/**
 * Builds the context envelope the widgets send: what the loader recorded this
 * visit (visitor-state), plus what only this page can tell — its URL, title
 * and referrer, the product in its JSON-LD, the visitor's language, time zone
 * and kind of device. Values are clipped to the server's limits so a long
 * title never costs the visitor their chat.
 */
import type { ContextInput, IdentityInput } from '../protocol/context-envelope.js';
import { productFromJsonLd } from './json-ld.js';
import { foldCommerce } from './commerce.js';
import { readState, visitorId } from './visitor-state.js';

const clip = (s: string, max: number) => s.slice(0, max);

function deviceClass(): 'mobile' | 'tablet' | 'desktop' {
  const coarse = matchMedia('(pointer: coarse)').matches;
  if (!coarse) return 'desktop';
  return Math.min(screen.width, screen.height) < 600 ? 'mobile' : 'tablet';
}

function pageUrl(): string {
  // Pages opened from disk (file:) still get a chat; the agent just sees no link.
  return /^https?:/.test(location.href) ? clip(location.href, 2048) : 'http://localhost/';
}

/** What Warmline.identify was given, as strings clipped to the server's limits. */
function identity(given: IdentityInput | undefined): IdentityInput | undefined {
  if (!given) return undefined;
  const result: IdentityInput = {};
  for (const [key, max] of [['id', 200], ['name', 200], ['email', 254], ['phone', 40], ['signature', 64], ['token', 4096]] as const) {
    const value = given[key];
    if (typeof value === 'string' && value) result[key] = value.slice(0, max);
  }
  return Object.keys(result).length ? result : undefined;
}

export function collectContext(): ContextInput {
  const state = readState();
  const who = identity(state.identity);
  const context: ContextInput = {
    v: 1,
    visitor: who ? { id: visitorId(), identity: who } : { id: visitorId() },
    page: { url: pageUrl(), title: clip(document.title, 300) },
    locale: {
      language: clip(navigator.language || 'en', 35),
      languages: navigator.languages.slice(0, 5).map((l) => clip(l, 35)),
      timezone: clip(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', 64),
    },
    device: { class: deviceClass(), screen: { width: screen.width, height: screen.height } },
  };
  if (/^https?:/.test(document.referrer)) context.page.referrer = clip(document.referrer, 2048);
  if (state.journey.length) context.journey = state.journey;
  const commerce = foldCommerce(state.commerce ?? []);
  if (commerce.cart) context.cart = commerce.cart;
  const product = productFromJsonLd() ?? commerce.product;
  if (product) context.product = product;
  if (state.steps?.length) context.steps = state.steps;
  if (state.custom && Object.keys(state.custom).length) context.custom = state.custom;
  if (state.topic) context.topic = state.topic;
  return context;
}
