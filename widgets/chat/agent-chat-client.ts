/**
 * The agent's side of chat, without any DOM: presence, offers, and several
 * conversations at once, each with its context and message log. Like the
 * visitor's client it resumes from the last seq per conversation after a
 * reconnect (reading back any hole a page left, message-pages.ts), resends
 * what was not acknowledged, and reads older messages on demand.
 *
 * It is also the console's one live store of interactions for calls: an
 * interaction a call of which rings or goes on here is followed on the same
 * socket (the server pushes it with the ring, or answers `watch`), and its
 * context, messages and status stay live exactly as a chat's do.
 */
import * as v from 'valibot';
import {
  AgentServerMessageSchema,
  type AgentInteraction,
  type AgentProfile,
  type AgentServerMessage,
  type InteractionStatus,
  type Note,
  type Offer,
  type PriorInteraction,
} from '../protocol/agent-server-messages.js';
import type { AgentClientMessage, Presence } from '../protocol/agent-client-messages.js';
import type { ContextEnvelope } from '../protocol/context-envelope.js';
import type { ChatMessage, ErrorFrame } from '../protocol/wire-common.js';
import type { MessagePage } from '../protocol/message-pages.js';
import type { ConnectionState } from '../net/connection-state.js';
import { ReconnectingSocket } from '../net/reconnecting-socket.js';
import type { ReconnectPolicy } from '../net/reconnect-policy.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { MessageLog, type LogEntry } from './message-log.js';
import { newClientId } from './client-id.js';

export interface ConversationView {
  id: string;
  status: InteractionStatus;
  context: ContextEnvelope;
  /** Notes colleagues wrote (with a transfer). */
  notes: Note[];
  /** The customer's earlier conversations (verified identities only). */
  history: PriorInteraction[];
  /** What this agent holds beyond a chat: an offline message, a callback to make. */
  work: AgentInteraction['work'];
  /** Passed on to a colleague by this agent. */
  transferred: boolean;
  entries: LogEntry[];
  /** The conversation has older messages than `entries` shows, and whether they are being read now. */
  earlier: 'none' | 'more' | 'loading';
  visitorOnline: boolean;
  visitorTyping: boolean;
  unread: number;
  createdAt: number;
}

export interface AgentChatSnapshot {
  connection: ConnectionState;
  agent: AgentProfile | undefined;
  presence: Presence;
  offers: Offer[];
  /** The chats: assigned to this agent, or ended and not dismissed yet. */
  conversations: ConversationView[];
  /** The interactions followed for calls (some may be chats too), for the call's context card. */
  followed: ConversationView[];
  messageLimit: number;
  /** The last error the server reported for an action of this agent: its code and details, for the console to word. */
  error: AgentActionError | undefined;
}

/** An error frame without its English message, which is for logs (protocol/errors.ts). */
export type AgentActionError = Omit<ErrorFrame, 'type' | 'message'>;

interface AgentEvents extends Record<string, unknown> {
  change: AgentChatSnapshot;
  /** A chat, callback or offline message offered (listed in `offers`). */
  offer: Offer;
  /** A LiveKit call ringing for this agent: for the phone, not listed in `offers`. */
  'call-offer': Offer;
  /** An offer went away (taken, timed out, the caller left). */
  'offer-withdrawn': { interactionId: string; reason: Extract<AgentServerMessage, { type: 'offer-withdrawn' }>['reason'] };
  /** A key the visitor pressed during a LiveKit call. */
  dtmf: { interactionId: string; digit: string };
  message: { interactionId: string; message: ChatMessage };
  /** The session was refused or ended: sign in again. */
  'signed-out': void;
}

interface Conversation {
  id: string;
  status: InteractionStatus;
  context: ContextEnvelope;
  notes: Note[];
  history: PriorInteraction[];
  work: AgentInteraction['work'];
  transferred: boolean;
  log: MessageLog;
  /** A page asked for and not answered yet (one at a time): older history, or a hole to fill. */
  reading: 'earlier' | 'hole' | undefined;
  outbox: Map<string, string>;
  visitorOnline: boolean;
  visitorTyping: boolean;
  readUpTo: number;
  createdAt: number;
  /** A chat of this agent (assigned, or ended and not dismissed); otherwise only followed for a call. */
  chat: boolean;
}

