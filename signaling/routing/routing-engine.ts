/**
 * The routing engine: one queue discipline for chats, calls, callbacks and
 * offline messages. It holds the waiting work and the agents in memory,
 * decides who is offered what and when, and announces each decision as an
 * event; it does no I/O (the routing service persists and delivers) and
 * reads time only from its clock, so every decision can be tested without
 * waiting on real time.
 *
 * The rules:
 * - order: higher priority first, then longer waiting (a callback keeps the
 *   place its call had);
 * - an item is offered to one agent at a time: one who has every skill its
 *   queue requires, room for its kind (capacity), is available, and has been
 *   idle longest; an item transferred to a named agent waits for them;
 * - closed queues (business hours) and callbacks not yet due are skipped;
 * - an offer not answered in time goes to the next agent, and the agent who
 *   misses `awayAfterMissedOffers` in a row is set away; a declined offer
 *   goes to another agent (the decliner is skipped for a while);
 * - an item whose visitor left is removed and counted as abandoned.
 *
 * Item states:
 * ```
 *  waiting ──offer──▶ offered ──accept──▶ assigned ──release──▶ done
 *     ▲                  │ decline / timeout          │ transfer
 *     └──────────────────┘                            ▼
 *  waiting ──abandon──▶ abandoned              (a new item, waiting)
 * ```
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { ItemKind } from './priority-rules.js';
import { WaitEstimator } from './wait-estimator.js';

export type { ItemKind };
export type ItemStatus = 'waiting' | 'offered' | 'assigned' | 'done' | 'abandoned';
export type Presence = 'available' | 'away';

export interface Capacity {
  /** Chats (and offline messages) at once. */
  chats: number;
  /** Calls (and callbacks) at once. */
  calls: number;
  /** Chats an agent may keep while on a call, and have while being offered one. */
  chatsDuringCall: number;
}

export interface QueueDef {
  id: string;
  skills: readonly string[];
}

export interface Item {
  id: string;
  interactionId: string;
  kind: ItemKind;
  queue: string;
  priority: number;
  /** The place in the queue: earlier goes first at equal priority. */
  enqueuedAt: number;
  status: ItemStatus;
  /** Only this agent may take it (a transfer to a named agent). */
  target?: string;
  /** Not offered before this time (a callback's next try). */
  notBefore?: number;
  /** Offered to this agent first when they can take it (the agent already chatting with the visitor). */
  preferred?: string;
  offeredTo?: string;
  offerExpiresAt?: number;
  agentId?: string;
  assignedAt?: number;
}

export interface AgentSnapshot {
  id: string;
  skills: ReadonlySet<string>;
  capacity: Capacity;
  online: boolean;
  presence: Presence;
  /** The agent's softphone is registered: they can take calls and callbacks. */
  phoneReady: boolean;
  chats: number;
  calls: number;
  offers: number;
  idleSince: number;
  missedInARow: number;
}

interface AgentState extends Omit<AgentSnapshot, 'chats' | 'calls' | 'offers'> {
  skills: Set<string>;
  work: Map<string, ItemKind>;
  offered: Set<string>;
}

export type WithdrawReason = 'timeout' | 'declined' | 'away' | 'abandoned' | 'taken' | 'released';
export type ReleaseReason = 'done' | 'abandoned' | 'transferred' | 'closed';

export interface RoutingEventMap {
  offer: [agentId: string, item: Readonly<Item>];
  'offer-withdrawn': [agentId: string, item: Readonly<Item>, reason: WithdrawReason];
  assigned: [agentId: string, item: Readonly<Item>];
  released: [item: Readonly<Item>, reason: ReleaseReason];
  /** The engine changed an agent's presence (missed too many offers). */
  presence: [agentId: string, presence: Presence, why: 'missed-offers'];
  /** Positions in this queue may have changed. */
  queue: [queue: string];
}

export interface EngineOptions {
  queues: ReadonlyMap<string, QueueDef>;
  isOpen: (queue: string, at: number) => boolean;
  offerTimeoutMs: number;
  /** Offers missed in a row after which the agent is set away. */
  awayAfterMissedOffers: number;
  declineCooldownMs: number;
  defaultCapacity: Capacity;
  defaultHandleMs: number;
  /** How often closed queues and due callbacks are looked at again. */
  tickMs?: number;
}

const CALLISH = new Set<ItemKind>(['call', 'callback']);

