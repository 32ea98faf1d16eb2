import type { CallEndReason } from '../telephony/call-state.js';

/** The call ended; `detail.reason` says why. */
export type WarmlineCallEndEvent = CustomEvent<{ reason: CallEndReason }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-call-end': WarmlineCallEndEvent;
  }
}
