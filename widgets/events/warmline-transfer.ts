import type { TransferRequest } from '../chat/agent-api.js';

/** The agent chose where to transfer a chat or call; `detail.label` names the target for the screen. */
export type WarmlineTransferEvent = CustomEvent<{ request: TransferRequest; label: string }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-transfer': WarmlineTransferEvent;
    'warmline-transfer-cancel': CustomEvent<Record<string, never>>;
  }
}
