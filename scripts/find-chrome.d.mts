export function findChrome(): string;
export const CHROME_FLAGS: string[];
