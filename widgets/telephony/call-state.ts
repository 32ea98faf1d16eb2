/**
 * The states of a call as the visitor and the agent see them.
 *
 * ```
 *  idle ─▶ connecting ─▶ waiting ─▶ ringing ─▶ connected ◀─▶ on-hold
 *   │          │          │  ▲       │  ▲        │  ▲          │  ▲
 *   │          └──────────┴──┼───────┴──┼────────┴──┼──────────┴──┼──▶ reconnecting ─▶ back where it was
 *   │                        └──────────┴───────────┴─────────────┘     (a call not yet answered: placed again)
 *   │          every state but idle ──▶ ended (with a reason)
 *   └─▶ ringing (a call coming in: a callback, a transfer)
 * ```
 * `waiting`: the server took the call and is looking for an agent (100,
 * 182 Queued); `ringing`: an agent's phone rings (180), or this phone does;
 * `reconnecting`: the connection to the server or the media path was
 * interrupted and is recovering (a call still waiting is placed again once
 * reconnected, keeping its place in line). A transfer takes a connected
 * call back to `waiting` or `ringing` while the new leg is set up (RFC 3515
 * REFER).
 */
export type CallState = 'idle' | 'connecting' | 'waiting' | 'ringing' | 'connected' | 'on-hold' | 'reconnecting' | 'ended';

export type CallEndReason =
  /** This side hung up. */
  | 'local-hangup'
  /** The other side hung up. */
  | 'remote-hangup'
  /** Nobody could take the call (480). */
  | 'no-agent'
  /** The agents declined or were busy (486, 603). */
  | 'busy'
  /** The network or the server went away. */
  | 'connection-lost'
  /** The call was refused for another reason (403, 404, 407…). */
  | 'failed';

const ALLOWED: Record<CallState, readonly CallState[]> = {
  idle: ['connecting', 'ringing', 'ended'],
  connecting: ['waiting', 'ringing', 'connected', 'reconnecting', 'ended'],
  waiting: ['ringing', 'connected', 'reconnecting', 'ended'],
  ringing: ['waiting', 'connected', 'reconnecting', 'ended'],
  connected: ['on-hold', 'reconnecting', 'waiting', 'ringing', 'ended'],
  'on-hold': ['connected', 'reconnecting', 'waiting', 'ringing', 'ended'],
  reconnecting: ['connected', 'on-hold', 'waiting', 'ringing', 'ended'],
  ended: [],
};

export const canTransition = (from: CallState, to: CallState) => ALLOWED[from].includes(to);

/** What a final SIP status means for the caller. */
export function endReasonForStatus(status: number): CallEndReason {
  if (status === 480 || status === 408) return 'no-agent';
  if (status === 486 || status === 600 || status === 603) return 'busy';
  if (status === 487) return 'local-hangup';
  return 'failed';
}
