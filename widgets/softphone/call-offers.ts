/**
 * On the LiveKit path a call rings from the agent socket, not from the
 * phone's own connection. This hands the phone the call offers, their
 * withdrawals and the keys the visitor presses, and keeps the offers that
 * arrive before the phone is ready: a console reloaded while a call rings
 * gets the offer with the server's welcome, before livekit-client has
 * loaded.
 */
import type { AgentChatClient } from '../chat/agent-chat-client.js';
import type { Offer } from '../protocol/agent-server-messages.js';

/** What the LiveKit phone takes from the socket (AgentLiveKitPhone). */
export interface CallOfferTarget {
  ring(offer: Offer): void;
  withdraw(interactionId: string): void;
  keyPressed(interactionId: string, digit: string): void;
}

export class CallOffers {
  private readonly waiting = new Map<string, Offer>();
  private target: CallOfferTarget | undefined;
  private readonly unsubscribe: Array<() => void>;

  constructor(client: AgentChatClient) {
    this.unsubscribe = [
      client.on('call-offer', (offer) => {
        if (this.target) this.target.ring(offer);
        else this.waiting.set(offer.interactionId, offer);
      }),
      client.on('offer-withdrawn', ({ interactionId }) => {
        this.waiting.delete(interactionId);
        this.target?.withdraw(interactionId);
      }),
      client.on('dtmf', ({ interactionId, digit }) => this.target?.keyPressed(interactionId, digit)),
    ];
  }

  /** The phone is ready (or gone): it rings for the offers that waited. */
  attach(target: CallOfferTarget | undefined) {
    this.target = target;
    if (!target) return;
    for (const offer of this.waiting.values()) target.ring(offer);
    this.waiting.clear();
  }

  close() {
    for (const off of this.unsubscribe) off();
    this.target = undefined;
    this.waiting.clear();
  }
}
