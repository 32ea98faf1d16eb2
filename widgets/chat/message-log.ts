/**
 * The client's copy of a conversation: stored messages in sequence order,
 * then the ones still on their way. Merging is idempotent, so a message that
 * arrives twice (a resend, a replay after reconnecting) shows once.
 *
 * The copy is kept whole from a floor up (message-pages.ts): older messages
 * are history the reader loads on demand, and a hole above the floor (a
 * resume that missed more than a page) is what the client reads next. It
 * resumes from the last seq up to which it holds every message, so it never
 * skips one it has not received.
 */
import type { AttachmentInfo, ChatMessage, Receipt } from '../protocol/wire-common.js';
import type { MessagePage } from '../protocol/message-pages.js';

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
  /** Every message from here up to `through` is held; undefined until the first page. */
  private floor: number | undefined;
  private through = 0;

  constructor(private readonly me: 'visitor' | 'agent') {}

  /** The last sequence number up to which every message is held: what to resume from, and what receipts confirm. */
  get lastSeq(): number {
    return this.through;
  }

  /** The oldest message held whole from (1 when the copy reaches the first message). */
  get oldestSeq(): number {
    return this.floor ?? 1;
  }

  /** Whether the conversation has messages older than the oldest held (consecutive numbers: older than 1 there are none). */
  get hasEarlier(): boolean {
    return this.oldestSeq > 1;
  }

  /** The page to read next to fill a hole above the floor (a resume that missed more than a page), if there is one. */
  get hole(): { after: number; before: number } | undefined {
    let before = Infinity;
    for (const seq of this.stored.keys()) if (seq > this.through && seq < before) before = seq;
    return before === Infinity ? undefined : { after: this.through, before };
  }

  /**
   * Adds a page the server read for `range` (a welcome: `{ after: since }`).
   * A page is whole from its first message (or, without `more`, from the
   * range's start) up; one that reaches the floor from below lowers it.
   */
  addPage(page: MessagePage, range: { after: number; before?: number | undefined }) {
    for (const message of page.messages) this.add(message);
    const bottom = page.more && page.messages[0] ? page.messages[0].seq : range.after + 1;
    if (this.floor === undefined) this.floor = bottom;
    else if (bottom < this.floor && (range.before === undefined || range.before >= this.floor)) this.floor = bottom;
    this.through = Math.max(this.through, this.floor - 1);
    this.advance();
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
    this.advance();
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
    this.advance();
    return true;
  }

  private advance() {
    while (this.stored.has(this.through + 1)) this.through++;
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
