/**
 * Dates, times, relative times, money and language names, worded by
 * Intl in a language (a Localize's `lang`). Separate functions, not
 * Localize methods, so that a bundle carries only those its components use.
 */

/** A date and time; in `options.timeZone` when given (a queue's opening, in the queue's zone). */
export function dateTime(lang: string, at: number | Date, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' }): string {
  try {
    return new Intl.DateTimeFormat(lang, options).format(at);
  } catch {
    // An unknown time zone from a misconfigured queue: the visitor's own zone rather than nothing.
    return new Intl.DateTimeFormat(lang, { ...options, timeZone: undefined }).format(at);
  }
}

/** "in 3 hours", "3 分钟前": `seconds` from now (negative: ago), in the largest unit that fits. */
export function relativeTime(lang: string, seconds: number): string {
  const abs = Math.abs(seconds);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs < 60 ? [seconds, 'second'] : abs < 3600 ? [seconds / 60, 'minute'] : abs < 86400 ? [seconds / 3600, 'hour'] : [seconds / 86400, 'day'];
  return new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }).format(Math.round(value), unit);
}

export function money(lang: string, amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** A language's name in `lang` ("British English", "俄语（俄罗斯）"); the tag itself if Intl cannot name it. */
export function languageName(lang: string, tag: string): string {
  try {
    return new Intl.DisplayNames(lang, { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
