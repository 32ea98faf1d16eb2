/** A call is about to start. Cancelable: the host page may veto it. */
export type WarmlineCallStartEvent = CustomEvent<{ topic: string | undefined }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-call-start': WarmlineCallStartEvent;
  }
}
