/**
 * The caller's place in line, as the proxy sends it with 182 Queued
 * (RFC 3261 §21.1.3): `X-Warmline-Queue: position=2;wait=180`.
 */
export function parseQueueHeader(value: string | undefined): { position: number; waitSeconds: number } | undefined {
  if (!value) return undefined;
  const params = new Map(value.split(';').map((p) => p.trim().split('=') as [string, string]));
  const position = Number(params.get('position'));
  const waitSeconds = Number(params.get('wait') ?? 0);
  if (!Number.isInteger(position) || position < 1 || !Number.isFinite(waitSeconds) || waitSeconds < 0) return undefined;
  return { position, waitSeconds };
}
