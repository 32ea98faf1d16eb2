/**
 * One routing engine for the cluster: it runs on the node that holds the
 * `routing` lease (lease.ts), and every other node asks it.
 *
 * ```
 *            acquired: a new RoutingService, rebuilt from the store
 *   follower ───────────────────────────────────────────────▶ leader
 *      ▲                                                        │
 *      └───────── lost: stopped at once, its listeners gone ────┘
 * ```
 *
 * The routing service itself knows nothing of this (it is the one of a
 * single node): this wrapper stands where it stood, `asRoutingService()`,
 * and for each of its methods either calls the leader's instance here, or
 * forwards the call to the holder over the bus ('routing-call') and waits
 * for its answer, or answers from what the holder publishes (whether
 * anyone is available; an idle instance for the rest of the reads).
 *
 * What the holder's engine needs from every node:
 * - which agents have a console open: each node sends its roster when it
 *   changes and every ROSTER_EVERY_MS; a node not heard from for
 *   ROSTER_TTL_MS (killed) counts for nobody;
 * - which interactions changed status (a visitor wrote: a chat to queue):
 *   the event relay brings them from every node;
 * - the requests of agents and visitors (presence, accept, decline…): the
 *   forwarded calls.
 * What the holder decides goes to every node ('routing-event'), and each
 * node's hub tells its own sockets.
 *
 * A takeover rebuilds from the store: open work items (RoutingService.start),
 * and conversations waiting with no work item yet (their first message came
 * while no node held the lease). Their places come from the store's enqueue
 * times, so every visitor keeps theirs.
 */
import { EventEmitter } from 'node:events';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Config } from '../config/config-schema.js';
import type { Stores } from '../store/stores.js';
import type { InteractionEventMap } from '../interactions/interaction-events.js';
import type { CallSignaling, RoutingEventMap, RoutingService } from '../routing/routing-service.js';
import type { ErrorCode } from '../../widgets/protocol/errors.js';
import type { Bus } from './bus.js';
import type { ClusterChannels, EventNotice } from './cluster-channels.js';
import type { Lease } from './lease.js';
import type { EventRelay } from './event-relay.js';

export const ROSTER_EVERY_MS = 2000;
export const ROSTER_TTL_MS = 3 * ROSTER_EVERY_MS;
/** The longest a forwarded request waits for a holder: the lease moves within 4 s (redis-lease.ts). */
const FORWARD_WAIT_MS = 6000;

const ROUTING_EVENTS: ReadonlyArray<keyof RoutingEventMap> = ['offer', 'offer-withdrawn', 'assigned', 'presence', 'availability', 'queue-status', 'callback-closed', 'call-ringing'];

/** Requests that change or read the engine: on a follower, asked of the holder. */
const FORWARDED = new Set([
  'setPresence', 'accept', 'decline', 'presenceOf', 'openOffersFor', 'workOf', 'transfer', 'leaveMessage',
  'requestCallback', 'callbackStatus', 'cancelCallback', 'callbackOutcome', 'enqueueCall', 'setPhoneReady',
]);
/** Notices without an answer: on a follower, sent to the holder and not waited for. */
const NOTICES = new Set(['visitorPresence', 'callerLeft', 'callEnded', 'ringFailed', 'callAnswered', 'callbackReachabilityChanged']);

export interface RoutingLeaderOptions {
  config: Config;
  stores: Stores;
  bus: Bus<ClusterChannels>;
  lease: Lease;
  relay: EventRelay;
  /** Makes the routing service of one hold, hearing interactions' status from `statusEvents`. */
  create: (statusEvents: EventEmitter<InteractionEventMap>) => RoutingService;
  /** Who holds the lease now, by Redis's account (RedisLease.holder). */
  holder: () => Promise<string | undefined>;
  clock: Clock;
  log: Logger;
}

interface Pending {
  resolve: (reply: ClusterChannels['routing-reply']) => void;
  timer: { cancel(): void };
}

