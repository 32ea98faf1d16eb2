/**
 * Who is connected, and who hears about what. The hub subscribes to the
 * interaction service and the router and fans their events out to the
 * visitor and agent sockets concerned. It holds no business rules.
 */
import type { InteractionService } from '../interactions/interaction-service.js';
import type { RoutingService } from '../routing/routing-service.js';
import type { Stores } from '../store/stores.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import type { EventEmitter as EventEmitterOf } from 'node:events';
import type { InteractionEventMap } from '../interactions/interaction-events.js';
import { toWire } from '../store/message-store.js';
import type { AgentServerMessage } from '../../widgets/protocol/agent-server-messages.js';
import type { StatusFrame, VisitorServerMessage, VisitorStatus } from '../../widgets/protocol/visitor-server-messages.js';
import { toAgentInteraction, toWorkView } from './agent-views.js';
import { shared, type Outgoing } from './ordered-sender.js';

/** What the hub needs from a visitor's connection. */
export interface VisitorPeer {
  readonly interactionId: string;
  /** In the order asked, a frame being built holding back those after it (ordered-sender.ts). */
  send(frame: Outgoing<VisitorServerMessage>): void;
  /** The last status told to this visitor, so availability changes can be re-told cheaply. */
  lastStatus?: StatusFrame;
}

/** What the hub needs from an agent's connection. */
export interface AgentPeer {
  readonly agentId: string;
  readonly sessionId: string;
  /** Interactions this connection shows as chats; it hears their messages, context and status. */
  readonly watching: Set<string>;
  /** Interactions it follows for a call (ringing or under way): it hears the same. */
  readonly following: Set<string>;
  /** Follows an interaction for a call (a bounded number; the oldest let go first). */
  follow(interactionId: string): void;
  send(frame: Outgoing<AgentServerMessage>): void;
  closeSignedOut(): void;
}

const VISITOR_STATUS: Record<InteractionRecord['status'], VisitorStatus> = {
  new: 'new',
  queued: 'waiting',
  active: 'active',
  closed: 'closed',
};

/** Someone typing, for the other side's sockets. */
export interface TypingNotice {
  interactionId: string;
  side: 'visitor' | 'agent';
  active: boolean;
  /** The agent's name, when an agent types. */
  name?: string;
}

export class ChatHub {
  private readonly visitors = new Map<string, Set<VisitorPeer>>();
  private readonly agents = new Map<string, Set<AgentPeer>>();
  /**
   * Where typing goes: to this node's sockets; in a cluster, to every node's
   * (services.ts sets it to publish on the bus, whose handler calls `deliverTyping`).
   */
  shareTyping: (notice: TypingNotice) => void = (notice) => this.deliverTyping(notice);

