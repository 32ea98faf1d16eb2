/**
 * The visitor's side of a chat, without any DOM: starts the conversation
 * over HTTP, talks over a reconnecting WebSocket, keeps the message log, and
 * guarantees each message reaches the server exactly once:
 *
 * 1. a message gets a client id and goes into the outbox (saved in
 *    localStorage) before anything is sent;
 * 2. it leaves the outbox only when the server acks it, after storing it;
 * 3. after every (re)connect the client says the last seq up to which it
 *    has every message, receives what it missed (in pages, message-pages.ts),
 *    and resends the outbox; the server recognises resends by client id and
 *    does not store them twice.
 *
 * The log keeps the newest messages; older ones are read a page at a time
 * when the visitor asks for them (`showEarlier`).
 */
import type { ContextInput } from '../protocol/context-envelope.js';
import { parseVisitorServerMessage, type VisitorServerMessage, type VisitorStatus } from '../protocol/visitor-server-messages.js';
import type { VisitorClientMessage } from '../protocol/visitor-client-messages.js';
import type { AttachmentInfo, ChatMessage } from '../protocol/wire-common.js';
import type { ErrorCode } from '../protocol/errors.js';
import type { ConnectionState } from '../net/connection-state.js';
import { ReconnectingSocket } from '../net/reconnecting-socket.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from '../net/reconnect-policy.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { ConversationStore } from './conversation-store.js';
import { MessageLog, type LogEntry } from './message-log.js';
import { newClientId } from './client-id.js';
import type { QueuePlace } from '../queue/queue-api.js';

export interface VisitorChatOptions {
  /** The Warmline server's base URL, e.g. https://chat.example.com */
  server: string;
  site: string;
  /** Called whenever the context is sent: at the start and after each change (it may load its code first). */
  collectContext: () => ContextInput | Promise<ContextInput>;
  storage?: Storage;
  policy?: ReconnectPolicy;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
}

export interface VisitorChatSnapshot {
  connection: ConnectionState;
  status: VisitorStatus;
  agentName: string | undefined;
  agentsAvailable: boolean;
  /** While waiting: the place in the queue and the estimated wait. */
  place: QueuePlace | undefined;
  entries: LogEntry[];
  /** The conversation has older messages than `entries` shows, and whether they are being read now. */
  earlier: 'none' | 'more' | 'loading';
  agentTyping: string | null;
  unread: number;
  messageLimit: number;
  /** The site's default language, as the server told it. */
  language: string | undefined;
  error: ChatError | undefined;
}

/** A problem the widget shows the visitor (in their language). */
export type ChatError =
  | { kind: 'too-long'; max: number }
  | { kind: 'start-failed' }
  /** The server refused a message for good; `code` says why (protocol/errors.ts), for the widget to word. */
  | { kind: 'refused'; code: ErrorCode }
  /** Sending too fast: what is queued goes again in `seconds`. */
  | { kind: 'slow-down'; seconds: number };

/** Error codes after which resending the same message cannot succeed. */
const PERMANENT = new Set<ErrorCode>(['message_too_long', 'invalid_message']);

interface ChatEvents extends Record<string, unknown> {
  change: VisitorChatSnapshot;
  /** A message from the agent or the system arrived (not replays of history). */
  message: ChatMessage;
}

const TYPING_REFRESH_MS = 2500;
const TYPING_IDLE_MS = 4000;

export class VisitorChatClient extends TypedEventTarget<ChatEvents> {
  private readonly store: ConversationStore;
  private readonly log = new MessageLog('visitor');
  private readonly policy: ReconnectPolicy;
  private socket: ReconnectingSocket | undefined;
  private starting: Promise<void> | undefined;
  private status: VisitorStatus = 'new';
  private agentName: string | undefined;
  private agentsAvailable = true;
  private place: QueuePlace | undefined;
  private agentTyping: string | null = null;
  private readUpTo = 0;
  private messageLimit = 4000;
  private language: string | undefined;
  private error: ChatError | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private welcomed = false;
  private typingSentAt = 0;
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private contextDirty = false;
  /** The `since` of this connection's hello: the welcome is the page after it. */
  private since = 0;
  /** A page asked for and not answered yet (one at a time): older history, or a hole to fill. */
  private reading: 'earlier' | 'hole' | undefined;

