/**
 * What the proxy says about a call that is part of a transfer, in
 * `X-Warmline-Transfer: <id>;consult|blind|complete`: the first agent
 * calling to consult, the customer passed on without one, or the customer
 * arriving after the consultation. See docs/sip.md.
 */
export interface TransferLeg {
  id: string;
  kind: 'consult' | 'blind' | 'complete';
}

export function parseTransferHeader(value: string | undefined): TransferLeg | undefined {
  const [id, kind] = (value ?? '').split(';').map((p) => p.trim());
  if (!id || !/^[\w-]{1,64}$/.test(id) || (kind !== 'consult' && kind !== 'blind' && kind !== 'complete')) return undefined;
  return { id, kind };
}

/**
 * The status of a referred call from a NOTIFY's message/sipfrag body
 * (RFC 3515 §2.4.5), e.g. `SIP/2.0 200 OK` → 200.
 */
export function sipfragStatus(body: string | undefined): number | undefined {
  const match = /^SIP\/2\.0\s+(\d{3})/.exec((body ?? '').trim());
  return match ? Number(match[1]) : undefined;
}
