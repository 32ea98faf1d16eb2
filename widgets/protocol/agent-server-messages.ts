/** Frames the server sends to an agent's softphone; the softphone validates them. */
import * as v from 'valibot';
import { ChatMessageSchema, ErrorFrameSchema, ReceiptSchema, SeqSchema } from './wire-common.js';
import { ContextEnvelopeSchema } from './context-envelope.js';
import { PresenceSchema } from './agent-client-messages.js';

/** A conversation's own life: `queued` while no agent has it (whether it is being offered is its work item's). */
export const InteractionStatusSchema = v.picklist(['new', 'queued', 'active', 'closed']);
export type InteractionStatus = v.InferOutput<typeof InteractionStatusSchema>;

/** What an agent can be offered on the console; `call` is a LiveKit call (SIP calls ring on the softphone instead). */
export const WorkKindSchema = v.picklist(['chat', 'offline', 'callback', 'call']);
export type WorkKind = v.InferOutput<typeof WorkKindSchema>;

export const NoteSchema = v.object({ author: v.string(), text: v.string(), at: v.number() });
export type Note = v.InferOutput<typeof NoteSchema>;

export const OfferPreviewSchema = v.object({
  /** The queue's name (the topic the visitor chose). */
  queue: v.optional(v.string()),
  /** A transfer: who passed it on, and their note. */
  transferFrom: v.optional(v.string()),
  note: v.optional(v.string()),
  /** A callback: the number the visitor left, and whether their browser can ring now. */
  phone: v.optional(v.string()),
  visitorOnline: v.optional(v.boolean()),
  visitorName: v.optional(v.string()),
  pageTitle: v.string(),
  pageUrl: v.string(),
  cartTotal: v.optional(v.number()),
  currency: v.optional(v.string()),
  cartItems: v.optional(v.number()),
  productName: v.optional(v.string()),
  firstMessage: v.optional(v.string()),
  language: v.optional(v.string()),
});
export type OfferPreview = v.InferOutput<typeof OfferPreviewSchema>;

export const OfferSchema = v.object({
  interactionId: v.string(),
  channel: WorkKindSchema,
  offeredAt: v.number(),
  expiresAt: v.number(),
  preview: OfferPreviewSchema,
});
export type Offer = v.InferOutput<typeof OfferSchema>;

/** An earlier conversation of the same verified customer (joined only on a verified identity). */
export const PriorInteractionSchema = v.object({
  id: v.string(),
  createdAt: v.number(),
  status: InteractionStatusSchema,
  topic: v.optional(v.string()),
  pageTitle: v.string(),
  /** Its last messages, oldest first (the rest: GET /agent/interactions/:id/messages). */
  messages: v.array(ChatMessageSchema),
  notes: v.array(NoteSchema),
});
export type PriorInteraction = v.InferOutput<typeof PriorInteractionSchema>;

export const AgentInteractionSchema = v.object({
  id: v.string(),
  channel: v.literal('chat'),
  status: InteractionStatusSchema,
  context: ContextEnvelopeSchema,
  /** The newest messages after the console's `since` (0 unless resuming), at most MESSAGE_PAGE, oldest first. */
  messages: v.array(ChatMessageSchema),
  /** Messages after `since` older than these were left out: read them with `history` (message-pages.ts). A server of before paging sends none (a rolling deploy): false. */
  more: v.optional(v.boolean(), false),
  /** Notes agents wrote (with a transfer), oldest first. */
  notes: v.array(NoteSchema),
  /** Earlier conversations of this customer, newest first: only when their identity is verified. */
  history: v.optional(v.array(PriorInteractionSchema)),
  /** The work this agent holds for the interaction, when it is more than a chat. */
  work: v.optional(
    v.object({
      kind: WorkKindSchema,
      /** A callback: the number left, whether the visitor's browser can ring, which try this is. */
      phone: v.optional(v.string()),
      /** An offline message: the email address or phone number the visitor left. */
      contact: v.optional(v.string()),
      reachable: v.optional(v.boolean()),
      attempt: v.optional(v.number()),
    }),
  ),
  /** How far the visitor has received and read the agent's messages. */
  receipt: ReceiptSchema,
  visitorOnline: v.boolean(),
  createdAt: v.number(),
});
export type AgentInteraction = v.InferOutput<typeof AgentInteractionSchema>;

export const AgentProfileSchema = v.object({
  id: v.string(),
  username: v.string(),
  name: v.string(),
  /** The console language the agent chose (BCP 47); absent: the browser's. */
  language: v.optional(v.string()),
});
export type AgentProfile = v.InferOutput<typeof AgentProfileSchema>;

export const AgentServerMessageSchema = v.variant('type', [
  v.object({
    type: v.literal('welcome'),
    agent: AgentProfileSchema,
    presence: PresenceSchema,
    offers: v.array(OfferSchema),
    interactions: v.array(AgentInteractionSchema),
    messageLimit: v.number(),
  }),
  v.object({ type: v.literal('presence'), state: PresenceSchema }),
  v.object({ type: v.literal('offer'), offer: OfferSchema }),
  v.object({
    type: v.literal('offer-withdrawn'),
    interactionId: v.string(),
    reason: v.picklist(['taken', 'timeout', 'declined', 'closed', 'away']),
  }),
  v.object({ type: v.literal('assigned'), interaction: AgentInteractionSchema }),
  /**
   * An interaction this console now follows for a call: pushed as soon as a
   * call of it rings here (so the card needs no request of its own), or in
   * answer to `watch`. Its `context`, `message` and `interaction` frames follow.
   */
  v.object({ type: v.literal('watching'), interaction: AgentInteractionSchema }),
  v.object({ type: v.literal('message'), interactionId: v.string(), message: ChatMessageSchema }),
  /** The answer to `history`: the page asked for, with its range as the server read it. */
  v.object({
    type: v.literal('history'),
    interactionId: v.string(),
    after: SeqSchema,
    before: v.optional(SeqSchema),
    messages: v.array(ChatMessageSchema),
    more: v.boolean(),
  }),
  v.object({ type: v.literal('ack'), interactionId: v.string(), cid: v.string(), seq: SeqSchema, at: v.number() }),
  v.object({ type: v.literal('typing'), interactionId: v.string(), active: v.boolean() }),
  v.object({ type: v.literal('receipt'), interactionId: v.string(), ...ReceiptSchema.entries }),
  v.object({ type: v.literal('context'), interactionId: v.string(), context: ContextEnvelopeSchema }),
  /** A key the visitor pressed during a LiveKit call (the visitor's side posts it to the server). */
  v.object({ type: v.literal('dtmf'), interactionId: v.string(), digit: v.pipe(v.string(), v.regex(/^[0-9*#A-D]$/)) }),
  v.object({
    type: v.literal('interaction'),
    interactionId: v.string(),
    status: InteractionStatusSchema,
    visitorOnline: v.boolean(),
    /** The colleague who took the conversation over (a warm transfer): it is closed for this agent. */
    transferredTo: v.optional(v.string()),
  }),
  ErrorFrameSchema,
]);

export type AgentServerMessage = v.InferOutput<typeof AgentServerMessageSchema>;
