/** The visitor closed the chat panel. */
export type WarmlineChatCloseEvent = CustomEvent<Record<string, never>>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-chat-close': WarmlineChatCloseEvent;
  }
}
