import type { Kysely } from 'kysely';

/**
 * Confirmed SIP dialogs of the embedded proxy: enough to route a call's
 * in-dialog requests after a restart (each side's owner, its name-addr with
 * tag, its remote target and last CSeq), once each party's phone has
 * reconnected. A row lives from the 2xx to the BYE.
 */
export async function up(db: Kysely<any>) {
  await db.schema
    .createTable('sip_dialogs')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('call_record_id', 'text', (c) => c.notNull())
    .addColumn('interaction_id', 'text', (c) => c.notNull().references('interactions.id').onDelete('cascade'))
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text')
    .addColumn('caller', 'text', (c) => c.notNull())
    .addColumn('callee', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
