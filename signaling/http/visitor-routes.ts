/** The visitor API: what the widgets call from the site owner's pages. */
import Router from '@koa/router';
import type { Context } from 'koa';
import * as v from 'valibot';
import { AppError, type ErrorCode } from '../errors.js';
import { enforce } from '../limits/limits.js';
import { assertSameVisitor, validateContext, validateContextUpdate } from '../context/validate-context.js';
import type { SiteConfig } from '../config/config-schema.js';
import { chatQueueOf, queuesOf } from '../config/sites.js';
import { nextOpening } from '../routing/business-hours.js';
import type { ContextInput } from '../../widgets/protocol/context-envelope.js';
import type { SiteQueues } from '../../widgets/protocol/site-queues.js';
import type { Services } from '../services.js';
import { iceServersFor } from '../sip/ice-servers.js';
import { visitorCall } from '../sip/sip-side.js';
import { addVisitorLiveKitRoutes } from './livekit-routes.js';
import { visitorCors } from './cors.js';

const CreateBody = v.object({ site: v.string('site is required (the data-site key)'), context: v.unknown() });

const CallBody = v.object({
  site: v.string('site is required (the data-site key)'),
  token: v.optional(v.pipe(v.string(), v.maxLength(128))),
  queue: v.optional(v.pipe(v.string(), v.maxLength(32))),
  context: v.unknown(),
});

const OfflineBody = v.object({
  site: v.string('site is required (the data-site key)'),
  token: v.optional(v.pipe(v.string(), v.maxLength(128))),
  queue: v.optional(v.pipe(v.string(), v.maxLength(32))),
  name: v.pipe(v.string('name is required'), v.trim(), v.minLength(1, 'name is required'), v.maxLength(200, 'name must be at most 200 characters')),
  contact: v.pipe(
    v.string('contact is required'),
    v.trim(),
    v.minLength(3, 'contact is required: an email address or a phone number'),
    v.maxLength(254, 'contact must be at most 254 characters'),
    v.check((c) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c) || /^\+?[0-9][0-9 ().-]{5,24}$/.test(c), 'contact must be an email address or a phone number'),
  ),
  message: v.pipe(v.string('message is required'), v.trim(), v.minLength(1, 'message is required'), v.maxLength(4000, 'message must be at most 4000 characters')),
  context: v.unknown(),
});

const CallbackBody = v.object({
  phone: v.optional(
    v.pipe(v.string(), v.trim(), v.maxLength(32), v.check((p) => p === '' || /^\+?[0-9][0-9 ().-]{5,24}$/.test(p), 'phone must be a phone number such as +33 6 12 34 56 78')),
  ),
});

/** The visitor's conversation from `Authorization: Bearer <conversation token>` (also used by attachment-routes.ts). */
export async function visitorInteraction(services: Services, ctx: Context) {
  const header = ctx.get('Authorization');
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const interaction = token ? await services.interactions.findByToken(token) : undefined;
  if (!interaction) throw AppError.unauthorized('This conversation token is not known.');
  siteFor(services, ctx, interaction.site);
  return interaction;
}

/**
 * The visitor's conversation for a call or a message: the one their token
 * opens (its context updated), or a new one.
 */
async function conversationFor(
  services: Services,
  ip: string,
  site: string,
  token: string | undefined,
  context: ContextInput,
): Promise<{ interactionId: string; token: string; identityProblem: string | undefined }> {
  if (token) {
    const existing = await services.interactions.findByToken(token);
    if (!existing || existing.site !== site) throw AppError.unauthorized('This conversation token is not known. Start a new conversation.');
    assertSameVisitor(context, existing);
    const { identityProblem } = await services.interactions.updateContext(existing.id, context);
    return { interactionId: existing.id, token, identityProblem };
  }
  enforce(await services.limits.conversations.take(ip), 'new conversations from this address');
  const created = await services.interactions.create(site, context);
  return { interactionId: created.interaction.id, token: created.token, identityProblem: created.identityProblem };
}

/** Tells the site's developers why an identity they signed was not verified (the visitor's chat works regardless). */
const identityReport = (problem: string | undefined) => (problem ? { identity: { verified: false, problem } } : {});

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

