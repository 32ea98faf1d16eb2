/**
 * The WebSocket heartbeat: every interval each socket is pinged, and one
 * that did not answer the last ping (a phone that lost its network) is
 * terminated. Browsers answer pings by themselves.
 *
 * Sockets are pinged a slice at a time, each slice in its own turn of the
 * event loop, so a chat message that arrives meanwhile waits for one slice
 * rather than for every socket: with 19,600 visitors open, one loop over all
 * of them held messages back for up to 0.7 s (bench/capacity.ts).
 */
import type { WebSocket } from 'ws';

export const PING_SLICE = 500;

export interface Heartbeat {
  /** Marks a socket as alive (it just opened, or answered a ping). */
  alive(ws: WebSocket): void;
  stop(): void;
}

export function startHeartbeat(sockets: () => Iterable<WebSocket>, intervalMs: number, slice = PING_SLICE): Heartbeat {
  const answered = new WeakMap<WebSocket, boolean>();
  let pending: NodeJS.Immediate | undefined;
  const pingSlice = (all: WebSocket[], from: number) => {
    pending = undefined;
    for (const ws of all.slice(from, from + slice)) {
      if (ws.readyState !== ws.OPEN) continue;
      if (!answered.get(ws)) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      ws.ping();
    }
    if (from + slice < all.length) pending = setImmediate(pingSlice, all, from + slice);
  };
  const timer = setInterval(() => {
    // A round still under way (a very large or slow one) finishes before the next starts.
    if (!pending) pingSlice([...sockets()], 0);
  }, intervalMs);
  timer.unref();
  return {
    alive: (ws) => answered.set(ws, true),
    stop() {
      clearInterval(timer);
      if (pending) clearImmediate(pending);
      pending = undefined;
    },
  };
}
