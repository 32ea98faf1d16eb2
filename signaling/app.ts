/**
 * The Koa application: middleware order and routes, and nothing that
 * listens. `server.ts` puts it on a port together with the WebSocket
 * endpoints; tests drive it the same way on port 0.
 */
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { AppError, errorMiddleware } from './errors.js';
import { enforce } from './limits/limits.js';
import type { Services } from './services.js';
import { externalSockets, securityHeaders } from './http/security-headers.js';
import { healthRoutes } from './http/health-routes.js';
import { visitorRoutes } from './http/visitor-routes.js';
import { agentRoutes } from './http/agent-routes.js';
import { staticRoutes } from './http/static-routes.js';
import { attachmentRoutes } from './http/attachment-routes.js';
import { liveKitWebhookRoutes } from './http/livekit-routes.js';
import { trustedProxies, useTrustedProxies } from './http/trusted-proxies.js';
import { demoPages } from './demo/demo-pages.js';
import { demoIdentity } from './demo/demo-identity.js';
import { join } from 'node:path';

export function createApp(services: Services): Koa {
  const app = new Koa();
  // ctx.ip and ctx.secure believe X-Forwarded-* only from the configured proxies.
  useTrustedProxies(app, trustedProxies(services.config.trustedProxies));
  // Errors are answered by errorMiddleware; Koa's own handler would only log them again.
  app.silent = true;

  app.use(errorMiddleware((line, err) => services.log.error(line, err)));
  app.use(securityHeaders());
  // Every API request counts against its IP address, before any work is done for it.
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api/') && ctx.method !== 'OPTIONS') {
      const taken = await services.limits.requests.take(ctx.ip);
      // Refused before any route's CORS: let the page that asked read the 429 and its wait (it reveals nothing).
      if (!taken.ok && ctx.get('Origin')) {
        ctx.set('Access-Control-Allow-Origin', ctx.get('Origin'));
        ctx.set('Access-Control-Expose-Headers', 'Retry-After');
        ctx.vary('Origin');
      }
      enforce(taken, 'requests');
    }
    await next();
  });
  // Before the JSON-only rule and the body parser: uploads are raw bytes, read by the route with their own limit.
  const attachments = attachmentRoutes(services);
  app.use(attachments.routes());
  app.use(attachments.allowedMethods());
  // LiveKit's webhooks too: signed over their exact bytes, sent as application/webhook+json.
  if (services.livekit) app.use(liveKitWebhookRoutes(services, services.livekit).routes());
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api/') && ['POST', 'PUT', 'PATCH'].includes(ctx.method) && ctx.request.length !== 0) {
      if (!ctx.is('application/json')) throw new AppError(415, 'bad_request', 'Send the body as JSON (Content-Type: application/json).');
    }
    await next();
  });
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: services.config.limits.bodyBytes,
      // Parse any JSON value, so a bare string or number gets our clear error rather than the parser's.
      jsonStrict: false,
    }),
  );

  const routers = [healthRoutes(services), visitorRoutes(services), agentRoutes(services), staticRoutes(services)];
  if (services.config.demo) routers.push(demoPages(join(services.rootDir, 'demo'), externalSockets(services.config)), demoIdentity(services));
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  app.use((ctx) => {
    if (ctx.status === 404 && ctx.body === undefined) throw AppError.notFound(`Nothing at ${ctx.method} ${ctx.path}.`);
  });
  return app;
}
