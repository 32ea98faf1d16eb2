/**
 * The visitor's LiveKit transport against real livekit-client objects. No
 * LiveKit server can run here, so: (a) a real Room really fails to reach an
 * address nobody listens on; (b) a real Room whose two network calls
 * (joining the room, publishing the microphone) are stubbed hears the
 * room's own events, emitted on it as livekit-client emits them; the
 * Warmline server's call endpoints are a `fetch` stand-in.
 */
import { expect } from '@open-wc/testing';
import {
  DisconnectReason,
  RemoteAudioTrack,
  RemoteParticipant,
  Room,
  RoomEvent,
  type LocalTrack,
  type LocalTrackPublication,
  type RemoteTrackPublication,
} from 'livekit-client';
import { LiveKitCallTransport } from './livekit-call-transport.js';
import type { CallTransportEvents, VisitorCallOptions, VisitorCallTransport } from './call-transport.js';
import { until } from '../../test/support/browser.js';

const SERVER = 'https://warmline.test';
const TOKEN = 'conversation-token';

/** A microphone without asking for one: a silent stream from Web Audio. */
const audio = new AudioContext();
const microphone = () => audio.createMediaStreamDestination().stream;

function options(localStream: MediaStream, url = 'wss://livekit.test'): VisitorCallOptions {
  return {
    wsUrl: '',
    domain: '',
    target: '',
    token: TOKEN,
    interactionId: 'in_test',
    iceServers: [],
    localStream,
    server: SERVER,
    livekit: { url, room: 'warmline-in_test', identity: 'visitor-in_test', token: 'livekit-token' },
  };
}

/** Every event the transport fires, in order. */
function record(transport: LiveKitCallTransport) {
  const events: Array<{ [K in keyof CallTransportEvents]: [K, CallTransportEvents[K]] }[keyof CallTransportEvents]> = [];
  for (const type of ['state', 'ended', 'remote-stream', 'agent', 'queued'] as const) {
    transport.on(type, (detail) => events.push([type, detail] as never));
  }
  const of = <K extends keyof CallTransportEvents>(type: K) => events.filter(([t]) => t === type).map(([, d]) => d as CallTransportEvents[K]);
  return { events, of };
}

/** Stands in for the Warmline server's `/api/v1/calls/current` endpoints: GET answers `view`, the rest 204; every request is kept. */
function callServer(initial: object) {
  const server = {
    view: initial,
    requests: [] as Array<{ method: string; url: string; auth: string | null; body: unknown }>,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      server.requests.push({ method, url: String(input), auth: new Headers(init?.headers).get('authorization'), body });
      return method === 'GET' ? Response.json(server.view) : new Response(null, { status: 204 });
    }) as typeof fetch,
    gets: () => server.requests.filter((r) => r.method === 'GET').length,
  };
  return server;
}

/**
 * A real Room with its two network calls stubbed: `connect` (joining the room
 * on the LiveKit server) resolves at once, and `publishTrack` (sending the
 * microphone over the peer connection) records the track.
 */
function offlineRoom() {
  const room = new Room({ adaptiveStream: false, dynacast: false });
  const published: LocalTrack[] = [];
  room.connect = async () => undefined;
  room.localParticipant.publishTrack = async (track) => {
    published.push(track as LocalTrack);
    return {} as LocalTrackPublication;
  };
  return { room, published };
}

/** A participant as livekit-client builds one from the server's participant info (the constructor is internal; the object is the real class). */
const participant = (room: Room, identity: string, name: string, metadata = '') =>
  new RemoteParticipant(room.engine.client, `PA_${identity}`, identity, name, metadata);

/** A remote audio track on a real (unconnected) receiver, as livekit-client wraps each subscribed track. */
function remoteAudio(sid: string) {
  const receiver = new RTCPeerConnection().addTransceiver('audio', { direction: 'recvonly' }).receiver;
  return new RemoteAudioTrack(receiver.track, sid, receiver);
}

