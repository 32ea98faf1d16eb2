/**
 * The agent's phone on the LiveKit path (`media: livekit`): each call is a
 * LiveKit room (`warmline-<interaction>`) the visitor is already in.
 *
 * It rings from an agent-socket offer whose channel is `call` (`ring`), and
 * stops when the offer is withdrawn (`withdraw`). Answering asks the server
 * for a token (`POST /api/v1/agent/livekit/answer`), joins the room and
 * publishes the agent's microphone; hanging up tells the server
 * (`POST /api/v1/agent/livekit/hangup`) and leaves. Hold mutes the
 * microphone and sets the agent's participant metadata to `{"hold":true}`,
 * which the visitor's widget reads. The visitor leaving the room, or the
 * room ending, ends the call. Keys the visitor presses come over the agent
 * socket (`keyPressed`); this path sends none (`features.keypad` is false).
 *
 * ```
 *  ringing ─accept─▶ (token, join) ─▶ connected ◀──▶ on-hold
 *     │                    │              │  ▲
 *     │                    │              ▼  │
 *     │                    │         reconnecting
 *     └─decline/withdrawn──┴──────────────┴─────▶ ended
 * ```
 * Loaded (with livekit-client) only when the server says the console is on
 * this path. Transfers and callbacks to a browser are not done here.
 */
import {
  ConnectionState,
  createLocalAudioTrack,
  DisconnectReason,
  Room,
  RoomEvent,
  Track,
  type LocalAudioTrack,
  type RemoteParticipant,
  type RemoteTrack,
  type RoomConnectOptions,
} from 'livekit-client';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { canTransition, type CallEndReason } from './call-state.js';
import type { AgentCall, AgentPhone, AgentPhoneEvents, AgentPhoneSnapshot, CallProblem, PhoneFeatures, RegistrationState } from './agent-phone.js';
import type { DtmfDigit } from './dtmf.js';
import type { Offer } from '../protocol/agent-server-messages.js';

/** What the server answers to `answer` (and `monitor`): where and how to join the call's room. */
export interface LiveKitGrant {
  url: string;
  room: string;
  identity: string;
  token: string;
  expiresAt: number;
}

export interface AgentLiveKitPhoneOptions {
  /** Base URL of the Warmline server. */
  server: string;
  /** The agent's session token. */
  token: string;
  /** TURN servers the server names; none means LiveKit's own. */
  iceServers: RTCIceServer[];
  /** Declines an offer over the agent socket (`{ type: 'decline', interactionId }`): it goes to another agent. */
  decline: (interactionId: string) => void;
  /** Makes the room of a call; a plain livekit-client `Room` unless given (tests give one whose connect is stubbed). */
  createRoom?: () => Room;
  /** HTTP to the Warmline server; the page's `fetch` unless given. */
  fetch?: typeof fetch;
}

interface Line {
  call: AgentCall;
  /** Answering: the microphone, the token and the room are on their way. */
  answering: boolean;
  room: Room | undefined;
  mic: LocalAudioTrack | undefined;
  held: boolean;
  /** The other side's audio tracks (the visitor, a supervisor who joined or whispers), by track sid. */
  remote: Map<string, MediaStreamTrack>;
  /** Stops the ringing if the withdrawal never arrives (a socket that dropped while it rang). */
  expiry: ReturnType<typeof setTimeout> | undefined;
}

/** The visitor's participant identity in a call's room. */
const isVisitor = (p: RemoteParticipant) => p.identity.startsWith('visitor-');

/** Read anew after each wait: the agent may hang up, or the visitor leave, while answering is under way. */
const isEnded = (line: Line) => line.call.state === 'ended';

/** How long past an offer's own timeout a ringing call is kept without word from the server. */
const RING_GRACE_MS = 5000;

export class AgentLiveKitPhone extends TypedEventTarget<AgentPhoneEvents> implements AgentPhone {
  readonly features: PhoneFeatures = { transfer: false, callBack: false, keypad: false };
  private registration: RegistrationState = 'unregistered';
  private readonly lines = new Map<string, Line>();
  private readonly fetch: typeof fetch;

