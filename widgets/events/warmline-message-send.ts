/** A message is about to be sent. Cancelable: the host page may veto it (e.g. to redact card numbers). */
export type WarmlineMessageSendEvent = CustomEvent<{ text: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-message-send': WarmlineMessageSendEvent;
  }
}
