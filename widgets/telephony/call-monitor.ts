/**
 * A supervisor in someone else's call (LiveKit path): listening in,
 * whispering to the agent, or joining the call (barge). The server mints a
 * token for the mode (`POST /api/v1/agent/livekit/monitor`); this joins the
 * call's room with it and
 * - `listen`: subscribes and plays, publishes nothing;
 * - `whisper`: also publishes the microphone, which only the agent may
 *   subscribe to (track subscription permissions name them alone);
 * - `barge`: publishes the microphone to everyone.
 *
 * ```
 *  idle ─start─▶ joining ─▶ in ─leave─▶ idle
 *                   │        │
 *                   ▼        ▼ (the call ends, the connection is lost)
 *                failed    ended
 * ```
 * Another mode, or another call, is a new session: the old one is left
 * first (each mode has its own token). Loaded with livekit-client only when
 * a supervisor first presses a button.
 */
import { createLocalAudioTrack, Room, RoomEvent, Track, type LocalAudioTrack, type RemoteTrack, type RoomConnectOptions } from 'livekit-client';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { apiError } from '../net/api-error.js';
import type { LiveKitGrant } from './agent-livekit-phone.js';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

export type MonitorState = 'idle' | 'joining' | 'in' | 'ended' | 'failed';

export interface MonitorSnapshot {
  state: MonitorState;
  /** The call and how the supervisor is in it (while joining or in). */
  interactionId: string | undefined;
  mode: MonitorMode | undefined;
  /** What went wrong (`failed`), for the list to word; the details go to the browser's console. */
  problem: MonitorProblem | undefined;
}

/**
 * Why joining a call failed: the server refused (`no-call`: it is over; a
 * refusal of any other code: `refused`), no microphone for a whisper or a
 * barge, the room could not be joined, the microphone could not be sent.
 */
export type MonitorProblem = 'no-call' | 'refused' | 'no-mic' | 'join-failed' | 'mic-not-sent';

interface MonitorEvents extends Record<string, unknown> {
  change: MonitorSnapshot;
  /** Everything heard in the call, for the page to play. */
  'remote-stream': MediaStream;
}

export interface CallMonitorOptions {
  /** Base URL of the Warmline server. */
  server: string;
  /** The supervisor's agent session token. */
  token: string;
  iceServers?: RTCIceServer[];
  /** Makes the room; a plain livekit-client `Room` unless given (tests give one whose connect is stubbed). */
  createRoom?: () => Room;
  /** HTTP to the Warmline server; the page's `fetch` unless given. */
  fetch?: typeof fetch;
}

interface Session {
  interactionId: string;
  mode: MonitorMode;
  room: Room | undefined;
  mic: LocalAudioTrack | undefined;
  remote: Map<string, MediaStreamTrack>;
  /** The subscribed audio tracks themselves, for their receivers' statistics. */
  tracks: Map<string, RemoteTrack>;
}

export class CallMonitor extends TypedEventTarget<MonitorEvents> {
  private state: MonitorState = 'idle';
  private problem: MonitorProblem | undefined;
  private session: Session | undefined;
  private readonly fetch: typeof fetch;

  constructor(private readonly o: CallMonitorOptions) {
    super();
    this.fetch = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  get snapshot(): MonitorSnapshot {
    return { state: this.state, interactionId: this.session?.interactionId, mode: this.session?.mode, problem: this.problem };
  }

  /** Joins the call of `interactionId` in `mode`, leaving whatever this supervisor was in before. */
  async start(interactionId: string, mode: MonitorMode): Promise<void> {
    await this.leave();
    const session: Session = { interactionId, mode, room: undefined, mic: undefined, remote: new Map(), tracks: new Map() };
    this.session = session;
    this.set('joining');
    try {
      const res = await this.fetch(`${this.o.server}/api/v1/agent/livekit/monitor`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ interactionId, mode }),
      });
      const body = (await res.json().catch(() => ({}))) as { livekit?: LiveKitGrant; agentIdentity?: string };
      if (!res.ok || !body.livekit) {
        const refused = apiError(res, body);
        console.warn(`[warmline] joining the call was refused: ${refused.message}`);
        if (this.session === session) this.fail(session, refused.code === 'not_found' ? 'no-call' : 'refused');
        return;
      }
      if (this.session !== session) return;
      // The microphone before joining, so that a refused one leaves no trace in the call.
      if (mode !== 'listen') {
        try {
          session.mic = await createLocalAudioTrack({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
        } catch (err) {
          console.warn('[warmline] the microphone is not available', err);
          if (this.session === session) this.fail(session, 'no-mic');
          return;
        }
      }
      if (this.session !== session) return this.release(session);
      const room = this.o.createRoom?.() ?? new Room();
      session.room = room;
      this.watch(session, room);
      const options: RoomConnectOptions = { autoSubscribe: true, ...(this.o.iceServers?.length ? { rtcConfig: { iceServers: this.o.iceServers } } : {}) };
      await room.connect(body.livekit.url, body.livekit.token, options);
      if (this.session !== session) return this.release(session);
      if (session.mic) {
        // A whisper is for the agent alone: nobody else may subscribe to it (set before publishing).
        if (mode === 'whisper') room.localParticipant.setTrackSubscriptionPermissions(false, [{ participantIdentity: body.agentIdentity ?? '', allowAll: true }]);
        const mic = session.mic;
        room.localParticipant.publishTrack(mic, { source: Track.Source.Microphone }).catch((err: Error) => {
          console.warn('[warmline] the microphone could not be sent', err);
          if (this.session === session && session.mic === mic) this.fail(session, 'mic-not-sent');
        });
      }
      this.set('in');
    } catch (err) {
      console.warn('[warmline] the call could not be joined', err);
      if (this.session === session) this.fail(session, 'join-failed');
    }
  }

  /** What the supervisor receives (inbound-rtp and the like), for diagnostics and the integration test. */
  async stats(): Promise<RTCStatsReport | undefined> {
    const track = this.session?.tracks.values().next().value;
    return track?.getRTCStatsReport();
  }

  /** Leaves the call (the call goes on). */
  async leave(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.problem = undefined;
    if (session) await this.release(session);
    if (this.state !== 'idle') this.set('idle');
  }

  private watch(session: Session, room: Room) {
    room
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
        if (track.kind !== Track.Kind.Audio) return;
        session.remote.set(track.sid ?? track.mediaStreamTrack.id, track.mediaStreamTrack);
        session.tracks.set(track.sid ?? track.mediaStreamTrack.id, track);
        this.fire('remote-stream', new MediaStream([...session.remote.values()]));
      })
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
        session.tracks.delete(track.sid ?? track.mediaStreamTrack.id);
        if (session.remote.delete(track.sid ?? track.mediaStreamTrack.id)) this.fire('remote-stream', new MediaStream([...session.remote.values()]));
      })
      .on(RoomEvent.Disconnected, () => {
        if (this.session !== session || session.room !== room) return;
        session.room = undefined;
        void this.release(session);
        this.set('ended');
      });
  }

  private fail(session: Session, problem: MonitorProblem) {
    void this.release(session);
    this.problem = problem;
    this.set('failed');
  }

  /** Lets go of the room and the microphone (our own Disconnected is then not news). */
  private async release(session: Session) {
    const room = session.room;
    session.room = undefined;
    session.mic?.stop();
    session.mic = undefined;
    session.remote.clear();
    session.tracks.clear();
    await room?.disconnect().catch(() => undefined);
  }

  private set(state: MonitorState) {
    this.state = state;
    this.fire('change', this.snapshot);
  }
}
