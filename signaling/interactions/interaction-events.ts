import type { InteractionStatus } from '../../widgets/protocol/agent-server-messages.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import type { MessageRecord } from '../store/message-store.js';

/** What the interaction service announces after each change has been stored. */
export interface InteractionEventMap {
  message: [interaction: InteractionRecord, message: MessageRecord];
  context: [interaction: InteractionRecord];
  status: [interaction: InteractionRecord, previous: InteractionStatus];
  /** `side` is whose receipt moved: the visitor's (of agent messages) or the agent's. */
  receipt: [interaction: InteractionRecord, side: 'visitor' | 'agent'];
}
