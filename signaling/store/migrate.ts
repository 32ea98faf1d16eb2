/**
 * Brings a database's schema up to date with Kysely's Migrator (its own
 * bookkeeping table, kysely_migration, and a lock so two nodes starting at
 * once do not both migrate).
 */
import { Migrator, sql, type Kysely } from 'kysely';
import { MIGRATIONS, migrationProvider } from './migrations.js';
import type { Dialect } from './dialect.js';

/**
 * SQLite files made before Kysely counted their migrations in user_version
 * (1 to 6, the same schema steps as 0001 to 0006 here). Such a file has them
 * recorded as applied, without running them again. Afterwards user_version
 * says this number, so that a Warmline of before refuses the file ("from a
 * newer Warmline") rather than writing to a schema it does not know.
 */
const LEGACY_VERSIONS = 6;
const KYSELY_USER_VERSION = 1000;

export async function migrate(db: Kysely<any>, dialect: Dialect) {
  if (dialect === 'sqlite') await adoptLegacySchema(db);
  const { error, results } = await new Migrator({ db, provider: migrationProvider() }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`The database could not be migrated${failed ? ` (${failed})` : ''}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (dialect === 'sqlite') await sql.raw(`PRAGMA user_version = ${KYSELY_USER_VERSION}`).execute(db);
}

async function adoptLegacySchema(db: Kysely<any>) {
  const version = (await sql<{ user_version: number }>`PRAGMA user_version`.execute(db)).rows[0]?.user_version ?? 0;
  if (version === 0 || version === KYSELY_USER_VERSION) return;
  if (version > LEGACY_VERSIONS) {
    throw new Error(`The database is from a newer Warmline (schema ${version}; this version knows ${LEGACY_VERSIONS} before Kysely).`);
  }
  // The steps the file has are recorded as done; running them would fail on tables that exist.
  const done = MIGRATIONS.slice(0, version).map(([name]) => [name, { up: async () => {} }] as const);
  const { error } = await new Migrator({ db, provider: migrationProvider(done) }).migrateTo(done.at(-1)![0]);
  if (error) throw error;
}
