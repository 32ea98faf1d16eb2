/** The offline form's message was stored; the conversation it started or joined. */
export type WarmlineOfflineSentEvent = CustomEvent<{ interactionId: string; token: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-offline-sent': WarmlineOfflineSentEvent;
  }
}
