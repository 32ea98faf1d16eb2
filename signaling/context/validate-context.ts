/**
 * The server's gate for context envelopes: size first (cheap, and a huge
 * document should not be walked), then the schema. Either failure is an
 * AppError naming the problem; nothing is stored or truncated.
 */
import * as v from 'valibot';
import { AppError } from '../errors.js';
import { ContextInputSchema, type ContextEnvelope, type ContextInput } from '../../widgets/protocol/context-envelope.js';
import { verifyIdentity } from '../identity/verify-identity.js';

export function validateContext(raw: unknown, maxBytes: number): ContextInput {
  if (raw === undefined || raw === null) throw AppError.unprocessable('context is required.', 'invalid_context');
  let json: string | undefined;
  try {
    json = JSON.stringify(raw);
  } catch (err) {
    // JSON.parse takes any depth, JSON.stringify overflows the stack at a few thousand levels
    // (`[[[…]]]` in a 10 KB frame): no valid envelope is nested like that, so it is refused, not a 500.
    if (err instanceof RangeError) throw AppError.unprocessable('context is nested too deeply.', 'invalid_context');
    throw err;
  }
  const bytes = Buffer.byteLength(json ?? '', 'utf8');
  if (bytes > maxBytes) {
    throw AppError.tooLarge(`context is ${bytes} bytes; the limit is ${maxBytes} bytes.`, 'context_too_large');
  }
  const result = v.safeParse(ContextInputSchema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue);
    throw AppError.unprocessable(`context${path ? `.${path}` : ''}: ${issue.message}`, 'invalid_context');
  }
  return result.output;
}

/**
 * A context update from the visitor's browser (their socket's `context`
 * frame, `PUT /api/v1/interactions/current/context`): validated as above,
 * for a conversation that stays theirs. `visitor.id` ties the conversation to
 * the browser and cannot change. `topic` is the server's during a call (the
 * queue the caller chose, set by `POST /api/v1/calls`): pages do not send it,
 * so an update without one keeps the stored topic rather than wiping it off
 * the agent's card.
 */
export function validateContextUpdate(raw: unknown, maxBytes: number, current: { visitorId: string; context: ContextEnvelope }): ContextInput {
  const context = validateContext(raw, maxBytes);
  assertSameVisitor(context, current);
  if (context.topic === undefined && current.context.topic !== undefined) context.topic = current.context.topic;
  return context;
}

/** A conversation belongs to one browser's visitor id: a context naming another is refused (400, nothing stored). */
export function assertSameVisitor(context: ContextInput, current: { visitorId: string }): void {
  if (context.visitor.id !== current.visitorId) throw AppError.badRequest('context.visitor.id cannot change within a conversation.', 'invalid_context');
}

/**
 * Turns what the browser sent into what is stored. Identity claims from the
 * page are never trusted as such: `verified` is true only when the site's
 * signature holds (signaling/identity/verify-identity.ts), and the proof
 * itself is not stored.
 */
export function toStoredContext(input: ContextInput, secret: string | undefined, nowMs: number): { context: ContextEnvelope; identityProblem: string | undefined } {
  const { visitor, ...rest } = input;
  const { identity, problem } = verifyIdentity(visitor.identity, secret, nowMs);
  return { context: { ...rest, visitor: identity ? { id: visitor.id, identity } : { id: visitor.id } }, identityProblem: problem };
}
