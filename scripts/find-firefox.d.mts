export function findFirefox(): string;
export const FIREFOX_PREFS: Record<string, boolean | number | string>;
