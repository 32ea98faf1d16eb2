/** A call is about to start, to `detail.queue` (the topic chosen). Cancelable: the host page may veto it. */
export type WarmlineCallStartEvent = CustomEvent<{ queue: string | undefined }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-call-start': WarmlineCallStartEvent;
  }
}
