/**
 * Opens the store: PostgreSQL when `database.url` names one (several nodes
 * share it), else the embedded SQLite file in the data directory (one node,
 * nothing to run). Both through Kysely, with one schema and one set of
 * migrations (migrate.ts); the stores never know which it is, but for the
 * few words that differ (dialect.ts).
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Tables } from './schema.js';
import type { Dialect } from './dialect.js';
import { migrate } from './migrate.js';

export type Db = Kysely<Tables>;

export interface Database {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://…: PostgreSQL; absent: SQLite in `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  /** The SQLite file in `dataDir` (':memory:' for none). */
  file?: string;
  /** Told of a pooled PostgreSQL connection that failed while idle (the pool replaces it). */
  onIdleError?: (err: Error) => void;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const opened = options.url ? openPostgres(options.url, options.onIdleError) : openSqlite(options.dataDir, options.file ?? 'warmline.db');
  try {
    await migrate(opened.db, opened.dialect);
  } catch (err) {
    await opened.close();
    throw err;
  }
  return opened;
}

/**
 * One connection in WAL mode. Kysely runs its queries one at a time over it,
 * so a transaction is never interleaved with another statement.
 */
function openSqlite(dataDir: string, file: string): Database {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new SQLite(file === ':memory:' ? ':memory:' : join(dataDir, file));
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a crash or kill of this process (the case a
  // restart is); only an OS crash or power loss can drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely's SQLite driver prepares every statement anew on each execution;
 * preparing costs more than running most of ours. The queries are few and
 * fixed (built from code, values as parameters), so each SQL text is
 * prepared once and its statement reused: better-sqlite3's statements are
 * made for that.
 */
const MAX_CACHED_STATEMENTS = 500;

function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        // A query with a list of values has one text per length: bound the cache all the same.
        if (statements.size >= MAX_CACHED_STATEMENTS) statements.clear();
        statements.set(text, (statement = sqlite.prepare(text)));
      }
      return statement;
    },
  };
}

/** bigint columns (times in ms, counts) come back as numbers: all of them fit in 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string, onIdleError: (err: Error) => void = () => {}): Database {
  const pool = new pg.Pool({ connectionString: url, types, max: 10 });
  // Without a listener an idle connection's error (PostgreSQL restarting) would end the process.
  pool.on('error', onIdleError);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
