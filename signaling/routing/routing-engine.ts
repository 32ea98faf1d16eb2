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
 * - an agent has one offer open at a time (one chat-like, one call-like):
 *   the next waiting item goes to whoever is free, not to a pile of offers
 *   on one console, and comes to the same agent once they answer;
 * - the line holds waiting items only: an item being offered has left it,
 *   so nobody behind it counts it ahead of them (it comes back to its place
 *   if the offer is declined or missed);
 * - closed queues (business hours) and callbacks not yet due are skipped;
 * - an offer not answered in time goes to the next agent, and the agent who
 *   misses `awayAfterMissedOffers` in a row is set away; a declined offer
 *   goes to another agent (the decliner is skipped for a while);
 * - an item whose visitor left is removed and counted as abandoned.
 *
 * An item moves only as work-item-state.ts allows (an illegal move throws):
 * waiting → offered → assigned → done, back to waiting on a decline or a
 * timeout, abandoned when the visitor leaves; a transfer ends the item and
 * queues a new one.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { ItemKind } from './priority-rules.js';
import { WaitEstimator } from './wait-estimator.js';
import { ServeLine } from './serve-line.js';
import { assertMove, type WorkItemState } from './work-item-state.js';

export type { ItemKind };
export type ItemStatus = WorkItemState;
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

/**
 * Why a named agent cannot be offered work of a queue now (see
 * `targetRefusal`): `skills` they lack the queue's; `no-capacity` they take
 * none of this kind (capacity 0); `offline` not signed in; `away` not
 * available; `no-phone` no registered softphone (calls); `busy` no room for
 * one more of this kind now.
 */
export type TargetRefusal = 'skills' | 'no-capacity' | 'offline' | 'away' | 'no-phone' | 'busy';

export interface RoutingEventMap {
  offer: [agentId: string, item: Readonly<Item>];
  'offer-withdrawn': [agentId: string, item: Readonly<Item>, reason: WithdrawReason];
  assigned: [agentId: string, item: Readonly<Item>];
  released: [item: Readonly<Item>, reason: ReleaseReason];
  /** The engine changed an agent's presence (missed too many offers). */
  presence: [agentId: string, presence: Presence, why: 'missed-offers'];
  /**
   * Positions (or estimated waits) in this queue may have changed, from
   * position `from` (1 = next) on: an item joining at the back changes
   * nobody else's place, so announcing a long queue stays cheap.
   */
  queue: [queue: string, from: number];
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
  /** Waiting items of every queue, in the order they are served (an item being offered is out of line). */
  private readonly line = new ServeLine<Item>();
  /** The same, per queue: a position is an index here. */
  private readonly lines = new Map<string, ServeLine<Item>>();
  private readonly byInteraction = new Map<string, Set<Item>>();
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
    if (!ready) {
      this.batch(() => {
        for (const itemId of [...agent.offered]) if (CALLISH.has(this.items.get(itemId)!.kind)) this.returnToQueue(itemId, agent, 'away');
      });
    }
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

  /**
   * Why this agent would not be offered work of this kind from this queue if
   * it were transferred to them now, or undefined when they would be: the
   * conditions `targetFor` applies, the lasting ones first. (Business hours
   * and an agent's cooldown for one item are not the agent's: not checked.)
   */
  targetRefusal(agentId: string, queue: string, kind: ItemKind): TargetRefusal | undefined {
    const agent = this.agents.get(agentId);
    const skills = this.o.queues.get(queue)?.skills ?? [];
    const calls = CALLISH.has(kind);
    if (agent && !skills.every((s) => agent.skills.has(s))) return 'skills';
    if (agent && (calls ? agent.capacity.calls : agent.capacity.chats) === 0) return 'no-capacity';
    if (!agent?.online) return 'offline';
    if (agent.presence !== 'available') return 'away';
    if (calls && !agent.phoneReady) return 'no-phone';
    return this.hasRoom(agent, kind) ? undefined : 'busy';
  }

  /** Agents signed in (online, whatever their presence) with the queue's skills. */
  signedIn(queue: string): number {
    const def = this.o.queues.get(queue);
    if (!def) return 0;
    let n = 0;
    for (const a of this.agents.values()) if (a.online && def.skills.every((s) => a.skills.has(s))) n++;
    return n;
  }

  // ── Items ───────────────────────────────────────────────────────────

  enqueue(input: Omit<Item, 'status' | 'enqueuedAt'> & { enqueuedAt?: number }): Item {
    if (!this.o.queues.has(input.queue)) throw new Error(`unknown queue ${input.queue}`);
    if (this.items.has(input.id)) throw new Error(`item ${input.id} is already queued`);
    const item: Item = { ...input, enqueuedAt: input.enqueuedAt ?? this.clock.now(), status: 'waiting' };
    this.remember(item);
    const position = this.enterLine(item);
    this.emit('queue', item.queue, position);
    this.dispatch();
    return item;
  }

