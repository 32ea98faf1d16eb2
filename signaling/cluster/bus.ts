/**
 * The bus: how one node tells the others that something happened.
 *
 * Several nodes serve one Warmline behind a load balancer. A visitor's socket
 * is on one node and the agent's on another, so what one node learns (a chat
 * message was stored, someone is typing, a message was read, an agent's
 * presence changed, the queue moved, a session was signed out) must reach the
 * node holding the socket concerned. The bus carries those notices:
 *
 * - `publish(channel, message)` reaches every subscriber of `channel` on every
 *   node, this one included;
 * - `publishTo(nodeId, channel, message)` reaches the subscribers of `channel`
 *   on one node only: the node that holds a given socket.
 *
 * What travels is small JSON: "interaction X has message 42", "agent Y is
 * away", "session Z ended". The store stays the truth. Redis is a carrier,
 * not the truth: pub/sub delivers at most once, and a message published while
 * Redis restarts, or while a node's connection is down, is gone. So the bus
 * never promises delivery; it promises to say when it may have failed. After
 * any such gap it emits `gap`, and whoever keeps state from bus messages
 * resyncs all of it from the store, whatever the gap's times (message
 * sequence numbers show what is missing; a sign-out is checked against the
 * sessions in the store). The times are for logs: a notice from a node can
 * come while another node is itself between connections, which then hears
 * nothing of it but reports its own gap, and its full resync covers both.
 *
 * A gap is reported
 * - on this node when its connection comes back, and when it first connects
 *   (until then it may have missed anything from anyone), and
 * - on every node when another node could not publish (its messages may
 *   have reached no one), so a node that stayed connected still hears of it.
 *
 * The bus never queues or retries a message: a stale "typing" delivered a
 * minute late is worse than none, and a message that matters is in the store.
 *
 * On one node (no `cluster.redisUrl`) the LocalBus delivers in the process and
 * never has a gap; with Redis, the RedisBus delivers to this node's
 * subscribers in the process too (so a node keeps serving its own sockets
 * while Redis is away) and carries the rest through Redis. Either way a
 * handler receives a fresh parse of the message's JSON and runs after
 * `publish` has returned, so code that works on one node cannot depend on
 * anything Redis would not carry.
 */
import type { EventEmitter } from 'node:events';

/**
 * The channels a bus carries and the message type of each, an interface such
 * as `{ 'chat-message': { interactionId: string; seq: number } }`. Messages
 * must survive `JSON.stringify`: plain objects, arrays, strings, finite
 * numbers, booleans and null (no Dates, Maps or undefined). Only `object`
 * here, not a map of JSON types: TypeScript checks neither an interface
 * against an index signature nor the protocol's frames (interfaces too)
 * against a JSON type. `toJson` refuses what JSON cannot carry at run time.
 */
export type ChannelMap = object;

/** A channel's name: letters, digits, `.`, `_`, `-` and `:` (it is part of a Redis channel's name and of the wire format). */
export const CHANNEL_NAME = /^[A-Za-z0-9._:-]{1,100}$/;

/** A node's id: the same characters, no `:` (it is part of Redis keys and values). Unique per process: use `newId('node')` at start. */
export const NODE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** `from` is the id of the node that published the message. */
export type BusHandler<T> = (message: T, from: string) => void;

/**
 * ```
 *   connecting ──▶ connected ◀──▶ reconnecting
 *        │             │               │
 *        └─────────────┴───────────────┴──▶ closed
 * ```
 * A LocalBus is always `connected` until closed.
 */
export type BusState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/**
 * Messages may have been lost between `since` and `until` (this node's clock
 * for its own gaps, the other node's for theirs). When `node` is this bus's
 * node, it is this node that may have missed messages from anyone; otherwise
 * messages that `node` published may have reached no one. Either way the
 * answer is the same: resync from the store everything this node's sockets
 * should know; the times are for logs and metrics.
 */
export interface BusGap {
  node: string;
  since: number;
  until: number;
}

export interface BusEventMap {
  state: [state: BusState, previous: BusState];
  gap: [gap: BusGap];
}

export interface Bus<M extends ChannelMap> extends EventEmitter<BusEventMap> {
  readonly nodeId: string;
  readonly state: BusState;
  /** To every subscriber of `channel` on every node, this one included. Never throws for the carrier's sake; throws for a message JSON cannot carry. */
  publish<C extends keyof M & string>(channel: C, message: M[C]): void;
  /**
   * To the subscribers of `channel` on node `nodeId` only. Resolves to
   * whether that node is listening (false when it is gone, or the message
   * could not be sent); never rejects.
   */
  publishTo<C extends keyof M & string>(nodeId: string, channel: C, message: M[C]): Promise<boolean>;
  /** Returns the function that unsubscribes. */
  subscribe<C extends keyof M & string>(channel: C, handler: BusHandler<M[C]>): () => void;
  close(): Promise<void>;
}

/** Throws for a channel name the wire format cannot carry. */
export function checkChannel(channel: string): void {
  if (!CHANNEL_NAME.test(channel)) throw new TypeError(`A bus channel's name is 1 to 100 letters, digits, ".", "_", "-" or ":"; not ${JSON.stringify(channel)}.`);
}

export function checkNodeId(nodeId: string): void {
  if (!NODE_ID.test(nodeId)) throw new TypeError(`A node's id is 1 to 100 letters, digits, ".", "_" or "-"; not ${JSON.stringify(nodeId)}.`);
}

/** The message as JSON, once per publish; throws for a message JSON cannot carry (a BigInt, a cycle, undefined). */
export function toJson(channel: string, message: unknown): string {
  const text = JSON.stringify(message);
  if (text === undefined) throw new TypeError(`A message on ${channel} must be JSON; got ${typeof message}.`);
  return text;
}
