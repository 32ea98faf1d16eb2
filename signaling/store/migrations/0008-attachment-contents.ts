import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * The bytes of attachments, in the database rather than in files of one
 * node's data directory, so every node serving a conversation can read them
 * (docs/operations.md). Files an earlier version wrote are moved in at start
 * (attachments/import-attachment-files.ts).
 */
export async function up(db: Kysely<any>) {
  await db.schema
    .createTable('attachment_contents')
    .addColumn('attachment_id', 'text', (c) => c.primaryKey().references('attachments.id').onDelete('cascade'))
    .addColumn('bytes', dialectOf(db) === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
}
