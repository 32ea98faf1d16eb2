/**
 * The agent API over HTTP that is not a conversation: the transfer
 * directory and call transfers. Without any DOM.
 */
import { apiError } from '../net/api-error.js';
import type { TransferRefusalCode } from '../protocol/errors.js';

/**
 * Whether a target can take the interaction the directory was read for
 * (absent without one), and why not: a code (`skills`, `offline`, `away`,
 * `no_phone`, `busy`, `closed`…, docs/api.md), which the console words in
 * the agent's language, and a sentence in English for other API users.
 */
export interface Eligibility {
  eligible?: boolean;
  reason?: { code: TransferRefusalCode; message: string };
}

export interface DirectoryAgent extends Eligibility {
  id: string;
  username: string;
  name: string;
  online: boolean;
  presence: 'available' | 'away';
}

export interface DirectoryQueue extends Eligibility {
  id: string;
  label: string;
}

export interface Directory {
  agents: DirectoryAgent[];
  queues: DirectoryQueue[];
}

export interface TransferRequest {
  to: { agentId: string } | { queue: string };
  note: string;
  mode: 'blind' | 'warm';
}

async function call<T>(server: string, token: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server}/api/v1/agent${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await res.json().catch(() => ({}))) as T;
  // A refusal (a transfer the target cannot take: `reason`) is worded by its code where it shows.
  if (!res.ok) throw apiError(res, parsed);
  return parsed;
}

/** Whom a chat or call can go to: agents with their state, and queues; for an interaction, who can take it now. */
export const fetchDirectory = (server: string, token: string, about?: { interaction: string; channel: 'chat' | 'call' }) =>
  call<Directory>(server, token, about ? `/directory?${new URLSearchParams({ interaction: about.interaction, channel: about.channel })}` : '/directory');

/** Prepares a call transfer; the phone then REFERs the customer (or first calls) `referTo`. */
export const prepareCallTransfer = (server: string, token: string, interactionId: string, request: TransferRequest) =>
  call<{ transferId: string; referTo: string }>(server, token, '/transfers', { interactionId, ...request });
