/**
 * Whether an SDP offer puts us on hold: its audio is `sendonly` or
 * `inactive` (RFC 3264 §8.4), or it uses the old 0.0.0.0 connection address
 * (RFC 2543 style). A media-level attribute overrides the session level.
 */
const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)$/;

export function isHoldOffer(sdp: string): boolean {
  const lines = sdp.split(/\r?\n/).map((l) => l.trim());
  const firstMedia = lines.findIndex((l) => l.startsWith('m='));
  const session = firstMedia < 0 ? lines : lines.slice(0, firstMedia);
  const audioStart = lines.findIndex((l) => l.startsWith('m=audio'));
  const audioEnd = audioStart < 0 ? -1 : lines.findIndex((l, i) => i > audioStart && l.startsWith('m='));
  const audio = audioStart < 0 ? [] : lines.slice(audioStart, audioEnd < 0 ? undefined : audioEnd);

  const directionIn = (part: string[]) => part.map((l) => DIRECTION.exec(l)?.[1]).find(Boolean);
  const connectionIn = (part: string[]) => part.find((l) => l.startsWith('c='));
  const direction = directionIn(audio) ?? directionIn(session) ?? 'sendrecv';
  const connection = connectionIn(audio) ?? connectionIn(session);
  return direction === 'sendonly' || direction === 'inactive' || connection === 'c=IN IP4 0.0.0.0';
}
