import { expect } from '@open-wc/testing';
import type { ReactiveControllerHost } from 'lit';
import { PhoneController } from './phone-controller.js';
import { AgentChatClient } from '../chat/agent-chat-client.js';
import type { Offer } from '../protocol/agent-server-messages.js';
import { until } from '../../test/support/browser.js';
import { AgentSocketStandIn, welcomeFrame } from '../../test/support/agent-socket-stand-in.js';

const SERVER = 'https://warmline.test';

const callOffer: Offer = {
  interactionId: 'in_callabcdef',
  channel: 'call',
  offeredAt: 1_000,
  expiresAt: 31_000,
  preview: { pageTitle: 'Copper Kettle', pageUrl: 'https://shop.example/p', visitorName: 'Jamie Rivera' },
};

/** Modules this page has loaded, by URL. */
const loaded = (part: string) => performance.getEntriesByType('resource').some((e) => e.name.includes(part));

describe('PhoneController in LiveKit mode', () => {
  const realFetch = window.fetch;
  const requests: string[] = [];

  before(() => {
    // Every module this page loads is counted (the default buffer keeps 250).
    performance.setResourceTimingBufferSize(100_000);
    // A stand-in for the Warmline server's agent routes (tested on the server's side); anything else goes to the real fetch.
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (!url.startsWith(SERVER)) return realFetch(input, init);
      requests.push(new URL(url).pathname);
      if (url === `${SERVER}/api/v1/agent/phone`) return Response.json({ mode: 'livekit', supervisor: true, iceServers: [] });
      return Response.json({ error: { message: 'not here' } }, { status: 404 });
    };
  });
  after(() => {
    window.fetch = realFetch;
  });

  it('loads the LiveKit phone and not sip.js, and rings for a call offered while it loaded', async () => {
    let updates = 0;
    const host = { addController() {}, removeController() {}, requestUpdate: () => void updates++, updateComplete: Promise.resolve(true) } as ReactiveControllerHost;
    const controller = new PhoneController(host, () => SERVER, () => undefined);
    const client = new AgentChatClient({ server: SERVER, token: 'agent-session', WebSocket: AgentSocketStandIn as unknown as typeof WebSocket });
    try {
      controller.follow(client);
      client.connect();
      const socket = await until(() => AgentSocketStandIn.last?.sent.some((f) => f.type === 'hello') && AgentSocketStandIn.last, 'the hello');
      // The console reloaded while a call rang: the offer comes with the welcome, before the phone exists.
      socket.serverSends(welcomeFrame([callOffer]));
      expect(client.snapshot.offers).to.deep.equal([], 'a call is not a chat request');

      const session = { token: 'agent-session', expiresAt: Date.now() + 3600_000, agent: { id: 'ag_alice', username: 'alice', name: 'Alice Martin' } };
      await controller.update(session, 'available');
      expect(controller.config).to.deep.equal({ mode: 'livekit', supervisor: true, iceServers: [] });
      expect(controller.snapshot?.registration).to.equal('registered');
      expect(controller.calls.map((c) => [c.id, c.state])).to.deep.equal([['in_callabcdef', 'ringing']]);
      expect(controller.phone!.features).to.deep.equal({ transfer: false, callBack: false, keypad: false });
      expect(controller.callsBack).to.equal(false);
      // The card is followed on the agent socket (no request of its own), once welcomed.
      await until(() => socket.sent.some((f) => f.type === 'watch' && f.interactionId === 'in_callabcdef'), 'the card followed on the socket');
      expect(requests.filter((r) => r.startsWith('/api/v1/agent/interactions'))).to.deep.equal([]);
      expect(updates).to.be.greaterThan(0);

      expect(loaded('livekit-client')).to.equal(true, 'livekit-client loaded');
      expect(loaded('sip.js')).to.equal(false, 'sip.js not loaded');

      socket.serverSends({ type: 'offer-withdrawn', interactionId: 'in_callabcdef', reason: 'timeout' });
      expect(controller.calls[0]!.state).to.equal('ended');
      await controller.update(session, 'away');
      expect(controller.snapshot?.registration).to.equal('unregistered');
    } finally {
      await controller.stop();
      client.disconnect();
    }
  });
});
