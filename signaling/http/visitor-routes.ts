/** The visitor API: what the widgets call from the site owner's pages. */
import Router from '@koa/router';
import type { Context } from 'koa';
import * as v from 'valibot';
import { AppError } from '../errors.js';
import { validateContext } from '../context/validate-context.js';
import type { SiteConfig } from '../config/config-schema.js';
import { queuesOf } from '../config/sites.js';
import type { Services } from '../services.js';
import { iceServersFor } from '../sip/ice-servers.js';
import { visitorCors } from './cors.js';

const CreateBody = v.object({ site: v.string('site is required (the data-site key)'), context: v.unknown() });

const CallBody = v.object({
  site: v.string('site is required (the data-site key)'),
  token: v.optional(v.pipe(v.string(), v.maxLength(128))),
  topic: v.optional(v.pipe(v.string(), v.maxLength(32))),
  context: v.unknown(),
});

/** The site a request names, if it exists and the page's origin may use it. */
function siteFor(services: Services, ctx: Context, key: string): SiteConfig {
  const site = services.sites.get(key);
  if (!site) throw new AppError(404, 'unknown_site', `There is no site "${key}". Check data-site.`);
  const origin = ctx.get('Origin');
  if (origin && !site.origins.includes('*') && !site.origins.includes(origin)) {
    throw new AppError(403, 'origin_not_allowed', `The origin ${origin} is not allowed for site "${site.key}".`);
  }
  return site;
}

function parseBody<T>(schema: v.GenericSchema<unknown, T>, body: unknown): T {
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = v.getDotPath(issue);
    throw AppError.badRequest(`${path ? `${path}: ` : ''}${issue.message}`);
  }
  return parsed.output;
}

export function visitorRoutes(services: Services) {
  const router = new Router({ prefix: '/api/v1' });
  router.use(visitorCors());
  // Preflight for these routes only: the agent API under the same prefix has its own CORS.
  router.options(['/interactions', '/calls', '/sites/:site/call-options'], () => {});

  /**
   * Starts a conversation: checks the site and the origin, validates the
   * context, and returns the conversation token the widget keeps.
   */
  router.post('/interactions', (ctx) => {
    const body = parseBody(CreateBody, ctx.request.body);
    const site = siteFor(services, ctx, body.site);
    const context = validateContext(body.context, services.config.limits.contextBytes);
    const { interaction, token } = services.interactions.create(site.key, context);
    ctx.status = 201;
    ctx.body = { interactionId: interaction.id, token };
  });

  /** What a caller chooses between before calling (the visual IVR). */
  router.get('/sites/:site/call-options', (ctx) => {
    const site = siteFor(services, ctx, ctx.params.site ?? '');
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.body = { topics: site.topics };
  });

  /**
   * Prepares a call: in the visitor's conversation if they have one (so the
   * agent sees the chat too), otherwise in a new one. Stores the context as
   * it is now with the chosen topic, and returns what the widget's SIP user
   * agent needs: the queue address to call and the ICE servers.
   */
  router.post('/calls', (ctx) => {
    const body = parseBody(CallBody, ctx.request.body);
    const site = siteFor(services, ctx, body.site);
    const queues = queuesOf(site);
    const topic = site.topics.find((t) => t.id === body.topic);
    if (site.topics.length && !topic) {
      throw AppError.unprocessable(`topic must be one of: ${queues.join(', ')}.`, 'invalid_context');
    }
    const context = validateContext(body.context, services.config.limits.contextBytes);
    if (topic) context.topic = topic.label;
    let interactionId: string;
    let token: string;
    const existing = body.token ? services.interactions.findByToken(body.token) : undefined;
    if (body.token && (!existing || existing.site !== site.key)) {
      throw AppError.unauthorized('This conversation token is not known. Start a new conversation.');
    }
    if (existing) {
      if (context.visitor.id !== existing.visitorId) throw AppError.badRequest('context.visitor.id cannot change within a conversation.', 'invalid_context');
      services.interactions.updateContext(existing.id, context);
      interactionId = existing.id;
      token = body.token!;
    } else {
      const created = services.interactions.create(site.key, context);
      interactionId = created.interaction.id;
      token = created.token;
    }
    const domain = services.config.sip.domain;
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      interactionId,
      token,
      sip: { domain, target: `sip:${topic?.id ?? queues[0]}@${domain}` },
      iceServers: iceServersFor(services.config.sip, interactionId, services.clock.now()),
    };
  });

  return router;
}
