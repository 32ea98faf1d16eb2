/**
 * Localization: typed terms in packs (translations/packs.ts), one module per
 * language and pack, loaded when shown; a controller components call as
 * `this.localize.term('send')`. Terms that take values are functions, so
 * each language orders words (and picks plural forms) its own way.
 *
 * The language is the first Warmline speaks of: the element's `lang` (the
 * loader gives it the script tag's `data-lang`, and `Warmline.setLanguage`
 * sets it), its ancestors' up to the page's `<html lang>`, the browser's
 * languages, the site's default (`sites[].language`, which the server
 * tells), and English. Changing any of them re-renders in the new language.
 *
 * A site adds or overrides terms with `Warmline.registerTranslation` (the
 * loader checks them and hands them over with the `warmline-translation`
 * event) or `registerTranslation` here; terms it leaves out come from the
 * built-in language the code falls to, then English.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisitorTerms } from './translations/en.js';
import type { AgentTerms } from './translations/en-agent.js';
import type { CallTerms } from './translations/en-call.js';
import type { QueueTerms } from './translations/en-queue.js';
import type { AttachmentTerms } from './translations/en-attachment.js';
import type { Pack, BuiltInLanguage } from './translations/packs.js';
import { ENGLISH, resolveLanguage, type Resolved } from './language.js';

type Meta = { $code: string; $name: string };
type Terms = VisitorTerms & AgentTerms & CallTerms & QueueTerms & AttachmentTerms;

/** A language: its code and name, and any of the English terms, in the same shapes. */
export type Translation = Meta & Partial<Omit<Terms, keyof Meta>>;

export type TermKey = Exclude<keyof Terms, keyof Meta>;
type Args<K extends TermKey> = Terms[K] extends (...args: infer A) => string ? A : [];

/** Terms by lower-case code: what the site registered, and the built-in packs loaded so far. */
const custom = new Map<string, Translation>();
const builtIn = new Map<string, Partial<Terms>>();
/** Packs on their way (`visitor:ru`), and those loaded (true). */
const loads = new Map<string, Promise<void> | true>();
const live = new Set<Localize>();
let siteLanguage: string | undefined;

/** `force`: render again even if the language stays (its terms changed). */
const refreshAll = (force = false) => live.forEach((l) => l.refresh(force));

/**
 * Adds or overrides terms of a language; several calls for one language
 * merge. Components showing it re-render.
 */
export function registerTranslation(...list: Translation[]) {
  for (const t of list) {
    const code = new Intl.Locale(t.$code).toString().toLowerCase();
    custom.set(code, { ...custom.get(code), ...t });
  }
  refreshAll(true);
}

/** The site's default language, which the server tells the widgets; used when neither the page nor the browser names one Warmline speaks. */
export function setSiteLanguage(code: string | undefined) {
  if (code === siteLanguage) return;
  siteLanguage = code;
  refreshAll();
}

// Translations the site gave the loader (window.Warmline.registerTranslation), before or after this module came.
declare global {
  interface Window {
    /** Filled by the loader: translations registered before the widgets loaded. */
    WarmlineTranslations?: Translation[];
  }
  interface WindowEventMap {
    'warmline-translation': CustomEvent<Translation[]>;
  }
}
if (typeof window !== 'undefined') {
  if (window.WarmlineTranslations?.length) registerTranslation(...window.WarmlineTranslations);
  addEventListener('warmline-translation', (e) => registerTranslation(...e.detail));
  addEventListener('languagechange', () => refreshAll());
  // `lang` set on a Warmline element, or on the page, at any time.
  new MutationObserver(() => refreshAll()).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
}

function loadPack(pack: Pack, code: BuiltInLanguage): Promise<void> | undefined {
  const key = `${pack.name}:${code}`;
  let loading = loads.get(key);
  if (loading === true) return undefined;
  if (!loading) {
    loading = pack.load[code]().then(
      ({ default: terms }) => {
        const lower = code.toLowerCase();
        builtIn.set(lower, { ...builtIn.get(lower), ...terms });
        loads.set(key, true);
      },
      (err: unknown) => {
        // Offline, or a deploy replaced the chunk: try again on the next change of language or page.
        loads.delete(key);
        console.warn(`[warmline] could not load the ${code} terms`, err);
      },
    );
    loads.set(key, loading);
  }
  return loading;
}

/** The `lang` of the element and each ancestor, out through shadow roots to the page's. */
function langsAbove(el: Element): string[] {
  const found: string[] = [];
  for (let node: Node | null = el; node; ) {
    if (node instanceof Element && node.getAttribute('lang')) found.push(node.getAttribute('lang')!);
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  return found;
}

/** What a WarmlineElement offers: its first render can wait for terms. */
interface Holder {
  holdFirstUpdate(until: Promise<unknown>): void;
}

export class Localize implements ReactiveController {
  private resolved: Resolved = ENGLISH;
  /** Counts refreshes, so that terms arriving late for a language no longer wanted are not shown. */
  private generation = 0;

  /** `packs`: the terms this component shows (visitorPack, callPack, … from translations/packs.ts). */
  private readonly packs: Pack[];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    ...packs: Pack[]
  ) {
    this.packs = packs;
    host.addController(this);
  }

  hostConnected() {
    live.add(this);
    this.refresh();
  }

  hostDisconnected() {
    live.delete(this);
  }

  /** Works out the language again; re-renders when it changed (or `force`), once its terms are here. */
  refresh(force = false) {
    const next = resolveLanguage([...langsAbove(this.host), ...navigator.languages, siteLanguage], new Set(custom.keys()));
    const changed = force || next.chain.join() !== this.resolved.chain.join() || next.locale !== this.resolved.locale;
    const pending = this.packs.map((pack) => loadPack(pack, next.base)).filter(Boolean);
    const loading = pending.length ? Promise.all(pending) : undefined;
    const generation = ++this.generation;
    const show = () => {
      if (generation !== this.generation) return;
      this.resolved = next;
      this.host.requestUpdate();
    };
    if (loading) {
      const shown = loading.then(show);
      // Before its first render a component waits for its words, rather than show English for a moment.
      if ('holdFirstUpdate' in this.host) (this.host as unknown as Holder).holdFirstUpdate(shown);
    } else if (changed) show();
  }

  /** The language shown, as a BCP 47 tag (for `lang` attributes and Intl). */
  get lang(): string {
    return this.resolved.locale;
  }

  term<K extends TermKey>(key: K, ...args: Args<K>): string {
    let value: unknown;
    for (const code of this.resolved.chain) {
      value = custom.get(code)?.[key] ?? builtIn.get(code)?.[key];
      if (value !== undefined) break;
    }
    if (typeof value === 'function') return (value as (...a: Args<K>) => string)(...args);
    return typeof value === 'string' ? value : '';
  }

  /**
   * Of a name given in several languages (a queue's `labels`, by BCP 47
   * tag), the one for the language shown; else `fallback`.
   */
  pick(fallback: string, byLanguage?: Record<string, string>): string {
    const entries = Object.entries(byLanguage ?? {});
    for (const code of [this.resolved.locale.toLowerCase(), ...this.resolved.chain]) {
      const text = entries.find(([tag]) => tag.toLowerCase() == code)?.[1];
      if (text) return text;
    }
    return fallback;
  }

  /** A time of day (02:05 PM, 14:05, 下午02:05): what the message list shows beside each message. */
  /** A time of day as the language writes it: "6:08 PM", "18:08", "下午6:08". */
  time(at: number | Date): string {
    return new Intl.DateTimeFormat(this.lang, { timeStyle: 'short' }).format(at);
  }
}
