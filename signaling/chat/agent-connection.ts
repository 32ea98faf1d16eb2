/**
 * One agent's WebSocket. The first frame must be `hello` with a live session
 * token; the agent then sets presence, answers offers and writes in the
 * interactions assigned to them, and nowhere else.
 */
import type { WebSocket } from 'ws';
import { AppError } from '../errors.js';
import type { AgentAuth, AgentSession } from '../auth/agent-auth.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { RoutingService } from '../routing/routing-service.js';
import type { Clock } from '../clock.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import { toWire } from '../store/message-store.js';
import { AgentClientMessageSchema, type AgentClientMessage } from '../../widgets/protocol/agent-client-messages.js';
import type { AgentServerMessage } from '../../widgets/protocol/agent-server-messages.js';
import { CloseCode } from '../../widgets/protocol/close-codes.js';
import type { AgentPeer, ChatHub } from './chat-hub.js';
import { toAgentInteraction, toProfile, toWorkView } from './agent-views.js';
import { JsonSocket } from './json-socket.js';
import { runHandler, type HandlerTable } from './frame-handlers.js';
import { OrderedSender, type Outgoing } from './ordered-sender.js';

export interface AgentConnectionDeps {
  auth: AgentAuth;
  interactions: InteractionService;
  routing: RoutingService;
  hub: ChatHub;
  clock: Clock;
  limits: { messageChars: number };
  log: (line: string, err: unknown) => void;
}

type Frame = AgentClientMessage;

/** Interactions a console follows for calls at once (several lines, a consultation): a bound, the oldest let go first. */
const MAX_FOLLOWED = 20;

export class AgentConnection implements AgentPeer {
  private readonly socket: JsonSocket<Frame, AgentServerMessage>;
  private readonly outbox: OrderedSender<AgentServerMessage>;
  private session: AgentSession | undefined;
  private expiry: { cancel(): void } | undefined;
  readonly watching = new Set<string>();
  readonly following = new Set<string>();

  constructor(
    ws: WebSocket,
    private readonly deps: AgentConnectionDeps,
  ) {
    this.socket = new JsonSocket(ws, AgentClientMessageSchema);
    this.outbox = new OrderedSender((frame) => this.socket.send(frame), (err) => deps.log('building a frame for an agent failed', err));
  }

  get agentId(): string {
    return this.requireSession().agent.id;
  }

  get sessionId(): string {
    return this.requireSession().sessionId;
  }

  get ready(): boolean {
    return this.session !== undefined;
  }

  send(frame: Outgoing<AgentServerMessage>) {
    this.outbox.send(frame);
  }

  follow(interactionId: string) {
    // The oldest goes first: a call that rang here and was never answered leaves one behind.
    if (!this.following.has(interactionId) && this.following.size >= MAX_FOLLOWED) this.following.delete(this.following.values().next().value!);
    this.following.add(interactionId);
  }

  closeSignedOut() {
    this.socket.sendError('session_expired', 'This session has ended. Sign in again.');
    this.socket.close(CloseCode.SignedOut, 'Session ended');
  }

  async receive(data: unknown, isBinary: boolean) {
    const frame = this.socket.parse(data, isBinary);
    if (!frame) return;
    if (!this.ready && frame.type !== 'hello') {
      this.socket.sendError('hello_required', 'Say hello with your session token first.');
      return;
    }
    const release = this.outbox.hold();
    try {
      await runHandler(this.handlers, frame, (code, message, extra) => this.send({ type: 'error', code, message, ...extra }), this.deps.log);
    } finally {
      release();
    }
  }

  async closed() {
    this.expiry?.cancel();
    if (!this.session) return;
    this.deps.hub.removeAgent(this);
    await this.deps.routing.agentDisconnected(this.session.agent.id);
  }

  /** Closes the socket when the session expires (timers cap at ~24 days, so long sessions re-arm). */
  private scheduleExpiry() {
    const left = this.requireSession().expiresAt - this.deps.clock.now();
    this.expiry = this.deps.clock.setTimeout(
      () => (this.requireSession().expiresAt <= this.deps.clock.now() ? this.closeSignedOut() : this.scheduleExpiry()),
      Math.min(Math.max(left, 0), 2 ** 31 - 1),
    );
  }

  private requireSession(): AgentSession {
    if (!this.session) throw new Error('not said hello yet');
    return this.session;
  }

  /** The interaction, if it is assigned to this agent and still going. */
  private async assigned(interactionId: string): Promise<InteractionRecord> {
    const interaction = await this.deps.interactions.get(interactionId);
    if (!interaction || interaction.agentId !== this.agentId || interaction.status !== 'active') {
      throw new AppError(403, 'not_assigned', 'This conversation is not assigned to you.');
    }
    return interaction;
  }

