import type { Db } from './database.js';

export interface SessionRecord {
  id: string;
  agentId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

interface SessionRow {
  id: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export class SessionStore {
  private readonly insertStmt;
  private readonly byId;
  private readonly revokeStmt;
  private readonly purgeStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO agent_sessions (id, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.byId = db.prepare<[string], SessionRow>('SELECT * FROM agent_sessions WHERE id = ?');
    this.revokeStmt = db.prepare('UPDATE agent_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.purgeStmt = db.prepare('DELETE FROM agent_sessions WHERE expires_at < ?');
  }

  insert(session: Omit<SessionRecord, 'revokedAt'>) {
    this.insertStmt.run(session.id, session.agentId, session.createdAt, session.expiresAt);
  }

  find(id: string): SessionRecord | undefined {
    const row = this.byId.get(id);
    return row && { id: row.id, agentId: row.agent_id, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at };
  }

  revoke(id: string, at: number): boolean {
    return this.revokeStmt.run(at, id).changes > 0;
  }

  /** Drops sessions that expired before `before`; they can no longer be used anyway. */
  purgeExpired(before: number) {
    this.purgeStmt.run(before);
  }
}
