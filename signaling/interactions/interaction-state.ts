/**
 * The life of a conversation, as one explicit state machine. Only the
 * conversation's own: whether its work is waiting in line, offered to an
 * agent or assigned is the work item's (routing/work-item-state.ts).
 *
 * ```
 *            first message                 an agent takes it
 *   new ─────────────────▶ queued ─────────────────────────────▶ active
 *    │                      ▲  │  ◀── blind transfer, agent gone ──  │
 *    │                      │  └──── close, abandoned ─────┐         │ close
 *    │                      │                              ▼         ▼
 *    └────── close ─────────┼───────────────────────────▶ closed ◀───┘
 *                           │                              │
 *                           └──── visitor writes again ────┘
 * ```
 */
import type { InteractionStatus } from '../../widgets/protocol/agent-server-messages.js';

const ALLOWED: Record<InteractionStatus, readonly InteractionStatus[]> = {
  new: ['queued', 'closed'],
  queued: ['active', 'closed'],
  active: ['closed', 'queued'],
  closed: ['queued'],
};

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: InteractionStatus,
    readonly to: InteractionStatus,
  ) {
    super(`An interaction cannot go from ${from} to ${to}.`);
  }
}

export function canTransition(from: InteractionStatus, to: InteractionStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: InteractionStatus, to: InteractionStatus) {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}
