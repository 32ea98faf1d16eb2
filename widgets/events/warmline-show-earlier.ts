/**
 * Internal, not for host pages: the reader pressed "Show earlier messages" in
 * a `<warmline-message-list>`. The element that owns the conversation (the
 * visitor's chat, the agent's softphone) reads the page before the oldest
 * message shown (protocol/message-pages.ts).
 */
export type WarmlineShowEarlierEvent = CustomEvent<Record<string, never>>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-show-earlier': WarmlineShowEarlierEvent;
  }
}
