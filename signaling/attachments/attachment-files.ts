/**
 * The bytes of attachments: one file per attachment in `<dataDir>/attachments`,
 * named by its random id alone. The directory is outside anything the server
 * serves statically (dist/, demo/); the only way to a file is the
 * attachment route, which checks who is asking.
 */
import type { ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Ids are made by newId('at'); anything else never reaches the file system. */
const ID = /^at_[A-Za-z0-9_-]{8,64}$/;

export class AttachmentFiles {
  readonly dir: string;
  private ready: Promise<unknown> | undefined;

  constructor(dataDir: string) {
    this.dir = resolve(dataDir, 'attachments');
  }

  /**
   * Writes a file atomically: to a temporary name in the same directory,
   * then renamed into place, so a reader or a crash never sees half a file.
   * Owner-only permissions: nothing else on the machine needs to read them.
   */
  async write(id: string, bytes: Uint8Array) {
    const path = this.path(id);
    this.ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.ready;
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, bytes, { mode: 0o600, flag: 'wx' });
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Opens the file first, so a missing one fails here (where the route can answer) rather than mid-response. */
  async open(id: string): Promise<ReadStream> {
    const handle = await open(this.path(id), 'r');
    return handle.createReadStream();
  }

  async remove(id: string) {
    await rm(this.path(id), { force: true });
  }

  private path(id: string): string {
    if (!ID.test(id)) throw new Error(`not an attachment id: ${id}`);
    return join(this.dir, id);
  }
}
