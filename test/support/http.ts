import type { ContextInput } from '../../widgets/protocol/context-envelope.js';

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T = any>(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined || init.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const send = () =>
    fetch(base + path, {
      method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
      headers,
      body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
    });
  // A test that restarted the server leaves fetch a pooled connection the old one closed: once more, on a new one.
  const res = await send().catch((err: { cause?: { code?: string } }) => (err.cause?.code === 'UND_ERR_SOCKET' ? send() : Promise.reject(err)));
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export async function createInteraction(base: string, context: ContextInput, site = 'demo') {
  const res = await request<{ interactionId: string; token: string }>(base, '/api/v1/interactions', { body: { site, context } });
  if (res.status !== 201) throw new Error(`could not create an interaction: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function signIn(base: string, username = 'alice', password = 'demo') {
  const res = await request<{ token: string; agent: { id: string; name: string } }>(base, '/api/v1/agent/sessions', {
    body: { username, password },
  });
  if (res.status !== 201) throw new Error(`could not sign in ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
