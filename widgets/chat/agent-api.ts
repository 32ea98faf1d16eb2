/**
 * The agent API over HTTP that is not a conversation: the transfer
 * directory and call transfers. Without any DOM.
 */

export interface DirectoryAgent {
  id: string;
  username: string;
  name: string;
  online: boolean;
  presence: 'available' | 'away';
}

export interface Directory {
  agents: DirectoryAgent[];
  queues: Array<{ id: string; label: string }>;
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
  const parsed = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!res.ok) throw new Error(parsed.error?.message ?? `HTTP ${res.status}`);
  return parsed;
}

/** Whom a chat or call can go to: agents with their state, and queues. */
export const fetchDirectory = (server: string, token: string) => call<Directory>(server, token, '/directory');

/** Prepares a call transfer; the phone then REFERs the customer (or first calls) `referTo`. */
export const prepareCallTransfer = (server: string, token: string, interactionId: string, request: TransferRequest) =>
  call<{ transferId: string; referTo: string }>(server, token, '/transfers', { interactionId, ...request });
