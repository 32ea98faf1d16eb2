/**
 * Verified identity: the site's backend, which knows who is signed in, signs
 * the visitor's identity with the site's secret, and the page passes the
 * signature on with `Warmline.identify`. The server alone sets `verified`.
 * Two forms, as docs/security.md shows with backend snippets:
 *
 * - HMAC: `{ id, name, email, signature }` where `signature` is the hex
 *   HMAC-SHA256 of `id` with the site secret (the scheme Intercom and
 *   Crisp use). Only the id is signed: name and email are shown as given.
 * - JWT: `token`, an HS256 JSON Web Token (RFC 7519) signed with the site
 *   secret, whose claims carry the identity: `sub` (the user id), `name`,
 *   `email`, `phone`, and `exp`. Every claim is signed.
 *
 * A signature that does not hold is not an error for the visitor (their
 * chat still works): the identity is kept as claimed, shown as not
 * verified, and the problem is reported back for the site owner to see.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Identity, IdentityInput } from '../../widgets/protocol/context-envelope.js';

export interface IdentityResult {
  identity: Identity | undefined;
  /** Why a signature given did not verify; undefined when it did or none was given. */
  problem: string | undefined;
}

/** Tokens a few seconds off the server's clock still verify. */
const CLOCK_SKEW_SECONDS = 60;

const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The identity as it will be stored, with `verified` decided here. */
export function verifyIdentity(input: IdentityInput | undefined, secret: string | undefined, nowMs: number): IdentityResult {
  if (!input) return { identity: undefined, problem: undefined };
  const { signature, token, ...claimed } = input;
  if (token !== undefined) return fromJwt(token, claimed, secret, nowMs);
  if (signature === undefined) return { identity: { ...claimed, verified: false }, problem: undefined };
  const unverified = (problem: string): IdentityResult => ({ identity: { ...claimed, verified: false }, problem });
  if (!secret) return unverified('this site has no secret configured, so no identity can be verified');
  if (!claimed.id) return unverified('identity.signature signs identity.id, which is missing');
  if (!sameBytes(Buffer.from(signature, 'hex'), hmac(secret, claimed.id))) return unverified('identity.signature does not match identity.id');
  return { identity: { ...claimed, verified: true }, problem: undefined };
}

function fromJwt(token: string, claimed: Omit<IdentityInput, 'signature' | 'token'>, secret: string | undefined, nowMs: number): IdentityResult {
  const parts = token.split('.');
  const payload = parts.length === 3 ? decodeJson(parts[1]!) : undefined;
  // What the token claims, shown as not verified when it does not verify.
  const claims: Omit<Identity, 'verified'> = { ...claimed, ...identityClaims(payload) };
  const unverified = (problem: string): IdentityResult => ({ identity: Object.keys(claims).length ? { ...claims, verified: false } : undefined, problem });
  if (!payload) return unverified('identity.token is not a JSON Web Token');
  if (!secret) return unverified('this site has no secret configured, so no identity can be verified');
  const header = decodeJson(parts[0]!);
  // Only HS256: never let the token choose its algorithm ("none", or RS256 with the secret as a public key).
  if (header?.alg !== 'HS256') return unverified('identity.token must be signed with HS256');
  const expected = hmac(secret, `${parts[0]}.${parts[1]}`);
  if (!sameBytes(Buffer.from(parts[2]!, 'base64url'), expected)) return unverified('identity.token has a wrong signature');
  const now = nowMs / 1000;
  if (typeof payload.sub !== 'string' || !payload.sub) return unverified('identity.token has no sub (the user id)');
  if (typeof payload.exp !== 'number') return unverified('identity.token has no exp (expiry)');
  if (payload.exp + CLOCK_SKEW_SECONDS < now) return unverified('identity.token has expired');
  if (typeof payload.nbf === 'number' && payload.nbf - CLOCK_SKEW_SECONDS > now) return unverified('identity.token is not valid yet (nbf)');
  // Signed claims win over anything the page added beside the token.
  return { identity: { ...identityClaims(payload), verified: true }, problem: undefined };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const CLAIM_LIMITS = { id: 200, name: 200, email: 254, phone: 40 } as const;

/** The identity fields of JWT claims, as strings within the envelope's limits. */
function identityClaims(payload: Record<string, unknown> | undefined): Omit<Identity, 'verified'> {
  if (!payload) return {};
  const out: Omit<Identity, 'verified'> = {};
  const source = { id: payload.sub, name: payload.name, email: payload.email, phone: payload.phone };
  for (const key of Object.keys(CLAIM_LIMITS) as Array<keyof typeof CLAIM_LIMITS>) {
    const value = source[key];
    if (typeof value === 'string' && value) out[key] = value.slice(0, CLAIM_LIMITS[key]);
  }
  return out;
}
