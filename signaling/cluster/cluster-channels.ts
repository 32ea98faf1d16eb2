/**
 * What the nodes of one Warmline tell each other on the bus (bus.ts), one
 * entry per channel. Every message is a notice of something the store
 * already holds, or something that is worthless late (typing): a node that
 * missed one resyncs from the store (event-relay.ts, routing-leader.ts).
 */
import type { InteractionEventMap } from '../interactions/interaction-events.js';
import type { RoutingEventMap } from '../routing/routing-service.js';

/** One event of an emitter, as its name and arguments. */
export type EventNotice<M> = { [K in keyof M]: { name: K; args: M[K] } }[keyof M];

export interface ClusterChannels {
  /** An interaction changed on some node (a message stored, a status, a receipt, the context). */
  interaction: EventNotice<InteractionEventMap>;
  /** What the routing engine on the lease holder decided, for the nodes holding the sockets concerned. */
  'routing-event': EventNotice<RoutingEventMap>;
  /** Someone typing: to the other side's sockets, wherever they are. */
  typing: { interactionId: string; side: 'visitor' | 'agent'; active: boolean; name?: string };
  /** A session was signed out or revoked: every node closes its sockets. */
  'session-ended': { sessionId: string };
  /** The agents with a console on a node, sent when they change and every `ROSTER_EVERY_MS`. */
  roster: { agents: string[] };
  /** A node asks the lease holder to run a routing request (to the holder only: publishTo). */
  'routing-call': { id: number; method: string; args: unknown[] };
  /** The holder's answer (to the asking node only). */
  'routing-reply': { id: number; value?: unknown; error?: { status: number; code: string; message: string; notLeader?: boolean } };
  /** A node holds the routing lease from now: the others send their rosters at once. */
  'routing-leader': { token: number };
  /** What the holder knows that every node needs to answer a visitor without asking: whether anyone is there. */
  'routing-availability': { agentsAvailable: boolean; staffed: string[] };
}
