/** The agent signed out, or the session ended. */
export type WarmlineSignOutEvent = CustomEvent<{ reason: 'user' | 'expired' }>;

declare global {
  interface GlobalEventHandlersEventMap {
    'warmline-sign-out': WarmlineSignOutEvent;
  }
}
