/**
 * When an offer or answer has enough ICE candidates to send.
 *
 * sip.js puts every candidate into the SDP (no trickle ICE over SIP here:
 * RFC 8840 is not in sip.js, nor in most SIP platforms), so it holds the
 * INVITE, or the 200 OK, until ICE gathering is complete. Chromium gathers
 * its UDP candidates at once, then its TCP host candidates about 120 ms
 * later (measured here: UDP at +1 ms, TCP at +120 ms). Those TCP candidates
 * are "active" ones (port 9, RFC 6544): they can pair only with a peer's
 * passive TCP candidate, which another browser or a desk phone never
 * offers. Waiting for them cost every call ~120 ms of ringing.
 *
 * So a description is ready once the candidates that can matter are in:
 * the UDP host candidates of a real interface (they arrive together, so a
 * short quiet spell ends the burst), plus a relayed candidate when a TURN server is
 * configured or a server-reflexive one when only STUN is. Anything slower
 * falls back to sip.js's own wait: gathering complete, or its timeout.
 * No DOM here beyond the types; the SIP phones install it.
 */

/** How long after the last useful candidate the burst counts as over. */
export const SETTLE_MS = 10;

export interface SeenCandidate {
  type: string | null | undefined;
  protocol: string | null | undefined;
  address?: string | null | undefined;
}

/**
 * A loopback address (127.0.0.0/8, ::1): Chromium offers it when allowed
 * to, and it comes first, but it reaches only this machine. Counting it
 * would send an ICE restart's offer before the real interfaces' candidates
 * (measured here: a restart offer with nothing but 127.0.0.1 in it).
 */
const isLoopback = (address: string | null | undefined) => !!address && (address.startsWith('127.') || address === '::1');

const urlsOf = (servers: RTCIceServer[]) => servers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));

/** The candidate type the configured servers can add and the call should wait for, if any. */
export function awaitedType(servers: RTCIceServer[]): 'relay' | 'srflx' | undefined {
  const urls = urlsOf(servers);
  // A relayed candidate is what gets a call through a strict NAT or firewall: worth its round trips.
  if (urls.some((u) => /^turns?:/i.test(u))) return 'relay';
  if (urls.some((u) => /^stuns?:/i.test(u))) return 'srflx';
  return undefined;
}

/** Whether the candidates seen so far are enough to send the description. */
export function enoughCandidates(seen: SeenCandidate[], servers: RTCIceServer[]): boolean {
  if (!seen.some((c) => c.type === 'host' && c.protocol === 'udp' && !isLoopback(c.address))) return false;
  const awaited = awaitedType(servers);
  return !awaited || seen.some((c) => c.type === awaited);
}

/** The part of sip.js's Web.SessionDescriptionHandler this needs. */
export interface GatheringHandler {
  peerConnectionDelegate: { onicecandidate?: (event: RTCPeerConnectionIceEvent) => void; onicegatheringstatechange?: (event: Event) => void } | undefined;
  peerConnection: RTCPeerConnection | undefined;
  iceGatheringComplete(): void;
}

/**
 * Makes a sip.js session description handler stop waiting for ICE as soon
 * as the candidates suffice. Returns the handler.
 */
export function sendWhenCandidatesSuffice<T extends GatheringHandler>(sdh: T, servers: RTCIceServer[]): T {
  let seen: SeenCandidate[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  sdh.peerConnectionDelegate = {
    ...sdh.peerConnectionDelegate,
    onicegatheringstatechange: () => {
      // An ICE restart (RFC 8445 §9) gathers anew: count afresh.
      if (sdh.peerConnection?.iceGatheringState === 'gathering') seen = [];
      if (sdh.peerConnection?.iceGatheringState === 'complete') stop();
    },
    onicecandidate: (event) => {
      const candidate = event.candidate;
      if (!candidate) return;
      seen.push({ type: candidate.type, protocol: candidate.protocol, address: candidate.address });
      if (!enoughCandidates(seen, servers)) return;
      stop();
      // A TCP candidate comes after every UDP one: nothing useful is still on its way.
      if (candidate.protocol === 'tcp') sdh.iceGatheringComplete();
      else timer = setTimeout(() => sdh.iceGatheringComplete(), SETTLE_MS);
    },
  };
  return sdh;
}
