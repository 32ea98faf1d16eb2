/**
 * The demo shop's "sign in": what a real shop's backend does once its
 * customer is signed in — sign their identity with the site secret — so
 * that the agent sees "Verified". Demo mode only; the customer is made up.
 */
import Router from '@koa/router';
import type { Services } from '../services.js';
import { identityToken } from '../identity/sign-identity.js';
import { DEMO_CUSTOMER, DEMO_SITE } from './seed-demo.js';

export function demoIdentity(services: Services) {
  const router = new Router();
  router.post('/demo/sign-in', (ctx) => {
    const secret = services.sites.get(DEMO_SITE.key)?.secret;
    if (!secret) throw new Error('the demo site has no secret');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { token: identityToken(secret, DEMO_CUSTOMER, services.clock.now()) };
  });
  return router;
}
