/**
 * The bus between nodes, on Redis pub/sub (the design is in bus.ts).
 *
 * Two connections: the node's command connection publishes (it is shared
 * with the lease and the rate limits) and a dedicated one subscribes, since
 * a subscribed connection can run nothing else. Redis channels:
 *
 *   <prefix>bus:<channel>       every node with a subscriber of <channel>
 *   <prefix>bus-node:<nodeId>   that one node (publishTo)
 *   <prefix>bus-gaps            "I could not publish from … to …"
 *
 * Each Redis message is `<from node> <channel> <message JSON>`: the header
 * costs no second parse, and reads plainly in `redis-cli monitor`.
 *
 * The subscriptions are made again by the bus itself each time the
 * subscriber connection is ready, and only once Redis has confirmed them is
 * the bus `connected` and the gap reported: a caller that resyncs from the
 * store then cannot miss a message published between its read and the
 * subscription.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log.js';
import { checkChannel, checkNodeId, toJson, type Bus, type BusEventMap, type BusHandler, type BusState, type ChannelMap } from './bus.js';
import { LocalBus } from './local-bus.js';
import { duplicateRedisClient } from './redis-client.js';

export interface RedisBusOptions {
  nodeId: string;
  /** The node's command connection (createRedisClient): the bus publishes on it and makes its subscriber from it. The caller closes it. */
  client: Redis;
  /** Before every Redis channel's name; `warmline:` by default. */
  prefix?: string;
  /** How often both connections are pinged, so one that died silently is noticed (the client's socketTimeout drops it); 5 s by default. */
  pingEveryMs?: number;
  clock?: Clock;
  log?: Logger;
}

const ALLOWED: Record<BusState, readonly BusState[]> = {
  connecting: ['connected', 'closed'],
  connected: ['reconnecting', 'closed'],
  reconnecting: ['connected', 'closed'],
  closed: [],
};

export class RedisBus<M extends ChannelMap> extends EventEmitter<BusEventMap> implements Bus<M> {
  readonly nodeId: string;
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly local: LocalBus<M>;
  private readonly prefix: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly gapsChannel: string;
  /** The Redis channels to be subscribed: this node's own, the gap notices, and one per bus channel with a subscriber here. */
  private readonly wanted: Set<string>;
  private current: BusState = 'connecting';
  /** Since when this node may have missed messages: when the bus was made, or when it last stopped being connected. */
  private missingSince: number;
  /** When this node first failed to publish since it last told the others. */
  private droppedSince: number | undefined;
  /** Whether Redis has confirmed the subscriptions on the subscriber's current connection. */
  private listening = false;
  /** Counts the subscriber's connections, so a confirmation from an old one counts for nothing. */
  private connection = 0;
  private pinger: { cancel(): void } | undefined;
  private readonly onClientChange = () => this.update();

  constructor(options: RedisBusOptions) {
    super();
    checkNodeId(options.nodeId);
    this.nodeId = options.nodeId;
    this.client = options.client;
    this.prefix = options.prefix ?? 'warmline:';
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? silentLogger;
    this.local = new LocalBus<M>(this.nodeId, this.log);
    this.missingSince = this.clock.now();
    this.gapsChannel = `${this.prefix}bus-gaps`;
    this.wanted = new Set([`${this.prefix}bus-node:${this.nodeId}`, this.gapsChannel]);

    this.subscriber = duplicateRedisClient(this.client, { name: `${this.nodeId}-bus`, log: this.log });
    this.subscriber.on('ready', () => void this.listen());
    this.subscriber.on('close', () => {
      this.connection++;
      this.listening = false;
      this.update();
    });
    this.subscriber.on('message', (channel: string, payload: string) => this.receive(channel, payload));
    this.client.on('ready', this.onClientChange);
    this.client.on('close', this.onClientChange);
    this.ping(options.pingEveryMs ?? 5000);
  }

  get state(): BusState {
    return this.current;
  }

  publish<C extends keyof M & string>(channel: C, message: M[C]): void {
    checkChannel(channel);
    const text = toJson(channel, message);
    this.local.deliverLater(channel, text, this.nodeId);
    void this.send(this.channelOf(channel), channel, text);
  }

  async publishTo<C extends keyof M & string>(nodeId: string, channel: C, message: M[C]): Promise<boolean> {
    checkChannel(channel);
    const text = toJson(channel, message);
    if (nodeId === this.nodeId) {
      this.local.deliverLater(channel, text, this.nodeId);
      return true;
    }
    checkNodeId(nodeId);
    return (await this.send(`${this.prefix}bus-node:${nodeId}`, channel, text)) > 0;
  }

  subscribe<C extends keyof M & string>(channel: C, handler: BusHandler<M[C]>): () => void {
    const first = !this.local.listens(channel);
    const unsubscribe = this.local.subscribe(channel, handler);
    const redisChannel = this.channelOf(channel);
    if (first) this.want(redisChannel);
    return () => {
      unsubscribe();
      if (!this.local.listens(channel)) this.unwant(redisChannel);
    };
  }

