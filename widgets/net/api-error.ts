/**
 * A refusal from the server's HTTP API (protocol/errors.ts): its code and
 * details, which the widgets word in the reader's language, and the
 * server's English message, for logs.
 */
import type { ErrorBody, ErrorCode, ErrorDetails } from '../protocol/errors.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}

/** The error a failed response's parsed body describes; a body that is not ours (a proxy's page) counts as `internal`. */
export function apiError(res: Response, body: unknown): ApiError {
  const { code, message, ...details } = (body as Partial<ErrorBody> | undefined)?.error ?? { code: 'internal' as const, message: `HTTP ${res.status}` };
  // Retry-After is not readable across origins unless exposed; the body says it too.
  const retryAfter = details.retryAfter ?? (Number(res.headers.get('retry-after')) || undefined);
  return new ApiError(res.status, code, message, retryAfter ? { ...details, retryAfter } : details);
}
