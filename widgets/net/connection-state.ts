/**
 * The state of a widget's connection to the server.
 *
 * ```
 *  idle ──connect()──▶ connecting ──open──▶ connected
 *                          ▲   │               │ lost
 *                          │   │ failed        ▼
 *                          │   └────────▶ reconnecting ──policy gives up──▶ disconnected
 *                          └── retry ─────────┘                                 │
 *                          └───────────────── retry() / back online ────────────┘
 *  any ──close()──▶ closed   (deliberate: never retried)
 * ```
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'closed';

const ALLOWED: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting', 'closed'],
  connecting: ['connected', 'reconnecting', 'disconnected', 'closed'],
  connected: ['reconnecting', 'disconnected', 'closed'],
  reconnecting: ['connecting', 'disconnected', 'closed'],
  disconnected: ['connecting', 'closed'],
  closed: [],
};

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return ALLOWED[from].includes(to);
}