export interface AgentChatOptions {
  server: string;
  token: string;
  policy?: ReconnectPolicy;
  WebSocket?: typeof WebSocket;
}

export class AgentChatClient extends TypedEventTarget<AgentEvents> {
  private readonly socket: ReconnectingSocket;
  private readonly conversations = new Map<string, Conversation>();
  private offers = new Map<string, Offer>();
  private agent: AgentProfile | undefined;
  private presence: Presence = 'away';
  /** A presence the agent chose before the server welcomed this connection. */
  private pendingPresence: Presence | undefined;
  private messageLimit = 4000;
  private error: AgentActionError | undefined;
  private welcomed = false;
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Interactions followed for calls on this console, said again to the server after a reconnect. */
  private readonly followedIds = new Set<string>();
  /** The `since` per interaction of this connection's hello: the welcome's views are the pages after them. */
  private since = new Map<string, number>();

  constructor(options: AgentChatOptions) {
    super();
    this.socket = new ReconnectingSocket({
      url: `${options.server.replace(/^http/, 'ws')}/ws/v1/agent`,
      onOpen: () => this.hello(options.token),
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    });
    this.socket.on('state', (state) => {
      if (state !== 'connected') {
        this.welcomed = false;
        // Answers still owed die with their connection.
        for (const c of this.conversations.values()) c.reading = undefined;
      }
      this.changed();
    });
    this.socket.on('frame', (raw) => this.receive(raw));
    this.socket.on('unauthorized', () => this.fire('signed-out', undefined));
  }

  get snapshot(): AgentChatSnapshot {
    const all = [...this.conversations.values()];
    return {
      connection: this.socket.state,
      agent: this.agent,
      presence: this.presence,
      offers: [...this.offers.values()],
      conversations: all.filter((c) => c.chat).map(viewOf),
      followed: all.filter((c) => this.followedIds.has(c.id)).map(viewOf),
      messageLimit: this.messageLimit,
      error: this.error,
    };
  }

  /**
   * Follows an interaction for a call ringing or under way on this console:
   * its context, messages and status stay live in `followed`. The server has
   * usually pushed it with the ring already; otherwise (a call from another
   * SIP platform) it is asked for now.
   */
  follow(interactionId: string) {
    if (this.followedIds.has(interactionId)) return;
    this.followedIds.add(interactionId);
    // Known already (pushed with the ring, or a chat of this agent): the server sends what changes.
    if (!this.conversations.has(interactionId)) this.frame({ type: 'watch', interactionId });
    this.changed();
  }

  /** The call ended: the interaction is no longer followed (a chat of it stays). */
  unfollow(interactionId: string) {
    if (!this.followedIds.delete(interactionId)) return;
    const conversation = this.conversations.get(interactionId);
    if (conversation && !conversation.chat) {
      this.conversations.delete(interactionId);
      this.frame({ type: 'unwatch', interactionId });
    }
    this.changed();
  }

  connect() {
    this.socket.connect();
  }

  disconnect() {
    this.socket.close();
  }

  retry() {
    this.socket.retryNow();
  }

  setPresence(state: Presence) {
    this.presence = state;
    // Chosen while (re)connecting: said once the server has welcomed us, and not overwritten by the welcome.
    if (this.welcomed) this.frame({ type: 'presence', state });
    else this.pendingPresence = state;
    this.changed();
  }

  accept(interactionId: string) {
    this.frame({ type: 'accept', interactionId });
  }

  decline(interactionId: string) {
    this.offers.delete(interactionId);
    this.frame({ type: 'decline', interactionId });
    this.changed();
  }

