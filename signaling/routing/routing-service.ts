/**
 * The routing engine in the server: it feeds the engine (agents from the
 * configuration and their connections, work from chats, calls, callbacks
 * and offline messages), keeps the work in the store so the queue survives
 * a restart, and turns the engine's decisions into what people see —
 * offers on agents' consoles, a ringing softphone, the visitor's place in
 * the queue. Sockets and SIP are reached through events and a small port,
 * never directly.
 */
import { EventEmitter } from 'node:events';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Config, QueueConfig } from '../config/config-schema.js';
import { chatQueueOf } from '../config/sites.js';
import type { Stores } from '../store/stores.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import type { WorkItemDetails, WorkItemRecord } from '../store/work-item-store.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { InteractionEventMap } from '../interactions/interaction-events.js';
import { newId } from '../ids.js';
import type { Offer, WorkKind } from '../../widgets/protocol/agent-server-messages.js';
import type { Presence } from '../../widgets/protocol/agent-client-messages.js';
import type { ConsultRefusalCode, TransferRefusalCode } from '../../widgets/protocol/errors.js';
import { isOpenAt } from './business-hours.js';
import { priorityOf, type ItemKind } from './priority-rules.js';
import { OfferGoneError, RoutingEngine, type Item, type ReleaseReason, type TargetRefusal, type WithdrawReason } from './routing-engine.js';
import { buildOfferPreview } from './offer-preview.js';
import { SerialQueue } from '../serial-queue.js';
import { QueueAnnouncer } from './queue-announcer.js';

/** What the SIP proxy does for call items; it registers itself with `attachCalls`. */
export interface CallSignaling {
  /** Ring the agent for this call item; `offer` is what their console shows (LiveKit rings there). */
  ring(itemId: string, agentId: string, offer: Offer): void;
  /** Stop ringing (the offer was withdrawn: not answered in time, or the agent went away). */
  stopRinging(itemId: string, reason: WithdrawReason, agentId: string): void;
  /** The caller's place in the queue changed. */
  queued(itemId: string, position: number, waitSeconds: number): void;
  /** The call cannot be served; tell the caller (`warning` in English; for a consultation, why as a code too). */
  reject(itemId: string, status: number, reason: string, warning: string, refusal?: ConsultRefusalCode): void;
  /** Whether the visitor's browser is registered to ring for this interaction's callback. */
  callbackReachable(interactionId: string): boolean;
}

/** A visitor's callback: waiting with its place, being called, or none (and how the last one ended). */
export type CallbackStatus =
  | { state: 'waiting'; position: number; waitSeconds: number }
  | { state: 'calling' }
  | { state: 'none'; outcome?: 'reached' | 'unreached' | 'cancelled' };

/** A callback item's end reason, as the visitor hears it. */
const CALLBACK_OUTCOMES: Record<string, 'reached' | 'unreached' | 'cancelled'> = { done: 'reached', unreached: 'unreached', closed: 'cancelled' };

export interface QueueStatus {
  position: number;
  waitSeconds: number;
}

/** A call transfer prepared by an agent and not yet used. */
export interface PendingTransfer {
  interactionId: string;
  queue: string;
  targetAgent?: string;
  enqueuedAt: number;
  record: NonNullable<WorkItemDetails['transfer']>;
}

/** Why an offer left an agent's console, as the console is told. */
export type ConsoleWithdrawReason = 'taken' | 'timeout' | 'declined' | 'closed' | 'away';

export interface RoutingEventMap {
  offer: [agentId: string, offer: Offer];
  'offer-withdrawn': [agentId: string, interactionId: string, reason: ConsoleWithdrawReason];
  /** Work an agent took: a chat or offline message is a conversation; a callback, something to dial. */
  assigned: [agentId: string, interaction: InteractionRecord, kind: WorkKind, item: WorkItemRecord];
  presence: [agentId: string, presence: Presence];
  /** Whether any agent is signed in and available changed. */
  availability: [available: boolean];
  /** A waiting interaction's place in the queue changed. */
  'queue-status': [interactionId: string, status: QueueStatus];
  /** A callback that did not reach the visitor closed for good. */
  'callback-closed': [interactionId: string];
  /** A call of this interaction rings for this agent now: their console follows it from the first ring. */
  'call-ringing': [agentId: string, interactionId: string];
}

export interface TransferRequest {
  to: { agentId: string } | { queue: string };
  note: string;
  mode: 'blind' | 'warm';
}

// Why a transfer target cannot take an interaction now: the wire contract's codes (widgets/protocol/errors.ts).
export type { TransferRefusalCode };

/** A target that cannot take the interaction: a code for programs and a sentence naming who and why for the agent. */
export interface TransferRefusal {
  code: TransferRefusalCode;
  message: string;
}

/** The one judge of an interaction's transfer targets, for `transfer()` and the directory alike. */
export interface TransferCheck {
  /** The agent's work being passed on. */
  held: Readonly<Item>;
  channel: 'chat' | 'call';
  /** Why this target cannot take it now, or undefined when it can. */
  refusal(to: TransferRequest['to']): Promise<TransferRefusal | undefined>;
}

const REFUSAL_CODES: Record<TargetRefusal, (calls: boolean) => TransferRefusalCode> = {
  skills: () => 'skills',
  'no-capacity': (calls) => (calls ? 'no_calls' : 'no_chats'),
  offline: () => 'offline',
  away: () => 'away',
  'no-phone': () => 'no_phone',
  busy: () => 'busy',
};

const OFFERED_ON_CONSOLE = new Set<ItemKind>(['chat', 'offline', 'callback']);

/** A visitor hears of their place in line at most this often (movements in between are gathered). */
export const ANNOUNCE_INTERVAL_MS = 1000;

