/**
 * Signing an agent in and out over HTTP, and remembering the session for this
 * browser tab (sessionStorage: a reload keeps you signed in, closing the tab
 * does not leave a token behind).
 */
import type { AgentProfile } from '../protocol/agent-server-messages.js';

export interface AgentSessionInfo {
  token: string;
  expiresAt: number;
  agent: AgentProfile;
}

const KEY = 'warmline.agent-session';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function signIn(server: string, username: string, password: string, doFetch = fetch): Promise<AgentSessionInfo> {
  let res: Response;
  try {
    res = await doFetch(`${server}/api/v1/agent/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    throw new SignInError('The server cannot be reached. Check your connection and try again.', 0);
  }
  const body = (await res.json().catch(() => ({}))) as Partial<AgentSessionInfo> & { error?: { message?: string } };
  if (!res.ok || !body.token || !body.agent || !body.expiresAt) {
    throw new SignInError(body.error?.message ?? `Sign-in failed (${res.status}).`, res.status);
  }
  const session = { token: body.token, expiresAt: body.expiresAt, agent: body.agent };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Without storage the agent signs in again after a reload.
  }
  return session;
}

export async function signOut(server: string, token: string, doFetch = fetch) {
  forgetSession();
  try {
    await doFetch(`${server}/api/v1/agent/sessions/current`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  } catch {
    // The session expires on its own; locally it is gone already.
  }
}

export function savedSession(now = Date.now()): AgentSessionInfo | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    const session = raw ? (JSON.parse(raw) as AgentSessionInfo) : undefined;
    return session && session.expiresAt > now ? session : undefined;
  } catch {
    return undefined;
  }
}

export function forgetSession() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing to forget.
  }
}
