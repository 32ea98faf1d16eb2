/**
 * The visitor's call over LiveKit (docs/livekit.md): one room per call, on
 * a LiveKit server. The Warmline server queues the call and mints the
 * visitor's token (`POST /api/v1/calls`); this joins the room, publishes
 * the microphone the widget already opened, and waits for the agent who
 * answers to join. The room cannot say where the visitor is in line, so
 * until an agent is there this asks the server every 2 s
 * (`GET /api/v1/calls/current`). Loaded only when a LiveKit call starts:
 * livekit-client is about 138 KB gzipped.
 *
 * What happens in the room, and what it means for the call:
 * - a participant `agent-*` is there: connected (its name is the agent's);
 * - its metadata `{"hold":true}` / `{"hold":false}`: on hold / back;
 * - RoomEvent.Reconnecting / Reconnected: reconnecting / back (only once an
 *   agent is on the line: the call states have no "reconnecting while waiting");
 * - the agent leaves, or the server closes the room: remote-hangup (before an
 *   agent joined, the server says why: nobody free, everyone busy…);
 * - the room cannot be reached, or livekit-client gives up reconnecting: connection-lost.
 *
 * No callbacks on this path: the browser cannot be rung through a room.
 */
import {
  DisconnectReason,
  LocalAudioTrack,
  Room,
  RoomEvent,
  Track,
  type RemoteParticipant,
  type RemoteTrack,
} from 'livekit-client';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { canTransition, type CallEndReason, type CallState } from './call-state.js';
import type { CallTransportEvents, VisitorCallOptions, VisitorCallTransport } from './call-transport.js';
import type { DtmfDigit } from './dtmf.js';

export interface LiveKitCallTransportOptions {
  /** Makes the call's room (tests hand in a real Room whose network calls they stub). */
  createRoom?: () => Room;
  fetch?: typeof fetch;
  /** How often to ask the server about the call while no agent is in the room. */
  pollMs?: number;
}

/** `GET /api/v1/calls/current`: the call as the Warmline server sees it. */
type CallView =
  | { state: 'waiting'; position: number; waitSeconds: number }
  | { state: 'ringing' }
  | { state: 'answered'; agent: string }
  | { state: 'ended'; reason: CallEndReason }
  | { state: 'none' };

export const NO_CALLBACKS = 'Callbacks are not available on the LiveKit media path';

const AGENT = 'agent-';
/** A supervisor the visitor can see is barging in: heard like the agent. Listening or whispering ones are hidden, and LiveKit does not list them. */
const SUPERVISOR = 'supervisor-';

/** Disconnections the server meant: the call was ended there (ours closes the room when a call ends). Anything else is the network failing. */
const SERVER_ENDED = new Set<DisconnectReason | undefined>([DisconnectReason.ROOM_DELETED, DisconnectReason.ROOM_CLOSED, DisconnectReason.PARTICIPANT_REMOVED]);

/** Neither adaptive stream nor dynacast: they are for video, and this is one audio track each way. */
const defaultRoom = () => new Room({ adaptiveStream: false, dynacast: false });

function isHold(metadata: string | undefined): boolean {
  try {
    return (JSON.parse(metadata || '{}') as { hold?: unknown }).hold === true;
  } catch {
    return false;
  }
}

export class LiveKitCallTransport extends TypedEventTarget<CallTransportEvents> implements VisitorCallTransport {
  private current: CallState = 'idle';
  private room: Room | undefined;
  private mic: LocalAudioTrack | undefined;
  private muted = false;
  private api: { server: string; token: string } | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPlace = '';
  /** The agent who took the call (the first `agent-*` in the room). */
  private agent: string | undefined;
  /** Whether that agent is in the room now: livekit-client drops everyone for a moment while it rebuilds the connection. */
  private agentHere = false;
  private held = false;
  /** Between RoomEvent.Reconnecting and Reconnected. */
  private reconnecting = false;
  /** The remote audio to play, with whose it is: the agent's, and a barging supervisor's. */
  private readonly heard = new Map<RemoteTrack, string>();

  constructor(private readonly o: LiveKitCallTransportOptions = {}) {
    super();
  }

  get state(): CallState {
    return this.current;
  }

