/**
 * Transcripts in pages: how every reader of a conversation (the visitor's
 * widget, the agent's console, the HTTP API) gets a conversation of any
 * length without ever receiving all of it at once, and without skipping a
 * message it has not seen.
 *
 * - Sequence numbers are consecutive in each conversation: 1, 2, 3… (the
 *   server numbers a message in the transaction that stores it).
 * - A page is the newest messages, at most `limit`, in a range
 *   `after < seq < before` (no `before`: up to the newest), oldest first,
 *   with `more`: whether messages of that range older than the first one in
 *   the page were left out. The next page back is the same range with
 *   `before` = the first message's seq.
 * - A welcome (and an agent's interaction view) is the page after the
 *   client's `since`, at most MESSAGE_PAGE messages: bounded whatever the
 *   conversation's length. With `since` 0 (nothing held) the older messages
 *   are history, read on demand; with `since` above 0 and `more`, the client
 *   reads back until it reaches `since`, so its copy has no hole.
 * - A client resumes (`hello { since }`) from the last seq up to which it
 *   holds every message, never from the highest it has seen.
 *
 * No valibot here: the visitor's widget imports this file.
 */
import type { ChatMessage } from './wire-common.js';

/** The most messages a welcome or an interaction view carries per conversation, and a page's default size. */
export const MESSAGE_PAGE = 100;

/** The most messages one page may be asked for. */
export const MESSAGE_PAGE_MAX = 200;

/** Which page: the newest `limit` messages with `after < seq < before`. */
export interface PageRange {
  /** Exclusive upper bound; none: up to the newest. */
  before?: number;
  /** Exclusive lower bound; 0 (the default): from the first. */
  after?: number;
  /** 1 to MESSAGE_PAGE_MAX; MESSAGE_PAGE by default. */
  limit?: number;
}

export interface MessagePage {
  /** Oldest first. */
  messages: ChatMessage[];
  /** Messages of the range older than `messages[0]` were left out: ask again with `before: messages[0].seq`. */
  more: boolean;
}