  send(interactionId: string, text: string): boolean {
    const conversation = this.conversations.get(interactionId);
    const trimmed = text.trim();
    if (!conversation || !trimmed || conversation.status !== 'active') return false;
    const cid = newClientId();
    conversation.log.addPending(cid, trimmed, Date.now());
    conversation.outbox.set(cid, trimmed);
    this.frame({ type: 'send', interactionId, cid, text: trimmed });
    this.changed();
    return true;
  }

  typing(interactionId: string, active: boolean) {
    if (this.conversations.get(interactionId)?.status === 'active') this.frame({ type: 'typing', interactionId, active });
  }

  /** The agent has the conversation in front of them: everything in it is read. */
  markRead(interactionId: string) {
    const conversation = this.conversations.get(interactionId);
    if (!conversation) return;
    const last = conversation.log.lastSeq;
    if (last <= conversation.readUpTo) return;
    conversation.readUpTo = last;
    if (conversation.status === 'active') this.frame({ type: 'receipt', interactionId, delivered: last, read: last });
    this.changed();
  }

  /** Reads the page of messages before the oldest shown (the message list's "Show earlier messages"). */
  showEarlier(interactionId: string) {
    const conversation = this.conversations.get(interactionId);
    if (!conversation || !this.welcomed || conversation.reading || !conversation.log.hasEarlier) return;
    conversation.reading = 'earlier';
    this.frame({ type: 'history', interactionId, before: conversation.log.oldestSeq });
    this.changed();
  }

  /** Ends the chat for both sides. */
  end(interactionId: string) {
    this.frame({ type: 'close', interactionId });
  }

  /**
   * Passes the chat on to another agent or a queue, with a note that travels
   * with the context. Blind: it leaves this console now; warm: it stays until
   * the other agent accepts.
   */
  transfer(interactionId: string, to: { agentId: string } | { queue: string }, note: string, mode: 'blind' | 'warm') {
    const conversation = this.conversations.get(interactionId);
    if (!conversation) return;
    this.error = undefined;
    this.frame({ type: 'transfer', interactionId, to, note, mode });
    if (mode === 'blind') {
      conversation.transferred = true;
      conversation.status = 'closed';
    }
    this.changed();
  }

  /** How a callback went: reached, or not (it is tried again later by the server's policy). */
  callbackOutcome(interactionId: string, reached: boolean) {
    const conversation = this.conversations.get(interactionId);
    this.frame({ type: 'callback-outcome', interactionId, reached });
    if (conversation) {
      conversation.work = undefined;
      if (conversation.status !== 'active') conversation.status = 'closed';
    }
    this.changed();
  }

  /** Removes an ended conversation from the list. */
  dismiss(interactionId: string) {
    const conversation = this.conversations.get(interactionId);
    if (conversation && conversation.status !== 'active') {
      // A call of it still on this console keeps it followed.
      if (this.followedIds.has(interactionId)) conversation.chat = false;
      else this.conversations.delete(interactionId);
      this.changed();
    }
  }

  private hello(token: string) {
    const since: Record<string, number> = {};
    for (const c of this.conversations.values()) if (c.status === 'active') since[c.id] = c.log.lastSeq;
    this.since = new Map(Object.entries(since));
    this.socket.send({ type: 'hello', token, since } satisfies AgentClientMessage);
  }

  private receive(raw: unknown) {
    const parsed = v.safeParse(AgentServerMessageSchema, raw);
    if (!parsed.success) {
      console.warn('[warmline] ignored a frame the softphone does not understand', raw, parsed.issues[0]?.message);
      return;
    }
    const handler = this.handlers[parsed.output.type] as (frame: AgentServerMessage) => void;
    handler(parsed.output);
    this.changed();
  }

