import type { ChatMessage } from '../protocol/wire-common.js';

/** A message from the agent (or a system notice) arrived. */
export type WarmlineMessageReceiveEvent = CustomEvent<{ message: ChatMessage }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-message-receive': WarmlineMessageReceiveEvent;
  }
}
