import type { Db } from './database.js';
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

interface InteractionRow {
  id: string;
  site: string;
  token_hash: string;
  visitor_id: string;
  channel: 'chat';
  status: InteractionStatus;
  agent_id: string | null;
  context: string;
  last_seq: number;
  visitor_delivered_seq: number;
  visitor_read_seq: number;
  agent_delivered_seq: number;
  agent_read_seq: number;
  created_at: number;
  updated_at: number;
  queued_at: number | null;
  closed_at: number | null;
}

const toRecord = (row: InteractionRow): InteractionRecord => ({
  id: row.id,
  site: row.site,
  visitorId: row.visitor_id,
  channel: row.channel,
  status: row.status,
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

export interface StatusChange {
  status: InteractionStatus;
  agentId: string | null;
  queuedAt: number | null;
  closedAt: number | null;
  at: number;
}

export class InteractionStore {
  private readonly insertStmt;
  private readonly byId;
  private readonly byToken;
  private readonly statusStmt;
  private readonly contextStmt;
  private readonly seqStmt;
  private readonly visitorReceiptStmt;
  private readonly agentReceiptStmt;
  private readonly byStatusStmt;
  private readonly forAgentStmt;
  private readonly historyStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO interactions (id, site, token_hash, visitor_id, channel, status, context, verified_user, created_at, updated_at)
       VALUES (@id, @site, @tokenHash, @visitorId, 'chat', 'new', @context, @verifiedUser, @at, @at)`,
    );
    this.byId = db.prepare<[string], InteractionRow>('SELECT * FROM interactions WHERE id = ?');
    this.byToken = db.prepare<[string], InteractionRow>('SELECT * FROM interactions WHERE token_hash = ?');
    this.statusStmt = db.prepare(
      'UPDATE interactions SET status = @status, agent_id = @agentId, queued_at = @queuedAt, closed_at = @closedAt, updated_at = @at WHERE id = @id',
    );
    this.contextStmt = db.prepare('UPDATE interactions SET context = ?, verified_user = ?, updated_at = ? WHERE id = ?');
    this.historyStmt = db.prepare<[string, string, string, number], InteractionRow>(
      `SELECT * FROM interactions WHERE site = ? AND verified_user = ? AND id != ? AND verified_user IS NOT NULL
       ORDER BY created_at DESC LIMIT ?`,
    );
    this.seqStmt = db.prepare<[number, string], { last_seq: number }>(
      'UPDATE interactions SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq',
    );
    // Receipts only move forward (max), and never past the last message.
    this.visitorReceiptStmt = db.prepare(
      `UPDATE interactions SET
         visitor_delivered_seq = min(last_seq, max(visitor_delivered_seq, @delivered, @read)),
         visitor_read_seq = min(last_seq, max(visitor_read_seq, @read))
       WHERE id = @id`,
    );
    this.agentReceiptStmt = db.prepare(
      `UPDATE interactions SET
         agent_delivered_seq = min(last_seq, max(agent_delivered_seq, @delivered, @read)),
         agent_read_seq = min(last_seq, max(agent_read_seq, @read))
       WHERE id = @id`,
    );
    this.byStatusStmt = db.prepare<[string], InteractionRow>('SELECT * FROM interactions WHERE status = ? ORDER BY queued_at, created_at');
    this.forAgentStmt = db.prepare<[string], InteractionRow>(
      "SELECT * FROM interactions WHERE agent_id = ? AND status = 'active' ORDER BY updated_at",
    );
  }

  insert(input: { id: string; site: string; tokenHash: string; visitorId: string; context: ContextEnvelope; at: number }) {
    this.insertStmt.run({ ...input, context: JSON.stringify(input.context), verifiedUser: verifiedUserOf(input.context) });
  }

  findById(id: string): InteractionRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  findByTokenHash(tokenHash: string): InteractionRecord | undefined {
    const row = this.byToken.get(tokenHash);
    return row && toRecord(row);
  }

  setStatus(id: string, change: StatusChange) {
    this.statusStmt.run({ id, ...change });
  }

  setContext(id: string, context: ContextEnvelope, at: number) {
    this.contextStmt.run(JSON.stringify(context), verifiedUserOf(context), at, id);
  }

  /** The site's other conversations with the same verified user, newest first. Never joined on anything a visitor can claim. */
  listForVerifiedUser(site: string, user: string, exceptId: string, limit: number): InteractionRecord[] {
    return this.historyStmt.all(site, user, exceptId, limit).map(toRecord);
  }

  /** Reserves the next sequence number; call inside the transaction that inserts the message. */
  nextSeq(id: string, at: number): number {
    const row = this.seqStmt.get(at, id);
    if (!row) throw new Error(`interaction ${id} does not exist`);
    return row.last_seq;
  }

  advanceReceipt(id: string, side: 'visitor' | 'agent', receipt: Receipt) {
    (side === 'visitor' ? this.visitorReceiptStmt : this.agentReceiptStmt).run({ id, ...receipt });
  }

  listByStatus(status: InteractionStatus): InteractionRecord[] {
    return this.byStatusStmt.all(status).map(toRecord);
  }

  listActiveForAgent(agentId: string): InteractionRecord[] {
    return this.forAgentStmt.all(agentId).map(toRecord);
  }
}

/** The user id of a verified identity: what conversations are joined by across devices. */
function verifiedUserOf(context: ContextEnvelope): string | null {
  const identity = context.visitor.identity;
  return identity?.verified && identity.id ? identity.id : null;
}
