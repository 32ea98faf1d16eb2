/** The visitor API: what the widgets call from the site owner's pages. */
import Router from '@koa/router';
import * as v from 'valibot';
import { AppError } from '../errors.js';
import { validateContext } from '../context/validate-context.js';
import type { Services } from '../services.js';
import { visitorCors } from './cors.js';

const CreateBody = v.object({ site: v.string('site is required (the data-site key)'), context: v.unknown() });

export function visitorRoutes(services: Services) {
  const router = new Router({ prefix: '/api/v1' });
  router.use(visitorCors());

  router.options('/interactions', () => {});

  /**
   * Starts a conversation: checks the site and the origin, validates the
   * context, and returns the conversation token the widget keeps.
   */
  router.post('/interactions', (ctx) => {
    const parsed = v.safeParse(CreateBody, ctx.request.body);
    if (!parsed.success) throw AppError.badRequest(parsed.issues[0].message);
    const site = services.sites.get(parsed.output.site);
    if (!site) throw new AppError(404, 'unknown_site', `There is no site "${parsed.output.site}". Check data-site.`);
    const origin = ctx.get('Origin');
    if (origin && !site.origins.includes('*') && !site.origins.includes(origin)) {
      throw new AppError(403, 'origin_not_allowed', `The origin ${origin} is not allowed for site "${site.key}".`);
    }
    const context = validateContext(parsed.output.context, services.config.limits.contextBytes);
    const { interaction, token } = services.interactions.create(site.key, context);
    ctx.status = 201;
    ctx.body = { interactionId: interaction.id, token };
  });

  return router;
}
