import type { AgentCall } from '../telephony/agent-phone.js';
import type { TransferRequest } from '../chat/agent-api.js';

/** The agent chose where to transfer a call. */
export type WarmlineCallTransferEvent = CustomEvent<{ call: AgentCall; request: TransferRequest; label: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-call-transfer': WarmlineCallTransferEvent;
  }
}
