/**
 * What the loader learns about the visitor while they browse, kept in
 * sessionStorage so it follows them from page to page of this visit. The
 * loader only records (cheaply: it ships on every page); the chat and call
 * widgets read the record and build the context envelope from it.
 *
 * Both bundles include this small module; they meet through storage and the
 * `warmline-context-change` event on window, not through shared memory.
 */
import type { Cart, CustomFields, IdentityInput, JourneyEntry, Step } from '../protocol/context-envelope.js';

/** An item as GA4 ecommerce events carry it (only the fields we use). */
export interface Ga4Item {
  item_id?: unknown;
  item_name?: unknown;
  price?: unknown;
  quantity?: unknown;
}

/**
 * Cart and product changes in the order they happened; `commerce.ts` folds
 * them into the current cart and viewed product. `set` comes from
 * Warmline.setCart, the others from dataLayer events.
 */
export type CommerceEvent =
  | { kind: 'set'; cart: (Omit<Cart, 'total'> & { total?: number }) | null }
  | { kind: 'add' | 'remove' | 'replace' | 'view'; currency?: string; items: Ga4Item[] };

export interface VisitorState {
  journey: JourneyEntry[];
  commerce?: CommerceEvent[];
  identity?: IdentityInput;
  custom?: CustomFields;
  steps?: Step[];
  topic?: string;
}

const STATE_KEY = 'warmline.state';
const VISITOR_KEY = 'warmline.visitor';
let memory: VisitorState = { journey: [] };

function storage(kind: 'sessionStorage' | 'localStorage'): Storage | undefined {
  try {
    return window[kind];
  } catch {
    return undefined;
  }
}

/** Storage refused a write (full, or blocked): from then on this page keeps the state in memory. */
let memoryOnly = false;

export function readState(): VisitorState {
  if (memoryOnly) return memory;
  try {
    const raw = storage('sessionStorage')?.getItem(STATE_KEY);
    memory = raw ? { journey: [], ...(JSON.parse(raw) as Partial<VisitorState>) } : { journey: [] };
  } catch {
    // Blocked or corrupt storage: what is in memory still serves this page.
  }
  return memory;
}

/** Applies a change, saves it and tells open widgets (`warmline-context-change` on window). */
export function updateState(change: (state: VisitorState) => void) {
  const state = readState();
  change(state);
  memory = state;
  try {
    storage('sessionStorage')!.setItem(STATE_KEY, JSON.stringify(state));
  } catch {
    memoryOnly = true;
  }
  window.dispatchEvent(new Event('warmline-context-change'));
}

/** Appends a cart or product change (the last 200 are kept). */
export function recordCommerce(event: CommerceEvent) {
  updateState((s) => (s.commerce = [...(s.commerce ?? []), event].slice(-200)));
}

/** The anonymous visitor id: random, stable in this browser for this site. */
export function visitorId(): string {
  const store = storage('localStorage');
  let id = store?.getItem(VISITOR_KEY);
  if (!id || !/^[\w-]{8,64}$/.test(id)) {
    id = `v${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
    try {
      store?.setItem(VISITOR_KEY, id);
    } catch {
      // A new id per page is the best we can do without storage.
    }
  }
  return id;
}
