import { expect } from '@open-wc/testing';
import { dtmfBody, isDtmfDigit, parseDtmfBody } from './dtmf.js';
import { isHoldOffer } from './sdp-direction.js';
import { canTransition, endReasonForStatus } from './call-state.js';
import { parseQueueHeader } from './queue-header.js';
import { interactionOf, userToUserValue } from '../protocol/interaction-header.js';

describe('DTMF over INFO', () => {
  it('writes and reads application/dtmf-relay bodies', () => {
    expect(dtmfBody('5')).to.equal('Signal=5\r\nDuration=160\r\n');
    expect(parseDtmfBody('Signal=#\r\nDuration=100\r\n')).to.equal('#');
    expect(parseDtmfBody('signal = 7\nDuration=100')).to.equal('7');
    expect(parseDtmfBody('Signal=X\r\n')).to.equal(undefined);
    expect(parseDtmfBody('')).to.equal(undefined);
    expect(isDtmfDigit('0')).to.equal(true);
    expect(isDtmfDigit('A')).to.equal(false);
  });
});

describe('hold detection in SDP offers', () => {
  const offer = (session: string, audio: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n${session}t=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 127.0.0.1\r\n${audio}`;
  it('sees sendonly and inactive audio as hold, sendrecv and recvonly as not', () => {
    expect(isHoldOffer(offer('', 'a=sendonly\r\n'))).to.equal(true);
    expect(isHoldOffer(offer('', 'a=inactive\r\n'))).to.equal(true);
    expect(isHoldOffer(offer('', 'a=sendrecv\r\n'))).to.equal(false);
    expect(isHoldOffer(offer('', 'a=recvonly\r\n'))).to.equal(false);
    expect(isHoldOffer(offer('', ''))).to.equal(false);
  });
  it('lets the media level override the session level, and knows the old 0.0.0.0 hold', () => {
    expect(isHoldOffer(offer('a=sendonly\r\n', ''))).to.equal(true);
    expect(isHoldOffer(offer('a=sendonly\r\n', 'a=sendrecv\r\n'))).to.equal(false);
    expect(isHoldOffer('v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 9 RTP/AVP 0\r\n')).to.equal(true);
  });
});

describe('call states', () => {
  it('allows the moves of a call and no others', () => {
    expect(canTransition('idle', 'connecting')).to.equal(true);
    expect(canTransition('ringing', 'connected')).to.equal(true);
    expect(canTransition('connected', 'on-hold')).to.equal(true);
    expect(canTransition('ended', 'connected')).to.equal(false);
    expect(canTransition('idle', 'connected')).to.equal(false);
    // A transfer sets up a new leg; a callback rings in.
    expect(canTransition('on-hold', 'waiting')).to.equal(true);
    expect(canTransition('idle', 'ringing')).to.equal(true);
    expect(canTransition('ended', 'ringing')).to.equal(false);
  });
  it('names why a call was refused', () => {
    expect(endReasonForStatus(480)).to.equal('no-agent');
    expect(endReasonForStatus(486)).to.equal('busy');
    expect(endReasonForStatus(603)).to.equal('busy');
    expect(endReasonForStatus(487)).to.equal('local-hangup');
    expect(endReasonForStatus(403)).to.equal('failed');
  });
});

describe('the place in line of 182 Queued', () => {
  it('reads position and wait, and refuses anything else', () => {
    expect(parseQueueHeader('position=2;wait=180')).to.deep.equal({ position: 2, waitSeconds: 180 });
    expect(parseQueueHeader('position=1')).to.deep.equal({ position: 1, waitSeconds: 0 });
    expect(parseQueueHeader('position=0;wait=5')).to.equal(undefined);
    expect(parseQueueHeader('position=x')).to.equal(undefined);
    expect(parseQueueHeader(undefined)).to.equal(undefined);
  });
});

describe('the interaction an INVITE names', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  it('reads X-Warmline-Interaction, else our User-to-User (RFC 7433, hex)', () => {
    expect(interactionOf(headers({ 'X-Warmline-Interaction': 'in_abc123xyz' }))).to.equal('in_abc123xyz');
    const uui = userToUserValue('in_abc123xyz');
    expect(uui).to.equal('696e5f61626331323378797a;encoding=hex;purpose=warmline;content=interaction');
    expect(interactionOf(headers({ 'User-to-User': uui }))).to.equal('in_abc123xyz');
  });
  it('ignores other user-to-user data and malformed values', () => {
    expect(interactionOf(headers({ 'User-to-User': '56a390f3d2b7310023a2;encoding=hex;purpose=isdn-uui' }))).to.equal(undefined);
    expect(interactionOf(headers({ 'User-to-User': 'zz;encoding=hex;purpose=warmline' }))).to.equal(undefined);
    expect(interactionOf(headers({ 'User-to-User': '696e;purpose=warmline' }))).to.equal(undefined, 'not said to be hex');
    expect(interactionOf(headers({}))).to.equal(undefined);
  });
});
