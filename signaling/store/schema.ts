/**
 * The tables as Kysely sees them: one description for SQLite and
 * PostgreSQL alike. Times are milliseconds since the epoch (bigint in
 * PostgreSQL, read back as numbers: database.ts); JSON is kept as text so
 * both dialects store it the same way.
 */
import type { ColumnType, Generated } from 'kysely';

/** A column with a default in the schema: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface AgentsTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  presence: Defaulted<'available' | 'away'>;
  language: Defaulted<string | null>;
  created_at: number;
}

export interface AgentSessionsTable {
  id: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: Defaulted<number | null>;
}

export interface InteractionsTable {
  id: string;
  site: string;
  token_hash: string;
  visitor_id: string;
  channel: Defaulted<'chat'>;
  status: string;
  agent_id: Defaulted<string | null>;
  context: string;
  verified_user: Defaulted<string | null>;
  last_seq: Defaulted<number>;
  visitor_delivered_seq: Defaulted<number>;
  visitor_read_seq: Defaulted<number>;
  agent_delivered_seq: Defaulted<number>;
  agent_read_seq: Defaulted<number>;
  created_at: number;
  updated_at: number;
  queued_at: Defaulted<number | null>;
  closed_at: Defaulted<number | null>;
}

export interface MessagesTable {
  interaction_id: string;
  seq: number;
  sender: string;
  agent_id: string | null;
  author: string | null;
  client_id: string | null;
  body: string;
  created_at: number;
  attachment_id: string | null;
}

export interface CallsTable {
  id: string;
  interaction_id: string;
  sip_call_id: string;
  queue: string;
  agent_id: Defaulted<string | null>;
  status: string;
  created_at: number;
  answered_at: Defaulted<number | null>;
  ended_at: Defaulted<number | null>;
  end_reason: Defaulted<string | null>;
}

export interface WorkItemsTable {
  id: string;
  interaction_id: string;
  kind: string;
  queue: string;
  priority: Defaulted<number>;
  status: string;
  enqueued_at: number;
  created_at: number;
  target_agent: string | null;
  not_before: number | null;
  agent_id: Defaulted<string | null>;
  assigned_at: Defaulted<number | null>;
  ended_at: Defaulted<number | null>;
  end_reason: Defaulted<string | null>;
  attempts: Defaulted<number>;
  details: string | null;
}

export interface NotesTable {
  id: Generated<number>;
  interaction_id: string;
  agent_id: string | null;
  author: string;
  body: string;
  created_at: number;
}

export interface AttachmentsTable {
  id: string;
  interaction_id: string;
  name: string;
  type: string;
  size: number;
  created_at: number;
}

/** An attachment's bytes, apart from what is known of it so listing attachments never reads them. */
export interface AttachmentContentsTable {
  attachment_id: string;
  bytes: Uint8Array;
}

export interface SipDialogsTable {
  call_id: string;
  call_record_id: string;
  interaction_id: string;
  agent_id: string;
  item_id: string | null;
  caller: string;
  callee: string;
  created_at: number;
}

export interface Tables {
  agents: AgentsTable;
  agent_sessions: AgentSessionsTable;
  interactions: InteractionsTable;
  messages: MessagesTable;
  calls: CallsTable;
  work_items: WorkItemsTable;
  notes: NotesTable;
  attachments: AttachmentsTable;
  attachment_contents: AttachmentContentsTable;
  sip_dialogs: SipDialogsTable;
}