  constructor(private readonly o: AgentLiveKitPhoneOptions) {
    super();
    this.fetch = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  get snapshot(): AgentPhoneSnapshot {
    return { registration: this.registration, problem: undefined, calls: [...this.lines.values()].map((l) => ({ ...l.call })) };
  }

  /** Nothing to register with: calls come as offers on the agent socket once the agent is available. */
  async register(): Promise<void> {
    this.setRegistration('registered');
  }

  async unregister(): Promise<void> {
    this.setRegistration('unregistered');
  }

  async stop(): Promise<void> {
    for (const id of [...this.lines.keys()]) await this.hangup(id).catch(() => undefined);
    for (const line of this.lines.values()) clearTimeout(line.expiry);
    await this.unregister();
  }

  // ── What the agent socket says ──────────────────────────────────────

  /** A call offered to this agent (an `offer` frame with channel `call`): it rings. */
  ring(offer: Offer) {
    const id = offer.interactionId;
    const current = this.lines.get(id);
    if (current && current.call.state !== 'ended') return;
    const call: AgentCall = {
      id,
      direction: 'in',
      interactionId: id,
      // The call bar names the caller from the context, else this, else "Visitor" in the agent's language.
      caller: offer.preview.visitorName ?? '',
      state: 'ringing',
      muted: false,
      digits: '',
      ringingSince: Date.now(),
      connectedAt: undefined,
      endReason: undefined,
      transfer: undefined,
      transferring: undefined,
      consultFor: undefined,
    };
    // The offer's own window (server clock differences cancel out), and some grace for the server to say so first.
    const expiry = setTimeout(() => this.withdraw(id), Math.max(0, offer.expiresAt - offer.offeredAt) + RING_GRACE_MS);
    this.lines.set(id, { call, answering: false, room: undefined, mic: undefined, held: false, remote: new Map(), expiry });
    this.changed();
    this.fire('incoming', { ...call });
  }

  /** The offer went away (taken, timed out, the caller left): a call still ringing stops. */
  withdraw(interactionId: string) {
    const line = this.lines.get(interactionId);
    if (!line || line.answering || line.call.state !== 'ringing') return;
    this.end(line, 'remote-hangup');
  }

  /** A key the visitor pressed (a `dtmf` frame). */
  keyPressed(interactionId: string, digit: string) {
    const line = this.lines.get(interactionId);
    if (line && line.call.state !== 'ended' && line.call.state !== 'ringing') this.update(line, { digits: line.call.digits + digit });
  }

  // ── What the agent does ─────────────────────────────────────────────

  async accept(callId: string): Promise<void> {
    const line = this.lines.get(callId);
    if (!line || line.answering || line.call.state !== 'ringing') return;
    line.answering = true;
    clearTimeout(line.expiry);
    this.changed();
    // The microphone first: without it the call is declined and goes to someone who can talk.
    let mic: LocalAudioTrack;
    try {
      mic = await createLocalAudioTrack({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    } catch (err) {
      this.o.decline(callId);
      console.warn('[warmline] the microphone is not available', err);
      this.end(line, 'failed', 'no-mic');
      return this.release(line);
    }
    line.mic = mic;
    if (isEnded(line)) {
      // Hung up before it was answered: it goes to someone else.
      this.o.decline(callId);
      return this.release(line);
    }

    let grant: LiveKitGrant;
    try {
      grant = (await this.post<{ livekit: LiveKitGrant }>('answer', callId)).livekit;
    } catch (err) {
      // The server's English message is for logs; the bar words why.
      console.warn(`[warmline] the call could not be answered: ${(err as Error).message}`);
      const gone = (err as AnswerError).status === 409;
      this.end(line, gone ? 'remote-hangup' : 'failed', gone ? 'gone' : 'join-failed');
      return this.release(line);
    }
    if (isEnded(line)) return this.leave(line);

    const room = this.o.createRoom?.() ?? new Room();
    line.room = room;
    this.watch(line, room);
    const options: RoomConnectOptions = { autoSubscribe: true, ...(this.o.iceServers.length ? { rtcConfig: { iceServers: this.o.iceServers } } : {}) };
    try {
      await room.connect(grant.url, grant.token, options);
    } catch (err) {
      console.warn('[warmline] the call could not be joined', err);
      this.end(line, 'failed', 'join-failed');
      return this.leave(line);
    }
    if (isEnded(line)) return this.leave(line);
    line.answering = false;
    this.update(line, { state: 'connected', connectedAt: Date.now() });
    room.localParticipant.publishTrack(mic, { source: Track.Source.Microphone }).catch((err: Error) => {
      if (line.call.state === 'ended' || line.mic !== mic) return;
      console.warn('[warmline] the microphone could not be sent', err);
      this.end(line, 'failed', 'mic-not-sent');
      void this.leave(line);
    });
  }

  async decline(callId: string): Promise<void> {
    const line = this.lines.get(callId);
    if (!line || line.answering || line.call.state !== 'ringing') return;
    this.end(line, 'local-hangup');
    this.o.decline(callId);
  }

  async hangup(callId: string): Promise<void> {
    const line = this.lines.get(callId);
    if (!line || line.call.state === 'ended') return;
    if (line.call.state === 'ringing' && !line.answering) return this.decline(callId);
    // Answering still under way: the answer finds the call ended and hangs up itself.
    this.end(line, 'local-hangup');
    if (!line.answering) await this.leave(line);
  }

  /** Hold: the microphone goes quiet and the visitor's widget reads `{"hold":true}` in the agent's metadata. */
  async setHold(callId: string, hold: boolean): Promise<void> {
    const line = this.lines.get(callId);
    if (!line?.room || (line.call.state !== 'connected' && line.call.state !== 'on-hold')) return;
    line.held = hold;
    this.applyMic(line);
    this.update(line, { state: hold ? 'on-hold' : 'connected' });
    // The server confirms by echoing the metadata; without that (a dropped connection) the microphone is still quiet.
    await line.room.localParticipant.setMetadata(JSON.stringify({ hold })).catch(() => undefined);
  }

  setMuted(callId: string, muted: boolean) {
    const line = this.lines.get(callId);
    if (!line) return;
    this.update(line, { muted });
    this.applyMic(line);
  }

  /** Not on this path: the visitor's side has nothing to play agent keys with (the console hides the keypad). */
  async sendDtmf(_callId: string, _digit: DtmfDigit): Promise<void> {}

  dismiss(callId: string) {
    if (this.lines.get(callId)?.call.state === 'ended') {
      this.lines.delete(callId);
      this.changed();
    }
  }

  /**
   * A call's media statistics; by default the first connected call's.
   * LiveKit sends and receives on two peer connections: the report joins
   * the microphone's sender statistics and those of the tracks heard.
   */
  async stats(callId?: string): Promise<RTCStatsReport | undefined> {
    const line = callId ? this.lines.get(callId) : [...this.lines.values()].find((l) => l.call.state === 'connected');
    if (!line?.room) return undefined;
    const tracks = [...line.room.remoteParticipants.values()].flatMap((p) => [...p.audioTrackPublications.values()].flatMap((pub) => (pub.track ? [pub.track] : [])));
    const reports = await Promise.all([line.mic?.getRTCStatsReport(), ...tracks.map((t) => t.getRTCStatsReport())]);
    const merged = new Map<string, unknown>();
    for (const report of reports) report?.forEach((value, key) => merged.set(key, value));
    return merged as unknown as RTCStatsReport;
  }

  // ── The room ────────────────────────────────────────────────────────

  private watch(line: Line, room: Room) {
    room
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind !== Track.Kind.Audio) return;
        line.remote.set(track.sid ?? track.mediaStreamTrack.id, track.mediaStreamTrack);
        this.playRemote(line);
      })
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
        if (line.remote.delete(track.sid ?? track.mediaStreamTrack.id)) this.playRemote(line);
      })
      .on(RoomEvent.ParticipantDisconnected, (participant: RemoteParticipant) => {
        if (!isVisitor(participant) || line.room !== room) return;
        this.end(line, 'remote-hangup');
        void this.leave(line, false);
      })
      .on(RoomEvent.Reconnecting, () => this.update(line, { state: 'reconnecting' }))
      .on(RoomEvent.Reconnected, () => this.update(line, { state: line.held ? 'on-hold' : 'connected' }))
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        if (line.room !== room) return;
        // The room was closed (the call ended on the server) or this agent was removed; anything else is a lost connection.
        const ended = reason === DisconnectReason.ROOM_DELETED || reason === DisconnectReason.ROOM_CLOSED || reason === DisconnectReason.PARTICIPANT_REMOVED;
        this.end(line, ended ? 'remote-hangup' : 'connection-lost');
        this.release(line);
      });
  }

  /** The call bar plays one stream with every track heard (a new stream each time the set changes). */
  private playRemote(line: Line) {
    this.fire('remote-stream', { callId: line.call.id, stream: new MediaStream([...line.remote.values()]) });
  }

  private applyMic(line: Line) {
    const quiet = line.call.muted || line.held;
    void (quiet ? line.mic?.mute() : line.mic?.unmute())?.catch(() => undefined);
  }

  /**
   * Leaves the call: tells the server (which ends it for the visitor and
   * closes the room) unless the other side already ended it, and lets go of
   * the room and the microphone.
   */
  private async leave(line: Line, tellServer = true) {
    const room = line.room;
    this.release(line);
    if (tellServer && line.call.interactionId) await this.post('hangup', line.call.interactionId).catch(() => undefined);
    if (room && room.state !== ConnectionState.Disconnected) await room.disconnect().catch(() => undefined);
  }

  /** Stops the microphone and forgets the room (its Disconnected event is then ours, not news). */
  private release(line: Line) {
    line.answering = false;
    line.room = undefined;
    line.mic?.stop();
    line.mic = undefined;
    line.remote.clear();
  }

  private async post<T>(what: 'answer' | 'hangup', interactionId: string): Promise<T> {
    const res = await this.fetch(`${this.o.server}/api/v1/agent/livekit/${what}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ interactionId }),
    });
    if (res.status === 204) return undefined as T;
    const body = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
    if (!res.ok) throw new AnswerError(res.status, body.error?.message ?? `HTTP ${res.status}`);
    return body;
  }

  private end(line: Line, reason: CallEndReason, problem?: CallProblem) {
    if (isEnded(line)) return;
    clearTimeout(line.expiry);
    this.update(line, { state: 'ended', endReason: reason, ...(problem ? { problem } : {}) });
  }

  private update(line: Line, change: Partial<AgentCall>) {
    if (this.lines.get(line.call.id) !== line) return;
    if (change.state && change.state !== line.call.state && !canTransition(line.call.state, change.state)) delete change.state;
    line.call = { ...line.call, ...change };
    this.changed();
  }

  private setRegistration(state: RegistrationState) {
    this.registration = state;
    this.changed();
  }

  private changed() {
    this.fire('change', this.snapshot);
  }
}

/** The server refused a call request; `status` 409 means the offer is gone. */
class AnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
