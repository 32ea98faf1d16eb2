/**
 * `window.Warmline`: the small API a site uses to tell the agent more than
 * the page shows. Every method checks its arguments and throws a TypeError
 * naming the problem, so a mistake shows in the site's console rather than as
 * a wrong cart on the agent's screen. (Written tersely: this ships in the
 * loader, which every page loads.)
 */
import type { Cart, CustomFields, IdentityInput } from '../protocol/context-envelope.js';
import { recordCommerce, updateState } from '../context/visitor-state.js';

export interface CartInput {
  currency: string;
  items: Array<{ sku: string; name: string; qty: number; price: number; url?: string; image?: string }>;
  total?: number;
}

export interface WarmlineApi {
  readonly version: string;
  /** Replaces the cart (null empties it). */
  setCart(cart: CartInput | null): void;
  /** Who the visitor is, as the site knows them. Shown to agents as not verified. */
  /** The visitor's identity: claims (with the backend's `signature` of the id), a signed JWT, or null to forget it. */
  identify(identity: IdentityInput | string | null): void;
  /** Site-defined fields (plan, order number…), merged; `undefined` removes a key. */
  setContext(fields: Record<string, string | number | boolean | null | undefined>): void;
  /** A self-service step the visitor took ("read return policy", "tracked order"). */
  track(step: string, detail?: string): void;
  /** Opens the chat panel. */
  open(): void;
  close(): void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v == 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v == 'string';
function check(ok: unknown, method: string, problem: string): asserts ok {
  if (!ok) throw new TypeError(`Warmline.${method}: ${problem}`);
}

/** A deep copy, so later changes to the site's object do not leak in. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createApi(version: string, open: () => void, close: () => void): WarmlineApi {
  return {
    version,
    setCart(cart) {
      if (cart === null) return recordCommerce({ kind: 'set', cart: null });
      check(isObj(cart) && /^[A-Z]{3}$/.test(cart.currency as string) && Array.isArray(cart.items), 'setCart', 'pass { currency, items } or null');
      cart.items.forEach((it: Obj, i) =>
        check(
          isObj(it) && isStr(it.sku) && it.sku && isStr(it.name) && it.name && Number.isInteger(it.qty) && (it.qty as number) > 0 && (it.price as number) >= 0,
          'setCart',
          `items[${i}] needs sku and name (strings), qty (whole number > 0), price (number >= 0)`,
        ),
      );
      // commerce.ts clips and cleans it when the context is built.
      recordCommerce({ kind: 'set', cart: copy(cart) as Cart });
    },
    identify(identity) {
      if (identity === null) return updateState((s) => delete s.identity);
      // A JWT from the site's backend carries the whole identity, signed.
      if (isStr(identity)) return updateState((s) => (s.identity = { token: identity }));
      check(isObj(identity) && ['id', 'name', 'email', 'phone', 'signature'].every((k) => identity[k as 'id'] == null || isStr(identity[k as 'id'])), 'identify', 'pass a signed token, { id, name, email, phone, signature } (strings) or null');
      updateState((s) => (s.identity = copy(identity)));
    },
    setContext(fields) {
      check(isObj(fields), 'setContext', 'pass an object of fields');
      for (const [key, value] of Object.entries(fields)) {
        check(
          /^[\w.-]{1,64}$/.test(key) && (value == null || ['string', 'number', 'boolean'].includes(typeof value)),
          'setContext',
          `"${key}" needs a name of letters, digits, _ . - and a string, number, boolean or null value`,
        );
      }
      updateState((s) => {
        const merged: CustomFields = { ...s.custom };
        for (const [key, value] of Object.entries(fields)) {
          if (value === undefined) delete merged[key];
          else merged[key] = isStr(value) ? value.slice(0, 1000) : value;
        }
        s.custom = merged;
      });
    },
    track(step, detail) {
      check(isStr(step) && step.trim(), 'track', 'step must be a non-empty string');
      updateState((s) => {
        s.steps = [...(s.steps ?? []), { name: step.slice(0, 100), at: Date.now(), ...(isStr(detail) && { detail: detail.slice(0, 500) }) }].slice(-50);
      });
    },
    open,
    close,
  };
}
