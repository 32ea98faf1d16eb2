/**
 * The session description handlers both SIP phones use: sip.js's own, with
 * the configured ICE servers (never its public STUN default), sending the
 * offer or answer as soon as its candidates suffice (see early-ice.ts), and
 * able to take back an offer the other side refused.
 */
import { Web, type SessionDescriptionHandlerFactory } from 'sip.js';
import { sendWhenCandidatesSuffice } from './early-ice.js';

/** sip.js's fallback when gathering never completes; the early send usually comes within ~10 ms. */
const ICE_GATHERING_TIMEOUT_MS = 1000;

export function sessionDescriptionHandlers(
  iceServers: RTCIceServer[],
  mediaStreamFactory?: Parameters<typeof Web.defaultSessionDescriptionHandlerFactory>[0],
): { sessionDescriptionHandlerFactory: SessionDescriptionHandlerFactory; sessionDescriptionHandlerFactoryOptions: object } {
  const base = Web.defaultSessionDescriptionHandlerFactory(mediaStreamFactory);
  return {
    sessionDescriptionHandlerFactory: (session, options) => withRollback(sendWhenCandidatesSuffice(base(session, options) as Web.SessionDescriptionHandler, iceServers)),
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers }, iceGatheringTimeout: ICE_GATHERING_TIMEOUT_MS },
  };
}

/**
 * A re-INVITE refused (491 when two cross, 500 with Retry-After, 488) must
 * leave the session as it was (RFC 3261 §14.1): sip.js asks the handler to
 * roll its offer back, but its own web handler cannot, so the peer
 * connection stayed in have-local-offer and every later re-INVITE (hold, an
 * ICE restart) failed with "Invalid signaling state". WebRTC can: a
 * rollback description (JSEP, RFC 8829 §4.1.10).
 */
export function withRollback(sdh: Web.SessionDescriptionHandler): Web.SessionDescriptionHandler {
  (sdh as { rollbackDescription?: () => Promise<void> }).rollbackDescription = async () => {
    const pc = sdh.peerConnection;
    if (pc?.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
  };
  return sdh;
}