export class RoutingEngine extends EventEmitter<RoutingEventMap> {
  private readonly agents = new Map<string, AgentState>();
  private readonly items = new Map<string, Item>();
  private readonly timers = new Map<string, { cancel(): void }>();
  /** itemId → agentId → until when that agent is skipped for it. */
  private readonly skips = new Map<string, Map<string, number>>();
  readonly waits: WaitEstimator;
  private dispatching = false;
  private again = false;
  private ticker: { cancel(): void } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly o: EngineOptions,
  ) {
    super();
    this.waits = new WaitEstimator(o.defaultHandleMs);
    this.scheduleTick();
  }

  stop() {
    this.ticker?.cancel();
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  // ── Agents ──────────────────────────────────────────────────────────

  /** Adds or updates an agent's skills and capacity (from configuration). */
  defineAgent(id: string, skills: readonly string[], capacity: Partial<Capacity> = {}) {
    const agent = this.agent(id);
    agent.skills = new Set(skills);
    agent.capacity = { ...this.o.defaultCapacity, ...capacity };
    this.dispatch();
  }

  setOnline(id: string, online: boolean) {
    const agent = this.agent(id);
    if (agent.online === online) return;
    agent.online = online;
    if (!online) this.withdrawAll(agent, 'away');
    else agent.idleSince = this.clock.now();
    this.changedStaffing();
  }

  setPresence(id: string, presence: Presence) {
    const agent = this.agent(id);
    if (agent.presence === presence) return;
    agent.presence = presence;
    if (presence === 'available') {
      agent.idleSince = this.clock.now();
      agent.missedInARow = 0;
    } else {
      this.withdrawAll(agent, 'away');
    }
    this.changedStaffing();
  }

  setPhoneReady(id: string, ready: boolean) {
    const agent = this.agent(id);
    if (agent.phoneReady === ready) return;
    agent.phoneReady = ready;
    if (!ready) for (const itemId of [...agent.offered]) if (CALLISH.has(this.items.get(itemId)!.kind)) this.returnToQueue(itemId, agent, 'away');
    this.changedStaffing();
  }

  agentSnapshot(id: string): AgentSnapshot | undefined {
    const a = this.agents.get(id);
    if (!a) return undefined;
    const { work, offered, ...rest } = a;
    const kinds = [...work.values()];
    return {
      ...rest,
      chats: kinds.filter((k) => !CALLISH.has(k)).length,
      calls: kinds.filter((k) => CALLISH.has(k)).length,
      offers: offered.size,
    };
  }

  /** Agents who could take work from this queue if it were free: online, available, with its skills. */
  staffing(queue: string, kind?: ItemKind): number {
    const def = this.o.queues.get(queue);
    if (!def) return 0;
    let n = 0;
    for (const a of this.agents.values()) {
      if (!a.online || a.presence !== 'available' || !def.skills.every((s) => a.skills.has(s))) continue;
      if (kind && CALLISH.has(kind) && !a.phoneReady) continue;
      n++;
    }
    return n;
  }

  /** Agents signed in (online, whatever their presence) with the queue's skills. */
  signedIn(queue: string): number {
    const def = this.o.queues.get(queue);
    if (!def) return 0;
    return [...this.agents.values()].filter((a) => a.online && def.skills.every((s) => a.skills.has(s))).length;
  }

  // ── Items ───────────────────────────────────────────────────────────

  enqueue(input: Omit<Item, 'status' | 'enqueuedAt'> & { enqueuedAt?: number }): Item {
    if (!this.o.queues.has(input.queue)) throw new Error(`unknown queue ${input.queue}`);
    const item: Item = { ...input, enqueuedAt: input.enqueuedAt ?? this.clock.now(), status: 'waiting' };
    this.items.set(item.id, item);
    this.emit('queue', item.queue);
    this.dispatch();
    return item;
  }

  /**
   * Puts back work an agent had before a restart, without offering it: it
   * counts against their capacity until it is released.
   */
  restoreAssigned(input: Omit<Item, 'status'>, agentId: string, assignedAt: number) {
    const item: Item = { ...input, status: 'assigned', agentId, assignedAt };
    this.items.set(item.id, item);
    this.agent(agentId).work.set(item.id, item.kind);
  }

  get(itemId: string): Readonly<Item> | undefined {
    return this.items.get(itemId);
  }

  /** Items of an interaction that are not finished. */
  itemsOf(interactionId: string): Array<Readonly<Item>> {
    return [...this.items.values()].filter((i) => i.interactionId === interactionId);
  }

  offersOf(agentId: string): Array<Readonly<Item>> {
    return [...(this.agents.get(agentId)?.offered ?? [])].map((id) => this.items.get(id)!);
  }

  workOf(agentId: string): Array<Readonly<Item>> {
    return [...(this.agents.get(agentId)?.work.keys() ?? [])].map((id) => this.items.get(id)!).filter(Boolean);
  }

  accept(itemId: string, agentId: string): Item {
    const item = this.items.get(itemId);
    const agent = this.agents.get(agentId);
    if (!item || !agent || item.status !== 'offered' || item.offeredTo !== agentId) {
      throw new OfferGoneError(itemId);
    }
    this.clearOffer(item, agent);
    item.status = 'assigned';
    item.agentId = agentId;
    item.assignedAt = this.clock.now();
    agent.work.set(item.id, item.kind);
    agent.missedInARow = 0;
    this.skips.delete(item.id);
    this.emit('assigned', agentId, item);
    this.emit('queue', item.queue);
    this.dispatch();
    return item;
  }

  /**
   * An answer that crossed the end of its offer: the agent's phone sent 200
   * while the proxy was cancelling it for timing out, and a 2xx after CANCEL
   * still sets the call up (RFC 3261 §9.1). The item is that agent's; an
   * offer made to someone else meanwhile is withdrawn as taken.
   */
  acceptLate(itemId: string, agentId: string): Item {
    const item = this.items.get(itemId);
    const agent = this.agents.get(agentId);
    if (!item || !agent || item.status === 'assigned') throw new OfferGoneError(itemId);
    const other = item.offeredTo && item.offeredTo !== agentId ? this.agents.get(item.offeredTo) : undefined;
    if (other) {
      this.clearOffer(item, other);
      this.emit('offer-withdrawn', other.id, item, 'taken');
    }
    item.status = 'offered';
    item.offeredTo = agentId;
    agent.offered.add(item.id);
    return this.accept(itemId, agentId);
  }

  decline(itemId: string, agentId: string) {
    const item = this.items.get(itemId);
    const agent = this.agents.get(agentId);
    if (!item || !agent || item.offeredTo !== agentId) return;
    agent.missedInARow = 0;
    this.returnToQueue(itemId, agent, 'declined');
  }

  /**
   * The offer could not reach the agent (their phone did not ring, their
   * connection dropped): another agent gets it, and it does not count as a miss.
   */
  offerFailed(itemId: string, agentId: string) {
    const item = this.items.get(itemId);
    const agent = this.agents.get(agentId);
    if (!item || !agent || item.offeredTo !== agentId) return;
    this.skip(item.id, agentId);
    this.returnToQueue(itemId, agent, 'away');
  }

  /** Takes an item out of the queue or off its agent, for good. */
  release(itemId: string, reason: ReleaseReason): Item | undefined {
    const item = this.items.get(itemId);
    if (!item) return undefined;
    const agent = item.offeredTo ? this.agents.get(item.offeredTo) : undefined;
    if (agent) {
      this.clearOffer(item, agent);
      this.emit('offer-withdrawn', agent.id, item, reason === 'abandoned' ? 'abandoned' : 'released');
    }
    const owner = item.agentId ? this.agents.get(item.agentId) : undefined;
    if (owner?.work.delete(item.id)) {
      if (reason === 'done' && item.assignedAt !== undefined) this.waits.record(item.queue, this.clock.now() - item.assignedAt);
      if (owner.work.size === 0) owner.idleSince = this.clock.now();
    }
    item.status = reason === 'abandoned' ? 'abandoned' : 'done';
    this.items.delete(itemId);
    this.skips.delete(itemId);
    this.emit('released', item, reason);
    this.emit('queue', item.queue);
    this.dispatch();
    return item;
  }

  /** The place of a waiting (or offered) item in its queue, 1 for next; undefined once assigned. */
  positionOf(itemId: string): number | undefined {
    const item = this.items.get(itemId);
    if (!item || (item.status !== 'waiting' && item.status !== 'offered')) return undefined;
    const queue = this.ordered().filter((i) => i.queue === item.queue);
    return queue.indexOf(item) + 1;
  }

  /** Estimated milliseconds until a waiting item is taken. */
  estimatedWaitOf(itemId: string): number | undefined {
    const item = this.items.get(itemId);
    const position = this.positionOf(itemId);
    if (!item || position === undefined) return undefined;
    return this.waits.estimate(item.queue, position, this.staffing(item.queue, item.kind));
  }

  waiting(queue?: string): Array<Readonly<Item>> {
    return this.ordered().filter((i) => !queue || i.queue === queue);
  }

  /** Offers waiting items, best first, while agents have room. Safe to call at any time. */
  dispatch() {
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.again = false;
        const now = this.clock.now();
        for (const item of this.ordered()) {
          if (item.status !== 'waiting') continue;
          if ((item.notBefore ?? 0) > now || !this.o.isOpen(item.queue, now)) continue;
          const agent = this.pick(item, now);
          if (agent) this.offer(item, agent, now);
        }
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  // ── Internals ───────────────────────────────────────────────────────

  /** Waiting and offered items, in the order the queue serves them. */
  private ordered(): Item[] {
    return [...this.items.values()]
      .filter((i) => i.status === 'waiting' || i.status === 'offered')
      .sort((a, b) => b.priority - a.priority || a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1));
  }

  private agent(id: string): AgentState {
    let agent = this.agents.get(id);
    if (!agent) {
      agent = {
        id,
        skills: new Set(),
        capacity: { ...this.o.defaultCapacity },
        online: false,
        presence: 'away',
        phoneReady: false,
        work: new Map(),
        offered: new Set(),
        idleSince: this.clock.now(),
        missedInARow: 0,
      };
      this.agents.set(id, agent);
    }
    return agent;
  }

  /** Has room for one more of this kind, counting offers still open. */
  private hasRoom(agent: AgentState, kind: ItemKind): boolean {
    let chats = 0;
    let calls = 0;
    for (const k of agent.work.values()) CALLISH.has(k) ? calls++ : chats++;
    for (const id of agent.offered) CALLISH.has(this.items.get(id)!.kind) ? calls++ : chats++;
    const { capacity } = agent;
    if (CALLISH.has(kind)) return calls < capacity.calls && chats <= capacity.chatsDuringCall;
    return chats < capacity.chats && (calls === 0 || chats < capacity.chatsDuringCall);
  }

  private pick(item: Item, now: number): AgentState | undefined {
    const queue = this.o.queues.get(item.queue)!;
    const skips = this.skips.get(item.id);
    let best: AgentState | undefined;
    for (const agent of this.agents.values()) {
      if (!agent.online || agent.presence !== 'available') continue;
      if (item.target && item.target !== agent.id) continue;
      if (CALLISH.has(item.kind) && !agent.phoneReady) continue;
      if (!queue.skills.every((s) => agent.skills.has(s))) continue;
      if ((skips?.get(agent.id) ?? 0) > now) continue;
      if (!this.hasRoom(agent, item.kind)) continue;
      if (agent.id === item.preferred) return agent;
      if (!best || agent.idleSince < best.idleSince || (agent.idleSince === best.idleSince && agent.id < best.id)) best = agent;
    }
    return best;
  }

  private offer(item: Item, agent: AgentState, now: number) {
    item.status = 'offered';
    item.offeredTo = agent.id;
    item.offerExpiresAt = now + this.o.offerTimeoutMs;
    agent.offered.add(item.id);
    agent.idleSince = now;
    this.timers.set(
      item.id,
      this.clock.setTimeout(() => this.missed(item.id, agent.id), this.o.offerTimeoutMs),
    );
    this.emit('offer', agent.id, item);
  }

  private missed(itemId: string, agentId: string) {
    const item = this.items.get(itemId);
    const agent = this.agents.get(agentId);
    if (!item || !agent || item.offeredTo !== agentId) return;
    agent.missedInARow++;
    this.returnToQueue(itemId, agent, 'timeout');
    if (agent.missedInARow >= this.o.awayAfterMissedOffers && agent.presence === 'available') {
      this.setPresence(agent.id, 'away');
      this.emit('presence', agent.id, 'away', 'missed-offers');
    }
  }

  private returnToQueue(itemId: string, agent: AgentState, reason: WithdrawReason) {
    const item = this.items.get(itemId);
    if (!item || item.offeredTo !== agent.id) return;
    this.clearOffer(item, agent);
    if (reason === 'declined' || reason === 'timeout') this.skip(item.id, agent.id);
    item.status = 'waiting';
    this.emit('offer-withdrawn', agent.id, item, reason);
    this.emit('queue', item.queue);
    this.dispatch();
  }

  private skip(itemId: string, agentId: string) {
    const skips = this.skips.get(itemId) ?? new Map<string, number>();
    skips.set(agentId, this.clock.now() + this.o.declineCooldownMs);
    this.skips.set(itemId, skips);
  }

  private clearOffer(item: Item, agent: AgentState) {
    this.timers.get(item.id)?.cancel();
    this.timers.delete(item.id);
    agent.offered.delete(item.id);
    delete item.offeredTo;
    delete item.offerExpiresAt;
  }

  private withdrawAll(agent: AgentState, reason: WithdrawReason) {
    for (const itemId of [...agent.offered]) this.returnToQueue(itemId, agent, reason);
  }

  private changedStaffing() {
    for (const queue of new Set([...this.items.values()].map((i) => i.queue))) this.emit('queue', queue);
    this.dispatch();
  }

  /** Queues open, callbacks fall due, cooldowns end: look again now and then. */
  private scheduleTick() {
    const tickMs = this.o.tickMs ?? 15_000;
    this.ticker = this.clock.setTimeout(() => {
      this.dispatch();
      this.scheduleTick();
    }, tickMs);
  }
}

export class OfferGoneError extends Error {
  override readonly name = 'OfferGoneError';
  constructor(readonly itemId: string) {
    super('This offer is no longer open: it timed out or went to someone else.');
  }
}
