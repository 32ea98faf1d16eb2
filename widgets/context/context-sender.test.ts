import { expect } from '@open-wc/testing';
import { ContextSender } from './context-sender.js';
import type { ContextInput } from '../protocol/context-envelope.js';
import { until } from '../../test/support/browser.js';

/** A stand-in for the server: records each request and answers when the test says so. */
class FakeServer {
  readonly requests: Array<{ url: string; init: RequestInit; answer: (res: Response | Error) => void }> = [];
  readonly fetch = (url: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      this.requests.push({ url: String(url), init: init ?? {}, answer: (res) => (res instanceof Error ? reject(res) : resolve(res)) });
    });

  body(i: number): ContextInput {
    return JSON.parse(String(this.requests[i]!.init.body)) as ContextInput;
  }

  /** Answers the request `i` with `status` (204 by default). */
  answer(i: number, status = 204, headers: Record<string, string> = {}, body?: object) {
    this.requests[i]!.answer(body ? Response.json(body, { status, headers }) : new Response(null, { status, headers }));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ContextSender', () => {
  let server: FakeServer;
  let page: string;
  let token: string | undefined;
  let collected: number;
  const sender = (options: { windowMs?: number; retryMs?: number } = {}) =>
    new ContextSender({
      server: 'https://warmline.test',
      token: () => token,
      collectContext: () => {
        collected++;
        return { v: 1, visitor: { id: 'visitor-0001' }, page: { url: `https://shop.example/${page}`, title: page } };
      },
      fetch: server.fetch,
      windowMs: 30,
      retryMs: 50,
      ...options,
    });

  beforeEach(() => {
    server = new FakeServer();
    page = 'one';
    token = 'tok';
    collected = 0;
  });

  it('gathers a burst of changes into one PUT of the context as it is when the request leaves', async () => {
    const s = sender();
    s.changed();
    page = 'two';
    s.changed();
    page = 'three';
    s.changed();
    expect(server.requests).to.have.length(0, 'waits for the rest of the burst');
    await until(() => server.requests.length === 1, 'the request');
    const [request] = server.requests;
    expect(request!.url).to.equal('https://warmline.test/api/v1/interactions/current/context');
    expect(request!.init.method).to.equal('PUT');
    expect(request!.init.headers).to.deep.equal({ 'content-type': 'application/json', authorization: 'Bearer tok' });
    expect(server.body(0).page.url).to.equal('https://shop.example/three');
    expect(collected).to.equal(1);
    server.answer(0);
    await pause(80);
    expect(server.requests).to.have.length(1, 'nothing more to send');
  });

  it('keeps one request in flight: changes meanwhile go in one more request, with the latest context', async () => {
    const s = sender();
    const done = s.flush();
    expect(server.requests).to.have.length(1, 'flush does not wait');
    page = 'two';
    s.changed();
    page = 'three';
    s.changed();
    await pause(80);
    expect(server.requests).to.have.length(1, 'still one in flight');
    server.answer(0);
    await until(() => server.requests.length === 2, 'the next request');
    expect(server.body(1).page.url).to.equal('https://shop.example/three');
    server.answer(1);
    await done;
    await pause(80);
    expect(server.requests).to.have.length(2);
  });

  it('sends nothing without a conversation token', async () => {
    token = undefined;
    await sender().flush();
    expect(server.requests).to.have.length(0);
    expect(collected).to.equal(0);
  });

  it('tries once more after a network failure or a 5xx, and never again for the same change', async () => {
    const s = sender();
    s.changed();
    await until(() => server.requests.length === 1, 'the request');
    server.requests[0]!.answer(new TypeError('Failed to fetch'));
    await until(() => server.requests.length === 2, 'the retry');
    server.answer(1, 503);
    await pause(150);
    expect(server.requests).to.have.length(2, 'one retry only');
    page = 'two';
    s.changed();
    await until(() => server.requests.length === 3, 'the next change');
    expect(server.body(2).page.url).to.equal('https://shop.example/two');
    server.answer(2);
  });

  it('waits as long as a 429 says before trying again, and changes meanwhile wait with it', async () => {
    const s = sender({ retryMs: 5000 });
    s.changed();
    await until(() => server.requests.length === 1, 'the request');
    const refusedAt = Date.now();
    server.answer(0, 429, { 'Retry-After': '1' }, { error: { code: 'rate_limited', message: 'Too many requests.' } });
    await pause(50);
    page = 'two';
    s.changed();
    await until(() => server.requests.length === 2, 'the retry', 3000);
    expect(Date.now() - refusedAt).to.be.greaterThanOrEqual(900);
    expect(server.body(1).page.url).to.equal('https://shop.example/two');
    server.answer(1);
  });

  it('does not retry a refusal, and tells the site owner once why', async () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const s = sender();
      s.changed();
      await until(() => server.requests.length === 1, 'the request');
      server.answer(0, 422, {}, { error: { code: 'invalid_context', message: 'context.cart.items.0.qty: must be a number' } });
      await pause(120);
      expect(server.requests).to.have.length(1);
      expect(warnings).to.deep.equal(['[warmline] the context was refused: context.cart.items.0.qty: must be a number']);
      s.changed();
      await until(() => server.requests.length === 2, 'the next change');
      server.answer(1, 422, {}, { error: { code: 'invalid_context', message: 'again' } });
      await pause(50);
      expect(warnings).to.have.length(1);
    } finally {
      console.warn = warn;
    }
  });

  it('sends nothing more once stopped (the page is going away)', async () => {
    const s = sender();
    s.changed();
    s.stop();
    await pause(80);
    s.changed();
    await s.flush();
    await pause(80);
    expect(server.requests).to.have.length(0);
  });
});
