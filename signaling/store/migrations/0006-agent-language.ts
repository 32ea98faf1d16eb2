import type { Kysely } from 'kysely';

/** The language an agent chose for their console (a BCP 47 tag); null: their browser's. */
export async function up(db: Kysely<any>) {
  await db.schema.alterTable('agents').addColumn('language', 'text').execute();
}
