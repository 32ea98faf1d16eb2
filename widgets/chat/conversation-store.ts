/**
 * What the visitor's browser keeps about their conversation, first-party in
 * the site's own localStorage: the conversation token (so the chat survives
 * navigation, reloads and coming back days later) and the messages written
 * but not yet acknowledged (so a reload during an outage loses nothing).
 */
import type { AttachmentInfo } from '../protocol/wire-common.js';

export interface SavedConversation {
  token?: string;
  interactionId?: string;
  outbox: Array<{ cid: string; text: string; at: number; attachment?: AttachmentInfo }>;
  /** Whether the panel was open, so it reopens on the next page. */
  open?: boolean;
  /** A callback is pending: every page with the call button listens for it. */
  callback?: boolean;
}

export class ConversationStore {
  private memory: SavedConversation = { outbox: [] };

  constructor(
    private readonly key: string,
    private readonly storage: Storage | undefined = safeLocalStorage(),
  ) {}

  load(): SavedConversation {
    try {
      const raw = this.storage?.getItem(this.key);
      if (raw) {
        const parsed = JSON.parse(raw) as Partial<SavedConversation>;
        this.memory = { ...parsed, outbox: Array.isArray(parsed.outbox) ? parsed.outbox : [] };
      }
    } catch {
      // Unreadable or blocked storage: keep what is in memory.
    }
    return this.memory;
  }

  update(change: Partial<SavedConversation>) {
    this.memory = { ...this.memory, ...change };
    try {
      this.storage?.setItem(this.key, JSON.stringify(this.memory));
    } catch {
      // Storage full or blocked (private browsing): the conversation still works for this page.
    }
  }

  clearToken() {
    const { token: _t, interactionId: _i, ...rest } = this.memory;
    this.memory = rest;
    this.update({});
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
