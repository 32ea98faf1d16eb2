import type { Kysely } from 'kysely';

/**
 * An offer is a work item's state only (routing/work-item-state.ts): an
 * interaction no longer has an `offered` status. A conversation stored as
 * offered had no agent yet: it is `queued` again, and the work item keeps
 * where it stands in line.
 */
export async function up(db: Kysely<any>) {
  await db.updateTable('interactions').set({ status: 'queued' }).where('status', '=', 'offered').execute();
}
