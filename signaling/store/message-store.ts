import type { Db } from './database.js';
import type { ChatMessage } from '../../widgets/protocol/wire-common.js';

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
}

const toRecord = (row: MessageRow): MessageRecord => ({
  interactionId: row.interaction_id,
  seq: row.seq,
  sender: row.sender,
  agentId: row.agent_id,
  author: row.author,
  clientId: row.client_id,
  body: row.body,
  createdAt: row.created_at,
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
  return message;
}

export class MessageStore {
  private readonly insertStmt;
  private readonly byClientId;
  private readonly sinceStmt;
  private readonly firstVisitorStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO messages (interaction_id, seq, sender, agent_id, author, client_id, body, created_at)
       VALUES (@interactionId, @seq, @sender, @agentId, @author, @clientId, @body, @createdAt)`,
    );
    this.byClientId = db.prepare<[string, Sender, string, string], MessageRow>(
      "SELECT * FROM messages WHERE interaction_id = ? AND sender = ? AND ifnull(agent_id, '') = ? AND client_id = ?",
    );
    this.sinceStmt = db.prepare<[string, number, number], MessageRow>(
      'SELECT * FROM messages WHERE interaction_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.firstVisitorStmt = db.prepare<[string], MessageRow>(
      "SELECT * FROM messages WHERE interaction_id = ? AND sender = 'visitor' ORDER BY seq LIMIT 1",
    );
  }

  insert(record: MessageRecord) {
    this.insertStmt.run(record);
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