/** What TrackSubscribed carries beside the track; the transport does not read it. */
const publicationStandIn = {} as RemoteTrackPublication;

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LiveKitCallTransport', () => {
  it('ends with connection-lost, once, when the LiveKit server cannot be reached, and gives the call up with the Warmline server', async () => {
    const server = callServer({ state: 'waiting', position: 1, waitSeconds: 0 });
    const transport = new LiveKitCallTransport({ fetch: server.fetch });
    const { of } = record(transport);
    await transport.start(options(microphone(), 'ws://127.0.0.1:9'));
    await until(() => of('ended').length, 'the end');
    await tick(200);
    expect(of('state')).to.deep.equal(['connecting', 'ended']);
    expect(of('ended')).to.deep.equal(['connection-lost']);
    expect(transport.state).to.equal('ended');
    // The server is told, since no webhook comes for a room never joined and an agent would go on being rung.
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal(
      [`DELETE ${SERVER}/api/v1/calls/current`],
      'the call given up with the server, once',
    );
  });

  it('waits in line, connects with the agent, holds, reconnects, plays their audio, and ends when the agent leaves', async () => {
    const server = callServer({ state: 'waiting', position: 2, waitSeconds: 60 });
    const { room, published } = offlineRoom();
    const transport = new LiveKitCallTransport({ createRoom: () => room, fetch: server.fetch, pollMs: 20 });
    const { of } = record(transport);
    const mic = microphone();
    await transport.start(options(mic));

    expect(of('state')).to.deep.equal(['connecting', 'waiting']);
    expect(published.map((t) => t.mediaStreamTrack)).to.deep.equal(mic.getAudioTracks(), "the widget's microphone track, not a new one");
    await until(() => of('queued').length, 'the place in line');
    expect(of('queued')).to.deep.equal([{ position: 2, waitSeconds: 60 }]);
    expect(server.requests[0]).to.deep.equal({ method: 'GET', url: `${SERVER}/api/v1/calls/current`, auth: `Bearer ${TOKEN}`, body: undefined });
    server.view = { state: 'waiting', position: 1, waitSeconds: 20 };
    await until(() => of('queued').length === 2, 'the new place');
    expect(of('queued')[1]).to.deep.equal({ position: 1, waitSeconds: 20 });
    server.view = { state: 'ringing' };
    await until(() => transport.state === 'ringing', 'ringing');

    // Only an agent connects the call; a barging supervisor is heard, anyone else is not.
    const supervisor = participant(room, 'supervisor-carol', 'Carol');
    room.emit(RoomEvent.ParticipantConnected, supervisor);
    expect(transport.state).to.equal('ringing');
    const alice = participant(room, 'agent-alice', 'Alice Martin');
    room.emit(RoomEvent.ParticipantConnected, alice);
    expect(of('agent')).to.deep.equal(['Alice Martin']);
    expect(transport.state).to.equal('connected');
    const polled = server.gets();
    await tick(100);
    expect(server.gets()).to.equal(polled, 'no more polling once the agent is in the room');

    const aliceAudio = remoteAudio('TR_alice');
    room.emit(RoomEvent.TrackSubscribed, aliceAudio, publicationStandIn, alice);
    expect(of('remote-stream').at(-1)!.getAudioTracks()).to.deep.equal([aliceAudio.mediaStreamTrack]);
    const carolAudio = remoteAudio('TR_carol');
    room.emit(RoomEvent.TrackSubscribed, carolAudio, publicationStandIn, supervisor);
    room.emit(RoomEvent.TrackSubscribed, remoteAudio('TR_other'), publicationStandIn, participant(room, 'visitor-other', 'Visitor'));
    expect(of('remote-stream').at(-1)!.getAudioTracks()).to.deep.equal([aliceAudio.mediaStreamTrack, carolAudio.mediaStreamTrack]);
    room.emit(RoomEvent.TrackUnsubscribed, carolAudio, publicationStandIn, supervisor);
    expect(of('remote-stream').at(-1)!.getAudioTracks()).to.deep.equal([aliceAudio.mediaStreamTrack]);
    expect(await transport.stats()).to.be.instanceOf(RTCStatsReport, "the receiver's report of the agent's audio");

    // The room's event carries the previous metadata; the participant has the new one.
    alice.metadata = '{"hold":true}';
    room.emit(RoomEvent.ParticipantMetadataChanged, '', alice);
    expect(transport.state).to.equal('on-hold');
    alice.metadata = '{"hold":false}';
    room.emit(RoomEvent.ParticipantMetadataChanged, '{"hold":true}', alice);
    expect(transport.state).to.equal('connected');

    room.emit(RoomEvent.Reconnecting);
    expect(transport.state).to.equal('reconnecting');
    room.emit(RoomEvent.Reconnected);
    expect(transport.state).to.equal('connected');
    // A full reconnect: livekit-client lets everyone leave just before Reconnecting, and announces them again after.
    room.emit(RoomEvent.ParticipantDisconnected, alice);
    room.emit(RoomEvent.Reconnecting);
    await tick();
    expect(transport.state).to.equal('reconnecting');
    room.emit(RoomEvent.Reconnected);
    room.emit(RoomEvent.ParticipantConnected, alice);
    expect(transport.state).to.equal('connected');
    expect(of('agent')).to.deep.equal(['Alice Martin'], 'the same agent, back');

    transport.setMuted(true);
    await until(() => !mic.getAudioTracks()[0]!.enabled, 'the track muted');
    transport.setMuted(false);
    await until(() => mic.getAudioTracks()[0]!.enabled, 'the track unmuted');

    await transport.sendDtmf('5');
    expect(server.requests.at(-1)).to.deep.equal({ method: 'POST', url: `${SERVER}/api/v1/calls/current/dtmf`, auth: `Bearer ${TOKEN}`, body: { digit: '5' } });

    room.emit(RoomEvent.ParticipantDisconnected, alice);
    await until(() => of('ended').length, 'the end');
    room.emit(RoomEvent.Disconnected, DisconnectReason.ROOM_DELETED);
    await tick(50);
    expect(of('ended')).to.deep.equal(['remote-hangup']);
    expect(of('state')).to.deep.equal(['connecting', 'waiting', 'ringing', 'connected', 'on-hold', 'connected', 'reconnecting', 'connected', 'reconnecting', 'connected', 'ended']);
  });

  it('hangs up: local-hangup, and the server is told with DELETE', async () => {
    const server = callServer({ state: 'waiting', position: 1, waitSeconds: 0 });
    const { room } = offlineRoom();
    const transport = new LiveKitCallTransport({ createRoom: () => room, fetch: server.fetch, pollMs: 20 });
    const { of } = record(transport);
    await transport.start(options(microphone()));
    room.emit(RoomEvent.ParticipantConnected, participant(room, 'agent-alice', 'Alice Martin'));
    expect(transport.state).to.equal('connected');
    await transport.hangup();
    await transport.hangup();
    expect(of('ended')).to.deep.equal(['local-hangup']);
    expect(server.requests.filter((r) => r.method === 'DELETE')).to.deep.equal([
      { method: 'DELETE', url: `${SERVER}/api/v1/calls/current`, auth: `Bearer ${TOKEN}`, body: undefined },
    ]);
  });

  it('ends as the server says while waiting (busy), or when it closes the room before an agent came (no-agent)', async () => {
    const busy = callServer({ state: 'waiting', position: 1, waitSeconds: 0 });
    const first = new LiveKitCallTransport({ createRoom: () => offlineRoom().room, fetch: busy.fetch, pollMs: 20 });
    const one = record(first);
    await first.start(options(microphone()));
    busy.view = { state: 'ended', reason: 'busy' };
    await until(() => one.of('ended').length, 'the end');
    expect(one.of('ended')).to.deep.equal(['busy']);

    const noAgent = callServer({ state: 'waiting', position: 1, waitSeconds: 0 });
    const { room } = offlineRoom();
    const second = new LiveKitCallTransport({ createRoom: () => room, fetch: noAgent.fetch, pollMs: 60_000 });
    const two = record(second);
    await second.start(options(microphone()));
    noAgent.view = { state: 'ended', reason: 'no-agent' };
    room.emit(RoomEvent.Disconnected, DisconnectReason.ROOM_DELETED);
    await until(() => two.of('ended').length, 'the end');
    expect(two.of('ended')).to.deep.equal(['no-agent']);
  });

  it('ends with connection-lost when livekit-client gives up reconnecting, and remote-hangup when the server closes the room', async () => {
    for (const [reason, expected] of [
      [undefined, 'connection-lost'],
      [DisconnectReason.ROOM_DELETED, 'remote-hangup'],
    ] as const) {
      const server = callServer({ state: 'answered', agent: 'Alice Martin' });
      const { room } = offlineRoom();
      const transport = new LiveKitCallTransport({ createRoom: () => room, fetch: server.fetch, pollMs: 20 });
      const { of } = record(transport);
      await transport.start(options(microphone()));
      room.emit(RoomEvent.ParticipantConnected, participant(room, 'agent-alice', 'Alice Martin'));
      room.emit(RoomEvent.Reconnecting);
      room.emit(RoomEvent.Disconnected, reason);
      await until(() => of('ended').length, 'the end');
      expect(of('ended')).to.deep.equal([expected]);
      expect(of('state').slice(-2)).to.deep.equal(['reconnecting', 'ended']);
    }
  });

  it('offers no callbacks: listen, answer and stopListening reject with a clear error', async () => {
    const transport: VisitorCallTransport = new LiveKitCallTransport();
    for (const attempt of [
      () => transport.listen({ wsUrl: '', domain: '', aor: '', token: TOKEN, iceServers: [] }),
      () => transport.answer(microphone()),
      () => transport.stopListening(),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.equal('Callbacks are not available on the LiveKit media path');
    }
    expect(transport.state).to.equal('idle');
  });
});
