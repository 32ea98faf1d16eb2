/**
 * Which call library a visitor's page loads, and when: neither before a
 * call, and then only the one for the media path the server answers with
 * (`media: 'sip'` or `'livekit'` from POST /api/v1/calls). Each test file
 * has its page to itself, so the page's resource timings tell what was
 * fetched; the tests run in order and each looks at what is new.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../call/warmline-call.js';
import '../chat-panel/warmline-chat.js';
import type { WarmlineCall } from '../call/warmline-call.component.js';
import { VisitorCall, type VisitorCallOptions as CallOptions, type VisitorCallSnapshot } from './visitor-call.js';
import type { VisitorCallOptions, VisitorCallTransport } from './call-transport.js';
import { clearStorage, serverUrl, until } from '../../test/support/browser.js';

// Served from source, sip.js alone is a couple of hundred modules: more than the default 250 entries.
performance.setResourceTimingBufferSize(10_000);
const fetched = () => performance.getEntriesByType('resource').map((e) => e.name);
const livekit = (names: string[]) => names.filter((n) => n.includes('livekit'));
const sip = (names: string[]) => names.filter((n) => n.includes('sip-call-transport') || n.includes('/sip.js/'));

const audio = new AudioContext();
const microphone = async () => audio.createMediaStreamDestination().stream;

/** Stands in for the Warmline server's POST /api/v1/calls with one answer. */
const answering =
  (status: number, body: object): typeof fetch =>
  async () =>
    Response.json(body, { status });

function call(fetch: typeof globalThis.fetch, loadTransport?: CallOptions['loadTransport']) {
  const visitorCall = new VisitorCall({ server: 'https://warmline.test', site: 'demo', collectContext: () => ({}) as never, getUserMedia: microphone, fetch, loadTransport });
  const snapshots: VisitorCallSnapshot[] = [];
  visitorCall.on('change', (s) => snapshots.push(s));
  return { visitorCall, snapshots };
}

const nobody = 'ws://127.0.0.1:9';

describe('the media path a call takes', () => {
  beforeEach(clearStorage);

  it('loads neither sip.js nor livekit-client for the call button, its topics and the chat', async () => {
    const server = await serverUrl();
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!.click();
    await until(() => el.shadowRoot!.querySelector('[role="group"]'), 'the topic choice');
    await fixture(html`<warmline-chat server=${server} site="demo"></warmline-chat>`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(livekit(fetched())).to.deep.equal([]);
    expect(sip(fetched())).to.deep.equal([]);
  });

  it('loads no transport when the server refuses the call', async () => {
    const { visitorCall, snapshots } = call(answering(503, { error: { code: 'unavailable', message: 'down' } }));
    expect(await visitorCall.openMicrophone()).to.equal(true);
    await visitorCall.start('advice');
    expect(snapshots.at(-1)!.problem).to.equal('server');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sip(fetched())).to.deep.equal([], 'the SIP transport is not fetched before the server names the media path');
    expect(livekit(fetched())).to.deep.equal([]);
  });

  it('loads only the SIP transport for a SIP answer, with callbacks offered', async () => {
    const { visitorCall, snapshots } = call(
      answering(201, {
        interactionId: 'in_sip',
        token: 'tok',
        media: 'sip',
        sip: { mode: 'embedded', wsUrl: nobody, domain: 'warmline.test', target: 'sip:advice@warmline.test' },
        iceServers: [],
      }),
    );
    await visitorCall.openMicrophone();
    await visitorCall.start('advice');
    await until(() => snapshots.at(-1)!.state === 'ended', 'the call to end');
    expect(snapshots.at(-1)).to.include({ endReason: 'connection-lost', callbacks: true });
    expect(sip(fetched())).to.not.deep.equal([]);
    expect(livekit(fetched())).to.deep.equal([]);
  });

  it('loads the LiveKit transport for a LiveKit answer, without callbacks', async () => {
    const { visitorCall, snapshots } = call(
      answering(201, {
        interactionId: 'in_lk',
        token: 'tok',
        media: 'livekit',
        livekit: { url: nobody, room: 'warmline-in_lk', identity: 'visitor-in_lk', token: 'lk', expiresAt: '2099-01-01T00:00:00Z' },
        iceServers: [],
      }),
    );
    await visitorCall.openMicrophone();
    await visitorCall.start('advice');
    await until(() => snapshots.at(-1)!.state === 'ended', 'the call to end');
    expect(snapshots.map((s) => s.state).filter((s, i, all) => s !== all[i - 1])).to.deep.equal(['idle', 'connecting', 'ended']);
    expect(snapshots.at(-1)).to.include({ endReason: 'connection-lost', callbacks: false });
    expect(fetched().some((n) => n.includes('livekit-call-transport'))).to.equal(true);
    expect(fetched().some((n) => n.includes('/livekit-client/'))).to.equal(true);
  });

  it('hands the LiveKit transport the room, the conversation token and the server', async () => {
    const media: string[] = [];
    const started: VisitorCallOptions[] = [];
    /** Records what the call starts it with; fires nothing. */
    const transport = { state: 'idle', on: () => () => undefined, start: async (o: VisitorCallOptions) => void started.push(o) } as unknown as VisitorCallTransport;
    const livekitAnswer = { url: 'wss://lk.test', room: 'warmline-in_lk', identity: 'visitor-in_lk', token: 'lk', expiresAt: '2099-01-01T00:00:00Z' };
    const { visitorCall } = call(answering(201, { interactionId: 'in_lk', token: 'tok', media: 'livekit', livekit: livekitAnswer, iceServers: [] }), async (m) => {
      media.push(m);
      return transport;
    });
    await visitorCall.openMicrophone();
    await visitorCall.start('advice');
    expect(media).to.deep.equal(['livekit']);
    expect(started[0]).to.include({ token: 'tok', interactionId: 'in_lk', server: 'https://warmline.test' });
    expect(started[0]!.livekit).to.include({ url: 'wss://lk.test', room: 'warmline-in_lk', identity: 'visitor-in_lk', token: 'lk' });
    expect(started[0]!.localStream.getAudioTracks()).to.have.length(1);
  });
});
