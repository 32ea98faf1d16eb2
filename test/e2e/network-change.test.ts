/**
 * A call survives a network change. The visitor's browser is a real
 * Chromium on a host of its own (a network namespace joined by a veth pair,
 * test/support/netns.ts); mid-call that host's address changes, as a phone
 * moving from Wi-Fi to mobile data does: the path ICE had found is gone for
 * good, and the visitor's WebSocket with it. The call must say
 * "reconnecting", restart ICE with a re-INVITE (RFC 8445 §9) over a new
 * WebSocket, and carry audio both ways again over the new address.
 */
import { after, before, describe, it } from 'node:test';
import { useServerAndBrowser } from '../support/e2e.js';
import { createTestHost, netnsProblem, type TestHost } from '../support/netns.js';
import { networkChangeJourney } from './call-scenario.js';

// Without root there is no second host to move: said, not faked (see netnsProblem()).
describe('a call survives the visitor’s network changing under it', { skip: netnsProblem() }, () => {
  // The visitor's host reaches the server over the veth link, so the server listens beyond loopback.
  const env = useServerAndBrowser({ HOST: '0.0.0.0' });
  let host: TestHost | undefined;
  before(() => {
    host = createTestHost();
  });
  after(() => host?.remove());

  it('restarts ICE when the visitor’s address changes, and the audio comes back both ways over the new one', (t) => networkChangeJourney(t, env, host!));
});
