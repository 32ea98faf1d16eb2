/**
 * The session description handlers both SIP phones use: sip.js's own, with
 * the configured ICE servers (never its public STUN default), sending the
 * offer or answer as soon as its candidates suffice (see early-ice.ts).
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
    sessionDescriptionHandlerFactory: (session, options) => sendWhenCandidatesSuffice(base(session, options) as Web.SessionDescriptionHandler, iceServers),
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers }, iceGatheringTimeout: ICE_GATHERING_TIMEOUT_MS },
  };
}
