/** The visitor opened the chat panel. Cancelable: prevent it to keep the panel closed. */
export type WarmlineChatOpenEvent = CustomEvent<Record<string, never>>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-chat-open': WarmlineChatOpenEvent;
  }
}