  /**
   * Puts back work an agent had before a restart, without offering it: it
   * counts against their capacity until it is released.
   */
  restoreAssigned(input: Omit<Item, 'status'>, agentId: string, assignedAt: number) {
    const item: Item = { ...input, status: 'assigned', agentId, assignedAt };
    this.remember(item);
    this.agent(agentId).work.set(item.id, item.kind);
  }

  get(itemId: string): Readonly<Item> | undefined {
    return this.items.get(itemId);
  }

  /** Items of an interaction that are not finished. */
  itemsOf(interactionId: string): Array<Readonly<Item>> {
    return [...(this.byInteraction.get(interactionId) ?? [])];
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
    return this.assign(item, agent);
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
    return this.assign(item, agent);
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
    // Leaving the line moves those behind; handled work changes the estimate of all.
    const position = this.leaveLine(item);
    const owner = item.agentId ? this.agents.get(item.agentId) : undefined;
    if (owner?.work.delete(item.id)) {
      if (reason === 'done' && item.assignedAt !== undefined) this.waits.record(item.queue, this.clock.now() - item.assignedAt);
      if (owner.work.size === 0) owner.idleSince = this.clock.now();
    }
    this.move(item, reason === 'abandoned' ? 'abandoned' : 'done');
    this.forget(item);
    this.skips.delete(itemId);
    this.emit('released', item, reason);
    this.emit('queue', item.queue, position > 0 ? position : 1);
    this.dispatch();
    return item;
  }

  /** The place of a waiting item in its queue, 1 for next; undefined once offered or assigned. */
  positionOf(itemId: string): number | undefined {
    const item = this.items.get(itemId);
    if (!item || item.status !== 'waiting') return undefined;
    return (this.lines.get(item.queue)?.indexOf(item) ?? -1) + 1 || undefined;
  }

  /** Estimated milliseconds until a waiting item is taken. */
  estimatedWaitOf(itemId: string): number | undefined {
    const item = this.items.get(itemId);
    const position = this.positionOf(itemId);
    if (!item || position === undefined) return undefined;
    return this.waits.estimate(item.queue, position, this.staffing(item.queue, item.kind));
  }

  /**
   * Estimated waits at any position of a queue, with its staffing counted
   * once: what announcing a whole queue needs (estimatedWaitOf counts the
   * agents again for every item).
   */
  waitsOf(queue: string): (kind: ItemKind, position: number) => number {
    const staff = { chats: this.staffing(queue, 'chat'), calls: this.staffing(queue, 'call') };
    return (kind, position) => this.waits.estimate(queue, position, CALLISH.has(kind) ? staff.calls : staff.chats);
  }

