/**
 * The demo shop's pages: demo/layout.html around the fragments in
 * demo/pages/, with the products from demo/catalog.json. Product pages carry
 * schema.org JSON-LD, as Warmline finds it on real shops. Demo mode only.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { pageHeaders } from '../http/security-headers.js';

interface CatalogProduct {
  slug: string;
  sku: string;
  name: string;
  price: number;
  currency: string;
  brand: string;
  description: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON inside <script>: `<` escaped so no value can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value, null, 2).replace(/</g, '\\u003c');

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');

function jsonLd(p: CatalogProduct) {
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: p.name,
    sku: p.sku,
    image: `/demo/img/${p.slug}.svg`,
    description: p.description,
    brand: { '@type': 'Brand', name: p.brand },
    offers: { '@type': 'Offer', price: p.price.toFixed(2), priceCurrency: p.currency, availability: 'https://schema.org/InStock' },
  };
}

function card(p: CatalogProduct) {
  return `    <li class="card">
      <a href="/products/${escapeHtml(p.slug)}">
        <img src="/demo/img/${escapeHtml(p.slug)}.svg" alt="" width="400" height="300">
        <span class="name">${escapeHtml(p.name)}</span>
      </a>
      <span class="price">€${p.price.toFixed(2)}</span>
    </li>`;
}

export function demoPages(demoDir: string, connect: readonly string[] = []) {
  const router = new Router();
  const read = (file: string) => readFile(join(demoDir, file), 'utf8');
  const load = async () => {
    const [catalog, layout, index, cart, product] = await Promise.all(
      ['catalog.json', 'layout.html', 'pages/index.html', 'pages/cart.html', 'pages/product.html'].map(read),
    );
    return { products: (JSON.parse(catalog!) as { products: CatalogProduct[] }).products, layout: layout!, index: index!, cart: cart!, product: product! };
  };
  let cached: ReturnType<typeof load> | undefined;
  const templates = () => (cached ??= load());
  /** The page in the layout; its script tags get this response's CSP nonce. */
  const page = (ctx: Context, layout: string, title: string, main: string, head = '') =>
    fill(layout, { title: escapeHtml(title), head, main, nonce: pageHeaders(ctx, 'self', connect) });

  router.get('/', async (ctx) => {
    const t = await templates();
    ctx.type = 'html';
    ctx.body = page(ctx, t.layout, 'Bean & Brew — coffee gear and beans', fill(t.index, { cards: t.products.map(card).join('\n') }));
  });

  router.get('/cart', async (ctx) => {
    const t = await templates();
    ctx.type = 'html';
    ctx.body = page(ctx, t.layout, 'Your cart — Bean & Brew', t.cart);
  });

  router.get('/products/:slug', async (ctx) => {
    const t = await templates();
    const p = t.products.find((candidate) => candidate.slug === ctx.params.slug);
    if (!p) throw AppError.notFound('There is no such product.');
    const main = fill(t.product, {
      name: escapeHtml(p.name),
      sku: escapeHtml(p.sku),
      slug: escapeHtml(p.slug),
      price: p.price.toFixed(2),
      description: escapeHtml(p.description),
    });
    ctx.type = 'html';
    ctx.body = page(ctx, t.layout, `${p.name} — Bean & Brew`, main, `<script type="application/ld+json">\n${scriptJson(jsonLd(p))}\n</script>\n`);
  });

  return router;
}
