/**
 * The bus of a single node: it delivers in the process, and the RedisBus uses
 * it for the subscribers on its own node.
 *
 * Delivery is on a microtask, not inside `publish()`. Across nodes a handler
 * always runs later than the publish, so a handler that ran inside it on one
 * node would let code come to depend on that (on state the handler set, or
 * on a publish made from a handler finishing first) and break only in a
 * cluster. A microtask still comes before any I/O and keeps the order of
 * publishes, and a handler's exception cannot unwind into the publisher.
 *
 * Each handler gets its own parse of the message's JSON, so what it sees is
 * what Redis would have carried, and no handler can change another's copy.
 */
import { EventEmitter } from 'node:events';
import { silentLogger, type Logger } from '../log.js';
import { checkChannel, checkNodeId, toJson, type Bus, type BusEventMap, type BusHandler, type BusState, type ChannelMap } from './bus.js';

export class LocalBus<M extends ChannelMap> extends EventEmitter<BusEventMap> implements Bus<M> {
  private readonly handlers = new Map<string, Set<BusHandler<unknown>>>();
  private closed = false;

  constructor(
    readonly nodeId = 'local',
    private readonly log: Logger = silentLogger,
  ) {
    super();
    checkNodeId(nodeId);
  }

  get state(): BusState {
    return this.closed ? 'closed' : 'connected';
  }

  // Names are checked here as the RedisBus checks them, so what passes on one node passes on several.
  publish<C extends keyof M & string>(channel: C, message: M[C]): void {
    checkChannel(channel);
    this.deliverLater(channel, toJson(channel, message), this.nodeId);
  }

  /** On one node there is no other node: a message for one is dropped. */
  async publishTo<C extends keyof M & string>(nodeId: string, channel: C, message: M[C]): Promise<boolean> {
    checkChannel(channel);
    checkNodeId(nodeId);
    const text = toJson(channel, message);
    if (nodeId !== this.nodeId) return false;
    this.deliverLater(channel, text, this.nodeId);
    return true;
  }

  subscribe<C extends keyof M & string>(channel: C, handler: BusHandler<M[C]>): () => void {
    checkChannel(channel);
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    // A handler added twice is two subscriptions, each with its own unsubscribe.
    const entry: BusHandler<unknown> = (message, from) => handler(message as M[C], from);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.handlers.get(channel) === set) this.handlers.delete(channel);
    };
  }

  /** Whether anything on this node listens to `channel`. */
  listens(channel: string): boolean {
    return this.handlers.has(channel);
  }

  /** Hands `text` (a message's JSON) to this node's subscribers of `channel` on a microtask; the RedisBus calls it for messages from Redis too. */
  deliverLater(channel: string, text: string, from: string): void {
    if (this.closed) return;
    queueMicrotask(() => this.deliver(channel, text, from));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.emit('state', 'closed', 'connected');
  }

  private deliver(channel: string, text: string, from: string) {
    const set = this.handlers.get(channel);
    if (!set) return;
    for (const handler of [...set]) {
      // One unsubscribed since the publish, even by an earlier handler of this message, hears nothing more.
      if (!set.has(handler)) continue;
      try {
        handler(JSON.parse(text), from);
      } catch (err) {
        // One failing subscriber does not keep the message from the others.
        this.log.error(`bus: a handler of ${channel} threw`, err);
      }
    }
  }
}
