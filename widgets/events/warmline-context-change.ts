/** Dispatched on `window` by the loader when the visitor's context changed (cart, identity, custom fields, steps), so open widgets send it on. */
export type WarmlineContextChangeEvent = CustomEvent<Record<string, never>>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-context-change': WarmlineContextChangeEvent;
  }
}