/** How long a caller cut off while waiting keeps their place for calling again. */
const CUT_CALL_KEEPS_PLACE_MS = 2 * 60_000;

/** How the console is told why an offer went away. */
export const consoleReason = (reason: WithdrawReason): ConsoleWithdrawReason => CONSOLE_REASON[reason];

const CONSOLE_REASON: Record<WithdrawReason, ConsoleWithdrawReason> = {
  timeout: 'timeout',
  declined: 'declined',
  away: 'away',
  abandoned: 'closed',
  taken: 'taken',
  released: 'closed',
};

export class RoutingService extends EventEmitter<RoutingEventMap> {
  readonly engine: RoutingEngine;
  private readonly queues: ReadonlyMap<string, QueueConfig>;
  private readonly connections = new Map<string, number>();
  /** Agents whose softphone is registered. */
  private readonly phones = new Set<string>();
  private readonly lastStatus = new Map<string, string>();
  private readonly abandonTimers = new Map<string, { cancel(): void }>();
  private calls: CallSignaling | undefined;
  private lastAvailability = false;
  /** Call transfers prepared and not yet used, by id. */
  private readonly pendingTransfers = new Map<string, PendingTransfer>();
  /** Since when nobody of a queue is signed in, while it lasts (see nobodyFor), and the timers that look again. */
  private readonly unstaffedSince = new Map<string, number>();
  private readonly graceTimers = new Map<string, { cancel(): void }>();
  /** The longest a call may wait on the line, per call item. */
  private readonly callTimers = new Map<string, { cancel(): void }>();
  /** Consultations (warm call transfers to a named agent) not answered yet: call item → the colleague. */
  private readonly consultations = new Map<string, string>();
  /**
   * The engine decides at once, in memory; what follows from each decision
   * (the store, the interaction's status, who is told) reads and writes the
   * store, so it runs here, one decision after the other in the order made.
   * Each gets a copy of the item as it was when decided.
   */
  private readonly effects = new SerialQueue();
  /** Places in line are told at most once a second per queue, however fast it moves. */
  private readonly announcer: QueueAnnouncer;

  constructor(
    private readonly config: Config,
    private readonly stores: Stores,
    private readonly interactions: InteractionService,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Where conversations' status changes are heard: the interaction service; in a cluster, those of every node (cluster/routing-leader.ts). */
    statusEvents: Pick<EventEmitter<InteractionEventMap>, 'on'> = interactions,
  ) {
    super();
    this.queues = new Map(config.queues.map((q) => [q.id, q]));
    const r = config.routing;
    this.engine = new RoutingEngine(clock, {
      queues: new Map(config.queues.map((q) => [q.id, { id: q.id, skills: q.skills }])),
      isOpen: (queue, at) => isOpenAt(this.queues.get(queue)?.hours, at),
      offerTimeoutMs: r.offerTimeoutSeconds * 1000,
      awayAfterMissedOffers: r.awayAfterMissedOffers,
      declineCooldownMs: r.declineCooldownSeconds * 1000,
      defaultCapacity: r.capacity,
      defaultHandleMs: r.defaultHandleSeconds * 1000,
    });
    this.effects.reportTo((err) => log.error('routing: carrying out a decision failed', err));
    // Each copy is taken when decided, not when its turn comes: by then the item may have moved on (offered again).
    this.engine.on('offer', (agentId, item) => {
      const copy = { ...item };
      this.effects.push(() => this.onOffer(agentId, copy));
    });
    this.engine.on('offer-withdrawn', (agentId, item, reason) => {
      const copy = { ...item };
      this.effects.push(() => this.onWithdrawn(agentId, copy, reason));
    });
    this.engine.on('assigned', (agentId, item) => {
      const copy = { ...item };
      this.effects.push(() => this.onAssigned(agentId, copy));
    });
    this.engine.on('released', (item, reason) => {
      const copy = { ...item };
      this.effects.push(() => this.onReleased(copy, reason));
    });
    this.engine.on('presence', (agentId, presence) =>
      this.effects.push(async () => {
        await this.stores.agents.setPresence(agentId, presence);
        this.emit('presence', agentId, presence);
        this.availabilityMaybeChanged();
      }),
    );
    this.announcer = new QueueAnnouncer(clock, ANNOUNCE_INTERVAL_MS, (queue, from) => this.effects.push(() => this.announcePositions(queue, from)));
    this.engine.on('queue', (queue, from) => {
      // When a queue lost its last agent is noted now, not when the (coalesced) announcement runs.
      this.nobodyFor(queue);
      this.announcer.changed(queue, from);
    });
    statusEvents.on('status', (interaction, previous) => this.effects.push(() => this.onInteractionStatus(interaction, previous)));
  }

  /**
   * Resolves once every decision made so far has been carried out: what a
   * request changed is stored and told before its answer goes. Not for code
   * the decisions themselves run (ring, stopRinging…): it would wait for itself.
   */
  settled(): Promise<void> {
    return this.effects.settled();
  }

  /** At start: agents from the store and the configuration, open work from the store. */
  async start() {
    for (const agent of await this.stores.agents.list()) this.defineAgent(agent.id, agent.username, agent.presence);
    for (const q of this.queues.keys()) for (const ms of (await this.stores.workItems.recentHandleTimes(q)).reverse()) this.engine.waits.record(q, ms);
    for (const item of await this.stores.workItems.listOpen()) {
      const base = this.toEngineItem(item);
      if (item.status === 'assigned' && item.agentId && (item.kind === 'chat' || item.kind === 'offline' || item.kind === 'call')) {
        // An answered call may survive the restart (its audio is browser to browser): the SIP side says which, keepCalls().
        this.engine.restoreAssigned(base, item.agentId, item.assignedAt ?? item.enqueuedAt);
      } else if (item.kind === 'call') {
        // Calls still waiting or ringing did not survive the restart: their INVITE transactions are gone.
        await this.stores.workItems.ended(item.id, 'abandoned', this.clock.now(), 'restart');
      } else {
        // An offer (or a callback being dialled) did not survive the restart: back in line, with its place.
        if (item.status !== 'waiting') await this.stores.workItems.returned(item.id);
        this.engine.enqueue(base);
      }
    }
    await this.settled();
  }

