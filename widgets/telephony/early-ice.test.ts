/**
 * When the SIP phones send their offer or answer: once the candidates that
 * matter are in, not when Chromium's late TCP candidates are. Real
 * RTCPeerConnections in Chromium, with a stand-in for the two members of
 * sip.js's session description handler the rule uses.
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
    const sdh: GatheringHandler = {
      peerConnectionDelegate: undefined,
      peerConnection: pc,
      iceGatheringComplete: () => sent.push({ gathering: pc.iceGatheringState, sdp: pc.localDescription?.sdp ?? '' }),
    };
    sendWhenCandidatesSuffice(sdh, iceServers);
    pc.onicecandidate = (e) => sdh.peerConnectionDelegate?.onicecandidate?.(e);
    pc.onicegatheringstatechange = (e) => sdh.peerConnectionDelegate?.onicegatheringstatechange?.(e);
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    await pc.setLocalDescription(await pc.createOffer());
    const close = () => {
      pc.close();
      for (const track of stream.getTracks()) track.stop();
    };
    return { pc, sent, close };
  }

  it('sends once the UDP host candidates are in, before gathering completes, with them in the SDP', async () => {
    const { pc, sent, close } = await offering([]);
    try {
      await until(() => sent.length > 0, 'the description released');
      expect(sent[0]!.gathering, 'released before the TCP candidates came').to.equal('gathering');
      expect(sent[0]!.sdp).to.match(/a=candidate:\S+ 1 udp \d+ \S+ \d+ typ host/);
      expect(sent[0]!.sdp).not.to.match(/ tcp \d+ .* typ host/);
      await until(() => pc.iceGatheringState === 'complete', 'gathering complete');
    } finally {
      close();
    }
  });

  it('with a STUN server configured, keeps waiting for its reflexive candidate', async () => {
    // Nobody answers on this port: no reflexive candidate can come, so only sip.js's own wait may end it.
    const { pc, sent, close } = await offering([{ urls: 'stun:127.0.0.1:9' }]);
    try {
      await until(() => pc.localDescription?.sdp.includes(' udp ') && pc.localDescription.sdp.includes('typ host'), 'host candidates');
      await new Promise((r) => setTimeout(r, 100));
      expect(sent).to.deep.equal([]);
    } finally {
      close();
    }
  });
});
