/**
 * The form of a word for a count, by the language's plural rules (CLDR,
 * through Intl.PluralRules): Russian has one (1, 21 минута), few (2–4, 22
 * минуты) and many (5–20, 25 минут); Chinese has only other; English one
 * and other. Translations call it in their terms that take a number.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

// No cache of PluralRules: a term is worded a few times per render, and this file is a chunk of its own
// that a Russian chat loads at its first open (each byte counts there).
export function plural(lang: string, n: number, forms: PluralForms): string {
  return forms[new Intl.PluralRules(lang).select(n)] ?? forms.other;
}
