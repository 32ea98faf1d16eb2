/** The agent is accepting an offer. Cancelable. */
export type WarmlineOfferAcceptEvent = CustomEvent<{ interactionId: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-offer-accept': WarmlineOfferAcceptEvent;
  }
}
