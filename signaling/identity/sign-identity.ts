/**
 * What a site's backend does to vouch for its signed-in customer, in the two
 * forms `verify-identity.ts` accepts. Warmline itself uses it only for the
 * demo shop's "sign in" and in tests; docs/security.md shows the same few
 * lines for other backends.
 */
import { createHmac } from 'node:crypto';

/** The hex HMAC-SHA256 of the user id: `Warmline.identify({ id, name, email, signature })`. */
export function identitySignature(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

/** An HS256 JWT of the identity, valid for `ttlSeconds`: `Warmline.identify(token)`. */
export function identityToken(
  secret: string,
  identity: { id: string; name?: string; email?: string; phone?: string },
  nowMs: number,
  ttlSeconds = 3600,
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(nowMs / 1000);
  const { id, ...rest } = identity;
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: id, ...rest, iat: now, exp: now + ttlSeconds })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
