import { sql, type Kysely } from 'kysely';

/**
 * What is known of the files a visitor attaches in a chat (their bytes: 0008),
 * and the site's user id of an identity the server verified: conversations
 * are joined across devices by it, and by nothing a visitor can claim.
 */
export async function up(db: Kysely<any>) {
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('interaction_id', 'text', (c) => c.notNull().references('interactions.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_by_interaction').on('attachments').column('interaction_id').execute();
  await db.schema.alterTable('messages').addColumn('attachment_id', 'text', (c) => c.references('attachments.id')).execute();

  await db.schema.alterTable('interactions').addColumn('verified_user', 'text').execute();
  await db.schema
    .createIndex('interactions_by_verified_user')
    .on('interactions')
    .columns(['site', 'verified_user', 'created_at'])
    .where(sql.ref('verified_user'), 'is not', null)
    .execute();
}
