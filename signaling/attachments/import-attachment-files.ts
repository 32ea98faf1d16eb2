/**
 * Before the store went through Kysely, attachments' bytes were files in
 * `<dataDir>/attachments`, which only the node that wrote them could read.
 * At start their bytes move into the database (attachment_contents), each
 * file removed once its bytes are committed; the folder goes once empty. A
 * file missing is left as it is: that attachment answers "not found", as it
 * did before.
 */
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Stores } from '../store/stores.js';

/** Ids are made by newId('at'); anything else never reaches the file system. */
const ID = /^at_[A-Za-z0-9_-]{8,64}$/;

export async function importAttachmentFiles(stores: Stores, dataDir: string): Promise<number> {
  const dir = resolve(dataDir, 'attachments');
  let imported = 0;
  for (const id of await stores.attachments.listWithoutBytes()) {
    if (!ID.test(id)) continue;
    const path = join(dir, id);
    const bytes = await readFile(path).catch(() => undefined);
    if (!bytes) continue;
    await stores.attachments.insertBytes(id, bytes);
    await rm(path, { force: true });
    imported++;
  }
  // Only when empty: anything else in it is not ours to delete.
  await rmdir(dir).catch(() => {});
  return imported;
}
