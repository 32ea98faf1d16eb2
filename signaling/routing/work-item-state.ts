/**
 * The life of a work item — one chat, call, callback or offline message
 * waiting for an agent — as one explicit state machine. The work item is
 * the one truth for where the work stands in the queue; the interaction
 * keeps only the conversation's own life (interactions/interaction-state.ts).
 *
 * ```
 *              offer                    accept
 *   waiting ───────────▶ offered ───────────────▶ assigned
 *    ▲  │ ▲                 │ │                    │  │
 *    │  │ └─ decline, ──────┘ │                    │  │ done, transferred,
 *    │  │    timeout, away    │                    │  │ closed
 *    │  │                     │ abandoned, closed  │  ▼
 *    │  └── abandoned, ───────┴───────────────▶ done / abandoned
 *    │      closed, transferred                    │
 *    └──────────── restart (a callback being dialled) ┘
 *   waiting ──late answer──▶ assigned   (a call answered as its offer ended)
 * ```
 *
 * - `waiting → assigned`: a phone's 200 OK that crossed the CANCEL of its
 *   timed-out offer still sets the call up (RFC 3261 §9.1); the call is
 *   that agent's though it was back in line.
 * - `assigned → waiting`: only at start, for a callback an agent was
 *   dialling when the process stopped: nobody knows whether the call was
 *   made, so it waits again with its place.
 * - A transfer never moves an item back: the held item ends (`done`,
 *   reason `transferred`) and a new one waits with the old one's place.
 * - `done` and `abandoned` are final.
 */

export type WorkItemState = 'waiting' | 'offered' | 'assigned' | 'done' | 'abandoned';

export const WORK_ITEM_TRANSITIONS: Readonly<Record<WorkItemState, readonly WorkItemState[]>> = {
  waiting: ['offered', 'assigned', 'done', 'abandoned'],
  offered: ['waiting', 'assigned', 'done', 'abandoned'],
  assigned: ['waiting', 'done', 'abandoned'],
  done: [],
  abandoned: [],
};

/** Not finished: in line, offered, or with an agent. */
export const OPEN_STATES: readonly WorkItemState[] = ['waiting', 'offered', 'assigned'];

export class IllegalWorkItemTransitionError extends Error {
  override readonly name = 'IllegalWorkItemTransitionError';
  constructor(
    readonly itemId: string,
    readonly from: WorkItemState | undefined,
    readonly to: WorkItemState,
  ) {
    super(from ? `Work item ${itemId} cannot go from ${from} to ${to}.` : `Work item ${itemId} does not exist (to ${to}).`);
  }
}

export function canMove(from: WorkItemState, to: WorkItemState): boolean {
  return WORK_ITEM_TRANSITIONS[from].includes(to);
}

/** The states an item may be in to move to `to`. */
export function statesBefore(to: WorkItemState): WorkItemState[] {
  return (Object.keys(WORK_ITEM_TRANSITIONS) as WorkItemState[]).filter((from) => canMove(from, to));
}

/** Throws unless `from → to` is in the table. */
export function assertMove(itemId: string, from: WorkItemState, to: WorkItemState) {
  if (!canMove(from, to)) throw new IllegalWorkItemTransitionError(itemId, from, to);
}
