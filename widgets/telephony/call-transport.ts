/**
 * How a visitor's call reaches an agent, whatever carries it. The widget
 * only talks to this interface; the SIP implementation (sip.js, through the
 * embedded proxy or a PBX) is loaded when a call starts, and a LiveKit one
 * can stand beside it.
 */
import type { CallEndReason, CallState } from './call-state.js';
import type { DtmfDigit } from './dtmf.js';

export interface CallTransportEvents extends Record<string, unknown> {
  state: CallState;
  /** Why the call ended (fired once, with the `ended` state). */
  ended: CallEndReason;
  /** The other side's audio, to play. */
  'remote-stream': MediaStream;
  /** Who answered (or who is calling in), when the network says so. */
  agent: string;
  /** The caller's place in the queue changed. */
  queued: { position: number; waitSeconds: number };
  /** The agent passed the call on: a new leg is being set up. */
  transferring: void;
  /** A call rings in (a callback): answer or decline it. */
  incoming: { agentName: string };
}

export interface VisitorCallOptions {
  /** The SIP-over-WebSocket URL. */
  wsUrl: string;
  domain: string;
  /** The queue address to call. */
  target: string;
  /** The visitor's conversation token: proof that this call belongs to their interaction. */
  token: string;
  /** The interaction the call belongs to: sent in X-Warmline-Interaction and User-to-User. */
  interactionId: string;
  /** Credentials for an external SIP platform; without them the embedded proxy checks `token`. */
  auth?: { username: string; password: string };
  iceServers: RTCIceServer[];
  /** The microphone stream the widget already obtained. */
  localStream: MediaStream;
  /** The Warmline server's base URL: the LiveKit path asks it about the call (place in line, hang-up, keys). */
  server?: string;
  /** The call's LiveKit room and the visitor's token for it (`media: 'livekit'`); the SIP fields above are then unused. */
  livekit?: { url: string; room: string; identity: string; token: string };
}

/** Waiting to be called back: the address to register and the proof it is ours. */
export interface ListenOptions {
  wsUrl: string;
  domain: string;
  /** sip:cb-<interaction>@<domain> */
  aor: string;
  token: string;
  iceServers: RTCIceServer[];
}

/**
 * Why this side hangs up, when it is not the person pressing "Hang up":
 * `page-left`, the visitor left the page mid-call (the page cannot keep a
 * call). A SIP transport says so in its BYE or CANCEL (RFC 3326 `Reason`);
 * others may ignore it.
 */
export type HangupCause = 'page-left';

export interface VisitorCallTransport {
  readonly state: CallState;
  on<K extends keyof CallTransportEvents & string>(type: K, listener: (detail: CallTransportEvents[K]) => void): () => void;
  start(options: VisitorCallOptions): Promise<void>;
  /** Registers for a callback; resolves once registered (or throws). */
  listen(options: ListenOptions): Promise<void>;
  /** Answers the call ringing in, with the microphone stream. */
  answer(localStream: MediaStream): Promise<void>;
  /** Stops waiting for a callback (and declines one ringing). */
  stopListening(): Promise<void>;
  /** Ends the call (or stops it ringing); `cause` says why when the visitor did not choose to. */
  hangup(cause?: HangupCause): Promise<void>;
  setMuted(muted: boolean): void;
  sendDtmf(digit: DtmfDigit): Promise<void>;
  /** The media statistics of the call (inbound audio bytes and the like), for diagnostics. */
  stats(): Promise<RTCStatsReport | undefined>;
}
