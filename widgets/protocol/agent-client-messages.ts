/** Frames an agent's softphone sends on `/ws/v1/agent`; validated by the server. */
import * as v from 'valibot';
import { ClientIdSchema, MessageTextSchema, PageRangeEntries, SeqSchema } from './wire-common.js';

const InteractionIdSchema = v.pipe(v.string(), v.regex(/^in_[A-Za-z0-9_-]{8,40}$/, 'is not an interaction id'));

export const PresenceSchema = v.picklist(['available', 'away'], 'must be available or away');
export type Presence = v.InferOutput<typeof PresenceSchema>;

export const AgentClientMessageSchema = v.variant(
  'type',
  [
    v.strictObject({
      type: v.literal('hello'),
      token: v.pipe(v.string(), v.maxLength(1024)),
      /** Per interaction, the last sequence up to which the console holds every message, so that a reconnect resumes rather than reloads. */
      since: v.pipe(
        v.record(InteractionIdSchema, SeqSchema),
        v.check((r) => Object.keys(r).length <= 200, 'must name at most 200 interactions'),
      ),
    }),
    v.strictObject({ type: v.literal('presence'), state: PresenceSchema }),
    v.strictObject({ type: v.literal('accept'), interactionId: InteractionIdSchema }),
    v.strictObject({ type: v.literal('decline'), interactionId: InteractionIdSchema }),
    v.strictObject({ type: v.literal('send'), interactionId: InteractionIdSchema, cid: ClientIdSchema, text: MessageTextSchema }),
    v.strictObject({ type: v.literal('typing'), interactionId: InteractionIdSchema, active: v.boolean() }),
    v.strictObject({ type: v.literal('receipt'), interactionId: InteractionIdSchema, delivered: SeqSchema, read: SeqSchema }),
    v.strictObject({ type: v.literal('close'), interactionId: InteractionIdSchema }),
    v.strictObject({
      type: v.literal('transfer'),
      interactionId: InteractionIdSchema,
      to: v.union([v.strictObject({ agentId: v.pipe(v.string(), v.maxLength(64)) }), v.strictObject({ queue: v.pipe(v.string(), v.maxLength(32)) })]),
      note: v.pipe(v.string(), v.maxLength(2000)),
      /** blind: leave now; warm: stay until the other agent accepts. */
      mode: v.picklist(['blind', 'warm']),
    }),
    v.strictObject({ type: v.literal('callback-outcome'), interactionId: InteractionIdSchema, reached: v.boolean() }),
    /** Follow an interaction's context, messages and status (a call ringing or under way on this console); answered with `watching`. */
    v.strictObject({ type: v.literal('watch'), interactionId: InteractionIdSchema }),
    /** Stop following it (the call ended). */
    v.strictObject({ type: v.literal('unwatch'), interactionId: InteractionIdSchema }),
    /** A page of any interaction's transcript (message-pages.ts), as GET /agent/interactions/:id/messages; answered with `history`. */
    v.strictObject({ type: v.literal('history'), interactionId: InteractionIdSchema, ...PageRangeEntries }),
  ],
  'type must be one of hello, presence, accept, decline, send, typing, receipt, close, transfer, callback-outcome, watch, unwatch, history',
);

export type AgentClientMessage = v.InferOutput<typeof AgentClientMessageSchema>;
