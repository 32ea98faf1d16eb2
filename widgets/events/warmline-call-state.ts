import type { CallState } from '../telephony/call-state.js';

/** The call changed state (connecting, waiting, ringing, connected, on-hold, reconnecting, ended). */
export type WarmlineCallStateEvent = CustomEvent<{ state: CallState }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-call-state': WarmlineCallStateEvent;
  }
}