  async start(o: VisitorCallOptions): Promise<void> {
    const audio = o.localStream.getAudioTracks()[0];
    if (!o.livekit || !o.server) throw new Error('A LiveKit call needs its room (livekit) and the Warmline server (server).');
    if (!audio) throw new Error('no microphone track');
    this.api = { server: o.server.replace(/\/$/, ''), token: o.token };
    // The widget's own track, marked user-provided: livekit-client never opens the microphone again, nor reacquires it on unmute.
    this.mic = new LocalAudioTrack(audio, undefined, true);
    if (this.muted) await this.mic.mute();
    this.setState('connecting');
    const room = (this.o.createRoom ?? defaultRoom)();
    this.room = room;
    this.watch(room);
    try {
      // Our ICE servers only if the Warmline server gave some: an empty list would hide the ones LiveKit sends.
      await room.connect(o.livekit.url, o.livekit.token, o.iceServers.length ? { rtcConfig: { iceServers: o.iceServers } } : {});
    } catch {
      this.finish('connection-lost');
      return;
    }
    if (this.current === 'ended') {
      // Hung up while connecting.
      void room.disconnect();
      return;
    }
    this.setState('waiting');
    // Who was there before we joined is listed, not announced.
    for (const participant of room.remoteParticipants.values()) this.onParticipant(participant);
    this.poll(0);
    try {
      await room.localParticipant.publishTrack(this.mic, { source: Track.Source.Microphone });
    } catch {
      // Without our audio there is no call.
      this.finish('connection-lost');
    }
  }

  listen(): Promise<void> {
    return Promise.reject(new Error(NO_CALLBACKS));
  }

  answer(): Promise<void> {
    return Promise.reject(new Error(NO_CALLBACKS));
  }

  stopListening(): Promise<void> {
    return Promise.reject(new Error(NO_CALLBACKS));
  }

  async hangup(): Promise<void> {
    const live = this.current !== 'idle' && this.current !== 'ended';
    this.finish('local-hangup');
    // Best effort: the server also ends the call when LiveKit tells it the visitor left the room.
    if (live) await this.request('DELETE', '').catch(() => undefined);
  }

  setMuted(muted: boolean) {
    this.muted = muted;
    void (muted ? this.mic?.mute() : this.mic?.unmute());
  }

  /** Keys go through the Warmline server, which hands them to the agent's console: the visitor's token may not publish data. */
  async sendDtmf(digit: DtmfDigit): Promise<void> {
    if (this.current !== 'connected' && this.current !== 'on-hold') return;
    const res = await this.request('POST', '/dtmf', { digit });
    if (!res.ok) throw new Error(`The key was not delivered (HTTP ${res.status}).`);
  }

  /** The receiver's statistics of the agent's audio (inbound-rtp, candidates), else the sender's of ours. */
  async stats(): Promise<RTCStatsReport | undefined> {
    const agentAudio = [...this.heard].find(([, who]) => who === this.agent)?.[0];
    return (await agentAudio?.getRTCStatsReport()) ?? (await this.mic?.getRTCStatsReport());
  }

  private watch(room: Room) {
    room
      .on(RoomEvent.ParticipantConnected, (participant) => this.onParticipant(participant))
      .on(RoomEvent.ParticipantDisconnected, (participant) => this.onParticipantLeft(participant))
      // The event's first argument is the metadata before the change: read the participant's.
      .on(RoomEvent.ParticipantMetadataChanged, (_previous, participant) => {
        if (participant.identity !== this.agent) return;
        this.held = isHold(participant.metadata);
        this.settle();
      })
      .on(RoomEvent.TrackSubscribed, (track, _publication, participant) => this.hear(track, participant))
      .on(RoomEvent.TrackUnsubscribed, (track) => {
        if (this.heard.delete(track)) this.playHeard();
      })
      .on(RoomEvent.Reconnecting, () => {
        this.reconnecting = true;
        this.settle();
      })
      .on(RoomEvent.Reconnected, () => {
        this.reconnecting = false;
        this.settle();
      })
      .on(RoomEvent.Disconnected, (reason) => void this.onDisconnected(reason));
  }

  private onParticipant(participant: RemoteParticipant) {
    if (!participant.identity.startsWith(AGENT) || (this.agent && this.agent !== participant.identity)) return;
    const first = !this.agent;
    this.agent = participant.identity;
    this.agentHere = true;
    this.held = isHold(participant.metadata);
    if (first) {
      clearTimeout(this.pollTimer);
      this.fire('agent', participant.name || participant.identity.slice(AGENT.length));
    }
    this.settle();
  }

