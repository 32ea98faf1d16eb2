import type { Db } from './database.js';

export interface NoteRecord {
  interactionId: string;
  agentId: string | null;
  author: string;
  body: string;
  createdAt: number;
}

export class NoteStore {
  constructor(private readonly db: Db) {}

  async insert(note: NoteRecord) {
    await this.db
      .insertInto('notes')
      .values({ interaction_id: note.interactionId, agent_id: note.agentId, author: note.author, body: note.body, created_at: note.createdAt })
      .execute();
  }

  async listFor(interactionId: string): Promise<NoteRecord[]> {
    const rows = await this.db.selectFrom('notes').selectAll().where('interaction_id', '=', interactionId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ interactionId: r.interaction_id, agentId: r.agent_id, author: r.author, body: r.body, createdAt: r.created_at }));
  }
}
