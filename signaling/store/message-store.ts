import type { Db } from './database.js';
import { clampSeq } from './interaction-store.js';
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

/** A message's row with what is known of its attachment (joined in). */
const selectMessages = (db: Db) =>
  db
    .selectFrom('messages as m')
    .leftJoin('attachments as a', 'a.id', 'm.attachment_id')
    .selectAll('m')
    .select(['a.name as attachment_name', 'a.type as attachment_type', 'a.size as attachment_size']);

type MessageRow = Awaited<ReturnType<ReturnType<typeof selectMessages>['executeTakeFirstOrThrow']>>;

const toRecord = (row: MessageRow): MessageRecord => ({
  interactionId: row.interaction_id,
  seq: row.seq,
  sender: row.sender as Sender,
  agentId: row.agent_id,
  author: row.author,
  clientId: row.client_id,
  body: row.body,
  createdAt: row.created_at,
  attachment:
    row.attachment_id && row.attachment_type
      ? { id: row.attachment_id, name: row.attachment_name ?? '', type: row.attachment_type as AttachmentType, size: row.attachment_size ?? 0 }
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
  constructor(private readonly db: Db) {}

  async insert(record: MessageRecord) {
    await this.db
      .insertInto('messages')
      .values({
        interaction_id: record.interactionId,
        seq: record.seq,
        sender: record.sender,
        agent_id: record.agentId,
        author: record.author,
        client_id: record.clientId,
        body: record.body,
        created_at: record.createdAt,
        attachment_id: record.attachment?.id ?? null,
      })
      .execute();
  }

  async findByClientId(interactionId: string, sender: Sender, agentId: string | null, clientId: string): Promise<MessageRecord | undefined> {
    // The same expression as the dedupe index (0007), so the index serves it.
    const row = await selectMessages(this.db)
      .where('m.interaction_id', '=', interactionId)
      .where('m.sender', '=', sender)
      .where((eb) => eb(eb.fn.coalesce('m.agent_id', eb.val('')), '=', agentId ?? ''))
      .where('m.client_id', '=', clientId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /** The messages after `seq`, oldest first: all of them unless `limit` says how many. What goes to a client is a `page`. */
  async since(interactionId: string, seq: number, limit?: number): Promise<MessageRecord[]> {
    let query = selectMessages(this.db).where('m.interaction_id', '=', interactionId).where('m.seq', '>', clampSeq(seq)).orderBy('m.seq');
    if (limit !== undefined) query = query.limit(limit);
    return (await query.execute()).map(toRecord);
  }

  /**
   * A page (widgets/protocol/message-pages.ts): the newest `limit` messages
   * with `after < seq < before`, oldest first, and whether older ones of the
   * range were left out. One more row than asked is read to know that.
   */
  async page(interactionId: string, range: { after: number; before: number | undefined; limit: number }): Promise<{ messages: MessageRecord[]; more: boolean }> {
    let query = selectMessages(this.db).where('m.interaction_id', '=', interactionId).where('m.seq', '>', clampSeq(range.after));
    if (range.before !== undefined) query = query.where('m.seq', '<', clampSeq(range.before));
    const rows = await query.orderBy('m.seq', 'desc').limit(range.limit + 1).execute();
    return { messages: rows.slice(0, range.limit).reverse().map(toRecord), more: rows.length > range.limit };
  }

  async firstFromVisitor(interactionId: string): Promise<MessageRecord | undefined> {
    const row = await selectMessages(this.db).where('m.interaction_id', '=', interactionId).where('m.sender', '=', 'visitor').orderBy('m.seq').limit(1).executeTakeFirst();
    return row && toRecord(row);
  }
}
