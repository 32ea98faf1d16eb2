/**
 * The visitor's view of the site's queues over HTTP, without any DOM:
 * which queues there are and whether each takes work now (open and with an
 * agent signed in), the offline form, and callbacks. Shared by the chat and
 * the call widgets; small, since it can sit in the chat's first load.
 */

import type { QueueInfo, SiteQueues } from '../protocol/site-queues.js';
import { apiError } from '../net/api-error.js';

export type { QueueInfo, SiteQueues };

/** Where the visitor stands in a queue: 1 is next. */
export interface QueuePlace {
  position: number;
  waitSeconds: number;
}

export type Fetch = typeof fetch;

const json = { 'content-type': 'application/json' };

/** The answer's body; a refusal throws an ApiError, whose code the widgets word for the visitor. */
async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as T;
  if (!res.ok) throw apiError(res, body);
  return body;
}

export const takesWork = (q: QueueInfo | undefined) => !!q && q.open && q.staffed;

export async function fetchQueues(server: string, site: string, doFetch: Fetch = fetch.bind(globalThis)): Promise<SiteQueues> {
  return parse<SiteQueues>(await doFetch(`${server}/api/v1/sites/${encodeURIComponent(site)}/queues`));
}

export interface OfflineMessage {
  site: string;
  queue?: string;
  token?: string;
  name: string;
  contact: string;
  message: string;
  context: unknown;
}

/** Leaves a message for when the queue opens; returns the conversation it starts (or joins). */
export async function leaveOfflineMessage(server: string, body: OfflineMessage, doFetch: Fetch = fetch.bind(globalThis)) {
  return parse<{ interactionId: string; token: string }>(await doFetch(`${server}/api/v1/offline`, { method: 'POST', headers: json, body: JSON.stringify(body) }));
}

/** Where to register to be rung for a callback. */
export interface CallbackLine {
  sip: { domain: string; aor: string };
  iceServers: RTCIceServer[];
}

export type CallbackStatus =
  | ({ state: 'waiting'; position: number; waitSeconds: number } & CallbackLine)
  | ({ state: 'calling' } & CallbackLine)
  /** None pending; `outcome` says how the last one ended (an agent may have phoned the number left). */
  | { state: 'none'; outcome?: 'reached' | 'unreached' | 'cancelled' };

const bearer = (token: string) => ({ ...json, authorization: `Bearer ${token}` });

/** "Call me back": the waiting call becomes a callback that keeps its place. */
export async function requestCallback(server: string, token: string, phone: string | undefined, doFetch: Fetch = fetch.bind(globalThis)) {
  return parse<CallbackStatus & { itemId: string }>(
    await doFetch(`${server}/api/v1/callbacks`, { method: 'POST', headers: bearer(token), body: JSON.stringify(phone ? { phone } : {}) }),
  );
}

export async function callbackStatus(server: string, token: string, doFetch: Fetch = fetch.bind(globalThis)) {
  return parse<CallbackStatus>(await doFetch(`${server}/api/v1/callbacks/current`, { headers: bearer(token) }));
}

export async function cancelCallback(server: string, token: string, doFetch: Fetch = fetch.bind(globalThis)) {
  const res = await doFetch(`${server}/api/v1/callbacks/current`, { method: 'DELETE', headers: bearer(token) });
  if (!res.ok && res.status !== 404) await parse(res);
}
