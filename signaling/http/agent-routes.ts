/** The agent API: sign-in and sign-out, and the context of an interaction by id. */
import Router from '@koa/router';
import * as v from 'valibot';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { toAgentInteraction, toProfile } from '../chat/agent-views.js';
import { toWire } from '../store/message-store.js';
import { MESSAGE_PAGE_MAX } from '../../widgets/protocol/message-pages.js';
import { LanguageSchema } from '../config/config-schema.js';
import { requireAgent, type AgentState } from './require-agent.js';
import { agentCors } from './cors.js';
import { agentOriginAllowed } from './origins.js';
import { enforce } from '../limits/limits.js';
import { iceServersFor } from '../sip/ice-servers.js';
import { agentPhone } from '../sip/sip-side.js';
import { addAgentLiveKitRoutes } from './livekit-routes.js';
import type { TransferCheck } from '../routing/routing-service.js';

const TransferBody = v.object({
  interactionId: v.pipe(v.string('interactionId is required'), v.maxLength(64)),
  to: v.union([v.object({ agentId: v.pipe(v.string(), v.maxLength(64)) }), v.object({ queue: v.pipe(v.string(), v.maxLength(32)) })], 'to must be { agentId } or { queue }'),
  note: v.optional(v.pipe(v.string(), v.maxLength(2000)), ''),
  mode: v.picklist(['blind', 'warm'], 'mode must be blind or warm'),
});

const DirectoryQuery = v.object({
  interaction: v.optional(v.pipe(v.string('interaction must be given once'), v.maxLength(64))),
  channel: v.optional(v.picklist(['chat', 'call'], 'channel must be chat or call')),
});

/** A sequence number in a query string: digits only. */
const QuerySeq = (name: string) => v.pipe(v.string(`${name} must be given once`), v.regex(/^\d{1,15}$/, `${name} must be a sequence number`), v.transform(Number));

const PageQuery = v.object({
  before: v.optional(QuerySeq('before')),
  after: v.optional(QuerySeq('after')),
  limit: v.optional(
    v.pipe(QuerySeq('limit'), v.minValue(1, 'limit must be at least 1'), v.maxValue(MESSAGE_PAGE_MAX, `limit must be at most ${MESSAGE_PAGE_MAX}`)),
  ),
});

const SettingsBody = v.strictObject({ language: v.optional(v.nullable(LanguageSchema)) }, 'send an object of settings; the settings are { language }');

const SignInBody = v.object({
  username: v.pipe(v.string('username is required'), v.maxLength(64)),
  password: v.pipe(v.string('password is required'), v.maxLength(1024)),
});

