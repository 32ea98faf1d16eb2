import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import type { AttachmentsTable } from './schema.js';
import type { AttachmentType } from '../../widgets/protocol/wire-common.js';

/** What is known of an attached file; its bytes are in attachment_contents, read only to serve them. */
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

const toRecord = (r: Selectable<AttachmentsTable>): AttachmentRecord => ({
  id: r.id,
  interactionId: r.interaction_id,
  name: r.name,
  type: r.type as AttachmentType,
  size: r.size,
  createdAt: r.created_at,
});

export class AttachmentStore {
  constructor(private readonly db: Db) {}

  /** The record and its bytes together: a reader never finds one without the other. */
  async insert(record: AttachmentRecord, bytes: Uint8Array) {
    await this.db
      .insertInto('attachments')
      .values({ id: record.id, interaction_id: record.interactionId, name: record.name, type: record.type, size: record.size, created_at: record.createdAt })
      .execute();
    await this.insertBytes(record.id, bytes);
  }

  /** Bytes of an attachment whose record exists (an import of files an earlier version wrote). */
  async insertBytes(id: string, bytes: Uint8Array) {
    await this.db.insertInto('attachment_contents').values({ attachment_id: id, bytes }).execute();
  }

  async find(id: string): Promise<AttachmentRecord | undefined> {
    const row = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async bytesOf(id: string): Promise<Uint8Array | undefined> {
    return (await this.db.selectFrom('attachment_contents').select('bytes').where('attachment_id', '=', id).executeTakeFirst())?.bytes;
  }

  /** Attachments whose bytes are not in the database yet. */
  async listWithoutBytes(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .select('id')
      .where('id', 'not in', (eb) => eb.selectFrom('attachment_contents').select('attachment_id'))
      .execute();
    return rows.map((r) => r.id);
  }

  async countFor(interactionId: string): Promise<number> {
    const row = await this.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).where('interaction_id', '=', interactionId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Whether a message carries it already (an attachment is sent once). */
  async isUsed(record: Pick<AttachmentRecord, 'id' | 'interactionId'>): Promise<boolean> {
    // Within its conversation (a message carries only its own conversation's files): the messages' primary key narrows the search.
    const row = await this.db
      .selectFrom('messages')
      .select('seq')
      .where('interaction_id', '=', record.interactionId)
      .where('attachment_id', '=', record.id)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
