/**
 * The visitor's context during a call, in VisitorCall (no DOM, a stand-in
 * transport, a stand-in server): sent while the call is live and only then,
 * and leaving the page mid-call hangs up saying why and leaves the mark the
 * next page reports from.
 */
import { expect } from '@open-wc/testing';
import { VisitorCall } from './visitor-call.js';
import type { CallTransportEvents, HangupCause, VisitorCallTransport } from './call-transport.js';
import type { CallState } from './call-state.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { clearStorage, until } from '../../test/support/browser.js';

class FakeTransport extends TypedEventTarget<CallTransportEvents> {
  state: CallState = 'idle';
  readonly hangups: Array<HangupCause | undefined> = [];
  async start() {
    this.move('connecting');
  }
  async hangup(cause?: HangupCause) {
    this.hangups.push(cause);
    this.move('ended');
    this.fire('ended', 'local-hangup');
  }
  move(state: CallState) {
    this.state = state;
    this.fire('state', state);
  }
}

const audio = new AudioContext();

function setUp() {
  const puts: Array<{ auth: string; page: string }> = [];
  let page = 'https://shop.example/products/kettle';
  const transport = new FakeTransport();
  const fetch = (async (url: string, init?: RequestInit) => {
    if (url.endsWith('/api/v1/calls')) {
      return Response.json(
        { interactionId: 'in_ctx', token: 'tok-ctx', media: 'sip', sip: { mode: 'embedded', domain: 'warmline.test', target: 'sip:advice@warmline.test' }, iceServers: [] },
        { status: 201 },
      );
    }
    if (url.endsWith('/api/v1/interactions/current/context') && init?.method === 'PUT') {
      const headers = init.headers as Record<string, string>;
      puts.push({ auth: headers.authorization!, page: JSON.parse(String(init.body)).page.url });
      return new Response(null, { status: 204 });
    }
    return new Response(null, { status: 404 });
  }) as typeof globalThis.fetch;
  const options = {
    server: 'https://warmline.test',
    site: 'demo',
    collectContext: () => ({ v: 1 as const, visitor: { id: 'visitor-0001' }, page: { url: page, title: 'Shop' } }),
    getUserMedia: async () => audio.createMediaStreamDestination().stream,
    fetch,
    loadTransport: async () => transport as unknown as VisitorCallTransport,
  };
  return {
    call: new VisitorCall(options),
    /** The same visitor's next page. */
    nextPage: () => new VisitorCall(options),
    transport,
    puts,
    goTo: (url: string) => (page = url),
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the context during a call', () => {
  beforeEach(clearStorage);

  it('is sent on each change while the call is live, and not before or after', async () => {
    const { call, transport, puts, goTo } = setUp();
    call.contextChanged();
    await pause(250);
    expect(puts).to.deep.equal([], 'no call yet');

    await call.openMicrophone();
    await call.start('advice');
    expect(call.live).to.equal(true);
    for (const state of ['connecting', 'waiting', 'ringing', 'connected', 'on-hold', 'reconnecting'] as const) {
      transport.move(state);
      goTo(`https://shop.example/${state}`);
      call.contextChanged();
      await until(() => puts.at(-1)?.page === `https://shop.example/${state}`, `the context sent while ${state}`);
    }
    expect(puts.every((p) => p.auth === 'Bearer tok-ctx')).to.equal(true);

    await call.hangup();
    expect(call.live).to.equal(false);
    const sent = puts.length;
    call.contextChanged();
    await pause(250);
    expect(puts).to.have.length(sent, 'nothing after the call');
  });

  it('leaving the page mid-call hangs up saying why, and the next page reports where the visitor went, once', async () => {
    const { call, nextPage, transport, puts, goTo } = setUp();
    await call.openMicrophone();
    await call.start('advice');
    transport.move('connected');
    call.leavePage();
    expect(transport.hangups).to.deep.equal(['page-left']);
    expect(call.snapshot.state).to.equal('ended');
    expect(call.live).to.equal(false);
    expect(sessionStorage.getItem('warmline.call-left.demo')).to.match(/^\d+$/);

    goTo('https://shop.example/cart');
    const next = nextPage();
    await next.reportAfterLeaving();
    expect(puts).to.deep.equal([{ auth: 'Bearer tok-ctx', page: 'https://shop.example/cart' }]);
    expect(sessionStorage.getItem('warmline.call-left.demo')).to.equal(null);
    await nextPage().reportAfterLeaving();
    expect(puts).to.have.length(1, 'once');
  });

  it('leaves no mark when no call is live', async () => {
    const { call, transport, puts } = setUp();
    call.leavePage();
    expect(sessionStorage.getItem('warmline.call-left.demo')).to.equal(null);
    expect(transport.hangups).to.deep.equal([]);
    await call.reportAfterLeaving();
    expect(puts).to.deep.equal([]);
  });
});
