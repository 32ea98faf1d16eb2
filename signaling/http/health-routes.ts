import Router from '@koa/router';
import { sql } from 'kysely';
import type { Services } from '../services.js';
import { VERSION } from '../version.js';

/** `GET /healthz`: 200 while the process can serve and reach its database, for load balancers and probes. */
export function healthRoutes(services: Services) {
  const router = new Router();
  router.get('/healthz', async (ctx) => {
    await sql`SELECT 1`.execute(services.stores.db);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: 'ok',
      version: VERSION,
      uptimeSeconds: Math.round((services.clock.now() - services.startedAt) / 1000),
      connections: services.hub.connectionCounts(),
      sip: services.sip.stats(),
      // Among several nodes: which one answered, and whether it holds the queue.
      ...(services.cluster && { node: services.cluster.node.nodeId, routing: services.cluster.node.lease.held }),
    };
  });
  return router;
}
