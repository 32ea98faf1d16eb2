/**
 * When the SIP phones send their offer or answer: once the candidates that
 * matter are in, not when Chromium's late TCP candidates are. Real
 * RTCPeerConnections (Chromium's and Firefox's), with a stand-in for the two
 * members of sip.js's session description handler the rule uses.
 */
import { expect } from '@open-wc/testing';
import { awaitedType, enoughCandidates, sendWhenCandidatesSuffice, type GatheringHandler } from './early-ice.js';
import { until } from '../../test/support/browser.js';

const host = (protocol: string) => ({ type: 'host', protocol });

describe('early ICE', () => {
  it('waits for a UDP host candidate, then for what the configured servers add', () => {
    expect(enoughCandidates([], [])).to.equal(false);
    expect(enoughCandidates([host('tcp')], [])).to.equal(false);
    expect(enoughCandidates([host('udp')], [])).to.equal(true);
    // Loopback reaches only this machine: not enough on its own.
    expect(enoughCandidates([{ ...host('udp'), address: '127.0.0.1' }, { ...host('udp'), address: '::1' }], [])).to.equal(false);
    expect(enoughCandidates([{ ...host('udp'), address: '127.0.0.1' }, { ...host('udp'), address: '192.0.2.7' }], [])).to.equal(true);
    const stun = [{ urls: 'stun:stun.example.net' }];
    const turn = [{ urls: ['stun:stun.example.net', 'turns:turn.example.net:443?transport=tcp'], username: 'u', credential: 'c' }];
    expect(awaitedType(stun)).to.equal('srflx');
    expect(awaitedType(turn)).to.equal('relay');
    expect(enoughCandidates([host('udp')], stun)).to.equal(false);
    expect(enoughCandidates([host('udp'), { type: 'srflx', protocol: 'udp' }], stun)).to.equal(true);
    expect(enoughCandidates([host('udp'), { type: 'srflx', protocol: 'udp' }], turn)).to.equal(false);
    expect(enoughCandidates([host('udp'), { type: 'relay', protocol: 'udp' }], turn)).to.equal(true);
  });

  /** A peer connection offering audio, its events passed to the delegate as sip.js does. */
  async function offering(iceServers: RTCIceServer[]) {
    const pc = new RTCPeerConnection({ iceServers });
    const sent: Array<{ gathering: RTCIceGatheringState; sdp: string }> = [];
    const arrived: Array<{ candidate: RTCIceCandidate; at: number }> = [];
    const sdh: GatheringHandler = {
      peerConnectionDelegate: undefined,
      peerConnection: pc,
      iceGatheringComplete: () => sent.push({ gathering: pc.iceGatheringState, sdp: pc.localDescription?.sdp ?? '' }),
    };
    sendWhenCandidatesSuffice(sdh, iceServers);
    pc.onicecandidate = (e) => {
      if (e.candidate?.candidate) arrived.push({ candidate: e.candidate, at: performance.now() });
      sdh.peerConnectionDelegate?.onicecandidate?.(e);
    };
    pc.onicegatheringstatechange = (e) => sdh.peerConnectionDelegate?.onicegatheringstatechange?.(e);
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    await pc.setLocalDescription(await pc.createOffer());
    const close = () => {
      pc.close();
      for (const track of stream.getTracks()) track.stop();
    };
    return { pc, sent, arrived, close };
  }

  it('sends once the UDP host candidates are in, before gathering completes, with them in the SDP', async () => {
    const { pc, sent, arrived, close } = await offering([]);
    try {
      await until(() => sent.length > 0, 'the description released');
      expect(sent[0]!.gathering, 'released before gathering completed').to.equal('gathering');
      // The transport token is case-insensitive (RFC 8839 §5.1): Chromium writes udp, Firefox UDP.
      expect(sent[0]!.sdp).to.match(/a=candidate:\S+ 1 udp \d+ \S+ \d+ typ host/i);
      await until(() => pc.iceGatheringState === 'complete', 'gathering complete');
      // Chromium's TCP candidates come ~120 ms after its UDP ones: none of those was waited for.
      // (Firefox gathers its TCP candidates in the same burst as the UDP ones: none is late.)
      const firstUdp = arrived.find((c) => c.candidate.protocol === 'udp')!.at;
      const lateTcp = arrived.filter((c) => c.candidate.protocol === 'tcp' && c.at - firstUdp > 50);
      // The SDP line leaves out what follows the port (Chromium's candidate strings carry a ufrag there).
      for (const c of lateTcp) expect(sent[0]!.sdp).not.to.include(c.candidate.candidate.split(' ').slice(0, 6).join(' '));
    } finally {
      close();
    }
  });

  it('with a STUN server configured, keeps waiting for its reflexive candidate', async () => {
    // Nobody answers on this port: no reflexive candidate can come, so only sip.js's own wait may end it.
    // (Not port 9, the discard service: Firefox refuses a STUN server on a port it blocks, and 9 is one.)
    const { pc, sent, close } = await offering([{ urls: 'stun:127.0.0.1:65535' }]);
    try {
      await until(() => /a=candidate:\S+ 1 udp \d+ \S+ \d+ typ host/i.test(pc.localDescription?.sdp ?? ''), 'host candidates');
      await new Promise((r) => setTimeout(r, 100));
      expect(sent).to.deep.equal([]);
    } finally {
      close();
    }
  });
});
