/**
 * The schema's migrations, in order, for both dialects (Kysely's Migrator
 * applies them: migrate.ts). Never edit one that has shipped; add the next.
 * Imported one by one rather than read from a folder, so the built server
 * carries them.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-agents-and-chats.js';
import * as m0002 from './migrations/0002-calls.js';
import * as m0003 from './migrations/0003-work-items-and-notes.js';
import * as m0004 from './migrations/0004-attachments-and-verified-users.js';
import * as m0005 from './migrations/0005-sip-dialogs.js';
import * as m0006 from './migrations/0006-agent-language.js';
import * as m0007 from './migrations/0007-portable-message-dedupe.js';
import * as m0008 from './migrations/0008-attachment-contents.js';
import * as m0009 from './migrations/0009-offers-live-on-work-items.js';

export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['0001-agents-and-chats', m0001],
  ['0002-calls', m0002],
  ['0003-work-items-and-notes', m0003],
  ['0004-attachments-and-verified-users', m0004],
  ['0005-sip-dialogs', m0005],
  ['0006-agent-language', m0006],
  ['0007-portable-message-dedupe', m0007],
  ['0008-attachment-contents', m0008],
  ['0009-offers-live-on-work-items', m0009],
];

export const migrationProvider = (migrations = MIGRATIONS): MigrationProvider => ({
  getMigrations: async () => Object.fromEntries(migrations),
});