  /**
   * Keeps an interaction the server sent: as a chat of this agent, or (`call`) followed for a call.
   * `after`: the `since` its messages were read after (the hello's, in a welcome; otherwise 0).
   */
  private upsert(view: AgentInteraction, as: 'chat' | 'call' = 'chat', after = 0): Conversation {
    let conversation = this.conversations.get(view.id);
    if (as === 'call') {
      // Pushed with a call's ring, maybe before the phone rings: followed from now on.
      this.followedIds.add(view.id);
      if (conversation) {
        conversation.context = view.context;
        conversation.notes = view.notes;
        conversation.history = view.history ?? [];
        conversation.visitorOnline = view.visitorOnline;
        this.addPage(conversation, view, after);
        return conversation;
      }
    }
    if (!conversation) {
      conversation = {
        id: view.id,
        status: view.status,
        context: view.context,
        notes: view.notes,
        history: view.history ?? [],
        work: view.work,
        transferred: false,
        log: new MessageLog('agent'),
        reading: undefined,
        outbox: new Map(),
        visitorOnline: view.visitorOnline,
        visitorTyping: false,
        readUpTo: 0,
        createdAt: view.createdAt,
        chat: as === 'chat',
      };
      this.conversations.set(view.id, conversation);
      if (as === 'call') {
        this.addPage(conversation, view, after);
        return conversation;
      }
    }
    conversation.chat = true;
    conversation.status = view.status;
    conversation.context = view.context;
    conversation.notes = view.notes;
    conversation.history = view.history ?? [];
    conversation.work = view.work;
    conversation.transferred = false;
    conversation.visitorOnline = view.visitorOnline;
    this.addPage(conversation, view, after);
    conversation.log.setReceipt(view.receipt);
    return conversation;
  }

  /** Adds a page of messages read for `after` (and `before`), then reads the next page of any hole it leaves. */
  private addPage(conversation: Conversation, page: MessagePage, after: number, before?: number) {
    conversation.log.addPage(page, { after, before });
    const hole = conversation.log.hole;
    if (!hole || !this.welcomed || conversation.reading) return;
    conversation.reading = 'hole';
    this.frame({ type: 'history', interactionId: conversation.id, ...hole });
  }

