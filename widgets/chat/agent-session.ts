/**
 * Signing an agent in and out over HTTP, and remembering the session for this
 * browser tab (sessionStorage: a reload keeps you signed in, closing the tab
 * does not leave a token behind).
 */
import type { AgentProfile } from '../protocol/agent-server-messages.js';
import type { ErrorCode, ErrorDetails } from '../protocol/errors.js';
import { apiError } from '../net/api-error.js';

export interface AgentSessionInfo {
  token: string;
  expiresAt: number;
  agent: AgentProfile;
}

const KEY = 'warmline.agent-session';

/**
 * Why signing in (or saving a setting) failed: the server's code and
 * details (protocol/errors.ts), or `unreachable`, for the console to word
 * in the agent's language. The message is English, for logs.
 */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: ErrorCode | 'unreachable',
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  /** The error a refused request's answer describes. */
  static from(res: Response, body: unknown): SignInError {
    const { code, message, details } = apiError(res, body);
    return new SignInError(message, res.status, code, details);
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
    throw new SignInError('The server cannot be reached.', 0, 'unreachable');
  }
  const body = (await res.json().catch(() => ({}))) as Partial<AgentSessionInfo>;
  if (!res.ok || !body.token || !body.agent || !body.expiresAt) throw SignInError.from(res, body);
  const session = { token: body.token, expiresAt: body.expiresAt, agent: body.agent };
  remember(session);
  return session;
}

function remember(session: AgentSessionInfo) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Without storage the agent signs in again after a reload.
  }
}

/**
 * Saves the agent's console language (a BCP 47 tag; null: the browser's)
 * on the server, so that it follows them to every browser they sign in
 * on. Returns the session with the new profile.
 */
export async function saveLanguage(server: string, session: AgentSessionInfo, language: string | null, doFetch = fetch): Promise<AgentSessionInfo> {
  const res = await doFetch(`${server}/api/v1/agent/me`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ language }),
  });
  const body = (await res.json().catch(() => ({}))) as { agent?: AgentProfile };
  if (!res.ok || !body.agent) throw SignInError.from(res, body);
  const updated = { ...session, agent: body.agent };
  remember(updated);
  return updated;
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