  /** Waiting items in serving order, of one queue (from a position on) or of all. */
  waiting(queue?: string, from = 1): Array<Readonly<Item>> {
    if (queue === undefined) return this.line.slice(from - 1);
    return this.lines.get(queue)?.slice(from - 1) ?? [];
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
        this.dispatchPass(this.clock.now());
      } while (this.again);
    } finally {
      this.dispatching = false;
    }
  }

  // ── Internals ───────────────────────────────────────────────────────

  /** The item becomes the agent's work (from an offer to them, or a late answer). */
  private assign(item: Item, agent: AgentState): Item {
    const agentId = agent.id;
    if (item.offeredTo === agentId) this.clearOffer(item, agent);
    const position = this.leaveLine(item);
    this.move(item, 'assigned');
    item.agentId = agentId;
    item.assignedAt = this.clock.now();
    agent.work.set(item.id, item.kind);
    agent.missedInARow = 0;
    this.skips.delete(item.id);
    this.emit('assigned', agentId, item);
    // Taken from its offer it had left the line already; taken from the line (a late answer), those behind move up.
    if (position > 0) this.emit('queue', item.queue, position);
    this.dispatch();
    return item;
  }

  /**
   * One pass over the line. Only agents who could take something are
   * looked at, and the pass ends when none is left: with every agent busy a
   * pass costs one look at each agent, however long the line, and each
   * offer costs a look at the free agents with the queue's skills.
   */
  private dispatchPass(now: number) {
    const free: AgentState[] = [];
    for (const agent of this.agents.values()) if (this.canTakeAnything(agent)) free.push(agent);
    if (!free.length) return;
    const perQueue = new Map<string, AgentState[]>();
    const candidates = (queue: string) => {
      let list = perQueue.get(queue);
      if (!list) {
        const skills = this.o.queues.get(queue)!.skills;
        list = free.filter((a) => skills.every((s) => a.skills.has(s)));
        perQueue.set(queue, list);
      }
      return list;
    };
    const open = new Map<string, boolean>();
    const isOpen = (queue: string) => {
      let answer = open.get(queue);
      if (answer === undefined) open.set(queue, (answer = this.o.isOpen(queue, now)));
      return answer;
    };
    // A copy: listeners of an offer may enqueue or release (they run inside
    // the pass; what they change is looked at again in the next pass).
    for (const item of this.line.slice()) {
      if (!free.length) break;
      if (item.status !== 'waiting') continue;
      if ((item.notBefore ?? 0) > now || !isOpen(item.queue)) continue;
      const agent = item.target ? this.targetFor(item, now) : this.pick(item, now, candidates(item.queue));
      if (!agent) continue;
      this.offer(item, agent, now);
      if (!this.canTakeAnything(agent)) {
        free.splice(free.indexOf(agent), 1);
        for (const list of perQueue.values()) {
          const at = list.indexOf(agent);
          if (at >= 0) list.splice(at, 1);
        }
      }
    }
  }

  private canTakeAnything(agent: AgentState): boolean {
    if (!agent.online || agent.presence !== 'available') return false;
    return this.freeFor(agent, 'chat') || (agent.phoneReady && this.freeFor(agent, 'call'));
  }

  /** Room for one more of this kind, and no offer of its family (chat-like, call-like) open: one offer at a time. */
  private freeFor(agent: AgentState, kind: ItemKind): boolean {
    for (const id of agent.offered) if (CALLISH.has(this.items.get(id)!.kind) === CALLISH.has(kind)) return false;
    return this.hasRoom(agent, kind);
  }

  private remember(item: Item) {
    this.items.set(item.id, item);
    let set = this.byInteraction.get(item.interactionId);
    if (!set) this.byInteraction.set(item.interactionId, (set = new Set()));
    set.add(item);
  }

  private forget(item: Item) {
    this.items.delete(item.id);
    const set = this.byInteraction.get(item.interactionId);
    set?.delete(item);
    if (set?.size === 0) this.byInteraction.delete(item.interactionId);
  }

  /** Returns the item's position in its queue (1 = next). */
  private enterLine(item: Item): number {
    this.line.add(item);
    let line = this.lines.get(item.queue);
    if (!line) this.lines.set(item.queue, (line = new ServeLine()));
    return line.add(item) + 1;
  }

  /** Returns the position the item had in its queue, 0 if it was not in line. */
  private leaveLine(item: Item): number {
    if (this.line.remove(item) < 0) return 0;
    return this.lines.get(item.queue)!.remove(item) + 1;
  }

  /** Runs fn with dispatching held, then dispatches once (not once per change inside). */
  private batch(fn: () => void) {
    if (this.dispatching) return fn();
    this.dispatching = true;
    try {
      fn();
    } finally {
      this.dispatching = false;
    }
    this.dispatch();
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

  /** Whether this agent may be offered this item now, skills aside (the caller has checked them). */
  private mayTake(agent: AgentState, item: Item, now: number): boolean {
    if (!agent.online || agent.presence !== 'available') return false;
    if (CALLISH.has(item.kind) && !agent.phoneReady) return false;
    if ((this.skips.get(item.id)?.get(agent.id) ?? 0) > now) return false;
    return this.freeFor(agent, item.kind);
  }

  /** An item transferred to a named agent waits for them alone. */
  private targetFor(item: Item, now: number): AgentState | undefined {
    const agent = this.agents.get(item.target!);
    const skills = this.o.queues.get(item.queue)!.skills;
    return agent && skills.every((s) => agent.skills.has(s)) && this.mayTake(agent, item, now) ? agent : undefined;
  }

  /** The free agent idle longest (the one already with the visitor first), among those with the queue's skills. */
  private pick(item: Item, now: number, candidates: readonly AgentState[]): AgentState | undefined {
    let best: AgentState | undefined;
    for (const agent of candidates) {
      if (!this.mayTake(agent, item, now)) continue;
      if (agent.id === item.preferred) return agent;
      if (!best || agent.idleSince < best.idleSince || (agent.idleSince === best.idleSince && agent.id < best.id)) best = agent;
    }
    return best;
  }

  private offer(item: Item, agent: AgentState, now: number) {
    const position = this.leaveLine(item);
    this.move(item, 'offered');
    item.offeredTo = agent.id;
    item.offerExpiresAt = now + this.o.offerTimeoutMs;
    agent.offered.add(item.id);
    agent.idleSince = now;
    this.timers.set(
      item.id,
      this.clock.setTimeout(() => this.missed(item.id, agent.id), this.o.offerTimeoutMs),
    );
    this.emit('offer', agent.id, item);
    this.emit('queue', item.queue, position);
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
    this.move(item, 'waiting');
    const position = this.enterLine(item);
    this.emit('offer-withdrawn', agent.id, item, reason);
    this.emit('queue', item.queue, position);
    this.dispatch();
  }

  /** The one place an item's state changes: only as work-item-state.ts allows. */
  private move(item: Item, to: ItemStatus) {
    assertMove(item.id, item.status, to);
    item.status = to;
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
    this.batch(() => {
      for (const itemId of [...agent.offered]) this.returnToQueue(itemId, agent, reason);
    });
  }

  /** Who can serve changed: every queue's estimated waits may have. */
  private changedStaffing() {
    const queues = new Set<string>();
    for (const item of this.items.values()) queues.add(item.queue);
    for (const queue of queues) this.emit('queue', queue, 1);
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