  /**
   * After start: the answered calls the SIP side kept (their dialogs wait for
   * the phones to reconnect) stay with their agents; the others are over.
   */
  async keepCalls(itemIds: ReadonlySet<string>) {
    for (const item of await this.stores.workItems.listOpen()) {
      if (item.kind !== 'call' || itemIds.has(item.id) || !this.engine.get(item.id)) continue;
      await this.stores.workItems.ended(item.id, 'abandoned', this.clock.now(), 'restart');
      this.engine.release(item.id, 'abandoned');
    }
    await this.settled();
  }

  stop() {
    this.engine.stop();
    this.announcer.stop();
    for (const timer of this.graceTimers.values()) timer.cancel();
    this.graceTimers.clear();
    for (const timer of this.abandonTimers.values()) timer.cancel();
  }

  /** Whether the visitor's browser can ring for a callback now (known once the SIP side is attached). */
  callbackReachable(interactionId: string): boolean {
    return this.calls?.callbackReachable(interactionId) ?? false;
  }

  attachCalls(calls: CallSignaling) {
    this.calls = calls;
  }

  // ── Agents ──────────────────────────────────────────────────────────

  /** An agent was created (or seen for the first time): skills and capacity from the configuration, presence as stored. */
  defineAgent(agentId: string, username: string, presence: Presence) {
    const settings = this.config.agents[username];
    this.engine.defineAgent(agentId, settings?.skills ?? [], settings?.capacity ?? {});
    this.engine.setPresence(agentId, presence);
  }

  async agentConnected(agentId: string) {
    this.connections.set(agentId, (this.connections.get(agentId) ?? 0) + 1);
    await this.updateOnline(agentId);
    // On LiveKit a call rings on the console itself: a connected console is a phone ready for calls.
    if (this.config.media === 'livekit') await this.setPhoneReady(agentId, true);
    await this.settled();
  }

  async agentDisconnected(agentId: string) {
    const left = Math.max(0, (this.connections.get(agentId) ?? 0) - 1);
    this.connections.set(agentId, left);
    await this.updateOnline(agentId);
    if (this.config.media === 'livekit' && left === 0) await this.setPhoneReady(agentId, false);
  }

  /** Signed in: the console is connected, or the softphone registered (it may be a phone without a console). */
  private async updateOnline(agentId: string) {
    const loading = this.ensureAgent(agentId);
    if (loading) await loading;
    const online = (this.connections.get(agentId) ?? 0) > 0 || this.phones.has(agentId);
    this.engine.setOnline(agentId, online);
    this.availabilityMaybeChanged();
  }

  async setPresence(agentId: string, presence: Presence) {
    await this.stores.agents.setPresence(agentId, presence);
    await this.ensureAgent(agentId);
    this.engine.setPresence(agentId, presence);
    this.emit('presence', agentId, presence);
    this.availabilityMaybeChanged();
    await this.settled();
  }

  async presenceOf(agentId: string): Promise<Presence> {
    return this.engine.agentSnapshot(agentId)?.presence ?? (await this.stores.agents.findById(agentId))?.presence ?? 'away';
  }

  /** The agent's softphone registered (or stopped being registered). */
  async setPhoneReady(agentId: string, ready: boolean) {
    if (ready === this.phones.has(agentId)) return;
    if (ready) this.phones.add(agentId);
    else this.phones.delete(agentId);
    const loading = this.ensureAgent(agentId);
    if (loading) await loading;
    this.engine.setPhoneReady(agentId, ready);
    await this.updateOnline(agentId);
  }

  /** Agents whose softphone is registered, as told by setPhoneReady. */
  phonesReady(): ReadonlySet<string> {
    return this.phones;
  }

  agentsAvailable(): boolean {
    return [...this.queues.keys()].some((q) => this.engine.staffing(q) > 0);
  }

  /** Whether a queue takes work now: open, and with someone of it signed in. */
  /**
   * Whether a queue takes work now: open (business hours) and staffed (an
   * agent of it signed in). With an external SIP platform, who answers calls
   * is the platform's to know (desk phones, its own ACD): counted as staffed.
   */
  availability(queue: string): { open: boolean; staffed: boolean } {
    const open = isOpenAt(this.queues.get(queue)?.hours, this.clock.now());
    return { open, staffed: !!this.config.sip.external || this.engine.signedIn(queue) > 0 };
  }

  openOffersFor(agentId: string): Promise<Offer[]> {
    return Promise.all(
      this.engine
        .offersOf(agentId)
        .filter((item) => OFFERED_ON_CONSOLE.has(item.kind))
        .map((item) => this.offerFor(item)),
    );
  }

  async accept(agentId: string, interactionId: string): Promise<WorkItemRecord> {
    const item = this.engine.offersOf(agentId).find((i) => i.interactionId === interactionId && OFFERED_ON_CONSOLE.has(i.kind));
    if (!item) throw AppError.conflict('This offer is no longer open: it timed out or went to someone else.');
    try {
      this.engine.accept(item.id, agentId);
    } catch (err) {
      if (err instanceof OfferGoneError) throw AppError.conflict(err.message);
      throw err;
    }
    await this.settled();
    return (await this.stores.workItems.find(item.id))!;
  }

