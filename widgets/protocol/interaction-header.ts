/**
 * How a SIP INVITE names its interaction, so that any softphone or CRM
 * behind any PBX can fetch the context by id: `X-Warmline-Interaction: <id>`,
 * and the same id in `User-to-User` (RFC 7433) for platforms that pass on
 * only that header: the id's bytes in hex with `encoding=hex`, and our
 * `purpose`, so that other user-to-user data is not mistaken for it.
 * Shared by the widgets and the server; no DOM, no Node.
 */
export const INTERACTION_HEADER = 'X-Warmline-Interaction';
export const USER_TO_USER_HEADER = 'User-to-User';

const hex = (text: string) => [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('');

export const userToUserValue = (interactionId: string) => `${hex(interactionId)};encoding=hex;purpose=warmline;content=interaction`;

/** The interaction an INVITE names: X-Warmline-Interaction, else a User-to-User of ours (RFC 7433 §4.1 hex data). */
export function interactionOf(getHeader: (name: string) => string | undefined): string | undefined {
  const direct = getHeader(INTERACTION_HEADER)?.trim();
  if (direct) return direct;
  const uui = getHeader(USER_TO_USER_HEADER);
  if (!uui) return undefined;
  const [data, ...params] = uui.split(';').map((p) => p.trim());
  const has = (name: string, value: string) => params.some((p) => p.toLowerCase() === `${name}=${value}`);
  if (!data || !/^(?:[0-9a-f]{2})+$/i.test(data) || !has('encoding', 'hex') || !has('purpose', 'warmline')) return undefined;
  const bytes = new Uint8Array(data.match(/../g)!.map((b) => parseInt(b, 16)));
  return new TextDecoder().decode(bytes);
}
