import type { AgentProfile } from '../protocol/agent-server-messages.js';

/** The agent signed in. */
export type WarmlineSignInEvent = CustomEvent<{ agent: AgentProfile }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-sign-in': WarmlineSignInEvent;
  }
}
