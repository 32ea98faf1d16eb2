import type { Db } from './database.js';

export type CallStatus = 'ringing' | 'answered' | 'ended';

/** Why a call ended, as the visitor's widget and reports name it. */
export type CallEndReason =
  | 'hangup-visitor'
  | 'hangup-agent'
  | 'cancelled'
  | 'no-agent'
  | 'declined'
  | 'no-answer'
  | 'connection-lost'
  | 'rejected';

export interface CallRecord {
  id: string;
  interactionId: string;
  sipCallId: string;
  queue: string;
  agentId: string | null;
  status: CallStatus;
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: CallEndReason | null;
}

interface CallRow {
  id: string;
  interaction_id: string;
  sip_call_id: string;
  queue: string;
  agent_id: string | null;
  status: CallStatus;
  created_at: number;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: CallEndReason | null;
}

const toRecord = (r: CallRow): CallRecord => ({
  id: r.id,
  interactionId: r.interaction_id,
  sipCallId: r.sip_call_id,
  queue: r.queue,
  agentId: r.agent_id,
  status: r.status,
  createdAt: r.created_at,
  answeredAt: r.answered_at,
  endedAt: r.ended_at,
  endReason: r.end_reason,
});

export class CallStore {
  private readonly insertStmt;
  private readonly answerStmt;
  private readonly endStmt;
  private readonly byId;
  private readonly forInteraction;
  private readonly endOpenStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      "INSERT INTO calls (id, interaction_id, sip_call_id, queue, status, created_at) VALUES (@id, @interactionId, @sipCallId, @queue, 'ringing', @createdAt)",
    );
    this.answerStmt = db.prepare("UPDATE calls SET status = 'answered', agent_id = ?, answered_at = ? WHERE id = ? AND status = 'ringing'");
    this.endStmt = db.prepare("UPDATE calls SET status = 'ended', ended_at = ?, end_reason = ? WHERE id = ? AND status != 'ended'");
    this.byId = db.prepare<[string], CallRow>('SELECT * FROM calls WHERE id = ?');
    this.forInteraction = db.prepare<[string], CallRow>('SELECT * FROM calls WHERE interaction_id = ? ORDER BY created_at');
    this.endOpenStmt = db.prepare(
      "UPDATE calls SET status = 'ended', ended_at = ?, end_reason = 'connection-lost' WHERE status != 'ended' AND id NOT IN (SELECT call_record_id FROM sip_dialogs)",
    );
  }

  insert(call: { id: string; interactionId: string; sipCallId: string; queue: string; createdAt: number }) {
    this.insertStmt.run(call);
  }

  answered(id: string, agentId: string, at: number) {
    this.answerStmt.run(agentId, at, id);
  }

  ended(id: string, at: number, reason: CallEndReason) {
    this.endStmt.run(at, reason, id);
  }

  find(id: string): CallRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  listForInteraction(interactionId: string): CallRecord[] {
    return this.forInteraction.all(interactionId).map(toRecord);
  }

  /**
   * At start: calls left open by a previous process that were not yet
   * answered did not survive it (their transactions are gone); answered
   * ones whose dialog is kept wait for their phones to come back.
   */
  endAllOpen(at: number) {
    this.endOpenStmt.run(at);
  }
}