export class RoutingLeader extends EventEmitter<RoutingEventMap> {
  private current: RoutingService | undefined;
  /** Counts holds, so that what a lost one started does nothing more. */
  private hold = 0;
  /** Never started: answers the reads a follower makes of an engine (empty here) and its configuration. */
  private readonly standby: RoutingService;
  private calls: CallSignaling | undefined;
  /** Agents' consoles on this node. */
  private readonly localAgents = new Map<string, number>();
  /** The holder's view: each node's roster and when it was heard. */
  private readonly rosters = new Map<string, { agents: string[]; at: number }>();
  /** The holder's view: agents it has told its engine are signed in. */
  private readonly online = new Set<string>();
  private availability: ClusterChannels['routing-availability'] = { agentsAvailable: false, staffed: [] };
  private leaderNode: string | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextCall = 1;
  private ticker: { cancel(): void } | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(private readonly o: RoutingLeaderOptions) {
    super();
    this.standby = o.create(new EventEmitter());
  }

  start() {
    const { bus, lease } = this.o;
    this.unsubscribe.push(
      bus.subscribe('routing-event', (notice) => (this.emit as (name: string, ...args: unknown[]) => boolean)(notice.name, ...notice.args)),
      bus.subscribe('routing-call', (call, from) => void this.serve(call, from)),
      bus.subscribe('routing-reply', (reply) => this.pending.get(reply.id)?.resolve(reply)),
      bus.subscribe('roster', (roster, from) => this.heardRoster(from, roster.agents)),
      bus.subscribe('routing-leader', (_, from) => {
        this.leaderNode = from;
        this.sendRoster();
      }),
      bus.subscribe('routing-availability', (availability) => (this.availability = availability)),
    );
    lease.on('acquired', (token) => void this.lead(token));
    lease.on('lost', (reason) => {
      this.o.log.warn(`routing: lease lost (${reason}); this node stops routing`);
      this.follow();
    });
    // After a gap the holder may have missed rosters; they come again on the next tick anyway.
    bus.on('gap', () => this.sendRoster());
    lease.start();
    this.tick();
  }

  /** Stops routing here and gives the lease up, telling the others this node has no consoles any more. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    this.ticker?.cancel();
    this.localAgents.clear();
    this.sendRoster();
    this.follow();
    await this.o.lease.stop();
    for (const off of this.unsubscribe) off();
  }

  /** The routing service every other part of the server uses, on a leader and a follower alike. */
  asRoutingService(): RoutingService {
    const leader = this;
    const own: Partial<Record<keyof RoutingService, unknown>> = {
      start: async () => undefined,
      stop: () => leader.current?.stop(),
      settled: () => leader.current?.settled() ?? Promise.resolve(),
      attachCalls: (calls: CallSignaling) => {
        leader.calls = calls;
        leader.current?.attachCalls(calls);
      },
      // Calls kept through a restart are the SIP side's to recover; several nodes do not keep them yet.
      keepCalls: async () => undefined,
      defineAgent: (...args: Parameters<RoutingService['defineAgent']>) => leader.current?.defineAgent(...args),
      agentConnected: async (agentId: string) => leader.agentSockets(agentId, +1),
      agentDisconnected: async (agentId: string) => leader.agentSockets(agentId, -1),
      agentsAvailable: () => leader.current?.agentsAvailable() ?? leader.availability.agentsAvailable,
      availability: (queue: string) => {
        if (leader.current) return leader.current.availability(queue);
        const { open, staffed } = leader.standby.availability(queue);
        return { open, staffed: staffed || leader.availability.staffed.includes(queue) };
      },
    };
    return new Proxy(this.standby, {
      get(standby, name: string | symbol) {
        if (typeof name === 'symbol') return Reflect.get(standby, name);
        if (name in own) return own[name as keyof RoutingService];
        // The events are the holder's, heard from the bus.
        if (name in EventEmitter.prototype) {
          const value = Reflect.get(leader, name) as unknown;
          return typeof value === 'function' ? value.bind(leader) : value;
        }
        const target = leader.current ?? standby;
        const value = Reflect.get(target, name) as unknown;
        if (typeof value !== 'function') return value;
        if (leader.current) return value.bind(leader.current);
        if (FORWARDED.has(name)) return (...args: unknown[]) => leader.forward(name, args);
        if (NOTICES.has(name)) {
          return (...args: unknown[]) => {
            leader.forward(name, args).catch((err: unknown) => leader.o.log.warn(`routing: a notice to the holder was lost (${name})`, err));
          };
        }
        return value.bind(standby);
      },
    });
  }