/**
 * The body, checked. A refused field is `bad_request`, unless `codes` gives
 * it a code of its own: one a widget words for the visitor to put right
 * (`invalid_contact`), rather than a slip of the widget's.
 */
function parseBody<T>(schema: v.GenericSchema<unknown, T>, body: unknown, codes: Record<string, ErrorCode> = {}): T {
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = v.getDotPath(issue);
    throw AppError.badRequest(`${path ? `${path}: ` : ''}${issue.message}`, (path && codes[path]) || 'bad_request');
  }
  return parsed.output;
}

export function visitorRoutes(services: Services) {
  const router = new Router({ prefix: '/api/v1' });
  router.use(visitorCors());
  // Preflight for these routes only: the agent API under the same prefix has its own CORS.
  router.options(['/interactions', '/interactions/current/context', '/calls', '/calls/current', '/calls/current/dtmf', '/offline', '/callbacks', '/callbacks/current', '/sites/:site/queues'], () => {});

  /**
   * Starts a conversation: checks the site and the origin, validates the
   * context, and returns the conversation token the widget keeps.
   */
  router.post('/interactions', async (ctx) => {
    const body = parseBody(CreateBody, ctx.request.body);
    const site = siteFor(services, ctx, body.site);
    const context = validateContext(body.context, services.config.limits.contextBytes);
    enforce(await services.limits.conversations.take(ctx.ip), 'new conversations from this address');
    const { interaction, token, identityProblem } = await services.interactions.create(site.key, context);
    ctx.status = 201;
    ctx.body = { interactionId: interaction.id, token, ...identityReport(identityProblem) };
  });

  /**
   * The visitor's context changed (cart, page, steps) where no chat socket
   * carries it: during a call, and on the page after leaving one. Checked and
   * stored as the socket's `context` frame is (the same function), and passed
   * on live to the agents watching the conversation. The token is checked
   * first, so a stranger learns nothing about the envelope.
   */
  router.put('/interactions/current/context', async (ctx) => {
    const interaction = await visitorInteraction(services, ctx);
    const context = validateContextUpdate(ctx.request.body, services.config.limits.contextBytes, interaction);
    await services.interactions.updateContext(interaction.id, context);
    ctx.status = 204;
  });

  /**
   * The site's queues (what a caller chooses between, the visual IVR), and
   * whether each takes work now: open (business hours) and staffed (an agent
   * of it signed in). Widgets show the offline form when it does not.
   */
  router.get('/sites/:site/queues', (ctx) => {
    const site = siteFor(services, ctx, ctx.params.site ?? '');
    ctx.set('Cache-Control', 'no-store');
    const body: SiteQueues = {
      chatQueue: chatQueueOf(services.config, site),
      ...(site.language && { language: site.language }),
      queues: queuesOf(services.config, site).map((q) => {
        const { open, staffed } = services.routing.availability(q.id);
        const opensAt = open ? undefined : nextOpening(q.hours, services.clock.now());
        return {
          id: q.id,
          label: q.label,
          ...(q.labels && { labels: q.labels }),
          open,
          staffed,
          // The widget words the opening time in the queue's zone: "Monday 09:00 GMT+3" means the same to everyone.
          ...(opensAt && { opensAt: new Date(opensAt).toISOString(), timezone: q.hours!.timezone }),
        };
      }),
    };
    ctx.body = body;
  });

  /**
   * Prepares a call: in the visitor's conversation if they have one (so the
   * agent sees the chat too), otherwise in a new one. Stores the context as
   * it is now with the chosen queue's name, and returns what the widget's
   * SIP user agent needs: the queue address to call and the ICE servers.
   */
  router.post('/calls', async (ctx) => {
    const body = parseBody(CallBody, ctx.request.body);
    const site = siteFor(services, ctx, body.site);
    const queues = queuesOf(services.config, site);
    const queue = body.queue ? queues.find((q) => q.id === body.queue) : queues.length === 1 ? queues[0] : undefined;
    if (!queue) throw AppError.unprocessable(`queue must be one of: ${queues.map((q) => q.id).join(', ')}.`, 'unknown_queue');
    const context = validateContext(body.context, services.config.limits.contextBytes);
    context.topic = queue.label;
    const { open, staffed } = services.routing.availability(queue.id);
    if (!open) throw new AppError(409, 'queue_closed', `${queue.label} is closed now. Leave a message and we will get back to you.`);
    if (!staffed) throw new AppError(409, 'queue_unstaffed', `Nobody from ${queue.label} is signed in now. Leave a message and we will get back to you.`);
    const { interactionId, token, identityProblem } = await conversationFor(services, ctx.ip, site.key, body.token, context);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    if (services.livekit) {
      // A LiveKit room for the call; it is queued for an agent already.
      const livekit = await services.livekit.start(await services.interactions.require(interactionId), queue.id);
      ctx.body = { interactionId, token, ...identityReport(identityProblem), media: 'livekit', livekit, iceServers: [] };
      return;
    }
    ctx.body = {
      interactionId,
      token,
      ...identityReport(identityProblem),
      media: 'sip',
      sip: visitorCall(services.config, interactionId, queue.id, services.clock.now()),
      iceServers: iceServersFor(services.config.sip, interactionId, services.clock.now()),
    };
  });

  /**
   * The offline form: when a queue is closed or nobody of it is signed in,
   * the visitor leaves their name, a way to reach them and a message; agents
   * are offered it when the queue opens.
   */
  router.post('/offline', async (ctx) => {
    const body = parseBody(OfflineBody, ctx.request.body, { contact: 'invalid_contact' });
    const site = siteFor(services, ctx, body.site);
    const queue = body.queue ?? chatQueueOf(services.config, site);
    if (!queuesOf(services.config, site).some((q) => q.id === queue)) throw AppError.badRequest(`There is no queue "${queue}" on this site.`, 'unknown_queue');
    // Checked before anything is stored, so a refused message leaves no conversation behind.
    const limit = services.config.limits.messageChars;
    if (body.message.length > limit) throw AppError.messageTooLong(limit);
    const context = validateContext(body.context, services.config.limits.contextBytes);
    const contact = body.contact.trim();
    const identity = { ...context.visitor.identity, name: body.name.trim() };
    if (contact.includes('@')) identity.email = contact;
    else identity.phone = contact;
    context.visitor.identity = identity;
    const { interactionId, token } = await conversationFor(services, ctx.ip, site.key, body.token, context);
    const interaction = await services.interactions.require(interactionId);
    await services.interactions.postMessage({ interactionId, sender: 'visitor', clientId: null, text: body.message, queue: false });
    await services.routing.leaveMessage(interaction, queue, { name: body.name.trim(), contact });
    ctx.status = 201;
    ctx.body = { interactionId, token };
  });

  /** What the visitor's browser needs to ring for its callback: the address to register and the ICE servers. */
  const callbackLine = (interactionId: string) => {
    const domain = services.config.sip.domain;
    return {
      sip: { domain, aor: `sip:cb-${interactionId}@${domain}` },
      iceServers: iceServersFor(services.config.sip, interactionId, services.clock.now()),
    };
  };

  /** "Call me back when an agent is free": the waiting call becomes a callback that keeps its place. */
  router.post('/callbacks', async (ctx) => {
    const body = parseBody(CallbackBody, ctx.request.body, { phone: 'invalid_phone' });
    const interaction = await visitorInteraction(services, ctx);
    const item = await services.routing.requestCallback(interaction, body.phone?.trim() || undefined);
    ctx.status = 201;
    ctx.body = { itemId: item.id, ...(await services.routing.callbackStatus(interaction.id)), ...callbackLine(interaction.id) };
  });

  /** The visitor's callback: waiting (with its place), calling, or none. */
  router.get('/callbacks/current', async (ctx) => {
    const interaction = await visitorInteraction(services, ctx);
    ctx.set('Cache-Control', 'no-store');
    const status = await services.routing.callbackStatus(interaction.id);
    ctx.body = status.state === 'none' ? status : { ...status, ...callbackLine(interaction.id) };
  });

  router.delete('/callbacks/current', async (ctx) => {
    await services.routing.cancelCallback(await visitorInteraction(services, ctx));
    ctx.status = 204;
  });

  addVisitorLiveKitRoutes(router, services, (ctx) => visitorInteraction(services, ctx));

  return router;
}
