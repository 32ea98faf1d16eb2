import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { MIGRATIONS as LEGACY_MIGRATIONS } from '../fixtures/legacy-migrations.js';
import { openDatabase, type Database } from '../../signaling/store/database.js';
import { Stores } from '../../signaling/store/stores.js';
import { MIGRATIONS } from '../../signaling/store/migrations.js';
import { importAttachmentFiles } from '../../signaling/attachments/import-attachment-files.js';
import { sampleContext } from '../support/fixtures.js';

/** The old code's migrate(): its schema steps, counted in user_version (signaling/store/database.ts before Kysely). */
function legacyMigrate(db: SQLite.Database) {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LEGACY_MIGRATIONS.length) throw new Error(`The database is from a newer Warmline (schema ${current}; this version knows ${LEGACY_MIGRATIONS.length}).`);
  for (let version = current; version < LEGACY_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(LEGACY_MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0f0a9a10000000049454e44ae426082', 'hex');
/** As stored: the server had verified this visitor's identity. */
const context = { ...sampleContext(), visitor: { id: 'visitor-old', identity: { id: 'user-7', name: 'Jamie', verified: true } } };

/** A data directory as the version before Kysely left it: every table with rows, and an attachment's file. */
function legacyDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'warmline-upgrade-'));
  const db = new SQLite(join(dataDir, 'warmline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  legacyMigrate(db);
  db.exec(`
    INSERT INTO agents (id, username, display_name, password_hash, presence, created_at, language)
      VALUES ('ag_alice', 'alice', 'Alice Martin', 'scrypt$16384$8$1$salt$hash', 'away', 1700000000000, 'zh-Hans');
    INSERT INTO agent_sessions (id, agent_id, created_at, expires_at) VALUES ('se_1', 'ag_alice', 1700000000000, 4000000000000);
  `);
  db.prepare(
    `INSERT INTO interactions (id, site, token_hash, visitor_id, channel, status, agent_id, context, last_seq, visitor_delivered_seq, visitor_read_seq,
       agent_delivered_seq, agent_read_seq, created_at, updated_at, queued_at, closed_at, verified_user)
     VALUES ('in_old', 'demo', 'hash-of-token', 'visitor-old', 'chat', 'active', 'ag_alice', ?, 3, 2, 1, 3, 3, 1700000001000, 1700000005000, 1700000001500, NULL, 'user-7')`,
  ).run(JSON.stringify(context));
  // Offered to an agent when it stopped: an interaction had an `offered` status then (the work item alone has it now).
  db.prepare(
    `INSERT INTO interactions (id, site, token_hash, visitor_id, channel, status, agent_id, context, last_seq, visitor_delivered_seq, visitor_read_seq,
       agent_delivered_seq, agent_read_seq, created_at, updated_at, queued_at, closed_at, verified_user)
     VALUES ('in_offered', 'demo', 'hash-of-offered', 'visitor-2', 'chat', 'offered', NULL, ?, 1, 0, 0, 0, 0, 1700000001000, 1700000005000, 1700000001600, NULL, NULL)`,
  ).run(JSON.stringify(context));
  db.exec(`
    INSERT INTO attachments (id, interaction_id, name, type, size, created_at) VALUES ('at_oldattachment01', 'in_old', 'dent.png', 'image/png', ${PNG.length}, 1700000002000);
    INSERT INTO messages (interaction_id, seq, sender, agent_id, author, client_id, body, created_at, attachment_id) VALUES
      ('in_old', 1, 'visitor', NULL, NULL, 'cid-1', 'My kettle arrived dented', 1700000002000, 'at_oldattachment01'),
      ('in_old', 2, 'system', 'ag_alice', 'Alice Martin', NULL, 'agent-joined', 1700000003000, NULL),
      ('in_old', 3, 'agent', 'ag_alice', 'Alice Martin', 'cid-a', 'Sorry to hear that!', 1700000004000, NULL);
    INSERT INTO calls (id, interaction_id, sip_call_id, queue, agent_id, status, created_at, answered_at, ended_at, end_reason)
      VALUES ('ca_1', 'in_old', 'sip-call-1', 'support', 'ag_alice', 'ended', 1700000002500, 1700000002600, 1700000002900, 'hangup-agent');
    INSERT INTO work_items (id, interaction_id, kind, queue, priority, status, enqueued_at, created_at, agent_id, assigned_at, details)
      VALUES ('wi_1', 'in_old', 'chat', 'support', 5, 'assigned', 1700000001500, 1700000001500, 'ag_alice', 1700000003000, '{"transfer":{"id":"tr_1","fromAgentId":"ag_bob","fromAgent":"Bob","mode":"warm"}}');
    INSERT INTO notes (interaction_id, agent_id, author, body, created_at) VALUES
      ('in_old', 'ag_alice', 'Alice Martin', 'Offered a replacement', 1700000004500),
      ('in_old', 'ag_alice', 'Alice Martin', 'Same millisecond, second', 1700000004500);
    INSERT INTO sip_dialogs (call_id, call_record_id, interaction_id, agent_id, item_id, caller, callee, created_at)
      VALUES ('sip-call-2', 'ca_1', 'in_old', 'ag_alice', NULL, '{"owner":{"kind":"visitor","interactionId":"in_old"},"nameAddr":"<sip:v@x>;tag=a","contact":"sip:v@y","cseq":2}',
              '{"owner":{"kind":"agent","agentId":"ag_alice"},"nameAddr":"<sip:alice@x>;tag=b","contact":"sip:alice@z","cseq":1}', 1700000002600);
  `);
  assert.equal(db.pragma('user_version', { simple: true }), 6, 'the fixture is the last schema before Kysely');
  db.close();
  mkdirSync(join(dataDir, 'attachments'), { mode: 0o700 });
  writeFileSync(join(dataDir, 'attachments', 'at_oldattachment01'), PNG);
  return dataDir;
}

describe('a SQLite data directory of the version before Kysely', () => {
  let dataDir: string;
  let database: Database;
  let stores: Stores;
  before(async () => {
    dataDir = legacyDataDir();
    database = await openDatabase({ dataDir });
    stores = new Stores(database.db, database.dialect);
  });
  after(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is upgraded in place: every row is read back as it was', async () => {
    const alice = (await stores.agents.findByUsername('alice'))!;
    assert.deepEqual(alice, { id: 'ag_alice', username: 'alice', name: 'Alice Martin', passwordHash: 'scrypt$16384$8$1$salt$hash', presence: 'away', language: 'zh-Hans', createdAt: 1700000000000 });
    assert.equal((await stores.sessions.find('se_1'))?.agentId, 'ag_alice');
    const interaction = (await stores.interactions.findByTokenHash('hash-of-token'))!;
    assert.equal(interaction.status, 'active');
    assert.equal((await stores.interactions.findById('in_offered'))?.status, 'queued', 'an offer is no interaction status any more');
    assert.deepEqual(interaction.context, context);
    assert.deepEqual([interaction.lastSeq, interaction.visitorReceipt, interaction.agentReceipt], [3, { delivered: 2, read: 1 }, { delivered: 3, read: 3 }]);
    assert.equal((await stores.interactions.listForVerifiedUser('demo', 'user-7', 'in_other', 5)).length, 1);
    const messages = await stores.messages.since('in_old', 0);
    assert.deepEqual(messages.map((m) => [m.seq, m.sender, m.body]), [[1, 'visitor', 'My kettle arrived dented'], [2, 'system', 'agent-joined'], [3, 'agent', 'Sorry to hear that!']]);
    assert.deepEqual(messages[0]!.attachment, { id: 'at_oldattachment01', name: 'dent.png', type: 'image/png', size: PNG.length });
    assert.equal((await stores.calls.listForInteraction('in_old'))[0]?.endReason, 'hangup-agent');
    const [item] = await stores.workItems.listOpen();
    assert.deepEqual([item?.id, item?.priority, item?.details.transfer?.fromAgent], ['wi_1', 5, 'Bob']);
    assert.deepEqual((await stores.notes.listFor('in_old')).map((n) => n.body), ['Offered a replacement', 'Same millisecond, second']);
    assert.equal((await stores.dialogs.list())[0]?.callee.contact, 'sip:alice@z');
  });

  it('carries on where it was: the next message, note and resend as before', async () => {
    assert.equal(await stores.interactions.nextSeq('in_old', 1700000006000), 4);
    await stores.notes.insert({ interactionId: 'in_old', agentId: null, author: 'Bob', body: 'Third', createdAt: 1700000004500 });
    assert.deepEqual((await stores.notes.listFor('in_old')).map((n) => n.body), ['Offered a replacement', 'Same millisecond, second', 'Third']);
    assert.equal((await stores.messages.findByClientId('in_old', 'agent', 'ag_alice', 'cid-a'))?.seq, 3);
    // The dedupe index still refuses a second copy (rebuilt by 0007 in the words of the one query).
    await assert.rejects(
      stores.messages.insert({ interactionId: 'in_old', seq: 99, sender: 'visitor', agentId: null, author: null, clientId: 'cid-1', body: 'again', createdAt: 1, attachment: null }),
      /UNIQUE/,
    );
  });

  it('moves the attachment files into the database, then removes them', async () => {
    assert.equal(await importAttachmentFiles(stores, dataDir), 1);
    assert.deepEqual(Buffer.from((await stores.attachments.bytesOf('at_oldattachment01'))!), PNG);
    assert.equal(existsSync(join(dataDir, 'attachments')), false);
    assert.equal(await importAttachmentFiles(stores, dataDir), 0, 'once');
  });

  it('records every migration with Kysely, and says so to a Warmline of before, which refuses the file', async () => {
    const names = (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database.db)).rows.map((r) => r.name);
    assert.equal(names.length, MIGRATIONS.length);
    assert.equal(names[0], '0001-agents-and-chats');
    const raw = new SQLite(join(dataDir, 'warmline.db'), { readonly: true });
    try {
      assert.throws(() => legacyMigrate(raw), /newer Warmline/);
    } finally {
      raw.close();
    }
  });

  it('opens again without migrating anything', async () => {
    const again = await openDatabase({ dataDir });
    try {
      assert.equal((await new Stores(again.db, again.dialect).messages.since('in_old', 0)).length, 3);
    } finally {
      await again.close();
    }
  });
});
