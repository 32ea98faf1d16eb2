import type { Context, Next } from 'koa';

/** Headers every response carries. (The strict Content-Security-Policy for pages comes with the security issue.) */
export function securityHeaders() {
  return async function headers(ctx: Context, next: Next) {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    await next();
  };
}
