import type { Db } from './database.js';

export interface SessionRecord {
  id: string;
  agentId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  async insert(session: Omit<SessionRecord, 'revokedAt'>) {
    await this.db
      .insertInto('agent_sessions')
      .values({ id: session.id, agent_id: session.agentId, created_at: session.createdAt, expires_at: session.expiresAt })
      .execute();
  }

  async find(id: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('agent_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, agentId: row.agent_id, createdAt: row.created_at, expiresAt: row.expires_at, revokedAt: row.revoked_at };
  }

  async revoke(id: string, at: number): Promise<boolean> {
    const result = await this.db.updateTable('agent_sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Drops sessions that expired before `before`; they can no longer be used anyway. */
  async purgeExpired(before: number) {
    await this.db.deleteFrom('agent_sessions').where('expires_at', '<', before).execute();
  }
}
