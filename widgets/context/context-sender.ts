/**
 * Sends the visitor's context to their conversation over HTTP
 * (`PUT /api/v1/interactions/current/context`) where no chat socket carries
 * it: during a call, and once on the page after leaving one. No DOM.
 *
 * Changes are coalesced: the first change opens a short window that gathers
 * a burst (a cart page pushing several dataLayer events), at most one request
 * is in flight, and each request carries the context as it is when it
 * leaves, so the latest always wins and none is sent twice for nothing. The
 * whole envelope goes every time, so a failed request loses nothing that the
 * next one does not repair: a network failure, a 5xx or a 429 is tried once
 * more (after `Retry-After` for a 429), a refusal (401, 413, 422) never.
 */
import type { ContextInput } from '../protocol/context-envelope.js';

export interface ContextSenderOptions {
  /** The Warmline server's base URL. */
  server: string;
  /** The visitor's conversation token, read as each request leaves; without one nothing is sent. */
  token: () => string | undefined;
  collectContext: () => ContextInput;
  fetch?: typeof fetch;
  /** How long the first change waits for others to join it. */
  windowMs?: number;
  /** How long before the one more try after a failure the server or network may recover from. */
  retryMs?: number;
}

type Outcome = { retryInMs?: number };

export class ContextSender {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Something changed since the last request left. */
  private dirty = false;
  private running: Promise<void> | undefined;
  private retried = false;
  private warned = false;
  private stopped = false;

  constructor(private readonly o: ContextSenderOptions) {}

  /** The context changed: sends it shortly, with whatever else changes meanwhile. */
  changed(): void {
    if (this.stopped) return;
    this.dirty = true;
    this.retried = false;
    // In flight: the request after it carries this change. Already waiting: this joins the window.
    if (this.running || this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.o.windowMs ?? 150);
  }

  /** Sends the context now (or right after the request in flight); resolves when nothing is left to send. */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = true;
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Sends nothing more (the page is going away); a request in flight finishes on its own. */
  stop(): void {
    this.stopped = true;
    this.dirty = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const { retryInMs } = await this.send();
      if (retryInMs !== undefined && !this.dirty && !this.retried && !this.stopped) {
        this.retried = true;
        this.timer = setTimeout(() => void this.flush(), retryInMs);
      }
    }
  }

  private async send(): Promise<Outcome> {
    const token = this.o.token();
    if (!token) return {};
    const retryMs = this.o.retryMs ?? 1000;
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch.bind(globalThis))(`${this.o.server}/api/v1/interactions/current/context`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(this.o.collectContext()),
      });
    } catch {
      return { retryInMs: retryMs };
    }
    if (res.ok) return {};
    if (res.status === 429) return { retryInMs: (Number(res.headers.get('Retry-After')) || retryMs / 1000) * 1000 };
    if (res.status >= 500) return { retryInMs: retryMs };
    if (!this.warned) {
      // The page's own data makes the envelope invalid (a site bug), or the conversation is gone: say so once, for the site owner.
      this.warned = true;
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      console.warn(`[warmline] the context was refused: ${body.error?.message ?? `HTTP ${res.status}`}`);
    }
    return {};
  }
}