  private readonly handlers: HandlerTable<Frame> = {
    hello: async (frame) => {
      if (this.ready) throw AppError.badRequest('You said hello already.');
      let session: AgentSession;
      try {
        session = await this.deps.auth.authenticate(frame.token);
      } catch (err) {
        const e = err instanceof AppError ? err : AppError.unauthorized();
        this.socket.sendError(e.code, e.message);
        this.socket.close(CloseCode.Unauthorized, 'Not signed in');
        return;
      }
      this.session = session;
      this.scheduleExpiry();
      const agentId = session.agent.id;
      this.deps.hub.addAgent(this);
      // The welcome first: whatever the hub tells this console from now on waits behind it.
      this.send(() => this.welcome(session, frame.since));
      await this.deps.routing.agentConnected(agentId);
    },

    presence: async (frame) => {
      await this.deps.routing.setPresence(this.agentId, frame.state);
    },

    accept: async (frame) => {
      const item = await this.deps.routing.accept(this.agentId, frame.interactionId);
      if (item.kind === 'chat' || item.kind === 'offline') {
        await this.deps.interactions.postSystem(frame.interactionId, 'agent-joined', this.requireSession().agent);
      }
    },

    decline: async (frame) => {
      await this.deps.routing.decline(this.agentId, frame.interactionId);
    },

    send: async (frame) => {
      await this.assigned(frame.interactionId);
      const { message, duplicate } = await this.deps.interactions.postMessage({
        interactionId: frame.interactionId,
        sender: 'agent',
        agent: this.requireSession().agent,
        clientId: frame.cid,
        text: frame.text,
      });
      this.send({ type: 'ack', interactionId: frame.interactionId, cid: frame.cid, seq: message.seq, at: message.createdAt });
      // A duplicate was broadcast when first stored; this connection may have missed it.
      if (duplicate) this.send({ type: 'message', interactionId: frame.interactionId, message: toWire(message, 'agent') });
    },

    typing: async (frame) => {
      await this.assigned(frame.interactionId);
      this.deps.hub.typing({ interactionId: frame.interactionId, side: 'agent', active: frame.active, name: this.requireSession().agent.name });
    },

    receipt: async (frame) => {
      await this.assigned(frame.interactionId);
      await this.deps.interactions.advanceReceipt(frame.interactionId, 'agent', { delivered: frame.delivered, read: frame.read });
    },

    close: async (frame) => {
      await this.assigned(frame.interactionId);
      await this.deps.interactions.postSystem(frame.interactionId, 'chat-closed', this.requireSession().agent);
      await this.deps.interactions.transition(frame.interactionId, 'closed');
      await this.deps.routing.settled();
    },

    transfer: async (frame) => {
      await this.assigned(frame.interactionId);
      await this.deps.routing.transfer(this.agentId, frame.interactionId, { to: frame.to, note: frame.note, mode: frame.mode }, 'chat');
      if (frame.mode === 'blind') await this.deps.interactions.postSystem(frame.interactionId, 'chat-transferred', this.requireSession().agent);
    },

    /** Any agent may read any interaction's card (as GET /agent/interactions/:id): this console follows one for a call. */
    watch: async (frame) => {
      const interaction = await this.deps.interactions.get(frame.interactionId);
      if (!interaction) throw AppError.notFound(`There is no interaction ${frame.interactionId}.`);
      this.follow(interaction.id);
      this.send(async () => ({ type: 'watching', interaction: await this.view(interaction.id, 0) }));
    },

    /** Any interaction's transcript, a page at a time, to any agent (as GET /agent/interactions/:id/messages). */
    history: async (frame) => {
      const { type: _, interactionId, ...range } = frame;
      const interaction = await this.deps.interactions.get(interactionId);
      if (!interaction) throw AppError.notFound(`There is no interaction ${interactionId}.`);
      const page = await this.deps.interactions.messagePage(interactionId, range);
      this.send({
        type: 'history',
        interactionId,
        after: range.after ?? 0,
        ...(range.before !== undefined && { before: range.before }),
        messages: page.messages.map((m) => toWire(m, 'agent')),
        more: page.more,
      });
    },

    unwatch: (frame) => {
      this.following.delete(frame.interactionId);
    },

    'callback-outcome': async (frame) => {
      await this.deps.routing.callbackOutcome(this.agentId, frame.interactionId, frame.reached);
      this.send(await this.interactionGone(frame.interactionId));
    },
  };

  /** What a console is told on connecting: who, their offers, and the interactions they hold (each since what it has). */
  private async welcome(session: AgentSession, since: Record<string, number>): Promise<AgentServerMessage> {
    const agentId = session.agent.id;
    const active = await this.deps.interactions.listActiveFor(agentId);
    const views = await Promise.all(active.map((interaction) => this.view(interaction.id, since[interaction.id] ?? 0)));
    // Callbacks held are not conversations: add them too.
    for (const item of this.deps.routing.engine.workOf(agentId)) {
      if (item.kind === 'callback' && !views.some((v) => v.id === item.interactionId)) views.push(await this.view(item.interactionId, 0));
    }
    for (const view of views) this.watching.add(view.id);
    return {
      type: 'welcome',
      agent: toProfile(session.agent),
      presence: await this.deps.routing.presenceOf(agentId),
      offers: await this.deps.routing.openOffersFor(agentId),
      interactions: views,
      messageLimit: this.deps.limits.messageChars,
    };
  }

  private async view(interactionId: string, since: number) {
    const interaction = await this.deps.interactions.require(interactionId);
    const item = await this.deps.routing.workOf(this.agentId, interactionId);
    const work = item ? toWorkView(item, () => this.deps.routing.callbackReachable(interactionId)) : undefined;
    return toAgentInteraction(this.deps.interactions, interaction, { since, visitorOnline: this.deps.hub.visitorOnline(interactionId), work });
  }

  /** Tells this agent's console a callback is done with (it is not a conversation that closes). */
  private async interactionGone(interactionId: string): Promise<AgentServerMessage> {
    const interaction = await this.deps.interactions.require(interactionId);
    return { type: 'interaction', interactionId, status: interaction.status === 'active' ? 'active' : 'closed', visitorOnline: this.deps.hub.visitorOnline(interactionId) };
  }
}
