import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import type { CallsTable } from './schema.js';

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

const toRecord = (r: Selectable<CallsTable>): CallRecord => ({
  id: r.id,
  interactionId: r.interaction_id,
  sipCallId: r.sip_call_id,
  queue: r.queue,
  agentId: r.agent_id,
  status: r.status as CallStatus,
  createdAt: r.created_at,
  answeredAt: r.answered_at,
  endedAt: r.ended_at,
  endReason: r.end_reason as CallEndReason | null,
});

export class CallStore {
  constructor(private readonly db: Db) {}

  async insert(call: { id: string; interactionId: string; sipCallId: string; queue: string; createdAt: number }) {
    await this.db
      .insertInto('calls')
      .values({ id: call.id, interaction_id: call.interactionId, sip_call_id: call.sipCallId, queue: call.queue, status: 'ringing', created_at: call.createdAt })
      .execute();
  }

  async answered(id: string, agentId: string, at: number) {
    await this.db.updateTable('calls').set({ status: 'answered', agent_id: agentId, answered_at: at }).where('id', '=', id).where('status', '=', 'ringing').execute();
  }

  async ended(id: string, at: number, reason: CallEndReason) {
    await this.db.updateTable('calls').set({ status: 'ended', ended_at: at, end_reason: reason }).where('id', '=', id).where('status', '!=', 'ended').execute();
  }

  async find(id: string): Promise<CallRecord | undefined> {
    const row = await this.db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async listForInteraction(interactionId: string): Promise<CallRecord[]> {
    return (await this.db.selectFrom('calls').selectAll().where('interaction_id', '=', interactionId).orderBy('created_at').execute()).map(toRecord);
  }

  /**
   * At start: calls left open by a previous process that were not yet
   * answered did not survive it (their transactions are gone); answered
   * ones whose dialog is kept wait for their phones to come back.
   */
  async endAllOpen(at: number) {
    await this.db
      .updateTable('calls')
      .set({ status: 'ended', ended_at: at, end_reason: 'connection-lost' })
      .where('status', '!=', 'ended')
      .where('id', 'not in', (eb) => eb.selectFrom('sip_dialogs').select('call_record_id'))
      .execute();
  }
}
