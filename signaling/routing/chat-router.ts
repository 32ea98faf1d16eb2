/**
 * The simple router of the first release: interactions wait in one queue in
 * arrival order; each is offered to one available agent with room for another
 * chat (the least busy, then the one idle longest); an offer that is declined, times out or whose
 * agent leaves goes back to the queue and on to someone else.
 *
 * Presence and offers live in memory (agents reconnect and are re-offered
 * after a restart); interactions and their status live in the store.
 */
import { EventEmitter } from 'node:events';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Stores } from '../store/stores.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { Offer } from '../../widgets/protocol/agent-server-messages.js';
import type { Presence } from '../../widgets/protocol/agent-client-messages.js';
import { buildOfferPreview } from './offer-preview.js';
import type { RouterEventMap, WithdrawReason } from './router-events.js';

interface AgentState {
  id: string;
  presence: Presence;
  connections: number;
  /** Interactions assigned and active. */
  active: Set<string>;
  /** Interactions offered and not yet answered. */
  offered: Set<string>;
  /** When the agent last received work or became available: the longest idle goes first. */
  idleSince: number;
}

const load = (agent: AgentState) => agent.active.size + agent.offered.size;

interface PendingOffer {
  offer: Offer;
  agentId: string;
  timer: { cancel(): void };
}

export interface RouterOptions {
  maxChatsPerAgent: number;
  offerTimeoutMs: number;
  /** How long an agent who declined or missed an offer is not offered the same interaction again. */
  declineCooldownMs?: number;
}

export class ChatRouter extends EventEmitter<RouterEventMap> {
  private readonly agents = new Map<string, AgentState>();
  private readonly offers = new Map<string, PendingOffer>();
  /** interactionId → agentId → until when that agent is skipped for it. */
  private readonly skips = new Map<string, Map<string, number>>();
  private dispatching = false;
  private dispatchAgain = false;
  private lastAvailability = false;

  constructor(
    private readonly stores: Stores,
    private readonly interactions: InteractionService,
    private readonly clock: Clock,
    private readonly options: RouterOptions,
  ) {
    super();
    interactions.on('status', (interaction, previous) => this.onStatus(interaction, previous));
  }

  /** After a restart no offer is open any more: put offered interactions back in the queue. */
  recover() {
    for (const interaction of this.stores.interactions.listByStatus('offered')) {
      this.interactions.transition(interaction.id, 'queued');
    }
  }

  agentsAvailable(): boolean {
    for (const agent of this.agents.values()) if (agent.connections > 0 && agent.presence === 'available') return true;
    return false;
  }

  presenceOf(agentId: string): Presence {
    return this.agents.get(agentId)?.presence ?? this.stores.agents.findById(agentId)?.presence ?? 'away';
  }

  openOffersFor(agentId: string): Offer[] {
    return [...this.offers.values()].filter((o) => o.agentId === agentId).map((o) => o.offer);
  }

  /** An agent's socket connected. Their presence is what they last chose. */
  agentConnected(agentId: string) {
    let agent = this.agents.get(agentId);
    if (!agent) {
      const record = this.stores.agents.findById(agentId);
      agent = {
        id: agentId,
        presence: record?.presence ?? 'away',
        connections: 0,
        active: new Set(this.stores.interactions.listActiveForAgent(agentId).map((i) => i.id)),
        offered: new Set(),
        idleSince: this.clock.now(),
      };
      this.agents.set(agentId, agent);
    }
    agent.connections++;
    this.afterAgentChange();
  }

  /** An agent's socket closed; when it was the last one, their open offers go to someone else. */
  agentDisconnected(agentId: string) {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.connections = Math.max(0, agent.connections - 1);
    if (agent.connections === 0) this.withdrawAll(agent, 'away');
    this.afterAgentChange();
  }

  setPresence(agentId: string, presence: Presence) {
    this.stores.agents.setPresence(agentId, presence);
    const agent = this.agents.get(agentId);
    if (!agent) return;
    if (agent.presence !== presence) {
      agent.presence = presence;
      if (presence === 'available') agent.idleSince = this.clock.now();
      else this.withdrawAll(agent, 'away');
    }
    this.emit('presence', agentId, presence);
    this.afterAgentChange();
  }

  accept(agentId: string, interactionId: string): InteractionRecord {
    const pending = this.offers.get(interactionId);
    if (!pending || pending.agentId !== agentId) {
      throw AppError.conflict('This offer is no longer open: it timed out or went to someone else.');
    }
    this.closeOffer(interactionId);
    const agent = this.agents.get(agentId);
    agent?.active.add(interactionId);
    const interaction = this.interactions.transition(interactionId, 'active', { agentId });
    this.emit('assigned', agentId, interaction);
    this.dispatch();
    return interaction;
  }

