/**
 * `window.Warmline`: the small API a site uses to tell the agent more than
 * the page shows. Every method checks its arguments and throws a TypeError
 * naming the problem, so a mistake shows in the site's console rather than as
 * a wrong cart on the agent's screen. (Written tersely: this ships in the
 * loader, which every page loads.)
 */
import type { Cart, CustomFields, IdentityInput } from '../protocol/context-envelope.js';
import type { Translation } from '../base/localize.js';
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
  /**
   * The language the widgets speak (a BCP 47 tag: 'zh-TW', 'ru', 'en-GB'),
   * above the page's and the browser's; open widgets switch at once. null:
   * choose again from the page and the browser.
   */
  setLanguage(code: string | null): void;
  /**
   * Adds a language, or changes terms of one: { $code, $name, ...terms }
   * with any of the English terms, in the same shapes (a term that takes
   * values is a function). Terms left out come from the built-in language
   * the code falls to (zh-HK: Traditional Chinese), then English.
   */
  registerTranslation(...translations: Translation[]): void;
}

/** What the API's language methods do once their input is checked (the loader's part). */
export interface LanguageEffects {
  setLanguage(code: string | null): void;
  register(translations: Translation[]): void;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v == 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v == 'string';
/** Every problem reads the same way: `Warmline.method: what to pass`. */
function check(ok: unknown, method: string, problem: string): asserts ok {
  if (!ok) throw new TypeError(`Warmline.${method}: ${problem}`);
}
/** Checks each object of a list, naming the first bad one by its index: `items[2] needs …`. */
const checkEach = (list: unknown[], method: string, name: string, ok: (v: Obj) => unknown, needs: string) =>
  list.forEach((v, i) => check(isObj(v) && ok(v), method, `${name}[${i}] needs ${needs}`));

/** A well-formed BCP 47 tag: Intl.Locale throws on anything else. */
const isTag = (v: unknown) => {
  try {
    return isStr(v) && !!new Intl.Locale(v);
  } catch {
    return false;
  }
};

/** A deep copy, so later changes to the site's object do not leak in. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function createApi(version: string, open: () => void, close: () => void, language: LanguageEffects): WarmlineApi {
  return {
    version,
    setCart(cart) {
      if (cart === null) return recordCommerce({ kind: 'set', cart: null });
      check(isObj(cart) && /^[A-Z]{3}$/.test(cart.currency as string) && Array.isArray(cart.items), 'setCart', 'pass { currency, items } or null');
      checkEach(
        cart.items,
        'setCart',
        'items',
        (it) => isStr(it.sku) && it.sku && isStr(it.name) && it.name && Number.isInteger(it.qty) && (it.qty as number) > 0 && (it.price as number) >= 0,
        'sku, name (strings), qty (integer > 0), price (>= 0)',
      );
      // commerce.ts clips and cleans it when the context is built.
      recordCommerce({ kind: 'set', cart: copy(cart) as Cart });
    },
    identify(identity) {
      if (identity === null) return updateState((s) => delete s.identity);
      // A JWT from the site's backend carries the whole identity, signed.
      if (isStr(identity)) return updateState((s) => (s.identity = { token: identity }));
      check(isObj(identity) && ['id', 'name', 'email', 'phone', 'signature'].every((k) => identity[k as 'id'] == null || isStr(identity[k as 'id'])), 'identify', 'pass a token, { id, name, email, phone, signature } (strings) or null');
      updateState((s) => (s.identity = copy(identity)));
    },
    setContext(fields) {
      check(isObj(fields), 'setContext', 'pass an object');
      for (const [key, value] of Object.entries(fields)) {
        check(
          /^[\w.-]{1,64}$/.test(key) && (value == null || ['string', 'number', 'boolean'].includes(typeof value)),
          'setContext',
          `"${key}" needs a name of [\\w.-]{1,64} and a string, number, boolean or null`,
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
      check(isStr(step) && step.trim(), 'track', 'pass a non-empty step');
      updateState((s) => {
        s.steps = [...(s.steps ?? []), { name: step.slice(0, 100), at: Date.now(), ...(isStr(detail) && { detail: detail.slice(0, 500) }) }].slice(-50);
      });
    },
    open,
    close,
    setLanguage(code) {
      check(code === null || isTag(code), 'setLanguage', 'pass a language tag ("zh-TW") or null');
      language.setLanguage(code);
    },
    registerTranslation(...list) {
      checkEach(
        list,
        'registerTranslation',
        'translations',
        (t) => isTag(t.$code) && isStr(t.$name) && Object.values(t).every((v) => isStr(v) || typeof v == 'function'),
        '$code (a language tag), $name, and terms: strings or functions',
      );
      // Shallow copies: terms may be functions, which a JSON copy would drop.
      language.register(list.map((t) => ({ ...t })));
    },
  };
}