  private readonly handlers: { [K in AgentServerMessage['type']]: (frame: Extract<AgentServerMessage, { type: K }>) => void } = {
    welcome: (frame) => {
      this.agent = frame.agent;
      this.presence = this.pendingPresence ?? frame.presence;
      this.messageLimit = frame.messageLimit;
      this.offers = new Map(frame.offers.filter((o) => o.channel !== 'call').map((o) => [o.interactionId, o]));
      for (const o of frame.offers) if (o.channel === 'call') this.fire('call-offer', o);
      this.welcomed = true;
      if (this.pendingPresence && this.pendingPresence !== frame.presence) this.frame({ type: 'presence', state: this.pendingPresence });
      this.pendingPresence = undefined;
      const active = new Set(frame.interactions.map((i) => i.id));
      // Conversations that ended or moved on while we were away.
      for (const c of this.conversations.values()) if (c.chat && c.status === 'active' && !active.has(c.id)) c.status = 'closed';
      // A new connection follows nothing yet: the calls this console follows are said again.
      for (const id of this.followedIds) if (!active.has(id)) this.frame({ type: 'watch', interactionId: id });
      for (const view of frame.interactions) {
        const conversation = this.upsert(view, 'chat', this.since.get(view.id) ?? 0);
        for (const [cid, text] of conversation.outbox) this.frame({ type: 'send', interactionId: view.id, cid, text });
        this.frame({ type: 'receipt', interactionId: view.id, delivered: conversation.log.lastSeq, read: conversation.readUpTo });
      }
    },
    presence: (frame) => {
      this.presence = frame.state;
    },
    offer: (frame) => {
      if (frame.offer.channel === 'call') return this.fire('call-offer', frame.offer);
      this.offers.set(frame.offer.interactionId, frame.offer);
      this.fire('offer', frame.offer);
    },
    'offer-withdrawn': (frame) => {
      this.offers.delete(frame.interactionId);
      this.fire('offer-withdrawn', { interactionId: frame.interactionId, reason: frame.reason });
    },
    dtmf: (frame) => this.fire('dtmf', { interactionId: frame.interactionId, digit: frame.digit }),
    watching: (frame) => {
      this.upsert(frame.interaction, 'call');
    },
    assigned: (frame) => {
      this.offers.delete(frame.interaction.id);
      this.error = undefined;
      const conversation = this.upsert(frame.interaction);
      this.frame({ type: 'receipt', interactionId: conversation.id, delivered: conversation.log.lastSeq, read: conversation.readUpTo });
    },
    message: (frame) => {
      const conversation = this.conversations.get(frame.interactionId);
      if (!conversation || !conversation.log.add(frame.message)) return;
      if (frame.message.cid) conversation.outbox.delete(frame.message.cid);
      // Receipts are the chatting agent's to give; a call's console only reads along.
      if (frame.message.from === 'visitor' && conversation.chat) {
        conversation.visitorTyping = false;
        this.fire('message', { interactionId: frame.interactionId, message: frame.message });
        this.frame({ type: 'receipt', interactionId: frame.interactionId, delivered: conversation.log.lastSeq, read: conversation.readUpTo });
      }
    },
    history: (frame) => {
      const conversation = this.conversations.get(frame.interactionId);
      if (!conversation) return;
      conversation.reading = undefined;
      this.addPage(conversation, frame, frame.after, frame.before);
    },
    ack: (frame) => {
      const conversation = this.conversations.get(frame.interactionId);
      if (!conversation) return;
      conversation.log.ack(frame.cid, frame.seq, frame.at);
      conversation.outbox.delete(frame.cid);
    },
    typing: (frame) => {
      const conversation = this.conversations.get(frame.interactionId);
      if (!conversation) return;
      conversation.visitorTyping = frame.active;
      clearTimeout(this.typingTimers.get(frame.interactionId));
      if (frame.active) {
        this.typingTimers.set(
          frame.interactionId,
          setTimeout(() => {
            conversation.visitorTyping = false;
            this.changed();
          }, 6000),
        );
      }
    },
    receipt: (frame) => this.conversations.get(frame.interactionId)?.log.setReceipt(frame),
    context: (frame) => {
      const conversation = this.conversations.get(frame.interactionId);
      if (conversation) conversation.context = frame.context;
    },
    interaction: (frame) => {
      const conversation = this.conversations.get(frame.interactionId);
      if (!conversation) return;
      conversation.visitorOnline = frame.visitorOnline;
      // Followed for a call only: the chat's status is someone else's business.
      if (!conversation.chat) return;
      // A conversation that went back to the queue is no longer ours.
      conversation.status = frame.status === 'active' ? 'active' : 'closed';
      conversation.visitorOnline = frame.visitorOnline;
      if (frame.transferredTo !== undefined) conversation.transferred = true;
    },
    error: (frame) => {
      if (frame.cid && frame.interactionId) {
        const conversation = this.conversations.get(frame.interactionId);
        conversation?.outbox.delete(frame.cid);
        conversation?.log.drop(frame.cid);
      }
      if (frame.interactionId && this.offers.has(frame.interactionId) && frame.code === 'conflict') {
        this.offers.delete(frame.interactionId);
      }
      const { type: _, message, ...error } = frame;
      console.warn(`[warmline] ${frame.code}: ${message}`);
      this.error = error;
    },
  };

  private frame(frame: AgentClientMessage) {
    if (this.welcomed || frame.type === 'hello') this.socket.send(frame);
  }

  private changed() {
    this.fire('change', this.snapshot);
  }
}

function viewOf(c: Conversation): ConversationView {
  return {
    id: c.id,
    status: c.status,
    context: c.context,
    notes: c.notes,
    history: c.history,
    work: c.work,
    transferred: c.transferred,
    entries: c.log.entries(),
    earlier: c.reading === 'earlier' ? 'loading' : c.log.hasEarlier ? 'more' : 'none',
    visitorOnline: c.visitorOnline,
    visitorTyping: c.visitorTyping,
    unread: c.log.unreadAfter(c.readUpTo),
    createdAt: c.createdAt,
  };
}