  // ── Holding the lease ───────────────────────────────────────────────

  private async lead(token: number) {
    const hold = ++this.hold;
    const { relay, log, stores } = this.o;
    log.info(`routing: this node holds the queue now (token ${token}); rebuilding from the store`);
    // Status changes heard while rebuilding wait, so none is handled twice or before the store was read.
    const statusEvents = new EventEmitter<InteractionEventMap>();
    const held: Array<InteractionEventMap['status']> = [];
    let rebuilt = false;
    const onStatus = (...args: InteractionEventMap['status']) => {
      if (hold !== this.hold) return relay.off('status', onStatus);
      if (rebuilt) statusEvents.emit('status', ...args);
      else held.push(args);
    };
    relay.on('status', onStatus);
    const routing = this.o.create(statusEvents);
    if (this.calls) routing.attachCalls(this.calls);
    for (const name of ROUTING_EVENTS) {
      routing.on(name, (...args: unknown[]) => {
        if (hold !== this.hold) return;
        this.o.bus.publish('routing-event', { name, args } as EventNotice<RoutingEventMap>);
        if (name === 'availability') this.publishAvailability();
      });
    }
    try {
      await routing.start();
      // A conversation that started waiting while nobody held the lease has no work item yet: queue it as its first message would have.
      for (const interaction of await stores.interactions.listByStatus('queued')) {
        if (!routing.engine.itemsOf(interaction.id).some((i) => i.kind === 'chat' || i.kind === 'offline')) statusEvents.emit('status', interaction, 'new');
      }
    } catch (err) {
      log.error('routing: rebuilding the queue failed; giving the lease up', err);
      routing.stop();
      if (hold === this.hold) this.follow();
      return;
    }
    if (hold !== this.hold) {
      routing.stop();
      return;
    }
    this.current = routing;
    this.leaderNode = this.o.bus.nodeId;
    this.online.clear();
    rebuilt = true;
    for (const args of held.splice(0)) statusEvents.emit('status', ...args);
    this.o.bus.publish('routing-leader', { token });
    this.recount();
    this.publishAvailability();
  }

  private follow() {
    this.hold++;
    const routing = this.current;
    this.current = undefined;
    if (this.leaderNode === this.o.bus.nodeId) this.leaderNode = undefined;
    this.online.clear();
    if (!routing) return;
    routing.stop();
    routing.removeAllListeners();
  }

  /** Runs a request another node forwarded, and answers it. */
  private async serve(call: ClusterChannels['routing-call'], from: string) {
    const routing = this.current;
    let reply: ClusterChannels['routing-reply'];
    if (!routing || !this.o.lease.held) {
      reply = { id: call.id, error: { status: 503, code: 'internal', message: 'Not the holder.', notLeader: true } };
    } else if (!FORWARDED.has(call.method) && !NOTICES.has(call.method)) {
      reply = { id: call.id, error: { status: 400, code: 'bad_request', message: `Not a routing request: ${call.method}.` } };
    } else {
      try {
        const method = (routing as unknown as Record<string, (...args: unknown[]) => unknown>)[call.method]!;
        reply = { id: call.id, value: await method.apply(routing, call.args) };
      } catch (err) {
        const e = err instanceof AppError ? err : undefined;
        if (!e) this.o.log.error('routing: a forwarded request failed', err);
        reply = { id: call.id, error: { status: e?.status ?? 500, code: e?.code ?? 'internal', message: e?.expose ? e.message : 'Something went wrong.' } };
      }
    }
    await this.o.bus.publishTo(from, 'routing-reply', reply);
  }

  // ── Asking the holder ───────────────────────────────────────────────

