/**
 * Frames a visitor's browser sends on `/ws/v1/visitor`. The server validates
 * each against these schemas; the browser only uses the types.
 */
import * as v from 'valibot';
import { AttachmentIdSchema, ClientIdSchema, MessageTextSchema, PageRangeEntries, SeqSchema } from './wire-common.js';

export const VisitorHelloSchema = v.strictObject({
  type: v.literal('hello'),
  token: v.pipe(v.string(), v.minLength(16), v.maxLength(128)),
  /**
   * The last sequence number up to which this client holds every message (0: none); the
   * welcome carries the newest page after it (message-pages.ts).
   */
  since: SeqSchema,
});

export const VisitorSendSchema = v.strictObject({
  type: v.literal('send'),
  cid: ClientIdSchema,
  /** May be empty when the message carries an attachment. */
  text: MessageTextSchema,
  /** A file uploaded first with `POST /api/v1/attachments`, in this conversation and not sent before. */
  attachment: v.optional(AttachmentIdSchema),
});

export const VisitorTypingSchema = v.strictObject({ type: v.literal('typing'), active: v.boolean() });

export const VisitorReceiptSchema = v.strictObject({
  type: v.literal('receipt'),
  delivered: SeqSchema,
  read: SeqSchema,
});

/** Asks for a page of the conversation (message-pages.ts); answered with `history`. */
export const VisitorHistorySchema = v.strictObject({ type: v.literal('history'), ...PageRangeEntries });

/** The context is checked by the server's context gate (size first, then ContextInputSchema). */
export const VisitorContextSchema = v.strictObject({ type: v.literal('context'), context: v.unknown() });

export const VisitorClientMessageSchema = v.variant(
  'type',
  [VisitorHelloSchema, VisitorSendSchema, VisitorTypingSchema, VisitorReceiptSchema, VisitorContextSchema, VisitorHistorySchema],
  'type must be one of hello, send, typing, receipt, context, history',
);

export type VisitorClientMessage = v.InferOutput<typeof VisitorClientMessageSchema>;
