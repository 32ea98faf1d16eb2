import type { Context } from 'koa';
import { AppError } from '../errors.js';

/**
 * Reads a request body as bytes, never keeping more than `limit`: a body
 * that declares more is refused before a byte is read, and one that turns
 * out longer than it said (or is chunked) is refused as soon as it passes
 * the limit.
 *
 * The request is not destroyed on a refusal: that would reset the
 * connection under a browser still uploading, which then reports a network
 * error instead of our 413. The rest of the body is let through unkept (Node
 * discards what nobody reads, within its request timeout) and the answer
 * reaches the client.
 */
export function readRawBody(ctx: Context, limit: number, tooLarge: () => AppError): Promise<Buffer> {
  const declared = ctx.request.length;
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge());
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      // Flowing with no listener: whatever still comes is discarded.
      req.resume();
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        done();
        reject(tooLarge());
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onClose = () => {
      done();
      reject(AppError.badRequest('The upload was interrupted.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
