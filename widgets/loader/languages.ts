/**
 * The loader's share of languages. It names the launcher in the language the
 * chat will speak. It keeps the language `data-lang` or
 * `Warmline.setLanguage` gave, for the autoloader to put on each Warmline
 * element. And it hands the translations a site registers to the widgets:
 * they find them in `window.WarmlineTranslations` when they load, or hear
 * of them by the `warmline-translation` event.
 *
 * The launcher's language is chosen as the widgets choose theirs
 * (base/language.ts: the tag, its language, then the built-in language it
 * is written in by Intl.Locale's likely subtags, so zh-TW is Traditional),
 * but without the site's default (which only the server knows).
 */
import type { Translation } from '../base/localize.js';

/** The chat pack's `openChat` in each built-in language, by lower-case code (a test holds them equal). */
export const LAUNCHER_LABELS: Record<string, string> = { en: 'Chat with us', 'zh-hans': '在线咨询', 'zh-hant': '線上諮詢', ru: 'Написать нам' };

/**
 * The launcher's name, and the tag of its language, for the first of
 * `tags` that a registered translation's `openChat` or a built-in language
 * speaks (malformed and empty tags are passed over).
 */
export function launcherLabel(tags: Array<string | undefined>, registered: Translation[]): [text: string, lang: string] {
  const labels = { ...LAUNCHER_LABELS };
  // Later registrations of a code win, as in the widgets.
  for (const t of registered) if (t.openChat) labels[t.$code.toLowerCase()] = t.openChat;
  for (const tag of tags) {
    try {
      const { language, script } = new Intl.Locale(tag!).maximize();
      const text = labels[tag!.toLowerCase()] ?? labels[language] ?? labels[`${language}-${script}`.toLowerCase()];
      if (text) return [text, tag!];
    } catch {
      // Not a tag: the next one.
    }
  }
  return [labels.en!, 'en'];
}
