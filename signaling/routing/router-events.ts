import type { Offer } from '../../widgets/protocol/agent-server-messages.js';
import type { InteractionRecord } from '../store/interaction-store.js';

export type WithdrawReason = 'taken' | 'timeout' | 'declined' | 'closed' | 'away';

export interface RouterEventMap {
  offer: [agentId: string, offer: Offer];
  'offer-withdrawn': [agentId: string, interactionId: string, reason: WithdrawReason];
  assigned: [agentId: string, interaction: InteractionRecord];
  /** Whether any agent is signed in and available changed. */
  availability: [available: boolean];
  presence: [agentId: string, presence: 'available' | 'away'];
}
