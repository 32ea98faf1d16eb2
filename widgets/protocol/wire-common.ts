/**
 * Pieces of the chat wire protocol that both the visitor's and the agent's
 * sockets use. Every frame is one JSON object with a `type`.
 *
 * Delivery guarantees (PRODUCT.md, "No message is lost or duplicated"):
 * - the sender gives every message a client id (`cid`); resending the same cid
 *   never creates a second message;
 * - the server stores the message, assigns the next per-interaction sequence
 *   number (`seq`) and only then acks it;
 * - a client that reconnects says the last `seq` it saw and receives
 *   everything after it.
 */
import * as v from 'valibot';
import type { ErrorCode, TransferRefusalCode } from './errors.js';
import { MESSAGE_PAGE_MAX } from './message-pages.js';

export const ClientIdSchema = v.pipe(
  v.string('must be a string'),
  v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _'),
);

export const SeqSchema = v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(0, 'must not be negative'));

/** A page of a transcript to read (message-pages.ts): the newest `limit` messages with `after < seq < before`. */
export const PageRangeEntries = {
  before: v.optional(SeqSchema),
  after: v.optional(SeqSchema),
  limit: v.optional(v.pipe(SeqSchema, v.minValue(1, 'must be at least 1'), v.maxValue(MESSAGE_PAGE_MAX, `must be at most ${MESSAGE_PAGE_MAX}`))),
};

/** Hard ceiling for one chat message; the configured limit (usually lower) is enforced by the server. */
export const MESSAGE_HARD_LIMIT = 10_000;

export const MessageTextSchema = v.pipe(
  v.string('must be a string'),
  v.maxLength(MESSAGE_HARD_LIMIT, `must be at most ${MESSAGE_HARD_LIMIT} characters`),
);

/** The types an attachment may have: decided by the server from the file's content, never from its name. */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** An attachment id (`at_…`), as a visitor's `send` frame names it. */
export const AttachmentIdSchema = v.pipe(v.string('must be a string'), v.regex(/^at_[A-Za-z0-9_-]{8,64}$/, 'must be an attachment id'));

/**
 * What a message says of its file. The bytes are at `GET /api/v1/attachments/:id`,
 * for the conversation's visitor and for agents; `name` is for display, as text only.
 */
export const AttachmentInfoSchema = v.object({
  id: v.string(),
  name: v.string(),
  type: v.picklist(ATTACHMENT_TYPES),
  size: v.number(),
});
export type AttachmentInfo = v.InferOutput<typeof AttachmentInfoSchema>;

export const ChatMessageSchema = v.object({
  seq: SeqSchema,
  /** The sender's client id; only sent back to the side that wrote the message. */
  cid: v.optional(v.string()),
  from: v.picklist(['visitor', 'agent', 'system']),
  /** Display name of an agent author. */
  author: v.optional(v.string()),
  text: v.string(),
  at: v.number(),
  /** For system messages: what happened, so widgets can say it in the reader's language. */
  event: v.optional(v.picklist(['agent-joined', 'chat-closed', 'chat-transferred'])),
  /** A file the visitor attached (`text` may then be empty). */
  attachment: v.optional(AttachmentInfoSchema),
});
export type ChatMessage = v.InferOutput<typeof ChatMessageSchema>;

/** How far the other side has received (`delivered`) and read (`read`), as sequence numbers. */
export const ReceiptSchema = v.object({ delivered: SeqSchema, read: SeqSchema });
export type Receipt = v.InferOutput<typeof ReceiptSchema>;

/**
 * The server refused a frame (or an action): its code and details, to word
 * in the reader's language, and its English message, for logs (errors.ts).
 * Any string passes as a code: one newer than the client gets its generic words.
 */
export const ErrorFrameSchema = v.object({
  type: v.literal('error'),
  code: v.custom<ErrorCode>((c) => typeof c === 'string'),
  message: v.string(),
  cid: v.optional(v.string()),
  interactionId: v.optional(v.string()),
  /** Rate limited: seconds until the same request may succeed. */
  retryAfter: v.optional(v.number()),
  /** `message_too_long`: the most characters a message may have. */
  limit: v.optional(v.number()),
  /** A refused transfer: why the target cannot take it. */
  reason: v.optional(v.custom<TransferRefusalCode>((r) => typeof r === 'string')),
});
export type ErrorFrame = v.InferOutput<typeof ErrorFrameSchema>;
