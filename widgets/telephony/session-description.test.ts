/**
 * A refused re-INVITE leaves the session as it was: the phones' session
 * description handler rolls its offer back, on a real RTCPeerConnection in
 * Chromium (sip.js's own handler cannot, and its peer connection stayed in
 * have-local-offer, failing every later hold or ICE restart).
 */
import { expect } from '@open-wc/testing';
import type { Web } from 'sip.js';
import { withRollback } from './session-description.js';

describe('the phones’ session description handler', () => {
  it('rolls a refused offer back, so that the next one can be made', async () => {
    const pc = new RTCPeerConnection();
    try {
      pc.addTransceiver('audio');
      const sdh = withRollback({ peerConnection: pc } as unknown as Web.SessionDescriptionHandler) as Web.SessionDescriptionHandler & { rollbackDescription(): Promise<void> };
      await pc.setLocalDescription(await pc.createOffer());
      expect(pc.signalingState).to.equal('have-local-offer');
      await sdh.rollbackDescription();
      expect(pc.signalingState).to.equal('stable');
      // Nothing to take back when stable: a no-op, not an error.
      await sdh.rollbackDescription();
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      expect(pc.signalingState).to.equal('have-local-offer');
    } finally {
      pc.close();
    }
  });
});
