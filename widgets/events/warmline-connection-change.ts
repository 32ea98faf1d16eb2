import type { ConnectionState } from '../net/connection-state.js';

/** The connection to the Warmline server changed state. */
export type WarmlineConnectionChangeEvent = CustomEvent<{ state: ConnectionState }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-connection-change': WarmlineConnectionChangeEvent;
  }
}
