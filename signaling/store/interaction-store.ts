import { sql, type Selectable } from 'kysely';
import type { Db } from './database.js';
import type { InteractionsTable } from './schema.js';
import { greatest, least, type Dialect } from './dialect.js';
import type { ContextEnvelope } from '../../widgets/protocol/context-envelope.js';
import type { InteractionStatus } from '../../widgets/protocol/agent-server-messages.js';
import type { Receipt } from '../../widgets/protocol/wire-common.js';

export interface InteractionRecord {
  id: string;
  site: string;
  visitorId: string;
  channel: 'chat';
  status: InteractionStatus;
  agentId: string | null;
  context: ContextEnvelope;
  lastSeq: number;
  /** How far the visitor has received and read (the agent's messages). */
  visitorReceipt: Receipt;
  /** How far the agent has received and read (the visitor's messages). */
  agentReceipt: Receipt;
  createdAt: number;
  updatedAt: number;
  queuedAt: number | null;
  closedAt: number | null;
}

const toRecord = (row: Selectable<InteractionsTable>): InteractionRecord => ({
  id: row.id,
  site: row.site,
  visitorId: row.visitor_id,
  channel: row.channel,
  status: row.status as InteractionStatus,
  agentId: row.agent_id,
  context: JSON.parse(row.context) as ContextEnvelope,
  lastSeq: row.last_seq,
  visitorReceipt: { delivered: row.visitor_delivered_seq, read: row.visitor_read_seq },
  agentReceipt: { delivered: row.agent_delivered_seq, read: row.agent_read_seq },
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  queuedAt: row.queued_at,
  closedAt: row.closed_at,
});

/**
 * Sequence numbers are 32-bit integer columns. A client may send any
 * number where one is expected (the wire only asks for a whole one);
 * beyond the largest a column holds it means the same as that, and
 * PostgreSQL would refuse it as a parameter.
 */
export const MAX_SEQ = 2 ** 31 - 1;
export const clampSeq = (seq: number) => Math.min(Math.max(seq, 0), MAX_SEQ);

export interface StatusChange {
  status: InteractionStatus;
  agentId: string | null;
  queuedAt: number | null;
  closedAt: number | null;
  at: number;
}

export class InteractionStore {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  async insert(input: { id: string; site: string; tokenHash: string; visitorId: string; context: ContextEnvelope; at: number }) {
    await this.db
      .insertInto('interactions')
      .values({
        id: input.id,
        site: input.site,
        token_hash: input.tokenHash,
        visitor_id: input.visitorId,
        channel: 'chat',
        status: 'new',
        context: JSON.stringify(input.context),
        verified_user: verifiedUserOf(input.context),
        created_at: input.at,
        updated_at: input.at,
      })
      .execute();
  }

  async findById(id: string): Promise<InteractionRecord | undefined> {
    const row = await this.db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findByTokenHash(tokenHash: string): Promise<InteractionRecord | undefined> {
    const row = await this.db.selectFrom('interactions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Inside a transaction: holds the interaction's row until it ends, so
   * changes to one conversation (its next message, its status, its
   * attachments) happen one after the other. PostgreSQL locks the row; SQLite
   * needs nothing, its one connection running one transaction at a time.
   * Returns whether the interaction exists.
   */
  async lock(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('interactions')
      .select('id')
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    return row !== undefined;
  }

  async setStatus(id: string, change: StatusChange) {
    await this.db
      .updateTable('interactions')
      .set({ status: change.status, agent_id: change.agentId, queued_at: change.queuedAt, closed_at: change.closedAt, updated_at: change.at })
      .where('id', '=', id)
      .execute();
  }

  async setContext(id: string, context: ContextEnvelope, at: number) {
    await this.db
      .updateTable('interactions')
      .set({ context: JSON.stringify(context), verified_user: verifiedUserOf(context), updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** The site's other conversations with the same verified user, newest first. Never joined on anything a visitor can claim. */
  async listForVerifiedUser(site: string, user: string, exceptId: string, limit: number): Promise<InteractionRecord[]> {
    const rows = await this.db
      .selectFrom('interactions')
      .selectAll()
      .where('site', '=', site)
      .where('verified_user', '=', user)
      .where('id', '!=', exceptId)
      .where('verified_user', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  /**
   * Reserves the next sequence number; call inside the transaction that
   * inserts the message. One atomic UPDATE … RETURNING: in PostgreSQL it
   * takes the row's lock until the transaction ends, so numbers are unique
   * and, with the message's insert in the same transaction, without gaps.
   */
  async nextSeq(id: string, at: number): Promise<number> {
    const row = await this.db
      .updateTable('interactions')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: at }))
      .where('id', '=', id)
      .returning('last_seq')
      .executeTakeFirst();
    if (!row) throw new Error(`interaction ${id} does not exist`);
    return row.last_seq;
  }

  /** Receipts only move forward (the largest), and never past the last message. */
  async advanceReceipt(id: string, side: 'visitor' | 'agent', receipt: Receipt) {
    const [delivered, read] = side === 'visitor' ? (['visitor_delivered_seq', 'visitor_read_seq'] as const) : (['agent_delivered_seq', 'agent_read_seq'] as const);
    const d = this.dialect;
    const ref = (column: string) => sql<number>`${sql.ref(column)}`;
    await this.db
      .updateTable('interactions')
      .set({
        [delivered]: least(d, ref('last_seq'), greatest(d, ref(delivered), sql<number>`${clampSeq(receipt.delivered)}`, sql<number>`${clampSeq(receipt.read)}`)),
        [read]: least(d, ref('last_seq'), greatest(d, ref(read), sql<number>`${clampSeq(receipt.read)}`)),
      })
      .where('id', '=', id)
      .execute();
  }

  async listByStatus(status: InteractionStatus): Promise<InteractionRecord[]> {
    const rows = await this.db.selectFrom('interactions').selectAll().where('status', '=', status).orderBy('queued_at').orderBy('created_at').execute();
    return rows.map(toRecord);
  }

  async listActiveForAgent(agentId: string): Promise<InteractionRecord[]> {
    const rows = await this.db.selectFrom('interactions').selectAll().where('agent_id', '=', agentId).where('status', '=', 'active').orderBy('updated_at').execute();
    return rows.map(toRecord);
  }
}

/** The user id of a verified identity: what conversations are joined by across devices. */
function verifiedUserOf(context: ContextEnvelope): string | null {
  const identity = context.visitor.identity;
  return identity?.verified && identity.id ? identity.id : null;
}