  /** Stops for good: unsubscribes, and closes the subscriber connection (not the command connection, which the caller owns). */
  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.pinger?.cancel();
    this.client.off('ready', this.onClientChange);
    this.client.off('close', this.onClientChange);
    this.transition('closed');
    // QUIT, so that Redis has let go of the subscriptions when this returns; a connection that is down is just dropped.
    if (this.subscriber.status === 'ready') await this.subscriber.quit().catch(() => undefined);
    this.subscriber.disconnect();
    await this.local.close();
  }

  private channelOf(channel: string) {
    return `${this.prefix}bus:${channel}`;
  }

  /** Publishes `<from> <channel> <json>`; resolves to how many nodes heard it, 0 when it could not be sent (and noted as dropped). */
  private async send(redisChannel: string, channel: string, text: string): Promise<number> {
    if (this.current === 'closed') return 0;
    if (this.client.status !== 'ready') {
      this.dropped();
      return 0;
    }
    try {
      return await this.client.publish(redisChannel, `${this.nodeId} ${channel} ${text}`);
    } catch (err) {
      this.dropped(err);
      return 0;
    }
  }

  private receive(redisChannel: string, payload: string) {
    const first = payload.indexOf(' ');
    const second = payload.indexOf(' ', first + 1);
    if (first <= 0 || second <= first) {
      this.log.warn(`bus: a message on ${redisChannel} without its header was dropped`);
      return;
    }
    const from = payload.slice(0, first);
    // This node's own messages were delivered here when they were published.
    if (from === this.nodeId) return;
    const channel = payload.slice(first + 1, second);
    const text = payload.slice(second + 1);
    if (redisChannel === this.gapsChannel) {
      this.otherNodeDropped(from, text);
      return;
    }
    this.local.deliverLater(channel, text, from);
  }

  private otherNodeDropped(node: string, text: string) {
    try {
      const { since, until } = JSON.parse(text) as { since: number; until: number };
      if (typeof since !== 'number' || typeof until !== 'number') throw new TypeError('since and until must be numbers');
      this.log.info(`bus: node ${node} could not publish for ${until - since} ms`);
      this.emit('gap', { node, since, until });
    } catch (err) {
      this.log.warn(`bus: a gap notice from ${node} was unreadable`, err);
    }
  }

  /** Notes that a message went nowhere; the other nodes are told as soon as this node can publish again. */
  private dropped(err?: unknown) {
    if (this.droppedSince === undefined) {
      this.droppedSince = this.clock.now();
      this.log.warn(`bus: node ${this.nodeId} could not publish; the other nodes will be told of the gap`, err);
    }
    if (this.current === 'connected') this.announceDropped();
  }

  private announceDropped() {
    const since = this.droppedSince;
    if (since === undefined || this.client.status !== 'ready') return;
    // This notice covers the drops so far; one after this starts a new notice.
    this.droppedSince = undefined;
    const notice = `${this.nodeId} gap ${JSON.stringify({ since, until: this.clock.now() })}`;
    this.client.publish(this.gapsChannel, notice).catch(() => {
      // Not `dropped()`: that would announce again at once, in a loop while Redis fails. The next connection tells them.
      this.droppedSince = Math.min(this.droppedSince ?? since, since);
    });
  }

  /** (Re)subscribes everything wanted on the subscriber's new connection; only Redis's confirmation makes the bus connected. */
  private async listen() {
    const connection = this.connection;
    try {
      await this.subscriber.subscribe(...this.wanted);
    } catch (err) {
      this.subscribeFailed(connection, err);
      return;
    }
    if (connection !== this.connection || this.current === 'closed') return;
    this.listening = true;
    this.update();
  }

  private want(redisChannel: string) {
    this.wanted.add(redisChannel);
    // Not ready: the next `listen()` subscribes it with the rest.
    if (this.subscriber.status !== 'ready') return;
    const connection = this.connection;
    this.subscriber.subscribe(redisChannel).catch((err: unknown) => this.subscribeFailed(connection, err));
  }

  private unwant(redisChannel: string) {
    this.wanted.delete(redisChannel);
    // A failure leaves messages arriving that nobody here listens to: they are dropped, which is harmless.
    if (this.subscriber.status === 'ready') this.subscriber.unsubscribe(redisChannel).catch(() => undefined);
  }

  /** A subscription that failed on a connection still up would leave this node deaf to a channel: start the connection again, which subscribes everything and reports the gap. */
  private subscribeFailed(connection: number, err: unknown) {
    if (connection !== this.connection || this.current === 'closed' || this.subscriber.status !== 'ready') return;
    this.log.warn(`bus: subscribing failed on a live connection; reconnecting`, err);
    this.subscriber.disconnect(true);
  }

  private update() {
    if (this.current === 'closed') return;
    const up = this.listening && this.client.status === 'ready';
    const now = this.clock.now();
    if (up && this.current !== 'connected') {
      this.transition('connected');
      this.emit('gap', { node: this.nodeId, since: this.missingSince, until: now });
      this.announceDropped();
    } else if (!up && this.current === 'connected') {
      this.missingSince = now;
      this.transition('reconnecting');
    }
  }

  private transition(to: BusState) {
    const from = this.current;
    if (!ALLOWED[from].includes(to)) throw new Error(`The bus cannot go from ${from} to ${to}.`);
    this.current = to;
    this.emit('state', to, from);
  }

  private ping(everyMs: number) {
    this.pinger = this.clock.setTimeout(() => {
      for (const connection of [this.client, this.subscriber]) {
        // Only a connection that is up is checked: one that is down is reconnecting already.
        if (connection.status === 'ready') connection.ping().catch(() => undefined);
      }
      this.ping(everyMs);
    }, everyMs);
  }
}
