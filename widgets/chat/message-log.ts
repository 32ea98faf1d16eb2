/**
 * The client's copy of a conversation: stored messages in sequence order,
 * then the ones still on their way. Merging is idempotent, so a message that
 * arrives twice (a resend, a replay after reconnecting) shows once.
 */
import type { AttachmentInfo, ChatMessage, Receipt } from '../protocol/wire-common.js';

export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read';

export interface LogEntry {
  /** Stable key for rendering: the seq once stored, the client id before. */
  key: string;
  seq: number | null;
  cid: string | null;
  from: ChatMessage['from'];
  author?: string;
  text: string;
  at: number;
  event?: ChatMessage['event'];
  attachment?: AttachmentInfo;
  /** For the reader's own messages: how far they got. */
  status?: DeliveryStatus;
}

export class MessageLog {
  private readonly stored = new Map<number, ChatMessage>();
  private readonly pending = new Map<string, { text: string; at: number; attachment?: AttachmentInfo }>();
  private receipt: Receipt = { delivered: 0, read: 0 };

  constructor(private readonly me: 'visitor' | 'agent') {}

  /** The highest sequence number held: what to resume from. */
  get lastSeq(): number {
    let max = 0;
    for (const seq of this.stored.keys()) if (seq > max) max = seq;
    return max;
  }

  addPending(cid: string, text: string, at: number, attachment?: AttachmentInfo) {
    this.pending.set(cid, { text, at, attachment });
  }

  /** The server stored a pending message as `seq`. */
  ack(cid: string, seq: number, at: number) {
    const pending = this.pending.get(cid);
    if (!pending) return;
    this.pending.delete(cid);
    if (!this.stored.has(seq)) this.stored.set(seq, { seq, cid, from: this.me, text: pending.text, at, attachment: pending.attachment });
  }

  /** Forgets a pending message the server refused. */
  drop(cid: string) {
    this.pending.delete(cid);
  }

  /** Adds a stored message; returns false if it was already there. */
  add(message: ChatMessage): boolean {
    if (message.cid) this.pending.delete(message.cid);
    if (this.stored.has(message.seq)) return false;
    this.stored.set(message.seq, message);
    return true;
  }

  setReceipt(receipt: Receipt) {
    this.receipt = { delivered: Math.max(this.receipt.delivered, receipt.delivered), read: Math.max(this.receipt.read, receipt.read) };
  }

  /** Messages from the other side with a seq above `seq`. */
  unreadAfter(seq: number): number {
    let n = 0;
    for (const m of this.stored.values()) if (m.seq > seq && m.from !== this.me && m.from !== 'system') n++;
    return n;
  }

  entries(): LogEntry[] {
    const list: LogEntry[] = [...this.stored.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((m) => {
        // Keyed by client id where there is one, so a message keeps its element from "sending" to "read".
        const entry: LogEntry = { key: m.cid ? `c${m.cid}` : `s${m.seq}`, seq: m.seq, cid: m.cid ?? null, from: m.from, text: m.text, at: m.at };
        if (m.author) entry.author = m.author;
        if (m.event) entry.event = m.event;
        if (m.attachment) entry.attachment = m.attachment;
        if (m.from === this.me) {
          entry.status = m.seq <= this.receipt.read ? 'read' : m.seq <= this.receipt.delivered ? 'delivered' : 'sent';
        }
        return entry;
      });
    for (const [cid, p] of this.pending) {
      list.push({ key: `c${cid}`, seq: null, cid, from: this.me, text: p.text, at: p.at, attachment: p.attachment, status: 'sending' });
    }
    return list;
  }
}