  /** Asks the holder to run a request; while the lease moves, waits for the next holder (up to FORWARD_WAIT_MS). */
  private async forward(method: string, args: unknown[]): Promise<unknown> {
    const until = this.o.clock.now() + FORWARD_WAIT_MS;
    for (;;) {
      const routing = this.current;
      if (routing) return (routing as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.apply(routing, args);
      const node = this.leaderNode ?? (await this.o.holder().catch(() => undefined));
      if (node && node !== this.o.bus.nodeId) {
        const reply = await this.ask(node, method, args);
        if (reply && !reply.error) return reply.value;
        // Asked and refused for a reason of its own: the caller hears it as if it ran here.
        if (reply?.error && !reply.error.notLeader) throw new AppError(reply.error.status, reply.error.code as ErrorCode, reply.error.message);
        // Not delivered (that node is gone) or no longer the holder: ask again whoever holds it next.
        if (!reply || reply.error) this.leaderNode = undefined;
      }
      if (this.o.clock.now() >= until) throw new AppError(503, 'internal', 'The queue is moving to another server; try again in a moment.', { expose: true });
      await new Promise<void>((resolve) => this.o.clock.setTimeout(resolve, 200));
    }
  }

  /** One request to one node: its reply, or undefined when it did not hear or did not answer in time. */
  private async ask(node: string, method: string, args: unknown[]): Promise<ClusterChannels['routing-reply'] | undefined> {
    const id = this.nextCall++;
    const answered = new Promise<ClusterChannels['routing-reply'] | undefined>((resolve) => {
      const timer = this.o.clock.setTimeout(() => finish(undefined), FORWARD_WAIT_MS);
      const finish = (reply: ClusterChannels['routing-reply'] | undefined) => {
        timer.cancel();
        this.pending.delete(id);
        resolve(reply);
      };
      this.pending.set(id, { resolve: finish, timer });
    });
    if (!(await this.o.bus.publishTo(node, 'routing-call', { id, method, args }))) {
      this.pending.get(id)?.resolve(undefined as never);
      return undefined;
    }
    return answered;
  }

  // ── Who is signed in, across nodes ──────────────────────────────────

  private agentSockets(agentId: string, change: 1 | -1) {
    const count = Math.max(0, (this.localAgents.get(agentId) ?? 0) + change);
    if (count) this.localAgents.set(agentId, count);
    else this.localAgents.delete(agentId);
    // Only the first console and the last one change the roster.
    if (count === 0 || (count === 1 && change === 1)) this.sendRoster();
  }

  private sendRoster() {
    this.o.bus.publish('roster', { agents: [...this.localAgents.keys()] });
  }

  private heardRoster(node: string, agents: string[]) {
    if (!this.current) return;
    this.rosters.set(node, { agents, at: this.o.clock.now() });
    this.recount();
  }

  /** Tells the engine who came and went: an agent counts while any node heard from lately has their console. */
  private recount() {
    const routing = this.current;
    if (!routing) return;
    const now = this.o.clock.now();
    const present = new Set<string>();
    for (const [node, roster] of this.rosters) {
      if (now - roster.at > ROSTER_TTL_MS) this.rosters.delete(node);
      else for (const agent of roster.agents) present.add(agent);
    }
    const report = (err: unknown) => this.o.log.error('routing: telling the engine who is signed in failed', err);
    for (const agent of present) {
      if (this.online.has(agent)) continue;
      this.online.add(agent);
      routing.agentConnected(agent).catch(report);
    }
    for (const agent of [...this.online]) {
      if (present.has(agent)) continue;
      this.online.delete(agent);
      routing.agentDisconnected(agent).catch(report);
    }
  }

  private publishAvailability() {
    const routing = this.current;
    if (!routing) return;
    const staffed = this.o.config.queues.map((q) => q.id).filter((q) => routing.availability(q).staffed);
    this.o.bus.publish('routing-availability', { agentsAvailable: routing.agentsAvailable(), staffed });
  }

  private tick() {
    this.ticker = this.o.clock.setTimeout(() => {
      this.sendRoster();
      this.recount();
      this.publishAvailability();
      this.tick();
    }, ROSTER_EVERY_MS);
  }
}
