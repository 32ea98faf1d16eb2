/**
 * The errors the server answers with, as the server and every client know
 * them: `{ "error": { code, message, …details } }` over HTTP, `error` frames
 * on the chat sockets (wire-common.ts). The code and the details are for
 * programs, and for the widgets, which show a term chosen by them in the
 * reader's language; the English `message` is for logs and API users, and
 * no widget shows it.
 *
 * A client may meet a code newer than itself: it shows its generic words.
 */

export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_context'
  | 'context_too_large'
  | 'body_too_large'
  | 'unknown_site'
  | 'origin_not_allowed'
  | 'unauthorized'
  | 'session_expired'
  | 'invalid_credentials'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'message_too_long'
  | 'invalid_message'
  /** The offline form's `contact` is neither an email address nor a phone number. */
  | 'invalid_contact'
  /** A callback's `phone` is not a phone number. */
  | 'invalid_phone'
  | 'not_assigned'
  | 'unknown_queue'
  | 'rate_limited'
  | 'queue_closed'
  | 'queue_unstaffed'
  | 'attachment_too_large'
  | 'unsupported_type'
  | 'too_many_attachments'
  /** Sockets only: a binary frame. */
  | 'invalid_frame'
  /** Sockets only: a frame before `hello`. */
  | 'hello_required'
  | 'internal';

/**
 * Why a transfer target cannot take an interaction now: `self` the agent
 * themself; `skills` lacks the skills of the interaction's queue;
 * `no_calls`/`no_chats` takes none of this kind; `offline` not signed in;
 * `away`; `no_phone` no softphone registered (calls); `busy` no room for
 * one more call now (a chat waits for a busy agent instead); `closed` the
 * queue is closed now; `unstaffed` nobody of the queue is signed in.
 */
export type TransferRefusalCode = 'self' | 'skills' | 'no_calls' | 'no_chats' | 'offline' | 'away' | 'no_phone' | 'busy' | 'closed' | 'unstaffed';

/**
 * Why a consultation (a warm call transfer) was not answered: a refusal
 * above (what stands in the colleague's way now), or what they did:
 * `declined`, `no_answer` in time, `unreachable`. The 480 that ends the
 * consultation carries it in `X-Warmline-Refusal`, beside a Warning in
 * English.
 */
export type ConsultRefusalCode = TransferRefusalCode | 'declined' | 'no_answer' | 'unreachable';

export const CONSULT_REFUSAL_HEADER = 'X-Warmline-Refusal';

/** What an error carries beside its code, so that a client can word it. */
export interface ErrorDetails {
  /** Rate limited: seconds until the same request may succeed (HTTP also sends Retry-After). */
  retryAfter?: number;
  /** The limit that was exceeded: a message's characters (`message_too_long`). */
  limit?: number;
  /** A refused transfer (`conflict`, or `bad_request` for `self`): why the target cannot take it. */
  reason?: TransferRefusalCode;
}

/** An HTTP error's body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string } & ErrorDetails;
}