export function agentRoutes(services: Services) {
  const router = new Router({ prefix: '/api/v1/agent' });
  const agentOnly = requireAgent(services.auth);
  router.use(agentCors(services.config.agentOrigins));
  // CORS only stops a foreign page reading the answer; refuse its requests outright (a sign-in flood, a stolen token).
  router.use(async (ctx, next) => {
    const origin = ctx.get('Origin') || undefined;
    // This server's own origin (Koa 3's ctx.origin is the Origin header, not this).
    if (!agentOriginAllowed(services.config, origin, `${ctx.protocol}://${ctx.host}`)) {
      throw new AppError(403, 'origin_not_allowed', `The origin ${origin} may not use the agent API (see agentOrigins).`);
    }
    await next();
  });
  router.options('/{*path}', () => {});

  router.post('/sessions', async (ctx) => {
    const parsed = v.safeParse(SignInBody, ctx.request.body);
    if (!parsed.success) throw AppError.badRequest(parsed.issues[0].message);
    // Password guessing: limited per address and per account, checked before the (slow) hash.
    enforce(await services.limits.signInsByIp.take(ctx.ip), 'sign-in attempts from this address');
    enforce(await services.limits.signIns.take(parsed.output.username.trim().toLowerCase()), 'sign-in attempts for this account');
    const username = parsed.output.username.trim().toLowerCase();
    let signedIn: Awaited<ReturnType<typeof services.auth.signIn>>;
    try {
      signedIn = await services.auth.signIn(username, parsed.output.password);
    } catch (err) {
      // For the operator watching for guessing: who and from where, never the password.
      services.log.warn(`sign-in refused for ${JSON.stringify(username)} from ${ctx.ip}`);
      throw err;
    }
    const { token, session } = signedIn;
    services.log.info(`${session.agent.username} signed in from ${ctx.ip}`);
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { token, expiresAt: session.expiresAt, agent: toProfile(session.agent) };
  });

  router.delete('/sessions/current', agentOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    await services.auth.signOut(session.sessionId);
    ctx.status = 204;
  });

  router.get('/me', agentOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    ctx.body = {
      agent: toProfile(session.agent),
      presence: await services.routing.presenceOf(session.agent.id),
      expiresAt: session.expiresAt,
    };
  });

  /** The agent's own settings: `language` (a BCP 47 tag, or null for the browser's). */
  router.patch('/me', agentOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    const parsed = v.safeParse(SettingsBody, ctx.request.body);
    if (!parsed.success) throw AppError.badRequest(`${v.getDotPath(parsed.issues[0]) ?? 'body'}: ${parsed.issues[0].message}`);
    if (parsed.output.language !== undefined) await services.stores.agents.setLanguage(session.agent.id, parsed.output.language);
    ctx.body = { agent: toProfile((await services.stores.agents.findById(session.agent.id))!) };
  });

  /** What the softphone's SIP user agent needs: its address of record and the ICE servers. */
  router.get('/phone', agentOnly, (ctx) => {
    const { session } = ctx.state as AgentState;
    const now = services.clock.now();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      ...(services.config.media === 'livekit'
        ? { mode: 'livekit', supervisor: !!services.config.agents[session.agent.username]?.supervisor }
        : agentPhone(services.config, session.agent.username, session.expiresAt, now)),
      iceServers: iceServersFor(services.config.sip, session.agent.id, now),
    };
  });

  /** The context card of any interaction, for the softphone, another softphone or a CRM. */
  router.get('/interactions/:id', agentOnly, async (ctx) => {
    const interaction = await services.interactions.get(ctx.params.id ?? '');
    if (!interaction) throw AppError.notFound(`There is no interaction ${ctx.params.id}.`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      interaction: await toAgentInteraction(services.interactions, interaction, { visitorOnline: services.hub.visitorOnline(interaction.id) }),
    };
  });

  /** A page of any interaction's transcript (widgets/protocol/message-pages.ts); `before` the first message's seq reads the next one back. */
  router.get('/interactions/:id/messages', agentOnly, async (ctx) => {
    const parsed = v.safeParse(PageQuery, ctx.query);
    if (!parsed.success) throw AppError.badRequest(`${v.getDotPath(parsed.issues[0]) ?? 'query'}: ${parsed.issues[0].message}`);
    const interaction = await services.interactions.get(ctx.params.id ?? '');
    if (!interaction) throw AppError.notFound(`There is no interaction ${ctx.params.id}.`);
    const page = await services.interactions.messagePage(interaction.id, parsed.output);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { messages: page.messages.map((m) => toWire(m, 'agent')), more: page.more };
  });

  /**
   * Whom an interaction can be transferred to: the agents (with their state)
   * and the queues. With `?interaction=` (and optionally `channel`), each
   * also says whether it can take that interaction now and, if not, why:
   * the very check a transfer is refused by.
   */
  router.get('/directory', agentOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    const parsed = v.safeParse(DirectoryQuery, ctx.query);
    if (!parsed.success) throw AppError.badRequest(`${v.getDotPath(parsed.issues[0]) ?? 'query'}: ${parsed.issues[0].message}`);
    const { interaction, channel } = parsed.output;
    const check = interaction === undefined ? undefined : await services.routing.transferCheck(session.agent.id, interaction, channel);
    const judged = async (to: Parameters<TransferCheck['refusal']>[0]) => {
      if (!check) return {};
      const reason = await check.refusal(to);
      return reason ? { eligible: false, reason } : { eligible: true };
    };
    const agents = await services.stores.agents.list();
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      ...(check ? { interaction: { id: interaction, channel: check.channel } } : {}),
      agents: await Promise.all(
        agents.map(async (a) => {
          const state = services.routing.engine.agentSnapshot(a.id);
          return { id: a.id, username: a.username, name: a.name, online: state?.online ?? false, presence: state?.presence ?? a.presence, ...(await judged({ agentId: a.id })) };
        }),
      ),
      queues: await Promise.all(services.config.queues.map(async (q) => ({ id: q.id, label: q.label, ...(await judged({ queue: q.id })) }))),
    };
  });

  /**
   * Prepares the transfer of a call to another agent or a queue, with a
   * note. The softphone then REFERs the caller to `referTo` (blind), or
   * first calls it itself to talk to the other agent (warm), see docs/sip.md.
   */
  router.post('/transfers', agentOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    const parsed = v.safeParse(TransferBody, ctx.request.body);
    if (!parsed.success) throw AppError.badRequest(`${v.getDotPath(parsed.issues[0]) ?? 'body'}: ${parsed.issues[0].message}`);
    const { interactionId, to, note, mode } = parsed.output;
    const { transferId } = await services.routing.transfer(session.agent.id, interactionId, { to, note, mode }, 'call');
    ctx.status = 201;
    ctx.body = { transferId, referTo: `sip:xfer-${transferId}@${services.config.sip.domain}` };
  });

  addAgentLiveKitRoutes(router, services, agentOnly);

  return router;
}
