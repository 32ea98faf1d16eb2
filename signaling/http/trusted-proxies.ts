/**
 * Who a request came from, and whether over HTTPS, when reverse proxies or
 * load balancers stand in front (`trustedProxies`, WARMLINE_TRUSTED_PROXIES).
 *
 * A request's own peer is the only address nobody can forge. Only when that
 * peer is a trusted proxy is its `X-Forwarded-For` read, from the right:
 * each trusted proxy appends the address it was reached from, so the
 * rightmost entry that is not itself a trusted proxy is the client. Anything
 * to its left came from the client and is ignored ("forged, real" gives
 * "real"). The matching (addresses, CIDR ranges, IPv4-mapped IPv6) is
 * proxy-addr's, as in Express.
 *
 * `X-Forwarded-Proto` is likewise believed from a trusted peer only, and its
 * rightmost value: what the nearest proxy says the client used.
 *
 * The Host header is used as sent: proxies pass it on (`proxy_set_header
 * Host $host`), so `X-Forwarded-Host` is never read.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type Koa from 'koa';
import proxyaddr from 'proxy-addr';

export interface TrustedProxies {
  /** The client's address: the peer's, or behind trusted proxies the rightmost forwarded one they do not cover. */
  clientAddress(req: IncomingMessage): string;
  /** Whether the client used HTTPS: TLS on this socket, or a trusted proxy's `X-Forwarded-Proto: https`. */
  secure(req: IncomingMessage): boolean;
}

/** `trusted`: addresses, CIDR ranges (10.0.0.0/8, fd00::/8), or proxy-addr's names loopback, linklocal, uniquelocal. */
export function trustedProxies(trusted: readonly string[]): TrustedProxies {
  const trust = proxyaddr.compile([...trusted]);
  const peerTrusted = (req: IncomingMessage) => {
    const peer = req.socket.remoteAddress;
    return peer !== undefined && trust(peer, 0);
  };
  return {
    clientAddress(req) {
      // A socket already closed has no peer; proxy-addr needs one.
      if (!req.socket.remoteAddress) return 'unknown';
      return proxyaddr(req, trust);
    },
    secure(req) {
      if ((req.socket as TLSSocket).encrypted === true) return true;
      if (!peerTrusted(req)) return false;
      const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',').at(-1)?.trim().toLowerCase();
      return proto === 'https';
    },
  };
}

/**
 * Makes Koa's `ctx.ip`, `ctx.protocol` and what derives from them
 * (`ctx.secure`, `ctx.origin`, `ctx.href`) follow `proxies`. Koa's own
 * `app.proxy` believes X-Forwarded-* from any peer and the leftmost address,
 * so it stays off. `app.request` is the prototype of every `ctx.request`,
 * there for extending.
 */
export function useTrustedProxies(app: Koa, proxies: TrustedProxies): void {
  app.proxy = false;
  Object.defineProperties(app.request, {
    ip: {
      get(this: Koa.Request) {
        return proxies.clientAddress(this.req);
      },
    },
    protocol: {
      get(this: Koa.Request) {
        return proxies.secure(this.req) ? 'https' : 'http';
      },
    },
  });
}
