/**
 * What a test server's store holds, read for assertions whichever dialect it
 * runs on. Writes the server makes without waiting (a call's record) are
 * waited for first.
 */
import type { TestServer } from './test-server.js';
import type { Tables } from '../../signaling/store/schema.js';
import type { CallRecord } from '../../signaling/store/call-store.js';

export async function countRows(server: TestServer, table: keyof Tables): Promise<number> {
  await server.services.stores.later.settled();
  const row = await server.services.stores.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The call records of an interaction, oldest first. */
export async function callRecords(server: TestServer, interactionId: string): Promise<CallRecord[]> {
  await server.services.stores.later.settled();
  return server.services.stores.calls.listForInteraction(interactionId);
}
