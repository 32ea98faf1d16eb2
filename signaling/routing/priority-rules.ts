/**
 * Priority from configurable rules: each rule whose conditions all hold
 * adds its value; the queue serves the highest total first, then the
 * longest waiting. For example a verified customer (+10) or a cart worth
 * 200 or more (+5).
 */
import type { ContextEnvelope } from '../../widgets/protocol/context-envelope.js';

export type ItemKind = 'chat' | 'call' | 'callback' | 'offline';

export interface PriorityRule {
  when: {
    verified?: boolean;
    cartTotalAtLeast?: number;
    queue?: string;
    kind?: ItemKind;
    /** Custom context fields that must have these values. */
    custom?: Record<string, string | number | boolean>;
  };
  add: number;
}

export function priorityOf(rules: readonly PriorityRule[], item: { queue: string; kind: ItemKind }, context: ContextEnvelope): number {
  let priority = 0;
  for (const { when, add } of rules) {
    if (when.verified !== undefined && (context.visitor.identity?.verified ?? false) !== when.verified) continue;
    if (when.cartTotalAtLeast !== undefined && !((context.cart?.total ?? 0) >= when.cartTotalAtLeast)) continue;
    if (when.queue !== undefined && item.queue !== when.queue) continue;
    if (when.kind !== undefined && item.kind !== when.kind) continue;
    if (when.custom && !Object.entries(when.custom).every(([k, v]) => context.custom?.[k] === v)) continue;
    priority += add;
  }
  return priority;
}