  constructor(
    private readonly stores: Stores,
    private readonly interactions: InteractionService,
    private readonly routing: RoutingService,
    /** Where interactions' changes are heard: the service itself; in a cluster, every node's (cluster/event-relay.ts). */
    events: Pick<EventEmitterOf<InteractionEventMap>, 'on'> = interactions,
  ) {
    events.on('message', (interaction, message) => {
      this.toVisitors(interaction.id, { type: 'message', message: toWire(message, 'visitor') });
      this.toWatchers(interaction.id, { type: 'message', interactionId: interaction.id, message: toWire(message, 'agent') });
    });
    events.on('context', (interaction) => {
      this.toWatchers(interaction.id, { type: 'context', interactionId: interaction.id, context: interaction.context });
    });
    events.on('status', (interaction) => {
      this.toVisitors(interaction.id, shared(this.statusFor(interaction)));
      const frame = this.interactionFrame(interaction);
      for (const peers of this.agents.values()) {
        for (const peer of peers) {
          // A call followed on this console hears the status as it is; only a chat is taken over.
          if (!peer.watching.has(interaction.id)) {
            if (peer.following.has(interaction.id)) peer.send(frame);
            continue;
          }
          // Taken over by a colleague (a warm transfer they accepted): over for this agent.
          if (interaction.status === 'active' && interaction.agentId !== peer.agentId) {
            peer.watching.delete(interaction.id);
            const name = shared(this.agentName(interaction.agentId));
            peer.send(async () => ({ ...frame, status: 'closed', transferredTo: await name() }));
          } else {
            peer.send(frame);
          }
        }
      }
    });
    events.on('receipt', (interaction, side) => {
      if (side === 'agent') this.toVisitors(interaction.id, { type: 'receipt', ...interaction.agentReceipt });
      else this.toWatchers(interaction.id, { type: 'receipt', interactionId: interaction.id, ...interaction.visitorReceipt });
    });
    routing.on('offer', (agentId, offer) => this.toAgent(agentId, { type: 'offer', offer }));
    routing.on('offer-withdrawn', (agentId, interactionId, reason) =>
      this.toAgent(agentId, { type: 'offer-withdrawn', interactionId, reason }),
    );
    routing.on('assigned', (agentId, interaction, kind, item) => {
      const work = toWorkView({ ...item, kind }, () => this.routing.callbackReachable(interaction.id));
      const peers = this.agents.get(agentId);
      if (!peers?.size) return;
      const view = shared(toAgentInteraction(this.interactions, interaction, { visitorOnline: this.visitorOnline(interaction.id), work }));
      for (const peer of peers) {
        peer.watching.add(interaction.id);
        peer.send(async () => ({ type: 'assigned', interaction: await view() }));
      }
    });
    routing.on('presence', (agentId, state) => this.toAgent(agentId, { type: 'presence', state }));
    routing.on('call-ringing', (agentId, interactionId) => {
      const peers = this.agents.get(agentId);
      if (!peers?.size) return;
      const view = shared(
        this.interactions
          .get(interactionId)
          .then((interaction) => interaction && toAgentInteraction(this.interactions, interaction, { visitorOnline: this.visitorOnline(interactionId) })),
      );
      for (const peer of peers) {
        peer.follow(interactionId);
        peer.send(async () => {
          const interaction = await view();
          return interaction && { type: 'watching', interaction };
        });
      }
    });
    routing.on('queue-status', (interactionId, { position, waitSeconds }) => {
      for (const peer of this.visitors.get(interactionId) ?? []) {
        // As the visitor's status is when its turn comes, after any status frame still being built.
        peer.send(() => {
          const last = peer.lastStatus;
          return last && last.status === 'waiting' ? (peer.lastStatus = { ...last, position, waitSeconds }) : undefined;
        });
      }
    });
    routing.on('availability', (available) => {
      for (const peers of this.visitors.values()) {
        for (const peer of peers) {
          peer.send(() => {
            const last = peer.lastStatus;
            return last && last.status !== 'active' && last.agentsAvailable !== available ? (peer.lastStatus = { ...last, agentsAvailable: available }) : undefined;
          });
        }
      }
    });
  }

  addVisitor(peer: VisitorPeer) {
    const peers = this.visitors.get(peer.interactionId) ?? new Set();
    this.visitors.set(peer.interactionId, peers);
    peers.add(peer);
    if (peers.size === 1) {
      this.announcePresence(peer.interactionId);
      this.routing.visitorPresence(peer.interactionId, true);
    }
  }

  removeVisitor(peer: VisitorPeer) {
    const peers = this.visitors.get(peer.interactionId);
    if (!peers?.delete(peer)) return;
    if (peers.size === 0) {
      this.visitors.delete(peer.interactionId);
      this.announcePresence(peer.interactionId);
      this.routing.visitorPresence(peer.interactionId, false);
    }
  }

  addAgent(peer: AgentPeer) {
    const peers = this.agents.get(peer.agentId) ?? new Set();
    this.agents.set(peer.agentId, peers);
    peers.add(peer);
  }

  removeAgent(peer: AgentPeer) {
    const peers = this.agents.get(peer.agentId);
    if (!peers?.delete(peer)) return;
    if (peers.size === 0) this.agents.delete(peer.agentId);
  }

  /** Someone typed: the other side hears it, wherever its sockets are. */
  typing(notice: TypingNotice) {
    this.shareTyping(notice);
  }

  deliverTyping({ interactionId, side, active, name }: TypingNotice) {
    if (side === 'visitor') this.toWatchers(interactionId, { type: 'typing', interactionId, active });
    else this.toVisitors(interactionId, { type: 'typing', active, ...(name !== undefined && { name }) });
  }

