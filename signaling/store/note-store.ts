import type { Db } from './database.js';

export interface NoteRecord {
  interactionId: string;
  agentId: string | null;
  author: string;
  body: string;
  createdAt: number;
}

interface Row {
  interaction_id: string;
  agent_id: string | null;
  author: string;
  body: string;
  created_at: number;
}

export class NoteStore {
  private readonly insertStmt;
  private readonly forInteraction;

  constructor(db: Db) {
    this.insertStmt = db.prepare('INSERT INTO notes (interaction_id, agent_id, author, body, created_at) VALUES (@interactionId, @agentId, @author, @body, @createdAt)');
    this.forInteraction = db.prepare<[string], Row>('SELECT * FROM notes WHERE interaction_id = ? ORDER BY created_at, id');
  }

  insert(note: NoteRecord) {
    this.insertStmt.run(note);
  }

  listFor(interactionId: string): NoteRecord[] {
    return this.forInteraction.all(interactionId).map((r) => ({
      interactionId: r.interaction_id,
      agentId: r.agent_id,
      author: r.author,
      body: r.body,
      createdAt: r.created_at,
    }));
  }
}
