/**
 * The life of an interaction, as one explicit state machine.
 *
 * ```
 *            first message            offer                accept
 *   new ─────────────────▶ queued ─────────────▶ offered ─────────────▶ active
 *    │                      ▲  │                  │  │                    │
 *    │                      │  └── close ──┐      │  └── close ──┐        │ close
 *    │                      └──────────────┼──────┘ decline,       │        │
 *    │                      │              │        timeout,       │        ▼
 *    └────── close ─────────┼──────────────┴──────── agent away ───┴──▶ closed
 *                           │                                             │
 *                           └──────────── visitor writes again ───────────┘
 * ```
 * (`active → queued` also happens when the agent's session ends for good.)
 */
import type { InteractionStatus } from '../../widgets/protocol/agent-server-messages.js';

const ALLOWED: Record<InteractionStatus, readonly InteractionStatus[]> = {
  new: ['queued', 'closed'],
  queued: ['offered', 'closed'],
  offered: ['active', 'queued', 'closed'],
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
