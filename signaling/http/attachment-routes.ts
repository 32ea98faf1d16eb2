/**
 * Attachments over HTTP: the visitor uploads a file into their conversation
 * (raw bytes, not JSON), then sends a chat message naming it; the
 * conversation's visitor and signed-in agents fetch it back.
 *
 * Mounted before the JSON body parser (app.ts): this router reads its own
 * body, with its own limit.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import type { AttachmentRecord } from '../store/attachment-store.js';
import type { AttachmentInfo } from '../../widgets/protocol/wire-common.js';
import { contentDisposition } from '../attachments/file-name.js';
import { attachmentCors } from './cors.js';
import { agentOriginAllowed } from './origins.js';
import { readRawBody } from './read-raw-body.js';
import { visitorInteraction } from './visitor-routes.js';

export const toAttachmentInfo = (r: AttachmentRecord): AttachmentInfo => ({ id: r.id, name: r.name, type: r.type, size: r.size });

/** The file name from `X-Filename` (URL-encoded, as `encodeURIComponent` writes it, since headers are not UTF-8). */
function fileNameOf(ctx: Context): string {
  const raw = ctx.get('X-Filename').slice(0, 2048);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw AppError.badRequest('X-Filename must be URL-encoded (encodeURIComponent).');
  }
}

const bearer = (ctx: Context) => {
  const header = ctx.get('Authorization');
  return header.startsWith('Bearer ') ? header.slice(7).trim() : '';
};

/**
 * Whether whoever asks may read attachments of `interactionId`: the
 * conversation's visitor (conversation token, from one of the site's
 * origins) or any signed-in agent (session token, from the console or an
 * origin in `agentOrigins`), as for the context card.
 */
async function readerOf(services: Services, ctx: Context): Promise<(record: AttachmentRecord) => boolean> {
  const token = bearer(ctx);
  if (!token) throw AppError.unauthorized('Send the conversation token or an agent session token as Authorization: Bearer <token>.');
  // Agent session tokens are `<payload>.<signature>`; conversation tokens have no dot.
  if (!token.includes('.')) {
    const interaction = await visitorInteraction(services, ctx);
    return (record) => record.interactionId === interaction.id;
  }
  await services.auth.authenticate(token);
  const origin = ctx.get('Origin') || undefined;
  // As for the agent API: this server's own pages, publicUrl, agentOrigins (Koa 3's ctx.origin is the Origin header, not this).
  if (!agentOriginAllowed(services.config, origin, `${ctx.protocol}://${ctx.host}`)) {
    throw new AppError(403, 'origin_not_allowed', `The origin ${origin} may not use the agent API (see agentOrigins).`);
  }
  return () => true;
}

export function attachmentRoutes(services: Services) {
  const router = new Router({ prefix: '/api/v1' });
  router.use(attachmentCors());
  router.options(['/attachments', '/attachments/:id'], () => {});

  /**
   * Uploads a file into the visitor's conversation: the body is the file's
   * bytes, `Content-Type` what the browser thinks it is, `X-Filename` its
   * name. The content decides the type; nothing is stored when it is refused.
   */
  router.post('/attachments', async (ctx) => {
    const interaction = await visitorInteraction(services, ctx);
    const { attachments } = services;
    await attachments.assertRoom(interaction.id, ctx.request.length);
    const fileName = fileNameOf(ctx);
    const bytes = await readRawBody(ctx, attachments.maxBytes, () => attachments.tooLarge());
    const record = await attachments.add({ interactionId: interaction.id, declaredType: ctx.get('Content-Type'), fileName, bytes });
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { attachment: toAttachmentInfo(record) };
  });

  /**
   * The file, to its conversation's visitor or an agent. Served so that no
   * browser treats it as anything but what it was sniffed as: its own type,
   * no sniffing, and a sandbox without any rights should it be opened as a
   * page. Another conversation's attachment is "not found", like one that
   * does not exist.
   */
  router.get('/attachments/:id', async (ctx) => {
    const mayRead = await readerOf(services, ctx);
    const record = await services.attachments.find(ctx.params.id ?? '');
    if (!record || !mayRead(record)) throw AppError.notFound('There is no such attachment.');
    const bytes = await services.attachments.bytesOf(record);
    if (!bytes) throw AppError.notFound('There is no such attachment.');
    ctx.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    ctx.set('Content-Type', record.type);
    ctx.length = record.size;
    ctx.set('Content-Disposition', contentDisposition(record.name, record.type));
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "sandbox; default-src 'none'");
    ctx.set('Cache-Control', 'private, no-store');
  });

  return router;
}
