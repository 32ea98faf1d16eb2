import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import type { WorkItemsTable } from './schema.js';
import type { ItemKind } from '../routing/priority-rules.js';
import { IllegalWorkItemTransitionError, OPEN_STATES, statesBefore, type WorkItemState } from '../routing/work-item-state.js';

/** Where the item stands: the one truth for waiting, offered and assigned (see routing/work-item-state.ts). */
export type WorkItemStatus = WorkItemState;

/** Details a kind of item carries: the phone number of a callback, the form of an offline message, the transfer. */
export interface WorkItemDetails {
  phone?: string;
  name?: string;
  contact?: string;
  /** A transfer: who sent it on, and how. */
  transfer?: { id: string; fromAgentId: string; fromAgent: string; mode: 'blind' | 'warm' };
}

export interface WorkItemRecord {
  id: string;
  interactionId: string;
  kind: ItemKind;
  queue: string;
  priority: number;
  status: WorkItemStatus;
  enqueuedAt: number;
  createdAt: number;
  targetAgent: string | null;
  notBefore: number | null;
  agentId: string | null;
  assignedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  attempts: number;
  details: WorkItemDetails;
}

const toRecord = (r: Selectable<WorkItemsTable>): WorkItemRecord => ({
  id: r.id,
  interactionId: r.interaction_id,
  kind: r.kind as ItemKind,
  queue: r.queue,
  priority: r.priority,
  status: r.status as WorkItemStatus,
  enqueuedAt: r.enqueued_at,
  createdAt: r.created_at,
  targetAgent: r.target_agent,
  notBefore: r.not_before,
  agentId: r.agent_id,
  assignedAt: r.assigned_at,
  endedAt: r.ended_at,
  endReason: r.end_reason,
  attempts: r.attempts,
  details: r.details ? (JSON.parse(r.details) as WorkItemDetails) : {},
});

export class WorkItemStore {
  constructor(private readonly db: Db) {}

  async insert(item: Omit<WorkItemRecord, 'status' | 'agentId' | 'assignedAt' | 'endedAt' | 'endReason'>) {
    await this.db
      .insertInto('work_items')
      .values({
        id: item.id,
        interaction_id: item.interactionId,
        kind: item.kind,
        queue: item.queue,
        priority: item.priority,
        status: 'waiting',
        enqueued_at: item.enqueuedAt,
        created_at: item.createdAt,
        target_agent: item.targetAgent,
        not_before: item.notBefore,
        attempts: item.attempts,
        details: JSON.stringify(item.details),
      })
      .execute();
  }

  async find(id: string): Promise<WorkItemRecord | undefined> {
    const row = await this.db.selectFrom('work_items').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Items not finished: what the engine takes back after a restart. */
  async listOpen(): Promise<WorkItemRecord[]> {
    const rows = await this.db.selectFrom('work_items').selectAll().where('status', 'in', [...OPEN_STATES]).orderBy('enqueued_at').execute();
    return rows.map(toRecord);
  }

  async listForInteraction(interactionId: string): Promise<WorkItemRecord[]> {
    return (await this.db.selectFrom('work_items').selectAll().where('interaction_id', '=', interactionId).orderBy('created_at').execute()).map(toRecord);
  }

  /**
   * Moves the item through its state machine: one UPDATE that only matches
   * from a state the table allows, so two writers cannot both move it from
   * the same state. Throws IllegalWorkItemTransitionError on a move the
   * table does not have (or an item that does not exist).
   */
  async move(id: string, to: WorkItemState, fields: { agentId?: string; assignedAt?: number; endedAt?: number; endReason?: string } = {}) {
    const result = await this.db
      .updateTable('work_items')
      .set({
        status: to,
        ...(fields.agentId !== undefined ? { agent_id: fields.agentId } : {}),
        ...(fields.assignedAt !== undefined ? { assigned_at: fields.assignedAt } : {}),
        ...(fields.endedAt !== undefined ? { ended_at: fields.endedAt } : {}),
        ...(fields.endReason !== undefined ? { end_reason: fields.endReason } : {}),
      })
      .where('id', '=', id)
      .where('status', 'in', statesBefore(to))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return;
    const current = await this.db.selectFrom('work_items').select('status').where('id', '=', id).executeTakeFirst();
    throw new IllegalWorkItemTransitionError(id, current?.status as WorkItemState | undefined, to);
  }

  async offered(id: string) {
    await this.move(id, 'offered');
  }

  /** Back in line (an offer declined, missed or withdrawn; a dialled callback after a restart). */
  async returned(id: string) {
    await this.move(id, 'waiting');
  }

  async assigned(id: string, agentId: string, at: number) {
    await this.move(id, 'assigned', { agentId, assignedAt: at });
  }

  async ended(id: string, status: 'done' | 'abandoned', at: number, reason: string) {
    await this.move(id, status, { endedAt: at, endReason: reason });
  }

  /** Words a finished item's end more exactly (a callback closed, then known to be unreached): no change of state. */
  async relabelEnd(id: string, reason: string) {
    await this.db.updateTable('work_items').set({ end_reason: reason }).where('id', '=', id).where('status', 'in', ['done', 'abandoned']).execute();
  }

  /** Handling times of the queue's last finished items, newest first (for wait estimates). */
  async recentHandleTimes(queue: string, limit = 20): Promise<number[]> {
    const rows = await this.db
      .selectFrom('work_items')
      .select((eb) => eb('ended_at', '-', eb.ref('assigned_at')).as('handle'))
      .where('queue', '=', queue)
      .where('status', '=', 'done')
      .where('assigned_at', 'is not', null)
      .where('end_reason', '=', 'done')
      .orderBy('ended_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.handle));
  }
}
