import Router from '@koa/router';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';

/** `GET /healthz`: 200 while the process can serve and reach its database, for load balancers and probes. */
export function healthRoutes(services: Services) {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    services.stores.db.prepare('SELECT 1').get();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: 'ok',
      version: VERSION,
      uptimeSeconds: Math.round((services.clock.now() - services.startedAt) / 1000),
      connections: services.hub.connectionCounts(),
      sip: services.sip.stats(),
    };
  });
  return router;
}
