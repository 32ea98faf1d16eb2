import { sql, type Kysely } from 'kysely';

/**
 * Data directories made before Kysely have the dedupe index over SQLite's
 * ifnull(); the one query both dialects share says coalesce(), which such an
 * index does not serve. Rebuilt in those words (a no-op elsewhere, in effect).
 */
export async function up(db: Kysely<any>) {
  await db.schema.dropIndex('messages_dedupe').ifExists().execute();
  await db.schema
    .createIndex('messages_dedupe')
    .unique()
    .on('messages')
    .expression(sql`interaction_id, sender, coalesce(agent_id, ''), client_id`)
    .where(sql.ref('client_id'), 'is not', null)
    .execute();
}
