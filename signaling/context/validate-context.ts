/**
 * The server's gate for context envelopes: size first (cheap, and a huge
 * document should not be walked), then the schema. Either failure is an
 * AppError naming the problem; nothing is stored or truncated.
 */
import * as v from 'valibot';
import { AppError } from '../errors.js';
import { ContextInputSchema, type ContextEnvelope, type ContextInput } from '../../widgets/protocol/context-envelope.js';

export function validateContext(raw: unknown, maxBytes: number): ContextInput {
  if (raw === undefined || raw === null) throw AppError.unprocessable('context is required.', 'invalid_context');
  const bytes = Buffer.byteLength(JSON.stringify(raw) ?? '', 'utf8');
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
 * Turns what the browser sent into what is stored. Identity claims from the
 * page are never trusted here: `verified` is false until the server checks a
 * signature (the site's backend signs the identity; see docs/security.md).
 */
export function toStoredContext(input: ContextInput): ContextEnvelope {
  const { visitor, ...rest } = input;
  return {
    ...rest,
    visitor: visitor.identity ? { id: visitor.id, identity: { ...visitor.identity, verified: false } } : { id: visitor.id },
  };
}
