/**
 * A message is about to be sent. Cancelable: the host page may veto it (e.g. to redact card numbers).
 * For a file the visitor attaches, `file` is the file, before it is uploaded, and `text` is empty.
 */
export type WarmlineMessageSendEvent = CustomEvent<{ text: string; file?: File }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-message-send': WarmlineMessageSendEvent;
  }
}
