import type { Context, Next } from 'koa';

/**
 * CORS for the visitor API, which pages on the site owner's origin call. The
 * origin itself is checked against the site's allowed origins by the route;
 * this only answers the browser's preflight and labels responses.
 */
export function visitorCors() {
  return async function cors(ctx: Context, next: Next) {
    const origin = ctx.get('Origin');
    if (origin) {
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', origin);
    }
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', 'Content-Type');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}