  private onParticipantLeft(participant: RemoteParticipant) {
    let dropped = false;
    for (const [track, who] of this.heard) if (who === participant.identity) dropped = this.heard.delete(track);
    if (dropped) this.playHeard();
    if (participant.identity !== this.agent) return;
    this.agentHere = false;
    // For a full reconnect, livekit-client lets everyone "leave" just before RoomEvent.Reconnecting and
    // announces them again once reconnected: wait for the rest of that sequence before calling it a hang-up.
    queueMicrotask(() => {
      if (!this.reconnecting && !this.agentHere) this.finish('remote-hangup');
    });
  }

  /** Connected or on hold while the agent is here; reconnecting while the room rebuilds its connection. */
  private settle() {
    if (this.reconnecting) this.setState('reconnecting');
    else if (this.agentHere) this.setState(this.held ? 'on-hold' : 'connected');
  }

  private hear(track: RemoteTrack, participant: RemoteParticipant) {
    const who = participant.identity;
    if (track.kind !== Track.Kind.Audio || !(who.startsWith(AGENT) || who.startsWith(SUPERVISOR))) return;
    this.heard.set(track, who);
    this.playHeard();
  }

  /** A new stream whenever what is heard changes: the widget plays a stream when it gets a different one. */
  private playHeard() {
    if (this.current === 'ended') return;
    this.fire('remote-stream', new MediaStream([...this.heard.keys()].map((track) => track.mediaStreamTrack)));
  }

  private async onDisconnected(reason: DisconnectReason | undefined) {
    if (this.current === 'ended') return;
    if (reason === DisconnectReason.CLIENT_INITIATED) return this.finish('local-hangup');
    if (!SERVER_ENDED.has(reason)) return this.finish('connection-lost');
    clearTimeout(this.pollTimer);
    // Before an agent joined, the server knows why it gave up on the call.
    const view = this.agent ? undefined : await this.currentCall().catch(() => undefined);
    this.finish(view?.state === 'ended' ? view.reason : 'remote-hangup');
  }

  /** Asks the server about the call until an agent is in the room; an answer that comes after that is dropped. */
  private poll(delay = this.o.pollMs ?? 2000) {
    if (this.agent || this.current === 'ended') return;
    this.pollTimer = setTimeout(async () => {
      const view = await this.currentCall().catch(() => undefined);
      if (this.agent || this.current === 'ended') return;
      if (view) this.onView(view);
      this.poll();
    }, delay);
  }

  private onView(view: CallView) {
    switch (view.state) {
      case 'waiting': {
        this.setState('waiting');
        const place = `${view.position}/${view.waitSeconds}`;
        if (place !== this.lastPlace) this.fire('queued', { position: view.position, waitSeconds: view.waitSeconds });
        this.lastPlace = place;
        break;
      }
      case 'ringing':
        this.setState('ringing');
        break;
      case 'ended':
        this.finish(view.reason);
        break;
      case 'none':
        // The server no longer knows the call (it restarted): nobody will come to this room.
        this.finish('failed');
        break;
      case 'answered':
        // The agent is on their way into the room; their arrival connects the call.
        break;
    }
  }

  private async currentCall(): Promise<CallView> {
    const res = await this.request('GET', '');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as CallView;
  }

  private request(method: string, path: string, body?: unknown): Promise<Response> {
    const { server, token } = this.api!;
    return (this.o.fetch ?? fetch.bind(globalThis))(`${server}/api/v1/calls/current${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  private finish(reason: CallEndReason) {
    if (this.current === 'ended') return;
    clearTimeout(this.pollTimer);
    this.setState('ended');
    this.fire('ended', reason);
    void this.room?.disconnect().catch(() => undefined);
    // The room could not be reached (or was lost for good): the server cannot know from LiveKit
    // (no webhook for a room never joined), and an agent would go on being rung. Tell it.
    if (reason === 'connection-lost') void this.request('DELETE', '').catch(() => undefined);
  }

  private setState(next: CallState) {
    if (next === this.current || !canTransition(this.current, next)) return;
    this.current = next;
    this.fire('state', next);
  }
}
