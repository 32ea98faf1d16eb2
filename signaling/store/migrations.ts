/** Schema migrations, applied in order; never edit one that has shipped, add the next. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE agents (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    presence      TEXT NOT NULL DEFAULT 'available',
    created_at    INTEGER NOT NULL
  );

  CREATE TABLE agent_sessions (
    id         TEXT PRIMARY KEY,
    agent_id   TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );

  CREATE TABLE interactions (
    id                    TEXT PRIMARY KEY,
    site                  TEXT NOT NULL,
    token_hash            TEXT NOT NULL UNIQUE,
    visitor_id            TEXT NOT NULL,
    channel               TEXT NOT NULL DEFAULT 'chat',
    status                TEXT NOT NULL,
    agent_id              TEXT REFERENCES agents(id),
    context               TEXT NOT NULL,
    last_seq              INTEGER NOT NULL DEFAULT 0,
    visitor_delivered_seq INTEGER NOT NULL DEFAULT 0,
    visitor_read_seq      INTEGER NOT NULL DEFAULT 0,
    agent_delivered_seq   INTEGER NOT NULL DEFAULT 0,
    agent_read_seq        INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    queued_at             INTEGER,
    closed_at             INTEGER
  );
  CREATE INDEX interactions_by_status ON interactions (status, queued_at);
  CREATE INDEX interactions_by_agent ON interactions (agent_id, status);

  CREATE TABLE messages (
    interaction_id TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    sender         TEXT NOT NULL,
    agent_id       TEXT,
    author         TEXT,
    client_id      TEXT,
    body           TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, seq)
  );
  -- A resend of the same client id by the same sender finds the stored message.
  CREATE UNIQUE INDEX messages_dedupe ON messages (interaction_id, sender, ifnull(agent_id, ''), client_id)
    WHERE client_id IS NOT NULL;
  `,
  `
  -- Calls: one row per call attempt, whether it was answered or not.
  CREATE TABLE calls (
    id             TEXT PRIMARY KEY,
    interaction_id TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    sip_call_id    TEXT NOT NULL,
    queue          TEXT NOT NULL,
    agent_id       TEXT REFERENCES agents(id),
    status         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    answered_at    INTEGER,
    ended_at       INTEGER,
    end_reason     TEXT
  );
  CREATE INDEX calls_by_interaction ON calls (interaction_id, created_at);
  `,
  `
  -- Work items: what the routing engine queues (a chat, a call, a callback, an offline
  -- message), kept so the queue survives a restart and the day can be counted.
  CREATE TABLE work_items (
    id             TEXT PRIMARY KEY,
    interaction_id TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    queue          TEXT NOT NULL,
    priority       INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    enqueued_at    INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    target_agent   TEXT,
    not_before     INTEGER,
    agent_id       TEXT,
    assigned_at    INTEGER,
    ended_at       INTEGER,
    end_reason     TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    details        TEXT
  );
  CREATE INDEX work_items_open ON work_items (status);
  CREATE INDEX work_items_by_interaction ON work_items (interaction_id, created_at);

  -- Notes agents write about an interaction (with a transfer, or at wrap-up).
  CREATE TABLE notes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    interaction_id TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    agent_id       TEXT,
    author         TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     INTEGER NOT NULL
  );
  CREATE INDEX notes_by_interaction ON notes (interaction_id, created_at);
  `,
  `
  -- Files a visitor attaches in a chat (a photo of a damaged product, a PDF). The bytes are
  -- files under <dataDir>/attachments, outside any static root; this is what is known of them.
  CREATE TABLE attachments (
    id             TEXT PRIMARY KEY,
    interaction_id TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
  );
  CREATE INDEX attachments_by_interaction ON attachments (interaction_id);
  ALTER TABLE messages ADD COLUMN attachment_id TEXT REFERENCES attachments(id);

  -- The site's user id of an identity the server verified: conversations are joined across
  -- devices by it, and by nothing a visitor can claim.
  ALTER TABLE interactions ADD COLUMN verified_user TEXT;
  CREATE INDEX interactions_by_verified_user ON interactions (site, verified_user, created_at) WHERE verified_user IS NOT NULL;
  `,
  `
  -- Confirmed SIP dialogs of the embedded proxy: enough to route a call's in-dialog requests
  -- after a restart (each side's owner, its name-addr with tag, its remote target and last CSeq),
  -- once each party's phone has reconnected. A row lives from the 2xx to the BYE.
  CREATE TABLE sip_dialogs (
    call_id        TEXT PRIMARY KEY,
    call_record_id TEXT NOT NULL,
    interaction_id TEXT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    agent_id       TEXT NOT NULL,
    item_id        TEXT,
    caller         TEXT NOT NULL,
    callee         TEXT NOT NULL,
    created_at     INTEGER NOT NULL
  );
  `,
  `
  -- The language an agent chose for their console (a BCP 47 tag); NULL: their browser's.
  ALTER TABLE agents ADD COLUMN language TEXT;
  `,
];
