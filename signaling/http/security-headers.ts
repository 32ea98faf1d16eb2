/**
 * Security headers. Every response gets the baseline (`securityHeaders`): no
 * sniffing, the referrer cut to the origin across sites, no framing, a
 * Content-Security-Policy that allows nothing (a JSON error or a file opened
 * in a tab runs no script), and HSTS when the request came over HTTPS. It
 * stays on error responses, including those of Koa's last-resort handler,
 * which otherwise clears every header.
 *
 * HTML pages call `pageHeaders`, which replaces the CSP with the strict page
 * policy and its fresh nonce. The widget files say they may be loaded from
 * any origin (static-files.ts, `cors`).
 */
import { randomBytes } from 'node:crypto';
import type { Context, Next } from 'koa';

/** For responses that are not pages. */
const NOTHING_ALLOWED = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** One year. No includeSubDomains: the operator's other hosts are not ours to commit. */
const HSTS = 'max-age=31536000';

/** Host names, IPv4 and bracketed IPv6 addresses with an optional port: nothing that could add a directive. */
const PLAIN_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

export function securityHeaders() {
  return async function headers(ctx: Context, next: Next) {
    const baseline: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': NOTHING_ALLOWED,
    };
    // ctx.secure believes X-Forwarded-Proto from a trusted proxy only (trusted-proxies.ts).
    if (ctx.secure) baseline['Strict-Transport-Security'] = HSTS;
    ctx.set(baseline);
    // Koa's own handler (for a body that fails to be written after the middleware returned, such as
    // JSON that does not serialize) removes all headers, then sets `err.headers`: hand it the baseline.
    const onerror = ctx.onerror;
    ctx.onerror = (err) => {
      if (err instanceof Error) Object.assign(err, { headers: { ...baseline, ...(err as { headers?: object }).headers } });
      onerror.call(ctx, err);
    };
    await next();
  };
}

/** Who may frame a page: nobody (the agent console), or pages of this origin (the demo shop). */
export type Framing = 'none' | 'self';

/**
 * Headers for an HTML page: the strict CSP with a nonce good for this
 * response only, which the page's own <script> tags must carry. Returns the
 * nonce.
 *
 * No 'unsafe-inline' and no 'unsafe-eval': the widgets style themselves with
 * constructable stylesheets (adoptedStyleSheets, which style-src does not
 * govern) and never with style attributes. The page is `no-store`: a cached
 * body, or a 304, would carry a nonce the new header no longer allows.
 */
export function pageHeaders(ctx: Context, framing: Framing, connect: readonly string[] = []): string {
  const nonce = randomBytes(16).toString('base64');
  // Chromium lets 'self' match ws: and wss: of the page's host; name them for browsers that do not.
  // `connect`: other sockets the page opens (an external SIP platform), from the configuration.
  const sockets = (PLAIN_HOST.test(ctx.host) ? ` ws://${ctx.host} wss://${ctx.host}` : '') + connect.map((c) => ` ${c}`).join('');
  ctx.set({
    'Content-Security-Policy': [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      `style-src 'self' 'nonce-${nonce}'`,
      "img-src 'self' data: blob:",
      "media-src 'self' blob:",
      `connect-src 'self'${sockets}`,
      "object-src 'none'",
      "base-uri 'none'",
      `frame-ancestors '${framing}'`,
      "form-action 'self'",
    ].join('; '),
    'X-Frame-Options': framing === 'none' ? 'DENY' : 'SAMEORIGIN',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Calls need the microphone, on the shop and in the console; nothing else is asked for.
    'Permissions-Policy': 'microphone=(self), camera=(), geolocation=()',
    'Cache-Control': 'no-store',
  });
  return nonce;
}

/** The sockets pages connect to beyond this server: an external SIP platform's WebSocket (sip.external.wsUrl). */
export function externalSockets(config: { sip: { external?: { wsUrl: string } } }): string[] {
  const url = config.sip.external?.wsUrl;
  if (!url) return [];
  const { protocol, host } = new URL(url);
  return [`${protocol}//${host}`];
}
