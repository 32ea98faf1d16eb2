/**
 * The address a request came from, for rate limits: the socket's peer, or —
 * behind a reverse proxy the operator trusts (WARMLINE_TRUST_PROXY=1, Koa's
 * `app.proxy`) — the first address of X-Forwarded-For, as Koa's `ctx.ip`.
 */
import type { IncomingMessage } from 'node:http';

export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : '';
  return forwarded || req.socket.remoteAddress || 'unknown';
}
