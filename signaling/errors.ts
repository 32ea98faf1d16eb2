/**
 * One error path for the whole server (STYLE.md, "From Koa"): handlers throw
 * an AppError; `errorMiddleware` turns it into `{ error: { code, message } }`
 * with the right status. Anything else is a bug: it is logged and the client
 * sees a generic 500 without internals.
 */
import type { Context, Next } from 'koa';
import type { ErrorBody, ErrorCode, ErrorDetails } from '../widgets/protocol/errors.js';

// The codes are the wire contract's (widgets/protocol/errors.ts), shared with every client.
export type { ErrorBody, ErrorCode, ErrorDetails };

export class AppError extends Error {
  override readonly name = 'AppError';
  /** Whether `message` may be shown to the client. Internal errors are not. */
  readonly expose: boolean;

  /**
   * Values beside the code that let a client word the error in its reader's
   * language (`retryAfter`, `limit`, `reason`): sent in the body or the error
   * frame with the code, `retryAfter` also as Retry-After.
   */
  readonly details: ErrorDetails;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; expose?: boolean } & ErrorDetails = {},
  ) {
    super(message, { cause: options.cause });
    this.expose = options.expose ?? status < 500;
    const { retryAfter, limit, reason } = options;
    this.details = { ...(retryAfter !== undefined && { retryAfter }), ...(limit !== undefined && { limit }), ...(reason && { reason }) };
  }

  /** Seconds until trying again makes sense (429). */
  get retryAfter(): number | undefined {
    return this.details.retryAfter;
  }

  static badRequest(message: string, code: ErrorCode = 'bad_request') {
    return new AppError(400, code, message);
  }
  static unauthorized(message = 'Sign in first.', code: ErrorCode = 'unauthorized') {
    return new AppError(401, code, message);
  }
  static forbidden(message: string) {
    return new AppError(403, 'forbidden', message);
  }
  static notFound(message: string) {
    return new AppError(404, 'not_found', message);
  }
  static conflict(message: string, details: ErrorDetails = {}) {
    return new AppError(409, 'conflict', message, details);
  }
  static tooLarge(message: string, code: ErrorCode) {
    return new AppError(413, code, message);
  }
  /** A message over the configured limit; the limit goes with the code, for the widget to say it. */
  static messageTooLong(limit: number) {
    return new AppError(413, 'message_too_long', `A message has at most ${limit} characters.`, { limit });
  }
  static unprocessable(message: string, code: ErrorCode) {
    return new AppError(422, code, message);
  }
  static rateLimited(message: string, retryAfterSeconds: number) {
    return new AppError(429, 'rate_limited', message, { retryAfter: retryAfterSeconds });
  }
}

/** Maps errors thrown by Koa's own middleware (body parser) onto our codes. */
function fromForeign(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = e.status ?? e.statusCode;
  if (status === 413 || e.type === 'entity.too.large') {
    return AppError.tooLarge('The request body is too large.', 'body_too_large');
  }
  // co-body marks JSON syntax errors with status 400 and leaves the SyntaxError as it is.
  if (status === 400 && (err instanceof SyntaxError || e.type?.startsWith('entity.parse'))) {
    return AppError.badRequest('The request body is not valid JSON.', 'invalid_json');
  }
  if (status === 415) return new AppError(415, 'bad_request', 'Send the body as application/json.');
  if (status && status >= 400 && status < 500) return new AppError(status, 'bad_request', e.message ?? 'Bad request.');
  return new AppError(500, 'internal', 'Internal server error.', { cause: err, expose: false });
}

export function errorMiddleware(log: (line: string, err: unknown) => void) {
  return async function handleErrors(ctx: Context, next: Next) {
    try {
      await next();
    } catch (caught) {
      const err = fromForeign(caught);
      if (err.status >= 500) log(`${ctx.method} ${ctx.path} failed`, err.cause ?? err);
      ctx.status = err.status;
      if (err.retryAfter !== undefined) ctx.set('Retry-After', String(err.retryAfter));
      const body: ErrorBody = {
        error: err.expose ? { code: err.code, message: err.message, ...err.details } : { code: err.code, message: 'Internal server error.' },
      };
      ctx.body = body;
    }
  };
}