  async decline(agentId: string, interactionId: string) {
    const item = this.engine.offersOf(agentId).find((i) => i.interactionId === interactionId);
    if (item) this.engine.decline(item.id, agentId);
    await this.settled();
  }

  /** The work an agent holds for an interaction (a chat, an offline message, a callback). */
  async workOf(agentId: string, interactionId: string): Promise<WorkItemRecord | undefined> {
    const item = this.engine.workOf(agentId).find((i) => i.interactionId === interactionId);
    return item && this.stores.workItems.find(item.id);
  }

  // ── Chats, offline messages ─────────────────────────────────────────

  /** The visitor's socket came or went; a chat waiting for a visitor gone too long is abandoned. */
  visitorPresence(interactionId: string, online: boolean) {
    this.abandonTimers.get(interactionId)?.cancel();
    this.abandonTimers.delete(interactionId);
    if (online) return;
    const timer = this.clock.setTimeout(() => {
      this.abandonTimers.delete(interactionId);
      for (const item of this.engine.itemsOf(interactionId)) {
        if (item.kind === 'chat' && (item.status === 'waiting' || item.status === 'offered')) this.engine.release(item.id, 'abandoned');
      }
    }, this.config.routing.abandonAfterSeconds * 1000);
    this.abandonTimers.set(interactionId, timer);
  }

  /** The offline form: a message for when the queue opens, with how to reach the visitor. */
  async leaveMessage(interaction: InteractionRecord, queue: string, details: { name: string; contact: string }) {
    await this.enqueueItem(interaction, 'offline', queue, { details });
    await this.settled();
  }

  // ── Calls ───────────────────────────────────────────────────────────

  /** A visitor's call reached the proxy for a queue: it waits in line, or is refused when nobody can take it. */
  async enqueueCall(interaction: InteractionRecord, queue: string, itemId: string, transferId?: string): Promise<{ itemId: string } | { refused: string }> {
    const { open, staffed } = this.availability(queue);
    const transfer = transferId ? this.pendingTransfers.get(transferId) : undefined;
    // A caller cut off while waiting (a restart, a dropped connection) was in line already: not refused again,
    // even while the agents' consoles are still coming back.
    const resumedAt = transfer ? undefined : await this.placeOfCutCall(interaction, queue);
    if (!transfer && !resumedAt && !open) return { refused: 'The line is closed now' };
    if (!transfer && !resumedAt && !staffed) return { refused: 'No agent is available right now' };
    // A consultation: the first agent calling the colleague, the customer on hold meanwhile.
    const colleague = transfer?.record.mode === 'warm' ? transfer.targetAgent : undefined;
    // Known before the engine sees the item: it may ring (and fail) at once.
    if (colleague) this.consultations.set(itemId, colleague);
    // Used up before the first await, so the same transfer cannot queue two calls.
    if (transfer) this.pendingTransfers.delete(transferId!);
    const item = await this.enqueueItem(interaction, 'call', transfer?.queue ?? queue, {
      id: itemId,
      ...(transfer?.targetAgent ? { target: transfer.targetAgent } : {}),
      ...(transfer ? { enqueuedAt: transfer.enqueuedAt, details: { transfer: transfer.record } } : {}),
      ...(resumedAt ? { enqueuedAt: resumedAt } : {}),
    });
    if (!this.engine.get(item.id)) return { itemId: item.id };
    // A consultation waits for its colleague as long as one offer would, then comes back to the first agent.
    const timer = this.clock.setTimeout(
      () => {
        const current = this.engine.get(item.id);
        if (!current || current.status === 'assigned') return;
        if (colleague) return this.effects.push(() => this.endConsultation(item.id, colleague, 'timeout'));
        this.calls?.reject(item.id, 480, 'Temporarily Unavailable', 'Nobody could take the call in time; ask for a callback');
        this.engine.release(item.id, 'abandoned');
      },
      (colleague ? this.config.routing.offerTimeoutSeconds : this.config.routing.maxCallWaitSeconds) * 1000,
    );
    this.callTimers.set(item.id, timer);
    return { itemId: item.id };
  }

