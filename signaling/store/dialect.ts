/**
 * The few places the two dialects differ, each named once: everything else
 * is the same Kysely query for SQLite and PostgreSQL.
 */
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** The largest of its arguments: SQLite's multi-argument max(), PostgreSQL's greatest(). */
export function greatest(dialect: Dialect, ...values: RawBuilder<number>[]): RawBuilder<number> {
  const list = sql.join(values);
  return dialect === 'postgres' ? sql<number>`greatest(${list})` : sql<number>`max(${list})`;
}

/** The smallest of its arguments: SQLite's multi-argument min(), PostgreSQL's least(). */
export function least(dialect: Dialect, ...values: RawBuilder<number>[]): RawBuilder<number> {
  const list = sql.join(values);
  return dialect === 'postgres' ? sql<number>`least(${list})` : sql<number>`min(${list})`;
}