  decline(agentId: string, interactionId: string) {
    const pending = this.offers.get(interactionId);
    if (!pending || pending.agentId !== agentId) return;
    this.returnToQueue(interactionId, agentId, 'declined');
  }

  /** Offers queued interactions, oldest first, while agents have room. */
  dispatch() {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.dispatchAgain = false;
        for (const interaction of this.stores.interactions.listByStatus('queued')) {
          const agent = this.pickAgent(interaction.id);
          if (!agent) continue;
          this.offer(interaction, agent);
        }
      } while (this.dispatchAgain);
    } finally {
      this.dispatching = false;
    }
  }

  close() {
    for (const pending of this.offers.values()) pending.timer.cancel();
    this.offers.clear();
  }

  /** The least busy available agent with room, and of those the one idle longest. */
  private pickAgent(interactionId: string): AgentState | undefined {
    const now = this.clock.now();
    const skips = this.skips.get(interactionId);
    let best: AgentState | undefined;
    for (const agent of this.agents.values()) {
      if (agent.connections === 0 || agent.presence !== 'available') continue;
      if (agent.active.size + agent.offered.size >= this.options.maxChatsPerAgent) continue;
      if ((skips?.get(agent.id) ?? 0) > now) continue;
      if (!best || load(agent) < load(best) || (load(agent) === load(best) && agent.idleSince < best.idleSince)) best = agent;
    }
    return best;
  }

  private offer(interaction: InteractionRecord, agent: AgentState) {
    const now = this.clock.now();
    const offer: Offer = {
      interactionId: interaction.id,
      channel: 'chat',
      offeredAt: now,
      expiresAt: now + this.options.offerTimeoutMs,
      preview: buildOfferPreview(interaction, this.interactions.firstVisitorMessage(interaction.id)?.body),
    };
    const timer = this.clock.setTimeout(() => this.returnToQueue(interaction.id, agent.id, 'timeout'), this.options.offerTimeoutMs);
    this.offers.set(interaction.id, { offer, agentId: agent.id, timer });
    agent.offered.add(interaction.id);
    agent.idleSince = now;
    this.interactions.transition(interaction.id, 'offered');
    this.emit('offer', agent.id, offer);
  }

  private closeOffer(interactionId: string): PendingOffer | undefined {
    const pending = this.offers.get(interactionId);
    if (!pending) return undefined;
    pending.timer.cancel();
    this.offers.delete(interactionId);
    this.agents.get(pending.agentId)?.offered.delete(interactionId);
    return pending;
  }

  private returnToQueue(interactionId: string, agentId: string, reason: WithdrawReason) {
    if (!this.closeOffer(interactionId)) return;
    const cooldown = this.options.declineCooldownMs ?? 60_000;
    if (reason === 'declined' || reason === 'timeout') {
      const skips = this.skips.get(interactionId) ?? new Map<string, number>();
      skips.set(agentId, this.clock.now() + cooldown);
      this.skips.set(interactionId, skips);
      // When the cooldown ends this agent may be the only one left: look again then.
      this.clock.setTimeout(() => this.dispatch(), cooldown + 1);
    }
    this.emit('offer-withdrawn', agentId, interactionId, reason);
    const interaction = this.interactions.get(interactionId);
    if (interaction?.status === 'offered') this.interactions.transition(interactionId, 'queued');
  }

  private withdrawAll(agent: AgentState, reason: WithdrawReason) {
    for (const interactionId of [...agent.offered]) this.returnToQueue(interactionId, agent.id, reason);
  }

  private onStatus(interaction: InteractionRecord, previous: string) {
    if (interaction.status === 'queued') {
      this.dispatch();
    } else if (interaction.status === 'closed') {
      const pending = this.closeOffer(interaction.id);
      if (pending) this.emit('offer-withdrawn', pending.agentId, interaction.id, 'closed');
      this.skips.delete(interaction.id);
      for (const agent of this.agents.values()) {
        if (agent.active.delete(interaction.id) && agent.active.size === 0) agent.idleSince = this.clock.now();
      }
      if (previous === 'active') this.dispatch();
    } else if (interaction.status === 'active') {
      this.skips.delete(interaction.id);
    }
  }

  private afterAgentChange() {
    const available = this.agentsAvailable();
    if (available !== this.lastAvailability) {
      this.lastAvailability = available;
      this.emit('availability', available);
    }
    this.dispatch();
  }
}