  constructor(private readonly options: VisitorChatOptions) {
    super();
    this.store = new ConversationStore(`warmline.chat.${options.site}`, options.storage);
    this.policy = options.policy ?? new DefaultReconnectPolicy();
    for (const item of this.store.load().outbox) this.log.addPending(item.cid, item.text, item.at, item.attachment);
  }

  get snapshot(): VisitorChatSnapshot {
    return {
      connection: this.socket?.state ?? 'idle',
      status: this.status,
      agentName: this.agentName,
      agentsAvailable: this.agentsAvailable,
      place: this.place,
      entries: this.log.entries(),
      earlier: this.reading === 'earlier' ? 'loading' : this.log.hasEarlier ? 'more' : 'none',
      agentTyping: this.agentTyping,
      unread: this.log.unreadAfter(this.readUpTo),
      messageLimit: this.messageLimit,
      language: this.language,
      error: this.error,
    };
  }

  /** The conversation token, once there is a conversation. */
  get token(): string | undefined {
    return this.store.load().token;
  }

  get panelWasOpen(): boolean {
    return this.store.load().open === true;
  }

  rememberPanel(open: boolean) {
    this.store.update({ open });
  }

  /** Reconnects to an existing conversation, if any; a new one starts with the first message. */
  resume() {
    const saved = this.store.load();
    if (saved.token) {
      // A new page of the visit: the agent should see where the visitor is now.
      this.contextDirty = true;
      this.connect(saved.token);
    }
    else if (saved.outbox.length > 0) void this.begin();
  }

  /** Joins a conversation started elsewhere (the offline form): keep its token and connect. */
  adopt(token: string, interactionId: string) {
    this.store.update({ token, interactionId });
    this.connect(token);
  }

  /** Queues a message (with an uploaded attachment, the text may be empty) and sends it as soon as there is a connection. Returns its client id. */
  send(text: string, attachment?: AttachmentInfo): string | undefined {
    const trimmed = text.trim();
    if (!trimmed && !attachment) return undefined;
    if (trimmed.length > this.messageLimit) {
      this.error = { kind: 'too-long', max: this.messageLimit };
      this.changed();
      return undefined;
    }
    const cid = newClientId();
    const at = Date.now();
    this.log.addPending(cid, trimmed, at, attachment);
    this.store.update({ outbox: [...this.store.load().outbox, { cid, text: trimmed, at, attachment }] });
    this.error = undefined;
    this.stopTyping();
    this.changed();
    if (!this.store.load().token) void this.begin();
    else if (this.welcomed) this.frame({ type: 'send', cid, text: trimmed, attachment: attachment?.id });
    return cid;
  }

