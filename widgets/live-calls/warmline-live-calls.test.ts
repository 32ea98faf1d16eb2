import { expect, fixture, html } from '@open-wc/testing';
import { DisconnectReason, RoomEvent, Track, type LocalAudioTrack } from 'livekit-client';
import type { WarmlineLiveCalls } from './warmline-live-calls.component.js';
import './warmline-live-calls.js';
import { until } from '../../test/support/browser.js';
import { stubbedRoom, type StubbedRoom } from '../../test/support/livekit-room.js';
import { expectAxeClean } from '../../test/support/axe.js';

const SERVER = 'https://warmline.test';

const ALICE = { interactionId: 'in_alicecall1', agent: 'Alice Martin', visitor: 'Jamie Rivera', topic: 'Billing and refunds', answeredAt: Date.UTC(2025, 0, 6, 14, 5) };
const BOB = { interactionId: 'in_bobcall123', agent: 'Bob Chen', visitor: 'Visitor', topic: '', answeredAt: Date.UTC(2025, 0, 6, 14, 9) };

/** A stand-in for the Warmline server's supervisor routes (they are tested on the server's side): records requests, answers as the contract says. */
function warmlineStandIn() {
  const requests: Array<{ method: string; path: string; body: any; auth: string | null }> = [];
  let calls = [ALICE, BOB];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      auth: new Headers(init?.headers).get('authorization'),
    });
    if (url.pathname === '/api/v1/agent/livekit/calls') return Response.json({ calls });
    if (url.pathname === '/api/v1/agent/livekit/monitor') {
      const { interactionId, mode } = JSON.parse(String(init!.body));
      return Response.json({
        livekit: { url: 'wss://livekit.test', room: `warmline-${interactionId}`, identity: 'supervisor-carol', token: `lk-${mode}`, expiresAt: Date.now() + 600_000 },
        agentIdentity: interactionId === ALICE.interactionId ? 'agent-alice' : 'agent-bob',
      });
    }
    return Response.json({ error: { message: 'not here' } }, { status: 404 });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests, setCalls: (next: (typeof ALICE)[]) => (calls = next) };
}

