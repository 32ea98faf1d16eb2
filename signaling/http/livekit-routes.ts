/**
 * The LiveKit path's HTTP surface (docs/livekit.md):
 * - LiveKit's signed webhooks, refused with 401 unless the SDK's receiver
 *   verifies them (the body's SHA-256 in a JWT signed with the API secret);
 * - the visitor's call: its state while waiting, hanging up, keys pressed;
 * - the agent's answer and hang-up, and supervisors' live calls and monitoring.
 * Mounted only when `media` is livekit.
 */
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import * as v from 'valibot';
import { WebhookReceiver } from 'livekit-server-sdk';
import KoaRouter from '@koa/router';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import type { LiveKitCalls } from '../livekit/livekit-calls.js';
import { interactionOfRoom } from '../livekit/livekit-tokens.js';
import { readRawBody } from './read-raw-body.js';
import type { AgentState } from './require-agent.js';
import { isDtmfDigit } from '../../widgets/telephony/dtmf.js';

type Middleware = (ctx: Context, next: Next) => Promise<void>;

/** Webhook bodies are small JSON documents. */
const WEBHOOK_BYTES = 64 * 1024;

export function liveKitWebhookRoutes(services: Services, calls: LiveKitCalls) {
  const settings = services.config.livekit!;
  const receiver = new WebhookReceiver(settings.apiKey, settings.apiSecret);
  const router = new KoaRouter({ prefix: '/api/v1/livekit' });
  router.post('/webhook', async (ctx) => {
    const body = (await readRawBody(ctx, WEBHOOK_BYTES, () => AppError.tooLarge('The webhook body is too large.', 'body_too_large'))).toString('utf8');
    let event;
    try {
      event = await receiver.receive(body, ctx.get('Authorization') || undefined);
    } catch {
      throw AppError.unauthorized('The webhook is not signed by this LiveKit project.');
    }
    const interactionId = event.room ? interactionOfRoom(event.room.name) : undefined;
    if (interactionId && (event.event === 'participant_joined' || event.event === 'participant_left' || event.event === 'room_finished')) {
      await calls.onRoomEvent(interactionId, event.event, event.participant?.identity);
    }
    ctx.status = 200;
    ctx.body = { received: event.event };
  });
  return router;
}

const DtmfBody = v.object({ digit: v.pipe(v.string('digit is required'), v.check(isDtmfDigit, 'digit must be one of 0-9, *, #, A-D')) });
const InteractionBody = v.object({ interactionId: v.pipe(v.string('interactionId is required'), v.maxLength(64)) });
const MonitorBody = v.object({ ...InteractionBody.entries, mode: v.picklist(['listen', 'whisper', 'barge'], 'mode must be listen, whisper or barge') });

function parse<T>(schema: v.GenericSchema<unknown, T>, body: unknown): T {
  const parsed = v.safeParse(schema, body);
  if (!parsed.success) throw AppError.badRequest(`${v.getDotPath(parsed.issues[0]) ?? 'body'}: ${parsed.issues[0].message}`);
  return parsed.output;
}

/** The visitor's call, on the visitor router (its CORS and conversation-token check). */
export function addVisitorLiveKitRoutes(router: Router, services: Services, visitorInteraction: (ctx: Context) => Promise<{ id: string }>) {
  const calls = () => {
    if (!services.livekit) throw AppError.notFound('Calls here do not go through LiveKit.');
    return services.livekit;
  };
  router.get('/calls/current', async (ctx) => {
    const interaction = await visitorInteraction(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = calls().view(interaction.id);
  });
  router.delete('/calls/current', async (ctx) => {
    await calls().hangupByVisitor((await visitorInteraction(ctx)).id);
    ctx.status = 204;
  });
  router.post('/calls/current/dtmf', async (ctx) => {
    const { digit } = parse(DtmfBody, ctx.request.body);
    calls().dtmf((await visitorInteraction(ctx)).id, digit);
    ctx.status = 204;
  });
}

/** The agent's side, on the agent router (its CORS, origin check and `agentOnly`). */
export function addAgentLiveKitRoutes(router: Router, services: Services, agentOnly: Middleware) {
  const calls = () => {
    if (!services.livekit) throw AppError.notFound('Calls here do not go through LiveKit.');
    return services.livekit;
  };
  const supervisorOnly: Middleware = async (ctx, next) => {
    const { session } = ctx.state as AgentState;
    if (!services.config.agents[session.agent.username]?.supervisor) throw AppError.forbidden('Only supervisors may see and join other agents’ calls.');
    await next();
  };
  router.post('/livekit/answer', agentOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    const { interactionId } = parse(InteractionBody, ctx.request.body);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { livekit: await calls().answer(session.agent, interactionId) };
  });
  router.post('/livekit/hangup', agentOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    await calls().hangupByAgent(session.agent.id, parse(InteractionBody, ctx.request.body).interactionId);
    ctx.status = 204;
  });
  router.get('/livekit/calls', agentOnly, supervisorOnly, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { calls: await calls().liveCalls() };
  });
  router.post('/livekit/monitor', agentOnly, supervisorOnly, async (ctx) => {
    const { session } = ctx.state as AgentState;
    const { interactionId, mode } = parse(MonitorBody, ctx.request.body);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await calls().monitor(session.agent, interactionId, mode);
  });
}
