/**
 * The agent's phone as the console sees it, whichever path carries the
 * media: `AgentSipPhone` (sip.js, rings on an INVITE) or
 * `AgentLiveKitPhone` (livekit-client, rings on an agent-socket offer). The
 * softphone, its phone controller and the call bar depend on this and on
 * nothing of either library, which each loads lazily.
 */
import type { CallEndReason, CallState } from './call-state.js';
import type { DtmfDigit } from './dtmf.js';
import type { TransferLeg } from './transfer-header.js';
import type { ConsultRefusalCode } from '../protocol/errors.js';

/**
 * `registered`: the phone is ready for calls (on SIP, the registrar has the
 * agent's address); `reconnecting`: its connection dropped (a restart, a
 * network change) and it registers again as soon as it is back.
 */
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'reconnecting' | 'failed';

export interface AgentCall {
  id: string;
  /** `in`: it rang here; `out`: this agent placed it (a callback, a consultation). */
  direction: 'in' | 'out';
  interactionId: string | undefined;
  /** Who is on the other end, as the path carries it (or the name given when dialling). */
  caller: string;
  state: CallState;
  muted: boolean;
  /** DTMF digits the other side pressed, in order. */
  digits: string;
  ringingSince: number;
  connectedAt: number | undefined;
  endReason: CallEndReason | undefined;
  /** A call that is part of a transfer, and which part. */
  transfer: TransferLeg | undefined;
  /** This call's customer is being transferred: `consulting` while the agent talks to the colleague, `referred` once handed over. */
  transferring: 'consulting' | 'referred' | undefined;
  /** A consultation this agent placed: the id of the customer's call it prepares the transfer of. */
  consultFor: string | undefined;
  /** A transfer of this call did not go through (the colleague did not answer, the REFER failed). */
  transferFailed?: boolean;
  /** Why, when the server said (X-Warmline-Refusal): its code, and whom the consultation called, for the bar to word. */
  transferRefusal?: { reason: ConsultRefusalCode; who: string };
  /** Why the call could not go on, for the console to word (the details go to the browser's console). */
  problem?: CallProblem;
  /** The visitor's side ended it by leaving the page (their widget's BYE says so, RFC 3326 Reason). */
  leftPage?: boolean;
}

/**
 * Why a call could not go on: no microphone to answer with, the call no
 * longer rings for this agent (answered elsewhere, the caller left), the
 * call could not be joined, the agent's microphone could not be sent.
 */
export type CallProblem = 'no-mic' | 'gone' | 'join-failed' | 'mic-not-sent';

/**
 * Why the phone is not ready: its server cannot be reached, the agent's
 * session is no longer valid there, or it refused the registration.
 */
export type RegistrationProblem = 'unreachable' | 'signed-out' | 'refused';

export interface AgentPhoneSnapshot {
  registration: RegistrationState;
  /** Why the phone is not ready, for the console to word. */
  problem: RegistrationProblem | undefined;
  /** Every line, oldest first (ended ones until dismissed). */
  calls: AgentCall[];
}

export interface AgentPhoneEvents extends Record<string, unknown> {
  change: AgentPhoneSnapshot;
  /** A call started ringing (calls that answer themselves do not ring). */
  incoming: AgentCall;
  /** The other side's audio for a call, for the call bar to play. */
  'remote-stream': { callId: string; stream: MediaStream };
}

/** What a path does beyond answering, so that the console shows only what works. */
export interface PhoneFeatures {
  /** Blind and warm transfers of a call. */
  transfer: boolean;
  /** "Call back in the browser": ringing a visitor's browser for their callback. */
  callBack: boolean;
  /** The keypad: sending DTMF to the other side. */
  keypad: boolean;
}

export interface AgentPhone {
  readonly snapshot: AgentPhoneSnapshot;
  readonly features: PhoneFeatures;
  on<K extends keyof AgentPhoneEvents & string>(type: K, listener: (detail: AgentPhoneEvents[K]) => void): () => void;
  /** Ready for calls (the agent is available); resolves once it is, or failed. */
  register(): Promise<void>;
  /** Stops taking calls (away, signed out). Calls under way go on. */
  unregister(): Promise<void>;
  /** Hangs up everything and lets go of the connection. */
  stop(): Promise<void>;
  accept(callId: string): Promise<void>;
  /** Declines a ringing call: it is offered to another agent. */
  decline(callId: string): Promise<void>;
  hangup(callId: string): Promise<void>;
  setHold(callId: string, hold: boolean): Promise<void>;
  setMuted(callId: string, muted: boolean): void;
  sendDtmf(callId: string, digit: DtmfDigit): Promise<void>;
  /** Clears an ended call from the snapshot. */
  dismiss(callId: string): void;
  /** A call's media statistics; by default the first connected call's. */
  stats(callId?: string): Promise<RTCStatsReport | undefined>;
}

/** What the SIP phone adds: calls it places (callbacks, consultations) and transfers. */
export interface TransferringPhone extends AgentPhone {
  readonly domain: string;
  dial(target: string, who: string, interactionId: string | undefined): Promise<string>;
  blindTransfer(callId: string, referTo: string): Promise<void>;
  consult(callId: string, referTo: string, who: string): Promise<string | undefined>;
  completeTransfer(consultId: string): Promise<void>;
  cancelTransfer(consultId: string): Promise<void>;
}

/** Whether this phone places calls and transfers them (the SIP phone does; the LiveKit phone does not). */
export const isTransferringPhone = (phone: AgentPhone): phone is TransferringPhone => 'completeTransfer' in phone;
