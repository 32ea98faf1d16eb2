import type { Db } from './database.js';
import type { AttachmentType } from '../../widgets/protocol/wire-common.js';

/** What is known of an attached file; its bytes are a file named by `id` (attachments/attachment-files.ts). */
export interface AttachmentRecord {
  id: string;
  interactionId: string;
  /** Sanitized for display; never part of a path. */
  name: string;
  /** Sniffed from the content. */
  type: AttachmentType;
  size: number;
  createdAt: number;
}

interface Row {
  id: string;
  interaction_id: string;
  name: string;
  type: AttachmentType;
  size: number;
  created_at: number;
}

const toRecord = (r: Row): AttachmentRecord => ({
  id: r.id,
  interactionId: r.interaction_id,
  name: r.name,
  type: r.type,
  size: r.size,
  createdAt: r.created_at,
});

export class AttachmentStore {
  private readonly insertStmt;
  private readonly deleteStmt;
  private readonly byId;
  private readonly countStmt;
  private readonly usedStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO attachments (id, interaction_id, name, type, size, created_at) VALUES (@id, @interactionId, @name, @type, @size, @createdAt)',
    );
    this.deleteStmt = db.prepare('DELETE FROM attachments WHERE id = ?');
    this.byId = db.prepare<[string], Row>('SELECT * FROM attachments WHERE id = ?');
    this.countStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM attachments WHERE interaction_id = ?');
    // Within its conversation (a message carries only its own conversation's files): the messages' primary key narrows the search.
    this.usedStmt = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM messages WHERE interaction_id = ? AND attachment_id = ?');
  }

  insert(record: AttachmentRecord) {
    this.insertStmt.run(record);
  }

  delete(id: string) {
    this.deleteStmt.run(id);
  }

  find(id: string): AttachmentRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  countFor(interactionId: string): number {
    return this.countStmt.get(interactionId)?.n ?? 0;
  }

  /** Whether a message carries it already (an attachment is sent once). */
  isUsed(record: Pick<AttachmentRecord, 'id' | 'interactionId'>): boolean {
    return (this.usedStmt.get(record.interactionId, record.id)?.n ?? 0) > 0;
  }
}
