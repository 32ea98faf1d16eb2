/**
 * The files Warmline serves: the loader (`/warmline.js`), the widget modules
 * it imports (`/widgets/…`), the agent console (`/agent`) and, in demo mode,
 * the demo shop's assets (its pages are rendered by demo/demo-pages.ts).
 */
import Router from '@koa/router';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import type { Services } from '../services.js';
import { serveFile } from './static-files.js';
import { externalSockets, pageHeaders } from './security-headers.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function staticRoutes(services: Services) {
  const router = new Router();
  const dist = join(services.rootDir, 'dist');
  const demo = join(services.rootDir, 'demo');
  const missingBuild = () =>
    new AppError(503, 'internal', 'The widgets are not built. Run `npm run build` (npm start does it for you).');

  router.get('/warmline.js', async (ctx) => {
    // A stable URL that site owners paste: short cache so releases reach pages soon.
    if (!(await serveFile(ctx, dist, 'warmline.js', { cacheControl: 'public, max-age=300', cors: true }))) throw missingBuild();
  });

  router.get('/widgets/*path', async (ctx) => {
    const path = ctx.params.path ?? '';
    // Chunks carry a content hash in their name and never change; entries do.
    const hashed = path.startsWith('chunks/');
    if (!(await serveFile(ctx, join(dist, 'widgets'), path, { cacheControl: hashed ? IMMUTABLE : 'public, max-age=300', cors: true }))) {
      throw AppError.notFound(`No widget file ${path}.`);
    }
  });

  router.get('/agent', async (ctx) => {
    // Its script tag carries this response's CSP nonce, so it is rendered, never cached.
    const page = await readFile(join(demo, 'agent.html'), 'utf8');
    const nonce = pageHeaders(ctx, 'none', externalSockets(services.config));
    ctx.type = 'html';
    ctx.body = page.replaceAll('{{nonce}}', nonce);
  });

  router.get('/demo/*path', async (ctx) => {
    if (!(await serveFile(ctx, join(demo, 'assets'), ctx.params.path ?? ''))) throw AppError.notFound('No such file.');
  });

  if (!services.config.demo) router.get('/', (ctx) => ctx.redirect('/agent'));

  return router;
}