  /**
   * A consultation that will not be answered (the colleague declined, did
   * not answer in time, or cannot be reached) ends now with 480 and why, in
   * a Warning; the first agent's phone shows it, and the customer is still
   * theirs, on hold. It is never offered again.
   */
  private async endConsultation(itemId: string, colleagueId: string, why: WithdrawReason) {
    const item = this.engine.get(itemId);
    if (!item) return;
    const name = (await this.stores.agents.findById(colleagueId))?.name ?? 'Your colleague';
    // What stands in the way now (they went away, another call took their room), else what they did.
    const refused = why === 'declined' ? undefined : await this.agentRefusal(colleagueId, item.queue, 'call');
    if (!this.engine.get(itemId)) return;
    const code: ConsultRefusalCode = refused?.code ?? (why === 'declined' ? 'declined' : why === 'timeout' ? 'no_answer' : 'unreachable');
    const text = refused?.message ?? (why === 'declined' ? `${name} declined the call` : why === 'timeout' ? `${name} did not answer` : `${name} could not be reached`);
    this.consultations.delete(itemId);
    // A Warning's text is a quoted-string (RFC 3261 §20.43): no quotes or line breaks inside.
    this.calls?.reject(itemId, 480, 'Temporarily Unavailable', text.replace(/\.$/, '').replace(/["\r\n\\]/g, ''), code);
    this.engine.release(itemId, 'closed');
  }

  /**
   * A caller cut off while waiting in this queue — their connection
   * dropped, or this process restarted — who calls again soon (the widget
   * does by itself once reconnected) keeps the place they had: the line is
   * kept in order of priority and time of joining.
   */
  private async placeOfCutCall(interaction: InteractionRecord, queue: string): Promise<number | undefined> {
    const now = this.clock.now();
    const cut = (await this.stores.workItems.listForInteraction(interaction.id))
      .filter((i) => i.kind === 'call' && i.queue === queue && i.assignedAt === null && i.endedAt !== null && now - i.endedAt <= CUT_CALL_KEEPS_PLACE_MS)
      .filter((i) => i.endReason === 'restart' || i.endReason === 'abandoned')
      .at(-1);
    return cut?.enqueuedAt;
  }

  /** The agent's phone answered the call: it is theirs, even when the answer crossed the offer's timeout. */
  callAnswered(itemId: string, agentId: string) {
    const item = this.engine.get(itemId);
    if (item?.status === 'offered' && item.offeredTo === agentId) {
      this.engine.accept(itemId, agentId);
      return;
    }
    try {
      this.engine.acceptLate(itemId, agentId);
    } catch (err) {
      this.log.warn(`a call was answered after it went to someone else (${itemId})`, err);
    }
  }

  /** The agent's phone declined, was busy, or could not be reached. */
  ringFailed(itemId: string, agentId: string, status: number) {
    if (status === 486 || status === 600 || status === 603) this.engine.decline(itemId, agentId);
    else this.engine.offerFailed(itemId, agentId);
  }

  /** The caller hung up before an agent answered. */
  callerLeft(itemId: string) {
    const item = this.engine.get(itemId);
    if (item && item.status !== 'assigned') this.engine.release(itemId, 'abandoned');
  }

  callEnded(itemId: string) {
    if (this.engine.get(itemId)) this.engine.release(itemId, 'done');
  }

  // ── Callbacks ───────────────────────────────────────────────────────

  /**
   * "Call me back when an agent is free": the visitor's waiting call becomes
   * a callback with the same place in the queue.
   */
  async requestCallback(interaction: InteractionRecord, phone: string | undefined): Promise<WorkItemRecord> {
    const waiting = this.engine.itemsOf(interaction.id).find((i) => i.kind === 'call' && i.status !== 'assigned');
    const existing = this.engine.itemsOf(interaction.id).find((i) => i.kind === 'callback');
    if (existing) throw AppError.conflict('A callback is already requested in this conversation.');
    const queue = waiting?.queue ?? chatQueueOf(this.config, this.siteOf(interaction));
    const enqueuedAt = waiting?.enqueuedAt;
    if (waiting) this.engine.release(waiting.id, 'transferred');
    const details: WorkItemDetails = phone ? { phone } : {};
    const item = await this.enqueueItem(interaction, 'callback', queue, { details, enqueuedAt });
    await this.settled();
    return (await this.stores.workItems.find(item.id))!;
  }

  async cancelCallback(interaction: InteractionRecord) {
    for (const item of this.engine.itemsOf(interaction.id)) if (item.kind === 'callback' && item.status !== 'assigned') this.engine.release(item.id, 'closed');
    await this.settled();
  }

  /**
   * How a callback went: reached (done) or not, in which case it tries again
   * later by the configured policy, keeping its place, until it gives up.
   */
  async callbackOutcome(agentId: string, interactionId: string, reached: boolean) {
    const item = this.engine.workOf(agentId).find((i) => i.interactionId === interactionId && i.kind === 'callback');
    if (!item) throw new AppError(403, 'not_assigned', 'This callback is not assigned to you.');
    this.engine.release(item.id, reached ? 'done' : 'closed');
    await this.settled();
    if (reached) return;
    const record = (await this.stores.workItems.find(item.id))!;
    const { retryAfterSeconds, maxAttempts } = this.config.routing.callback;
    const attempts = record.attempts + 1;
    const interaction = await this.interactions.require(interactionId);
    if (attempts >= maxAttempts) {
      await this.stores.workItems.relabelEnd(item.id, 'unreached');
      this.emit('callback-closed', interactionId);
      return;
    }
    const delay = retryAfterSeconds[Math.min(attempts - 1, retryAfterSeconds.length - 1)]! * 1000;
    await this.enqueueItem(interaction, 'callback', item.queue, {
      details: record.details,
      enqueuedAt: item.enqueuedAt,
      notBefore: this.clock.now() + delay,
      attempts,
    });
    await this.settled();
  }

  /** The visitor's browser registered (or went) for its callback: an agent offered it sees it said again. */
  callbackReachabilityChanged(interactionId: string) {
    this.effects.push(async () => {
      for (const item of this.engine.itemsOf(interactionId)) {
        if (item.kind === 'callback' && item.status === 'offered' && item.offeredTo) this.emit('offer', item.offeredTo, await this.offerFor(item));
      }
    });
  }

  /** The visitor's callback in this conversation: its place in the queue, if it is waiting. */
  async callbackStatus(interactionId: string): Promise<CallbackStatus> {
    const item = this.engine.itemsOf(interactionId).find((i) => i.kind === 'callback');
    if (!item) {
      // How the last one ended, so the visitor is told the right thing (an agent may have phoned them).
      const last = (await this.stores.workItems.listForInteraction(interactionId)).filter((i) => i.kind === 'callback' && i.endedAt !== null).at(-1);
      const outcome = last && CALLBACK_OUTCOMES[last.endReason ?? ''];
      return outcome ? { state: 'none', outcome } : { state: 'none' };
    }
    if (item.status === 'assigned') return { state: 'calling' };
    // Being offered to an agent it is out of line: next.
    return { state: 'waiting', position: this.engine.positionOf(item.id) ?? 1, waitSeconds: Math.round((this.engine.estimatedWaitOf(item.id) ?? 0) / 1000) };
  }

  // ── Transfers ───────────────────────────────────────────────────────

  /**
   * Passes an interaction on to another agent or queue with a note. A chat
   * is queued again at once (blind: the first agent leaves now; warm: when
   * the other accepts). A call is prepared: the proxy routes the visitor's
   * (or, to consult first, the agent's) INVITE to the returned address.
   */
  async transfer(fromAgentId: string, interactionId: string, request: TransferRequest, channel: 'chat' | 'call'): Promise<{ transferId: string }> {
    const interaction = await this.interactions.require(interactionId);
    const from = (await this.stores.agents.findById(fromAgentId))!;
    const { held, refusal } = await this.transferCheck(fromAgentId, interactionId, channel);
    if ('agentId' in request.to && !(await this.stores.agents.findById(request.to.agentId))) throw AppError.badRequest('Choose another agent to transfer to.');
    if ('queue' in request.to && !this.queues.has(request.to.queue)) throw AppError.badRequest(`There is no queue "${request.to.queue}".`);
    // Refused now rather than left waiting (and the customer on hold) for someone who cannot take it.
    const refused = await refusal(request.to);
    if (refused) {
      // The code goes with the refusal, for the console to say why in the agent's language.
      throw refused.code === 'self' ? new AppError(400, 'bad_request', refused.message, { reason: 'self' }) : AppError.conflict(refused.message, { reason: refused.code });
    }
    const queue = 'queue' in request.to ? request.to.queue : held.queue;
    const targetAgent = 'agentId' in request.to ? request.to.agentId : undefined;
    const note = request.note.trim();
    if (note) await this.stores.notes.insert({ interactionId, agentId: from.id, author: from.name, body: note, createdAt: this.clock.now() });
    const transferId = newId('tr');
    const record = { id: transferId, fromAgentId: from.id, fromAgent: from.name, mode: request.mode };
    if (channel === 'call') {
      // Front of the line: the customer has waited already.
      this.pendingTransfers.set(transferId, { interactionId, queue, ...(targetAgent ? { targetAgent } : {}), enqueuedAt: held.enqueuedAt, record });
      this.clock.setTimeout(() => this.pendingTransfers.delete(transferId), 10 * 60_000);
      return { transferId };
    }
    if (request.mode === 'blind') {
      this.engine.release(held.id, 'transferred');
      await this.settled();
      await this.interactions.transition(interactionId, 'queued');
    }
    await this.enqueueItem(interaction, 'chat', queue, { target: targetAgent, enqueuedAt: held.enqueuedAt, details: { transfer: record } });
    await this.settled();
    return { transferId };
  }

  /**
   * Judges where this agent may pass on an interaction they hold: the
   * checks `transfer()` makes and the directory shows. Without `channel`,
   * the call when they hold one, else the chat. Throws when the
   * interaction is not theirs to transfer.
   */
  async transferCheck(fromAgentId: string, interactionId: string, channel?: 'chat' | 'call'): Promise<TransferCheck> {
    await this.interactions.require(interactionId);
    const isCall = (i: Readonly<Item>) => i.kind === 'call' || i.kind === 'callback';
    const work = this.engine.workOf(fromAgentId).filter((i) => i.interactionId === interactionId);
    const as = channel ?? (work.some(isCall) ? 'call' : 'chat');
    const held = work.find((i) => isCall(i) === (as === 'call'));
    if (!held) throw new AppError(403, 'not_assigned', `This ${as} is not assigned to you.`);
    return {
      held,
      channel: as,
      refusal: async (to) => {
        if ('queue' in to) return this.queueRefusal(to.queue);
        if (to.agentId === fromAgentId) return { code: 'self', message: 'Choose another agent to transfer to.' };
        // The transferred work is a chat or a call, whatever it was (an offline message, a callback).
        return this.agentRefusal(to.agentId, held.queue, as);
      },
    };
  }

  /** Why a named agent cannot take a chat or call of this queue now (a busy agent may still get a chat: it waits for them). */
  private async agentRefusal(agentId: string, queueId: string, kind: 'chat' | 'call'): Promise<TransferRefusal | undefined> {
    const agent = await this.stores.agents.findById(agentId);
    const queue = this.queues.get(queueId);
    if (!agent || !queue) return undefined;
    await this.ensureAgent(agentId);
    const why = this.engine.targetRefusal(agentId, queueId, kind);
    const calls = kind === 'call';
    if (why && !(why === 'busy' && !calls)) {
      const missing = queue.skills.filter((s) => !this.engine.agentSnapshot(agentId)?.skills.has(s));
      const messages: Record<TargetRefusal, string> = {
        skills: `${agent.name} does not have the ${missing.join(' and ')} skill${missing.length > 1 ? 's' : ''} that ${queue.label} needs.`,
        'no-capacity': `${agent.name} does not take ${calls ? 'calls' : 'chats'}.`,
        offline: `${agent.name} is not signed in.`,
        away: `${agent.name} is away.`,
        'no-phone': `${agent.name} has no phone ready for calls.`,
        busy: `${agent.name} has no room for a call now.`,
      };
      return { code: REFUSAL_CODES[why](calls), message: messages[why] };
    }
    // Work in a closed queue is not offered until it opens, to a named agent too.
    if (!isOpenAt(queue.hours, this.clock.now())) return { code: 'closed', message: `${queue.label} is closed now.` };
    return undefined;
  }

  /** Why a queue takes no transferred work now. */
  private queueRefusal(queueId: string): TransferRefusal | undefined {
    const queue = this.queues.get(queueId);
    if (!queue) return undefined;
    const { open, staffed } = this.availability(queue.id);
    if (!open) return { code: 'closed', message: `${queue.label} is closed now.` };
    if (!staffed) return { code: 'unstaffed', message: `Nobody from ${queue.label} is signed in.` };
    return undefined;
  }

  /** The transfer a call INVITE names (sip:xfer-<id>@domain), without using it up. */
  pendingTransfer(transferId: string): PendingTransfer | undefined {
    return this.pendingTransfers.get(transferId);
  }

  // ── Internals ───────────────────────────────────────────────────────

  /**
   * An agent the engine does not know yet (added by `npm run agents` while
   * this runs) is read from the store. Nothing to wait for otherwise, so a
   * known agent's change takes effect at once.
   */
  private ensureAgent(agentId: string): Promise<void> | undefined {
    if (this.engine.agentSnapshot(agentId)) return undefined;
    return this.stores.agents.findById(agentId).then((agent) => {
      if (agent && !this.engine.agentSnapshot(agentId)) this.defineAgent(agent.id, agent.username, agent.presence);
    });
  }

  private siteOf(interaction: InteractionRecord) {
    const site = this.config.sites.find((s) => s.key === interaction.site);
    if (!site) throw AppError.notFound(`There is no site "${interaction.site}".`);
    return site;
  }

  private async enqueueItem(
    interaction: InteractionRecord,
    kind: ItemKind,
    queue: string,
    extra: { id?: string; target?: string; enqueuedAt?: number; notBefore?: number; attempts?: number; details?: WorkItemDetails } = {},
  ): Promise<Item> {
    const now = this.clock.now();
    const id = extra.id ?? newId('wi');
    const priority = priorityOf(this.config.routing.priority, { queue, kind }, interaction.context);
    const enqueuedAt = extra.enqueuedAt ?? now;
    await this.stores.workItems.insert({
      id,
      interactionId: interaction.id,
      kind,
      queue,
      priority,
      enqueuedAt,
      createdAt: now,
      targetAgent: extra.target ?? null,
      notBefore: extra.notBefore ?? null,
      attempts: extra.attempts ?? 0,
      details: extra.details ?? {},
    });
    const item = this.engine.enqueue({
      id,
      interactionId: interaction.id,
      kind,
      queue,
      priority,
      enqueuedAt,
      ...(extra.target ? { target: extra.target } : {}),
      ...(extra.notBefore ? { notBefore: extra.notBefore } : {}),
      ...(interaction.agentId && !extra.target ? { preferred: interaction.agentId } : {}),
    });
    // Its own place is told at once (a caller hears 182 Queued on joining); others' moves wait for the announcer.
    this.effects.push(() => this.tellPlace(item.id));
    return item;
  }

  private toEngineItem(item: WorkItemRecord): Omit<Item, 'status'> {
    return {
      id: item.id,
      interactionId: item.interactionId,
      kind: item.kind,
      queue: item.queue,
      priority: item.priority,
      enqueuedAt: item.enqueuedAt,
      ...(item.targetAgent ? { target: item.targetAgent } : {}),
      ...(item.notBefore ? { notBefore: item.notBefore } : {}),
    };
  }

  /** Chats enter and leave the queue with the conversation: a visitor writes, an agent ends it. */
  private async onInteractionStatus(interaction: InteractionRecord, previous: string) {
    const hasConversationWork = this.engine.itemsOf(interaction.id).some((i) => i.kind === 'chat' || i.kind === 'offline');
    if (interaction.status === 'queued' && (previous === 'new' || previous === 'closed') && !hasConversationWork) {
      const site = this.siteOf(interaction);
      await this.enqueueItem(interaction, 'chat', chatQueueOf(this.config, site));
    } else if (interaction.status === 'closed') {
      for (const item of this.engine.itemsOf(interaction.id)) {
        if (item.kind === 'chat' || item.kind === 'offline') this.engine.release(item.id, item.status === 'assigned' ? 'done' : 'closed');
      }
    }
  }

  private async onOffer(agentId: string, item: Readonly<Item>) {
    await this.stores.workItems.offered(item.id);
    const offer = await this.offerFor(item);
    if (item.kind === 'call') {
      // The card first: the console has the context before the phone rings.
      this.emit('call-ringing', agentId, item.interactionId);
      this.calls?.ring(item.id, agentId, offer);
    }
    else this.emit('offer', agentId, offer);
  }

  private async onWithdrawn(agentId: string, item: Readonly<Item>, reason: WithdrawReason) {
    if (item.status === 'waiting') await this.stores.workItems.returned(item.id);
    if (item.kind === 'call') {
      this.calls?.stopRinging(item.id, reason, agentId);
      // A consultation is not offered again: declined, missed or unreachable, it goes back to the first agent.
      const colleague = this.consultations.get(item.id);
      if (colleague && item.status === 'waiting') await this.endConsultation(item.id, colleague, reason);
    } else {
      this.emit('offer-withdrawn', agentId, item.interactionId, CONSOLE_REASON[reason]);
    }
  }

  private async onAssigned(agentId: string, item: Readonly<Item>) {
    this.callTimers.get(item.id)?.cancel();
    this.callTimers.delete(item.id);
    this.consultations.delete(item.id);
    await this.stores.workItems.assigned(item.id, agentId, item.assignedAt ?? this.clock.now());
    const record = (await this.stores.workItems.find(item.id))!;
    const interaction = await this.interactions.require(item.interactionId);
    if (item.kind === 'chat' || item.kind === 'offline') {
      this.emit('assigned', agentId, await this.converseWith(interaction, agentId), item.kind, record);
    } else if (item.kind === 'callback') {
      this.emit('assigned', agentId, interaction, 'callback', record);
    }
  }

  /**
   * The conversation is with this agent now (they took its chat or offline
   * message). Already with another agent, it was a warm transfer: the first
   * agent's chat ends and they leave now.
   */
  private async converseWith(interaction: InteractionRecord, agentId: string): Promise<InteractionRecord> {
    if (interaction.status === 'active' && interaction.agentId === agentId) return interaction;
    if (interaction.status === 'active') {
      for (const item of this.engine.itemsOf(interaction.id)) {
        if ((item.kind === 'chat' || item.kind === 'offline') && item.status === 'assigned' && item.agentId === interaction.agentId) {
          this.engine.release(item.id, 'transferred');
        }
      }
    }
    // Active with someone else, new or closed (an offline message): the conversation asks for an agent first.
    if (interaction.status !== 'queued') await this.interactions.transition(interaction.id, 'queued');
    return this.interactions.transition(interaction.id, 'active', { agentId });
  }

  private async onReleased(item: Readonly<Item>, reason: ReleaseReason) {
    this.callTimers.get(item.id)?.cancel();
    this.callTimers.delete(item.id);
    this.consultations.delete(item.id);
    this.lastStatus.delete(item.id);
    const now = this.clock.now();
    const stored = await this.stores.workItems.find(item.id);
    if (stored && stored.status !== 'done' && stored.status !== 'abandoned') {
      await this.stores.workItems.ended(item.id, reason === 'abandoned' ? 'abandoned' : 'done', now, reason);
    }
    if (reason === 'abandoned' && (item.kind === 'chat' || item.kind === 'offline')) {
      await this.interactions.transition(item.interactionId, 'closed', { from: ['queued'] });
    }
  }

  private async offerFor(item: Readonly<Item>): Promise<Offer> {
    const interaction = await this.interactions.require(item.interactionId);
    const record = await this.stores.workItems.find(item.id);
    const preview = buildOfferPreview(interaction, await this.interactions.firstVisitorMessage(interaction.id));
    const queue = this.queues.get(item.queue);
    if (queue) preview.queue = queue.label;
    if (record?.details.phone) preview.phone = record.details.phone;
    if (item.kind === 'callback') preview.visitorOnline = this.callbackReachable(item.interactionId);
    if (record?.details.name && !preview.visitorName) preview.visitorName = record.details.name;
    if (record?.details.transfer) {
      preview.transferFrom = record.details.transfer.fromAgent;
      const note = (await this.stores.notes.listFor(interaction.id)).at(-1);
      if (note) preview.note = note.body;
    }
    return {
      interactionId: item.interactionId,
      channel: item.kind as WorkKind,
      offeredAt: item.offerExpiresAt! - this.config.routing.offerTimeoutSeconds * 1000,
      expiresAt: item.offerExpiresAt!,
      preview,
    };
  }

  /**
   * Tells each waiting visitor of the queue from position `from` on their
   * place, when it changed (no frame otherwise); called through the
   * announcer, at most once a second per queue.
   */
  private announcePositions(queue: string, from: number) {
    const nobody = this.nobodyFor(queue);
    const waitOf = this.engine.waitsOf(queue);
    for (const item of this.engine.waiting(queue, from)) {
      if (nobody && item.kind === 'call' && !item.target) {
        // Everyone of the queue signed out, for good: a caller on the line would wait for no one.
        this.calls?.reject(item.id, 480, 'Temporarily Unavailable', 'No agent is available right now');
        this.engine.release(item.id, 'abandoned');
        continue;
      }
      this.tellPlace(item.id, waitOf);
    }
    this.availabilityMaybeChanged();
  }

  /** Tells a waiting item's visitor their place and wait, unless that is what they were last told. */
  private tellPlace(itemId: string, waitOf?: (kind: ItemKind, position: number) => number) {
    const item = this.engine.get(itemId);
    const position = this.engine.positionOf(itemId);
    if (!item || position === undefined) return;
    const waitSeconds = Math.round((waitOf ?? this.engine.waitsOf(item.queue))(item.kind, position) / 1000);
    const key = `${position}:${Math.round(waitSeconds / 30)}`;
    if (this.lastStatus.get(item.id) === key) return;
    this.lastStatus.set(item.id, key);
    if (item.kind === 'call') this.calls?.queued(item.id, position, waitSeconds);
    else this.emit('queue-status', item.interactionId, { position, waitSeconds });
  }

  /**
   * Whether nobody of the queue has been signed in for a while
   * (`sip.recoverySeconds`): an agent's console that reconnects (a network
   * blip, this process restarted) must not cost every caller in line their
   * call. Looked at again when the while is over.
   */
  private nobodyFor(queue: string): boolean {
    if (this.engine.signedIn(queue) > 0) {
      this.unstaffedSince.delete(queue);
      this.graceTimers.get(queue)?.cancel();
      this.graceTimers.delete(queue);
      return false;
    }
    const since = this.unstaffedSince.get(queue);
    if (since === undefined) {
      const graceMs = this.config.sip.recoverySeconds * 1000;
      this.unstaffedSince.set(queue, this.clock.now());
      if (graceMs > 0) {
        const look = () => {
          this.graceTimers.delete(queue);
          if (this.engine.waiting(queue, 1).length) this.announcePositions(queue, 1);
        };
        this.graceTimers.set(queue, this.clock.setTimeout(look, graceMs));
        return false;
      }
      return true;
    }
    return this.clock.now() - since >= this.config.sip.recoverySeconds * 1000;
  }

  private availabilityMaybeChanged() {
    const available = this.agentsAvailable();
    if (available !== this.lastAvailability) {
      this.lastAvailability = available;
      this.emit('availability', available);
    }
  }
}
