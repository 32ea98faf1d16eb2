import type { Context, Next } from 'koa';

interface CorsOptions {
  allowOrigin: (origin: string) => boolean;
  methods: string;
  headers: string;
}

/** Labels responses for allowed origins and answers their preflight requests. */
function cors({ allowOrigin, methods, headers }: CorsOptions) {
  return async function corsMiddleware(ctx: Context, next: Next) {
    const origin = ctx.get('Origin');
    const allowed = origin !== '' && allowOrigin(origin);
    if (origin) ctx.vary('Origin');
    if (allowed) {
      ctx.set('Access-Control-Allow-Origin', origin);
      // The widgets read how long to wait after a 429.
      ctx.set('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (ctx.method === 'OPTIONS' && allowed) {
      ctx.set('Access-Control-Allow-Methods', methods);
      ctx.set('Access-Control-Allow-Headers', headers);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}

/**
 * CORS for the visitor API, which pages on the site owner's origin call. The
 * origin itself is checked against the site's allowed origins by the route
 * (the site is in the body); this only answers the browser.
 */
export const visitorCors = () => cors({ allowOrigin: () => true, methods: 'GET, POST, PUT, DELETE, OPTIONS', headers: 'Content-Type, Authorization' });

/**
 * CORS for attachments: the visitor's widget uploads and fetches them from
 * the site's pages (the route checks the origin against the conversation's
 * site), and agents from the console or an `agentOrigins` CRM. The file
 * name travels in `X-Filename`.
 */
export const attachmentCors = () =>
  cors({ allowOrigin: () => true, methods: 'GET, POST, OPTIONS', headers: 'Content-Type, Authorization, X-Filename' });

/**
 * CORS for the agent API: only for origins listed in `agentOrigins` (a CRM
 * embedding the softphone). Requests carry a bearer token, never cookies.
 */
export const agentCors = (allowed: readonly string[]) =>
  cors({
    allowOrigin: (origin) => allowed.includes('*') || allowed.includes(origin),
    methods: 'GET, POST, PATCH, DELETE, OPTIONS',
    headers: 'Content-Type, Authorization',
  });
