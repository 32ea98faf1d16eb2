import type { Offer } from '../protocol/agent-server-messages.js';

/** The agent received an offer (a chat waiting to be accepted). */
export type WarmlineOfferEvent = CustomEvent<{ offer: Offer }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-offer': WarmlineOfferEvent;
  }
}