describe('<warmline-live-calls>', () => {
  let server: ReturnType<typeof warmlineStandIn>;
  let rooms: StubbedRoom[];
  let el: WarmlineLiveCalls;

  const root = () => el.shadowRoot!;
  const button = (name: string) => [...root().querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent!.trim()) === name);
  const status = () => root().querySelector('[role="status"]')!.textContent!.trim();
  const monitorRequests = () => server.requests.filter((r) => r.path === '/api/v1/agent/livekit/monitor').map((r) => r.body);

  beforeEach(async () => {
    server = warmlineStandIn();
    rooms = [];
    const createRoom = () => {
      const made = stubbedRoom();
      rooms.push(made);
      return made.room;
    };
    el = await fixture<WarmlineLiveCalls>(
      html`<warmline-live-calls server=${SERVER} .token=${'carol-session'} .fetcher=${server.fetch} .createRoom=${createRoom} lang="en"></warmline-live-calls>`,
    );
    await until(() => root().querySelectorAll('li').length === 2, 'the calls');
  });

  afterEach(() => el.remove());

  it('lists the calls in progress with Listen, Whisper and Join for each, accessibly', async () => {
    expect(server.requests[0]).to.deep.equal({ method: 'GET', path: '/api/v1/agent/livekit/calls', body: undefined, auth: 'Bearer carol-session' });
    expect(root().querySelector('h2')!.textContent).to.equal('Live calls');
    const items = [...root().querySelectorAll('li')];
    expect(items[0]!.textContent).to.contain('Alice Martin with Jamie Rivera');
    expect(items[0]!.textContent).to.contain('Billing and refunds');
    expect(items[1]!.textContent).to.contain('Bob Chen with Visitor');
    expect(items[0]!.querySelector('[role="group"]')!.getAttribute('aria-label')).to.equal('Alice Martin with Jamie Rivera');
    const names = [...items[0]!.querySelectorAll('button')].map((b) => [b.textContent!.trim(), b.getAttribute('aria-label')]);
    expect(names).to.deep.equal([
      ['Listen', "Listen to Alice Martin's call"],
      ['Whisper', 'Whisper to Alice Martin'],
      ['Join', "Join Alice Martin's call"],
    ]);
    expect(root().querySelector('[role="status"]')!.getAttribute('aria-live')).to.equal('polite');
    await expectAxeClean(el);
  });

  it('listens: asks for a listen token, joins the room and publishes nothing', async () => {
    button("Listen to Alice Martin's call")!.click();
    await until(() => status() === "Listening to Alice Martin's call", 'listening');
    expect(monitorRequests()).to.deep.equal([{ interactionId: 'in_alicecall1', mode: 'listen' }]);
    expect(server.requests.at(-1)!.auth).to.equal('Bearer carol-session');
    expect(rooms[0]!.connects).to.deep.equal([{ url: 'wss://livekit.test', token: 'lk-listen' }]);
    expect(rooms[0]!.published).to.deep.equal([]);
    expect(button('Leave the call')).to.exist;
    await expectAxeClean(el);
  });

  it('whispers with the microphone only the agent may hear, then joins the call for everyone, then leaves', async () => {
    button('Whisper to Alice Martin')!.click();
    await until(() => status() === 'Whispering to Alice Martin', 'whispering');
    expect(monitorRequests()).to.deep.equal([{ interactionId: 'in_alicecall1', mode: 'whisper' }]);
    const whisper = rooms[0]!;
    expect(whisper.connects[0]!.token).to.equal('lk-whisper');
    expect(whisper.permissions).to.deep.equal([{ allParticipants: false, permissions: [{ participantIdentity: 'agent-alice', allowAll: true }] }]);
    expect(whisper.published.map((p) => p.source)).to.deep.equal([Track.Source.Microphone]);
    const whisperMic = whisper.published[0]!.track as LocalAudioTrack;

    button("Join Alice Martin's call")!.click();
    await until(() => status() === 'In the call', 'barging');
    expect(monitorRequests().at(-1)).to.deep.equal({ interactionId: 'in_alicecall1', mode: 'barge' });
    expect(whisperMic.mediaStreamTrack.readyState).to.equal('ended', 'the whisper was left first');
    const barge = rooms[1]!;
    expect(barge.connects[0]!.token).to.equal('lk-barge');
    expect(barge.permissions).to.deep.equal([], 'everyone may hear a barge');
    expect(barge.published.map((p) => p.source)).to.deep.equal([Track.Source.Microphone]);
    const bargeMic = barge.published[0]!.track as LocalAudioTrack;

    button('Leave the call')!.click();
    await until(() => status() === '', 'left');
    expect(bargeMic.mediaStreamTrack.readyState).to.equal('ended');
    expect(button('Leave the call')).to.equal(undefined);
  });

  it('says so when the call ends while the supervisor is in it', async () => {
    button("Listen to Bob Chen's call")!.click();
    await until(() => status() === "Listening to Bob Chen's call", 'listening');
    rooms[0]!.room.emit(RoomEvent.Disconnected, DisconnectReason.ROOM_DELETED);
    await until(() => status() === 'The call has ended.', 'the end');
    expect(button('Leave the call')).to.equal(undefined);
    await expectAxeClean(el);
  });

  it('reads the list again while shown', async () => {
    el.refreshMs = 50;
    server.setCalls([BOB]);
    await until(() => root().querySelectorAll('li').length === 1, 'the shorter list', 2000);
    server.setCalls([]);
    await until(() => root().querySelector('.empty')?.textContent === 'No calls in progress.', 'no calls', 2000);
    await expectAxeClean(el);
    el.remove();
    const count = server.requests.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requests.length).to.equal(count, 'not once it is gone');
  });
});
