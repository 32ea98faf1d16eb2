/**
 * Where each language's terms come from. Terms are split in packs by where
 * they show (the chat, the call widget, the queue's offline form and
 * callbacks, attachments, the agent's console), and each language of each
 * pack is its own module, imported when a component showing it needs that
 * language: a visitor downloads one language of what they see, nothing more.
 *
 * Each pack's table (visitor-pack.ts, …) is written out, not built from a
 * pattern, so that the bundler sees every import and gives each its own
 * small chunk; and each is its own module, so that a bundle carries only
 * the tables of the packs its components show.
 */

/** The languages Warmline ships, by their BCP 47 codes. */
export const BUILT_IN = ['en', 'zh-Hans', 'zh-Hant', 'ru'] as const;
export type BuiltInLanguage = (typeof BUILT_IN)[number];

/** Each built-in language's name in itself, for a language menu (kept out of the lazy packs so the menu needs none of them). */
export const LANGUAGE_NAMES: Record<BuiltInLanguage, string> = { en: 'English', 'zh-Hans': '简体中文', 'zh-Hant': '繁體中文', ru: 'Русский' };

type Module<T> = Promise<{ default: T }>;

/** One pack: its name, and how to fetch its terms in each built-in language. */
export interface Pack<T = object> {
  readonly name: string;
  readonly load: Record<BuiltInLanguage, () => Module<T>>;
}

export { visitorPack } from './visitor-pack.js';
export { callPack } from './call-pack.js';
export { queuePack } from './queue-pack.js';
export { attachmentPack } from './attachment-pack.js';
export { agentPack } from './agent-pack.js';
