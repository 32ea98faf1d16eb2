/**
 * Localization: a typed `Translation` (one file per language under
 * translations/), and a controller components call as
 * `this.localize.term('send')`. Terms that take values are functions, so
 * each language orders words its own way.
 *
 * The language is the element's `lang`, else the page's, else the browser's;
 * missing languages and terms fall back to English.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import en, { type VisitorTerms } from './translations/en.js';
import type { AgentTerms } from './translations/en-agent.js';
import type { CallTerms } from './translations/en-call.js';
import type { QueueTerms } from './translations/en-queue.js';
import type { AttachmentTerms } from './translations/en-attachment.js';

type Terms = VisitorTerms & AgentTerms & CallTerms & QueueTerms & AttachmentTerms;

/** A language: its code and name, and any of the English terms in the same shapes. */
export type Translation = { $code: string; $name: string } & Partial<Omit<Terms, '$code' | '$name'>>;

export type TermKey = Exclude<keyof Terms, '$code' | '$name'>;
type Args<K extends TermKey> = Terms[K] extends (...args: infer A) => string ? A : [];

const translations = new Map<string, Translation>();
/** English is the fallback for every term; agent terms join it when the console loads them. */
let fallback: Translation = { ...en };

/**
 * Adds terms for a language (a translation file calls this when imported).
 * Several files may register parts of the same language; they merge.
 */
export function registerTranslation(...list: Translation[]) {
  for (const t of list) {
    const code = t.$code.toLowerCase();
    translations.set(code, { ...translations.get(code), ...t });
    if (code === 'en') fallback = { ...fallback, ...t };
  }
}

registerTranslation(en);

function pick(lang: string): Translation {
  const code = lang.toLowerCase();
  return translations.get(code) ?? translations.get(code.split('-')[0]!) ?? fallback;
}

export class Localize implements ReactiveController {
  /** `packs`: term files this component needs beyond the visitor's (e.g. the agent terms). */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    ...packs: Translation[]
  ) {
    host.addController(this);
    if (packs.length) registerTranslation(...packs);
  }

  hostConnected() {}

  get lang(): string {
    return this.host.lang || document.documentElement.lang || navigator.language || 'en';
  }

  term<K extends TermKey>(key: K, ...args: Args<K>): string {
    const value: unknown = pick(this.lang)[key] ?? fallback[key];
    return typeof value === 'function' ? (value as (...a: Args<K>) => string)(...args) : (value as string);
  }

  time(at: number): string {
    return new Intl.DateTimeFormat(this.lang, { hour: '2-digit', minute: '2-digit' }).format(at);
  }

  money(amount: number, currency: string): string {
    try {
      return new Intl.NumberFormat(this.lang, { style: 'currency', currency }).format(amount);
    } catch {
      return `${amount.toFixed(2)} ${currency}`;
    }
  }
}
