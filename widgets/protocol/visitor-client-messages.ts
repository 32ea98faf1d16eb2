/**
 * Frames a visitor's browser sends on `/ws/v1/visitor`. The server validates
 * each against these schemas; the browser only uses the types.
 */
import * as v from 'valibot';
import { AttachmentIdSchema, ClientIdSchema, MessageTextSchema, SeqSchema } from './wire-common.js';

export const VisitorHelloSchema = v.strictObject({
  type: v.literal('hello'),
  token: v.pipe(v.string(), v.minLength(16), v.maxLength(128)),
  /** The last sequence number this client has; the server sends what came after. */
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

/** The context is checked by the server's context gate (size first, then ContextInputSchema). */
export const VisitorContextSchema = v.strictObject({ type: v.literal('context'), context: v.unknown() });

export const VisitorClientMessageSchema = v.variant(
  'type',
  [VisitorHelloSchema, VisitorSendSchema, VisitorTypingSchema, VisitorReceiptSchema, VisitorContextSchema],
  'type must be one of hello, send, typing, receipt, context',
);

export type VisitorClientMessage = v.InferOutput<typeof VisitorClientMessageSchema>;
