/**
 * Agent session tokens: `<payload>.<signature>`, both base64url, where the
 * payload is `{ sid, sub, exp }` and the signature is HMAC-SHA256 over the
 * payload with the server's secret. The signature lets us reject garbage
 * without touching the database; the session row (looked up by `sid`) is
 * what makes sign-out and revocation immediate.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SessionClaims {
  /** Session id (row in agent_sessions). */
  sid: string;
  /** Agent id. */
  sub: string;
  /** Expiry, milliseconds since the epoch. */
  exp: number;
}

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

export function encodeSessionToken(claims: SessionClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** Returns the claims if the signature holds; says nothing yet about expiry or revocation. */
export function decodeSessionToken(token: string, secret: string): SessionClaims | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 1024) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<SessionClaims>;
    if (typeof claims.sid !== 'string' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
    return { sid: claims.sid, sub: claims.sub, exp: claims.exp };
  } catch {
    return null;
  }
}
