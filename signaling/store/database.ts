/**
 * The embedded store: one SQLite file in WAL mode (better-sqlite3). Calls are
 * synchronous, which is what makes "store, then assign seq, then ack" a
 * single atomic step without locks: one Node process is the only writer.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(dataDir: string, file = 'warmline.db'): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(file === ':memory:' ? ':memory:' : join(dataDir, file));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a crash or kill of this process (the case a
  // restart is); only an OS crash or power loss can drop the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies the migrations not yet applied, tracked by SQLite's user_version. */
export function migrate(db: Db) {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The database is from a newer Warmline (schema ${current}; this version knows ${MIGRATIONS.length}).`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
