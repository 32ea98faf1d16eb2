import type { Db } from './database.js';
import type { ItemKind } from '../routing/priority-rules.js';

export type WorkItemStatus = 'waiting' | 'offered' | 'assigned' | 'done' | 'abandoned';

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

interface Row {
  id: string;
  interaction_id: string;
  kind: ItemKind;
  queue: string;
  priority: number;
  status: WorkItemStatus;
  enqueued_at: number;
  created_at: number;
  target_agent: string | null;
  not_before: number | null;
  agent_id: string | null;
  assigned_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  attempts: number;
  details: string | null;
}

const toRecord = (r: Row): WorkItemRecord => ({
  id: r.id,
  interactionId: r.interaction_id,
  kind: r.kind,
  queue: r.queue,
  priority: r.priority,
  status: r.status,
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
  private readonly insertStmt;
  private readonly byId;
  private readonly openStmt;
  private readonly statusStmt;
  private readonly assignStmt;
  private readonly endStmt;
  private readonly forInteraction;
  private readonly recentHandled;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO work_items (id, interaction_id, kind, queue, priority, status, enqueued_at, created_at, target_agent, not_before, attempts, details)
       VALUES (@id, @interactionId, @kind, @queue, @priority, 'waiting', @enqueuedAt, @createdAt, @targetAgent, @notBefore, @attempts, @details)`,
    );
    this.byId = db.prepare<[string], Row>('SELECT * FROM work_items WHERE id = ?');
    this.openStmt = db.prepare<[], Row>("SELECT * FROM work_items WHERE status IN ('waiting', 'offered', 'assigned') ORDER BY enqueued_at");
    this.statusStmt = db.prepare('UPDATE work_items SET status = ? WHERE id = ?');
    this.assignStmt = db.prepare("UPDATE work_items SET status = 'assigned', agent_id = ?, assigned_at = ? WHERE id = ?");
    this.endStmt = db.prepare('UPDATE work_items SET status = ?, ended_at = ?, end_reason = ? WHERE id = ?');
    this.forInteraction = db.prepare<[string], Row>('SELECT * FROM work_items WHERE interaction_id = ? ORDER BY created_at');
    this.recentHandled = db.prepare<[string, number], { handle: number }>(
      "SELECT ended_at - assigned_at AS handle FROM work_items WHERE queue = ? AND status = 'done' AND assigned_at IS NOT NULL AND end_reason = 'done' ORDER BY ended_at DESC LIMIT ?",
    );
  }

  insert(item: Omit<WorkItemRecord, 'status' | 'agentId' | 'assignedAt' | 'endedAt' | 'endReason'>) {
    this.insertStmt.run({ ...item, details: JSON.stringify(item.details) });
  }

  find(id: string): WorkItemRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  /** Items not finished: what the engine takes back after a restart. */
  listOpen(): WorkItemRecord[] {
    return this.openStmt.all().map(toRecord);
  }

  listForInteraction(interactionId: string): WorkItemRecord[] {
    return this.forInteraction.all(interactionId).map(toRecord);
  }

  setStatus(id: string, status: WorkItemStatus) {
    this.statusStmt.run(status, id);
  }

  assigned(id: string, agentId: string, at: number) {
    this.assignStmt.run(agentId, at, id);
  }

  ended(id: string, status: 'done' | 'abandoned', at: number, reason: string) {
    this.endStmt.run(status, at, reason, id);
  }

  /** Handling times of the queue's last finished items, newest first (for wait estimates). */
  recentHandleTimes(queue: string, limit = 20): number[] {
    return this.recentHandled.all(queue, limit).map((r) => r.handle);
  }
}
