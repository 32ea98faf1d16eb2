import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * Work items: what the routing engine queues (a chat, a call, a callback, an
 * offline message), kept so the queue survives a restart and the day can be
 * counted. Notes agents write about an interaction (with a transfer, or at wrap-up).
 */
export async function up(db: Kysely<any>) {
  await db.schema
    .createTable('work_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('interaction_id', 'text', (c) => c.notNull().references('interactions.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('enqueued_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('target_agent', 'text')
    .addColumn('not_before', 'bigint')
    .addColumn('agent_id', 'text')
    .addColumn('assigned_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('work_items_open').on('work_items').column('status').execute();
  await db.schema.createIndex('work_items_by_interaction').on('work_items').columns(['interaction_id', 'created_at']).execute();

  await db.schema
    .createTable('notes')
    // Numbered in the order written: notes of the same millisecond keep it.
    .addColumn('id', 'integer', (c) => (dialectOf(db) === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('interaction_id', 'text', (c) => c.notNull().references('interactions.id').onDelete('cascade'))
    .addColumn('agent_id', 'text')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notes_by_interaction').on('notes').columns(['interaction_id', 'created_at']).execute();
}