  /** The sessions with a socket here (checked against the store after the cluster's bus had a gap). */
  sessionIds(): Set<string> {
    const ids = new Set<string>();
    for (const peers of this.agents.values()) for (const peer of peers) ids.add(peer.sessionId);
    return ids;
  }

  /** Whether this node has a socket for the interaction: the visitor's, or an agent's showing or following it. */
  hasSockets(interactionId: string): boolean {
    if (this.visitorOnline(interactionId)) return true;
    for (const peers of this.agents.values()) for (const peer of peers) if (peer.watching.has(interactionId) || peer.following.has(interactionId)) return true;
    return false;
  }

  /** Closes every socket of a session that was signed out or revoked. */
  endSession(sessionId: string) {
    for (const peers of this.agents.values()) {
      for (const peer of [...peers]) if (peer.sessionId === sessionId) peer.closeSignedOut();
    }
  }

  visitorOnline(interactionId: string): boolean {
    return (this.visitors.get(interactionId)?.size ?? 0) > 0;
  }

  /** The status frame a visitor sees for an interaction. */
  async statusFor(interaction: InteractionRecord): Promise<StatusFrame> {
    const frame: StatusFrame = {
      type: 'status',
      status: VISITOR_STATUS[interaction.status],
      agentsAvailable: this.routing.agentsAvailable(),
    };
    if (frame.status === 'waiting') {
      const chat = this.routing.engine.itemsOf(interaction.id).find((i) => i.kind === 'chat' || i.kind === 'offline');
      const position = chat && this.routing.engine.positionOf(chat.id);
      if (chat && position) {
        frame.position = position;
        frame.waitSeconds = Math.round((this.routing.engine.estimatedWaitOf(chat.id) ?? 0) / 1000);
      }
    }
    if (interaction.status === 'active' && interaction.agentId) {
      const agent = await this.stores.agents.findById(interaction.agentId);
      if (agent) frame.agent = agent.name;
    }
    return frame;
  }

  /** A function frame is built once and sent to each (a status frame becomes each one's last status). */
  toVisitors(interactionId: string, frame: Outgoing<VisitorServerMessage>, except?: VisitorPeer) {
    for (const peer of this.visitors.get(interactionId) ?? []) {
      if (peer === except) continue;
      if (typeof frame !== 'function') {
        if (frame.type === 'status') peer.lastStatus = frame;
        peer.send(frame);
        continue;
      }
      peer.send(async () => {
        const built = typeof frame === 'function' ? await frame() : frame;
        if (built?.type === 'status') peer.lastStatus = built;
        return built;
      });
    }
  }

  toAgent(agentId: string, frame: Outgoing<AgentServerMessage>) {
    for (const peer of this.agents.get(agentId) ?? []) peer.send(frame);
  }

  /** Sends to every agent connection that shows or follows this interaction. */
  toWatchers(interactionId: string, frame: Outgoing<AgentServerMessage>, except?: AgentPeer) {
    for (const peers of this.agents.values()) {
      for (const peer of peers) if (peer !== except && (peer.watching.has(interactionId) || peer.following.has(interactionId))) peer.send(frame);
    }
  }

  connectionCounts() {
    let visitors = 0;
    let agents = 0;
    for (const peers of this.visitors.values()) visitors += peers.size;
    for (const peers of this.agents.values()) agents += peers.size;
    return { visitors, agents };
  }

  private async agentName(agentId: string | null): Promise<string> {
    return (agentId && (await this.stores.agents.findById(agentId))?.name) || '';
  }

  private interactionFrame(interaction: InteractionRecord): Extract<AgentServerMessage, { type: 'interaction' }> {
    return {
      type: 'interaction',
      interactionId: interaction.id,
      status: interaction.status,
      visitorOnline: this.visitorOnline(interaction.id),
    };
  }

  private announcePresence(interactionId: string) {
    // Whether the visitor is online is known now; the interaction's status is read for the frame.
    const visitorOnline = this.visitorOnline(interactionId);
    this.toWatchers(interactionId, shared(this.interactions.get(interactionId).then((interaction) => interaction && { ...this.interactionFrame(interaction), visitorOnline })));
  }
}
