/**
 * Serving built widgets and the demo pages. Small on purpose: a fixed root,
 * no directory listings, paths that cannot climb out of the root, validators
 * (ETag, Last-Modified) for cheap revalidation.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { Context } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ServeOptions {
  cacheControl?: string;
  /**
   * Allow any origin to load it (widget scripts are imported cross-origin as
   * modules): CORS for `import()`, and Cross-Origin-Resource-Policy for the
   * classic script tag on a page that requires it (COEP).
   */
  cors?: boolean;
}

/** Serves `relative` under `root`; returns false (and does nothing) when there is no such file. */
export async function serveFile(ctx: Context, root: string, relative: string, options: ServeOptions = {}): Promise<boolean> {
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decodeURIComponent(relative).replace(/^[/\\]+/, '')}`);
  if (!file.startsWith(base + sep)) return false;
  const type = TYPES[extname(file).toLowerCase()];
  if (!type) return false;
  let info;
  try {
    info = await stat(file);
  } catch {
    return false;
  }
  if (!info.isFile()) return false;
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  ctx.set('ETag', etag);
  ctx.set('Last-Modified', info.mtime.toUTCString());
  ctx.set('Cache-Control', options.cacheControl ?? 'no-cache');
  if (options.cors) ctx.set({ 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
  ctx.type = type;
  if (ctx.get('If-None-Match') === etag) {
    ctx.status = 304;
    return true;
  }
  if (ctx.method === 'HEAD') {
    // Koa turns a null body into 204; say 200 again, with the length a GET would have.
    ctx.body = null;
    ctx.status = 200;
  } else {
    ctx.body = createReadStream(file);
  }
  ctx.length = info.size;
  return true;
}
