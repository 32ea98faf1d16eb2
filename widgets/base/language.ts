/**
 * Which language to speak, from a list of BCP 47 tags in order of
 * preference (the element's and its ancestors' `lang`, the page's, the
 * browser's languages, the site's default). The first tag Warmline can
 * speak wins; one it cannot (a French page without a French translation) is
 * passed over for the next, so that a Russian reader on that page still
 * gets Russian when their browser asks for it.
 *
 * Chinese is chosen by script, as CLDR's likely subtags give it
 * (`Intl.Locale#maximize`): zh, zh-CN and zh-SG are written in Simplified
 * characters, zh-TW, zh-HK and zh-MO in Traditional; an explicit script
 * (zh-Hant-CN) wins over the region.
 */
import { BUILT_IN, type BuiltInLanguage } from './translations/packs.js';

export interface Resolved {
  /** The tag that matched, for Intl's formats (zh-HK's dates are not zh-TW's). */
  locale: string;
  /**
   * Codes of translations to look terms up in, most specific first, lower
   * case; always ends with English: ['zh-hk', 'zh-hant', 'en'] for a site's
   * zh-HK translation over the built-in Traditional Chinese.
   */
  chain: string[];
  /** The built-in language whose terms to load (every chain holds one). */
  base: BuiltInLanguage;
}

export const ENGLISH: Resolved = { locale: 'en', chain: ['en'], base: 'en' };

/** The built-in language a tag is written in, if Warmline ships it. */
export function builtInFor(locale: Intl.Locale): BuiltInLanguage | undefined {
  if (locale.language === 'zh') return locale.maximize().script === 'Hant' ? 'zh-Hant' : 'zh-Hans';
  return BUILT_IN.find((code) => code === locale.language);
}

/**
 * @param tags   candidate tags, most preferred first; empty and malformed ones are skipped
 * @param custom codes (lower case) of translations the site registered
 */
export function resolveLanguage(tags: Iterable<string | null | undefined>, custom: ReadonlySet<string>): Resolved {
  for (const tag of tags) {
    if (!tag) continue;
    let locale: Intl.Locale;
    try {
      locale = new Intl.Locale(tag);
    } catch {
      continue;
    }
    const builtIn = builtInFor(locale);
    const chain = [locale.toString().toLowerCase(), locale.language, builtIn?.toLowerCase()].filter(
      (code, i, all): code is string => !!code && all.indexOf(code) === i && (custom.has(code) || code === builtIn?.toLowerCase()),
    );
    if (!chain.length) continue;
    if (builtIn !== 'en') chain.push('en');
    return { locale: locale.toString(), chain, base: builtIn ?? 'en' };
  }
  return ENGLISH;
}
