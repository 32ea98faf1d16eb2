/** Dispatched on `window` once `window.Warmline` is ready to call. */
export type WarmlineReadyEvent = CustomEvent<Record<string, never>>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-ready': WarmlineReadyEvent;
  }
}
