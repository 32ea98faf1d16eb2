import { AppError, type ErrorCode, type ErrorDetails } from '../errors.js';

/** A handler for each frame type, each receiving exactly its own frame type. */
export type HandlerTable<F extends { type: string }> = {
  [K in F['type']]: (frame: Extract<F, { type: K }>) => void | Promise<void>;
};

/** What an error frame carries beside its code and message (wire-common.ts ErrorFrameSchema). */
export interface ErrorExtra extends ErrorDetails {
  cid?: string;
  interactionId?: string;
}

/**
 * Runs the handler for a frame; an AppError becomes an error frame for the
 * client (with the frame's cid, so the client can match it); anything else is
 * logged and reported without detail.
 */
export async function runHandler<F extends { type: string }>(
  handlers: HandlerTable<F>,
  frame: F,
  reply: (code: ErrorCode, message: string, extra: ErrorExtra) => void,
  log: (line: string, err: unknown) => void,
) {
  const extra: ErrorExtra = {};
  if ('cid' in frame && typeof frame.cid === 'string') extra.cid = frame.cid;
  if ('interactionId' in frame && typeof frame.interactionId === 'string') extra.interactionId = frame.interactionId;
  try {
    const handler = handlers[frame.type as F['type']] as (f: F) => void | Promise<void>;
    await handler(frame);
  } catch (err) {
    if (err instanceof AppError && err.expose) reply(err.code, err.message, { ...extra, ...err.details });
    else {
      log(`handling a ${frame.type} frame failed`, err);
      reply('internal', 'The server could not handle this frame.', extra);
    }
  }
}
