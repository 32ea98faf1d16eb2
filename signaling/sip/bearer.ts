/**
 * Bearer credentials in SIP (RFC 8898 §2.1): `Authorization: Bearer <token>`
 * for the registrar, `Proxy-Authorization: Bearer <token>` for the proxy.
 * The token is an RFC 6750 `b64token`, matched here exactly as that grammar
 * defines it. Agents present their session token; visitors their
 * conversation token.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function bearerToken(headerValue: string | undefined): string | undefined {
  if (!headerValue) return undefined;
  const space = headerValue.indexOf(' ');
  if (space < 0) return undefined;
  const scheme = headerValue.slice(0, space);
  const token = headerValue.slice(space + 1).trim();
  return scheme.toLowerCase() === 'bearer' && B64TOKEN.test(token) ? token : undefined;
}

/** The challenge sent with 401/407 (RFC 8898 §2.2); `error` as in RFC 6750 §3.1. */
export function bearerChallenge(realm: string, error?: 'invalid_token'): string {
  return `Bearer realm="${realm}"${error ? `, error="${error}"` : ''}`;
}