  /** Call on each keystroke; tells the agent, at most every few seconds, and stops when idle. */
  typing() {
    if (!this.welcomed) return;
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_REFRESH_MS) {
      this.typingSentAt = now;
      this.frame({ type: 'typing', active: true });
    }
    this.later('typing-idle', TYPING_IDLE_MS, () => this.stopTyping());
  }

  /** The visitor sees the conversation: everything so far is read. */
  markRead() {
    const last = this.log.lastSeq;
    if (last <= this.readUpTo) return;
    this.readUpTo = last;
    if (this.welcomed) this.frame({ type: 'receipt', delivered: last, read: last });
    this.changed();
  }

  /** Reads the page of messages before the oldest shown (the message list's "Show earlier messages"). */
  showEarlier() {
    if (!this.welcomed || this.reading || !this.log.hasEarlier) return;
    this.reading = 'earlier';
    this.frame({ type: 'history', before: this.log.oldestSeq });
    this.changed();
  }

  /** The page's context changed (cart, identity…): send it, debounced. */
  contextChanged() {
    this.contextDirty = true;
    this.later('context', 300, () => this.flushContext());
  }

  retry() {
    if (this.socket) this.socket.retryNow();
    else void this.begin();
  }

  close() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = undefined;
  }

  /** Creates the conversation on the server (once), then connects. Public for uploads, which need the conversation first. */
  begin(): Promise<void> {
    this.starting ??= this.createInteraction().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async createInteraction(attempt = 0, minimal = false): Promise<void> {
    const doFetch = this.options.fetch ?? fetch.bind(globalThis);
    let context: ContextInput;
    try {
      context = await this.options.collectContext();
    } catch {
      // Its code could not load (offline): like a failed request, try again.
      return this.retryCreate(attempt);
    }
    if (minimal) context = { v: 1, visitor: context.visitor, page: context.page };
    let res: Response;
    try {
      res = await doFetch(`${this.options.server}/api/v1/interactions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: this.options.site, context }),
      });
    } catch {
      return this.retryCreate(attempt);
    }
    if (res.status === 429) {
      // Too many new conversations from this address: say so, and try once the server says it may work.
      const seconds = Number(res.headers.get('retry-after')) || 5;
      this.error = { kind: 'slow-down', seconds };
      this.changed();
      return new Promise((resolve) => setTimeout(resolve, seconds * 1000)).then(() => this.createInteraction(attempt + 1));
    }
    if (res.status >= 500) return this.retryCreate(attempt);
    const body = (await res.json().catch(() => ({}))) as { interactionId?: string; token?: string; error?: { code?: string; message?: string } };
    if (res.ok && body.token) {
      if (this.error?.kind === 'slow-down') this.error = undefined;
      this.store.update({ token: body.token, interactionId: body.interactionId });
      this.connect(body.token);
      return;
    }
    if (body.error?.code === 'invalid_context' || body.error?.code === 'context_too_large') {
      if (!minimal) {
        // The site's page gave a context the server refuses. Say why for the site owner, and let the visitor chat anyway.
        console.warn(`[warmline] the context was refused: ${body.error.message ?? res.status}. Sending page and visitor only.`);
        return this.createInteraction(0, true);
      }
    }
    console.warn(`[warmline] could not start a chat: ${body.error?.message ?? res.status}`);
    this.error = { kind: 'start-failed' };
    this.changed();
  }

  private retryCreate(attempt: number): Promise<void> {
    const delay = this.policy.nextRetryDelayInMs({ retryCount: attempt, elapsedMs: attempt * 2000 });
    if (delay === null) {
      this.error = { kind: 'start-failed' };
      this.changed();
      return Promise.resolve();
    }
    return new Promise((resolve) => setTimeout(resolve, Math.max(delay, 500))).then(() => this.createInteraction(attempt + 1));
  }

  private connect(token: string) {
    if (this.socket) return;
    // Naming the site lets the server refuse a page of another origin before any frame.
    const url = `${this.options.server.replace(/^http/, 'ws')}/ws/v1/visitor?site=${encodeURIComponent(this.options.site)}`;
    const socket = new ReconnectingSocket({
      url,
      policy: this.policy,
      onOpen: () => {
        this.since = this.log.lastSeq;
        socket.send({ type: 'hello', token, since: this.since } satisfies VisitorClientMessage);
      },
      ...(this.options.WebSocket ? { WebSocket: this.options.WebSocket } : {}),
    });
    this.socket = socket;
    socket.on('state', (state) => {
      if (state !== 'connected') {
        this.welcomed = false;
        // An answer still owed dies with its connection.
        this.reading = undefined;
      }
      this.changed();
    });
    socket.on('frame', (raw) => this.receive(raw));
    socket.on('unauthorized', () => this.forgetConversation());
    socket.connect();
  }

  /** The server does not know the token (e.g. its data was reset): start over, keeping unsent messages. */
  private forgetConversation() {
    this.socket?.close();
    this.socket = undefined;
    this.welcomed = false;
    this.store.clearToken();
    this.status = 'new';
    this.changed();
    if (this.store.load().outbox.length > 0) void this.begin();
  }

  private receive(raw: unknown) {
    const frame = parseVisitorServerMessage(raw);
    if (!frame) {
      console.warn('[warmline] ignored a frame the client does not understand', raw);
      return;
    }
    const handler = this.handlers[frame.type] as (frame: VisitorServerMessage) => void;
    handler(frame);
    this.changed();
  }

  private readonly handlers: { [K in VisitorServerMessage['type']]: (frame: Extract<VisitorServerMessage, { type: K }>) => void } = {
    welcome: (frame) => {
      this.log.addPage({ messages: frame.messages, more: frame.more ?? false }, { after: this.since });
      this.log.setReceipt(frame.receipt);
      this.readUpTo = Math.max(this.readUpTo, frame.readUpTo);
      this.messageLimit = frame.messageLimit;
      this.language = frame.language;
      this.welcomed = true;
      this.resendOutbox();
      if (this.contextDirty) this.flushContext();
      this.frame({ type: 'receipt', delivered: this.log.lastSeq, read: this.readUpTo });
      this.fillHole();
    },
    history: (frame) => {
      this.reading = undefined;
      this.log.addPage(frame, frame);
      this.fillHole();
    },
    status: (frame) => {
      this.status = frame.status;
      this.agentName = frame.agent;
      this.agentsAvailable = frame.agentsAvailable;
      this.place = frame.status === 'waiting' && frame.position ? { position: frame.position, waitSeconds: frame.waitSeconds ?? 0 } : undefined;
      if (frame.status !== 'active') this.agentTyping = null;
    },
    ack: (frame) => {
      this.log.ack(frame.cid, frame.seq, frame.at);
      this.store.update({ outbox: this.store.load().outbox.filter((item) => item.cid !== frame.cid) });
    },
    message: (frame) => {
      if (!this.log.add(frame.message)) return;
      if (frame.message.from !== 'visitor') {
        this.agentTyping = null;
        this.fire('message', frame.message);
        this.frame({ type: 'receipt', delivered: this.log.lastSeq, read: this.readUpTo });
      }
    },
    typing: (frame) => {
      this.agentTyping = frame.active ? (frame.name ?? '') : null;
      if (frame.active) this.later('agent-typing', 6000, () => ((this.agentTyping = null), this.changed()));
    },
    receipt: (frame) => this.log.setReceipt(frame),
    error: (frame) => {
      if (frame.cid && PERMANENT.has(frame.code)) {
        // Refused for good (too long, empty): take it out of the outbox and say why.
        const cid = frame.cid;
        this.store.update({ outbox: this.store.load().outbox.filter((item) => item.cid !== cid) });
        this.log.drop(cid);
        this.error = frame.code === 'message_too_long' ? { kind: 'too-long', max: frame.limit ?? this.messageLimit } : { kind: 'refused', code: frame.code };
      } else if (frame.code === 'rate_limited') {
        // Too fast: it stays queued and goes again when the server says it may.
        const seconds = frame.retryAfter ?? 5;
        this.error = { kind: 'slow-down', seconds };
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.resendOutbox(), seconds * 1000);
      } else {
        // Anything else stays queued and is resent on the next connection.
        console.warn(`[warmline] ${frame.code}: ${frame.message}`);
      }
    },
  };

  /** Reads the next page of a hole the welcome left (a resume that missed more than a page), until there is none. */
  private fillHole() {
    const hole = this.log.hole;
    if (!hole || !this.welcomed || this.reading) return;
    this.reading = 'hole';
    this.frame({ type: 'history', ...hole });
  }

  /** Sends everything not yet acknowledged; the server drops what it already has. */
  private resendOutbox() {
    if (this.error?.kind === 'slow-down') this.error = undefined;
    for (const item of this.store.load().outbox) this.frame({ type: 'send', cid: item.cid, text: item.text, attachment: item.attachment?.id });
    this.changed();
  }

  private flushContext() {
    if (!this.welcomed) return;
    this.contextDirty = false;
    void Promise.resolve(this.options.collectContext()).then(
      (context) => {
        // The socket dropped meanwhile: the next welcome sends it.
        if (this.welcomed) this.frame({ type: 'context', context });
        else this.contextDirty = true;
      },
      () => (this.contextDirty = true),
    );
  }

  private stopTyping() {
    if (this.typingSentAt === 0) return;
    this.typingSentAt = 0;
    if (this.welcomed) this.frame({ type: 'typing', active: false });
  }

  private frame(frame: VisitorClientMessage) {
    this.socket?.send(frame);
  }

  private later(name: string, ms: number, fn: () => void) {
    clearTimeout(this.timers.get(name));
    this.timers.set(name, setTimeout(() => (this.timers.delete(name), fn()), ms));
  }

  private changed() {
    this.fire('change', this.snapshot);
  }
}
