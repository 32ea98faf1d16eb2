import type { Db } from './database.js';
import type { AttachmentInfo, AttachmentType, ChatMessage } from '../../widgets/protocol/wire-common.js';

export type Sender = 'visitor' | 'agent' | 'system';

export interface MessageRecord {
  interactionId: string;
  seq: number;
  sender: Sender;
  agentId: string | null;
  author: string | null;
  clientId: string | null;
  body: string;
  createdAt: number;
  /** The file sent with it, if any (the row is joined in; the message stores only its id). */
  attachment: AttachmentInfo | null;
}

interface MessageRow {
  interaction_id: string;
  seq: number;
  sender: Sender;
  agent_id: string | null;
  author: string | null;
  client_id: string | null;
  body: string;
  created_at: number;
  attachment_id: string | null;
  attachment_name: string | null;
  attachment_type: AttachmentType | null;
  attachment_size: number | null;
}

/** Messages with what is known of their attachment. */
const SELECT = `SELECT m.*, a.name AS attachment_name, a.type AS attachment_type, a.size AS attachment_size
  FROM messages m LEFT JOIN attachments a ON a.id = m.attachment_id`;

const toRecord = (row: MessageRow): MessageRecord => ({
  interactionId: row.interaction_id,
  seq: row.seq,
  sender: row.sender,
  agentId: row.agent_id,
  author: row.author,
  clientId: row.client_id,
  body: row.body,
  createdAt: row.created_at,
  attachment:
    row.attachment_id && row.attachment_type
      ? { id: row.attachment_id, name: row.attachment_name ?? '', type: row.attachment_type, size: row.attachment_size ?? 0 }
      : null,
});

/**
 * System messages are stored as an event code; the wire carries the code (for
 * widgets to localize) and an English sentence (for everything else).
 */
export const SYSTEM_EVENTS: Record<string, (author: string) => string> = {
  'agent-joined': (author) => `${author} joined the chat.`,
  'chat-closed': (author) => `${author} ended the chat.`,
  'chat-transferred': (author) => `${author} passed the chat to a colleague.`,
};
export type SystemEvent = 'agent-joined' | 'chat-closed' | 'chat-transferred';

/**
 * The wire form of a stored message. The client id is only shown to the side
 * that wrote it, which needs it to match its pending copy.
 */
export function toWire(record: MessageRecord, audience: 'visitor' | 'agent'): ChatMessage {
  const message: ChatMessage = { seq: record.seq, from: record.sender, text: record.body, at: record.createdAt };
  if (record.author) message.author = record.author;
  if (record.sender === 'system') {
    const event = SYSTEM_EVENTS[record.body];
    if (event) Object.assign(message, { event: record.body, text: event(record.author ?? 'The agent') });
  }
  if (record.clientId && record.sender === audience) message.cid = record.clientId;
  if (record.attachment) message.attachment = record.attachment;
  return message;
}

export class MessageStore {
  private readonly insertStmt;
  private readonly byClientId;
  private readonly sinceStmt;
  private readonly firstVisitorStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO messages (interaction_id, seq, sender, agent_id, author, client_id, body, created_at, attachment_id)
       VALUES (@interactionId, @seq, @sender, @agentId, @author, @clientId, @body, @createdAt, @attachmentId)`,
    );
    this.byClientId = db.prepare<[string, Sender, string, string], MessageRow>(
      `${SELECT} WHERE m.interaction_id = ? AND m.sender = ? AND ifnull(m.agent_id, '') = ? AND m.client_id = ?`,
    );
    this.sinceStmt = db.prepare<[string, number, number], MessageRow>(`${SELECT} WHERE m.interaction_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?`);
    this.firstVisitorStmt = db.prepare<[string], MessageRow>(
      `${SELECT} WHERE m.interaction_id = ? AND m.sender = 'visitor' ORDER BY m.seq LIMIT 1`,
    );
  }

  insert(record: MessageRecord) {
    const { attachment, ...row } = record;
    this.insertStmt.run({ ...row, attachmentId: attachment?.id ?? null });
  }

  findByClientId(interactionId: string, sender: Sender, agentId: string | null, clientId: string): MessageRecord | undefined {
    const row = this.byClientId.get(interactionId, sender, agentId ?? '', clientId);
    return row && toRecord(row);
  }

  since(interactionId: string, seq: number, limit = 1000): MessageRecord[] {
    return this.sinceStmt.all(interactionId, seq, limit).map(toRecord);
  }

  firstFromVisitor(interactionId: string): MessageRecord | undefined {
    const row = this.firstVisitorStmt.get(interactionId);
    return row && toRecord(row);
  }
}
