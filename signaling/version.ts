import { readFileSync } from 'node:fs';

/** The package version, read once from package.json next to the project root. */
export const VERSION: string = (() => {
  try {
    const url = new URL('../package.json', import.meta.url);
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'warmline' && pkg.version) return pkg.version;
  } catch {
    // Built into dist/server/, package.json is one level further up.
  }
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
