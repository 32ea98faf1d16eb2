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

/**
 * CORS for the agent API: only for origins listed in `agentOrigins` (a CRM
 * embedding the softphone). Requests carry a bearer token, never cookies.
 */
export function agentCors(allowed: readonly string[]) {
  return async function cors(ctx: Context, next: Next) {
    const origin = ctx.get('Origin');
    const ok = origin && (allowed.includes('*') || allowed.includes(origin));
    if (origin) ctx.vary('Origin');
    if (ok) ctx.set('Access-Control-Allow-Origin', origin);
    if (ctx.method === 'OPTIONS' && ok) {
      ctx.set('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', 'Content-Type, Authorization');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}
