import { expect } from '@open-wc/testing';
import { DisconnectReason, RemoteParticipant, RoomEvent, Track, type LocalAudioTrack, type Room } from 'livekit-client';
import { AgentLiveKitPhone } from './agent-livekit-phone.js';
import type { AgentPhone } from './agent-phone.js';
import { AgentChatClient } from '../chat/agent-chat-client.js';
import { CallOffers } from '../softphone/call-offers.js';
import type { Offer } from '../protocol/agent-server-messages.js';
import { until } from '../../test/support/browser.js';
import { remoteAudioTrack, stubbedRoom, type StubbedRoom } from '../../test/support/livekit-room.js';
import { AgentSocketStandIn, welcomeFrame } from '../../test/support/agent-socket-stand-in.js';

const SERVER = 'https://warmline.test';
const LIVEKIT = { url: 'wss://livekit.test', room: 'warmline-in_callabcdef', identity: 'agent-alice', token: 'lk-agent-token', expiresAt: Date.now() + 600_000 };

/** A stand-in for the Warmline server's LiveKit routes (they are tested on the server's side): records requests, answers as the contract says. */
function warmlineStandIn(answer: () => Response = () => Response.json({ livekit: LIVEKIT })) {
  const requests: Array<{ method: string; path: string; body: any; auth: string | null }> = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    requests.push({ method: init?.method ?? 'GET', path: url.pathname, body: init?.body ? JSON.parse(String(init.body)) : undefined, auth: headers.get('authorization') });
    if (url.pathname === '/api/v1/agent/livekit/answer') return answer();
    if (url.pathname === '/api/v1/agent/livekit/hangup') return new Response(null, { status: 204 });
    return Response.json({ error: { message: 'not here' } }, { status: 404 });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const offer = (interactionId = 'in_callabcdef', change: Partial<Offer['preview']> = {}): Offer => ({
  interactionId,
  channel: 'call',
  offeredAt: 1_000,
  expiresAt: 31_000,
  preview: { pageTitle: 'Copper Kettle', pageUrl: 'https://shop.example/p', visitorName: 'Jamie Rivera', queue: 'Help choosing', ...change },
});

describe('AgentLiveKitPhone', () => {
  let client: AgentChatClient;
  let socket: AgentSocketStandIn;
  let phone: AgentLiveKitPhone;
  let offers: CallOffers;
  let rooms: StubbedRoom[];
  let server: ReturnType<typeof warmlineStandIn>;

  async function setUp(answer?: () => Response, attach = true) {
    client = new AgentChatClient({ server: SERVER, token: 'agent-session', WebSocket: AgentSocketStandIn as unknown as typeof WebSocket });
    client.connect();
    socket = await until(() => AgentSocketStandIn.last?.sent.some((f) => f.type === 'hello') && AgentSocketStandIn.last, 'the hello');
    socket.serverSends(welcomeFrame());
    rooms = [];
    server = warmlineStandIn(answer);
    phone = new AgentLiveKitPhone({
      server: SERVER,
      token: 'agent-session',
      iceServers: [],
      decline: (id) => client.decline(id),
      fetch: server.fetch,
      createRoom: () => {
        const made = stubbedRoom();
        rooms.push(made);
        return made.room;
      },
    });
    offers = new CallOffers(client);
    if (attach) offers.attach(phone);
    await phone.register();
  }

  afterEach(async () => {
    await phone?.stop();
    offers?.close();
    client?.disconnect();
    AgentSocketStandIn.last = undefined;
  });

  const call = () => phone.snapshot.calls[0]!;
  const room = (): Room => rooms[0]!.room;

  async function answered() {
    socket.serverSends({ type: 'offer', offer: offer() });
    await phone.accept('in_callabcdef');
    expect(call().state).to.equal('connected');
  }

  it('is an AgentPhone that says what it does not do, and is ready once registered', async () => {
    await setUp();
    const asInterface: AgentPhone = phone;
    expect(asInterface.features).to.deep.equal({ transfer: false, callBack: false, keypad: false });
    expect(phone.snapshot.registration).to.equal('registered');
    await phone.unregister();
    expect(phone.snapshot.registration).to.equal('unregistered');
  });

  it('rings from an agent-socket offer with channel call, which is not listed as a chat request', async () => {
    await setUp();
    const incoming: string[] = [];
    phone.on('incoming', (c) => incoming.push(c.id));
    socket.serverSends({ type: 'offer', offer: offer() });
    expect(incoming).to.deep.equal(['in_callabcdef']);
    expect(call()).to.include({ id: 'in_callabcdef', interactionId: 'in_callabcdef', direction: 'in', state: 'ringing', caller: 'Jamie Rivera' });
    expect(client.snapshot.offers).to.deep.equal([]);
    socket.serverSends({ type: 'offer', offer: { ...offer('in_chat12345'), channel: 'chat' } });
    expect(client.snapshot.offers.map((o) => o.interactionId)).to.deep.equal(['in_chat12345']);
    expect(phone.snapshot.calls).to.have.length(1);
  });

  it('rings for an offer that came before the phone was ready (with the welcome, after a reload)', async () => {
    await setUp(undefined, false);
    socket.serverSends(welcomeFrame([offer()]));
    expect(phone.snapshot.calls).to.have.length(0);
    offers.attach(phone);
    expect(call().state).to.equal('ringing');
  });

  it('stops ringing when the offer is withdrawn', async () => {
    await setUp();
    socket.serverSends({ type: 'offer', offer: offer() });
    socket.serverSends({ type: 'offer-withdrawn', interactionId: 'in_callabcdef', reason: 'taken' });
    expect(call()).to.include({ state: 'ended', endReason: 'remote-hangup' });
    phone.dismiss('in_callabcdef');
    expect(phone.snapshot.calls).to.have.length(0);
  });

  it('declines with the decline frame on the agent socket', async () => {
    await setUp();
    socket.serverSends({ type: 'offer', offer: offer() });
    await phone.decline('in_callabcdef');
    expect(socket.sent.at(-1)).to.deep.equal({ type: 'decline', interactionId: 'in_callabcdef' });
    expect(call()).to.include({ state: 'ended', endReason: 'local-hangup' });
    expect(rooms).to.have.length(0);
    expect(server.requests).to.deep.equal([]);
  });

  it('answers: asks the server for the room, joins it, publishes the microphone, and plays what it hears', async () => {
    await setUp();
    const streams: MediaStream[] = [];
    phone.on('remote-stream', ({ stream }) => streams.push(stream));
    await answered();
    expect(server.requests[0]).to.deep.equal({ method: 'POST', path: '/api/v1/agent/livekit/answer', body: { interactionId: 'in_callabcdef' }, auth: 'Bearer agent-session' });
    expect(rooms[0]!.connects).to.deep.equal([{ url: LIVEKIT.url, token: LIVEKIT.token }]);
    expect(call().connectedAt).to.be.a('number');
    const published = rooms[0]!.published;
    expect(published).to.have.length(1);
    expect(published[0]!.source).to.equal(Track.Source.Microphone);
    const mic = published[0]!.track as LocalAudioTrack;
    expect(mic.mediaStreamTrack.kind).to.equal('audio');
    expect(mic.mediaStreamTrack.readyState).to.equal('live');

    const visitorAudio = await remoteAudioTrack('TR_visitor');
    room().emit(RoomEvent.TrackSubscribed, visitorAudio, undefined as never, undefined as never);
    expect(streams.at(-1)!.getAudioTracks()).to.deep.equal([visitorAudio.mediaStreamTrack]);
    room().emit(RoomEvent.TrackUnsubscribed, visitorAudio, undefined as never, undefined as never);
    expect(streams.at(-1)!.getAudioTracks()).to.deep.equal([]);

    await phone.hangup('in_callabcdef');
    expect(server.requests.at(-1)).to.deep.include({ path: '/api/v1/agent/livekit/hangup', body: { interactionId: 'in_callabcdef' } });
    expect(call()).to.include({ state: 'ended', endReason: 'local-hangup' });
    expect(mic.mediaStreamTrack.readyState).to.equal('ended', 'the microphone is let go');
  });

  it('holds with the microphone quiet and {"hold":true} in its metadata, and resumes', async () => {
    await setUp();
    await answered();
    const mic = rooms[0]!.published[0]!.track as LocalAudioTrack;
    void phone.setHold('in_callabcdef', true);
    expect(rooms[0]!.metadata).to.deep.equal(['{"hold":true}']);
    expect(call().state).to.equal('on-hold');
    await until(() => mic.isMuted, 'the microphone muted');
    expect(mic.mediaStreamTrack.enabled).to.equal(false);

    void phone.setHold('in_callabcdef', false);
    expect(rooms[0]!.metadata).to.deep.equal(['{"hold":true}', '{"hold":false}']);
    expect(call().state).to.equal('connected');
    await until(() => !mic.isMuted, 'the microphone back');

    // Mute is the agent's own, and outlasts a hold.
    phone.setMuted('in_callabcdef', true);
    expect(call().muted).to.equal(true);
    await until(() => mic.isMuted, 'muted');
  });

  it('shows the keys the visitor pressed, from dtmf frames', async () => {
    await setUp();
    await answered();
    socket.serverSends({ type: 'dtmf', interactionId: 'in_callabcdef', digit: '4' });
    socket.serverSends({ type: 'dtmf', interactionId: 'in_callabcdef', digit: '#' });
    expect(call().digits).to.equal('4#');
  });

  it('ends when the visitor leaves the room, without telling the server again', async () => {
    await setUp();
    await answered();
    const mic = rooms[0]!.published[0]!.track as LocalAudioTrack;
    const supervisor = new RemoteParticipant(room().engine.client, 'PA_sup', 'supervisor-carol', 'Carol');
    room().emit(RoomEvent.ParticipantDisconnected, supervisor);
    expect(call().state).to.equal('connected', 'someone else leaving does not end it');
    const visitor = new RemoteParticipant(room().engine.client, 'PA_vis', 'visitor-in_callabcdef', 'Visitor');
    room().emit(RoomEvent.ParticipantDisconnected, visitor);
    expect(call()).to.include({ state: 'ended', endReason: 'remote-hangup' });
    expect(mic.mediaStreamTrack.readyState).to.equal('ended');
    expect(server.requests.map((r) => r.path)).to.deep.equal(['/api/v1/agent/livekit/answer']);
  });

  it('ends when the room ends, and says when the connection is lost or recovering', async () => {
    await setUp();
    await answered();
    room().emit(RoomEvent.Reconnecting);
    expect(call().state).to.equal('reconnecting');
    room().emit(RoomEvent.Reconnected);
    expect(call().state).to.equal('connected');
    room().emit(RoomEvent.Disconnected, DisconnectReason.ROOM_DELETED);
    expect(call()).to.include({ state: 'ended', endReason: 'remote-hangup' });

    phone.dismiss('in_callabcdef');
    await answered();
    rooms[1]!.room.emit(RoomEvent.Disconnected, DisconnectReason.SIGNAL_CLOSE);
    expect(call()).to.include({ state: 'ended', endReason: 'connection-lost' });
  });

  it('says why when the call was gone by the time it was answered', async () => {
    await setUp(() => Response.json({ error: { message: 'This call is no longer ringing for you.' } }, { status: 409 }));
    socket.serverSends({ type: 'offer', offer: offer() });
    await phone.accept('in_callabcdef');
    expect(call()).to.include({ state: 'ended', endReason: 'remote-hangup', problem: 'gone' }, 'the server’s refusal, for the bar to word');
    expect(rooms).to.have.length(0);
  });
});
