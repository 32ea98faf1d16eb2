/**
 * Every LiveKit token the server mints, decoded with the SDK's own verifier:
 * the exact grants, room and expiry of each role (the SDK writes track
 * sources by name in the JWT: 'microphone'). (No LiveKit server runs on
 * the build machines; these are the server's side of the wire.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenVerifier } from 'livekit-server-sdk';
import { interactionOfRoom, mintToken, roomName, type LiveKitRole } from '../../signaling/livekit/livekit-tokens.js';

const settings = { url: 'wss://livekit.example.com', apiKey: 'APIwarmline', apiSecret: 'livekit-test-secret-0123456789abcdef', tokenTtlSeconds: 600, emptyTimeoutSeconds: 60 };
const verifier = new TokenVerifier(settings.apiKey, settings.apiSecret);
const interactionId = 'in_kettle123456';

async function claimsOf(role: LiveKitRole, who = 'alice') {
  const minted = await mintToken(settings, { role, interactionId, who, name: who === 'alice' ? 'Alice Martin' : 'Visitor' }, Date.now());
  return { minted, claims: await verifier.verify(minted.token) };
}

describe('LiveKit tokens', () => {
  it('names the room from the interaction and gives it the interaction id as metadata, nothing personal', async () => {
    assert.equal(roomName(interactionId), 'warmline-in_kettle123456');
    assert.equal(interactionOfRoom('warmline-in_kettle123456'), interactionId);
    assert.equal(interactionOfRoom('someone-elses-room'), undefined);
    const { claims } = await claimsOf('visitor', interactionId);
    assert.equal(claims.roomConfig?.name, 'warmline-in_kettle123456');
    assert.deepEqual(JSON.parse(claims.roomConfig!.metadata), { interactionId });
    assert.equal(claims.roomConfig?.emptyTimeout, 60);
  });

  it('gives the visitor the call’s room only: microphone, subscribe, no data, no metadata', async () => {
    const { minted, claims } = await claimsOf('visitor', interactionId);
    assert.equal(minted.identity, `visitor-${interactionId}`);
    assert.equal(claims.sub, `visitor-${interactionId}`);
    assert.deepEqual(claims.video, {
      roomJoin: true,
      room: 'warmline-in_kettle123456',
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: false,
      canUpdateOwnMetadata: false,
    });
    // Not another room, not an admin of this one.
    assert.notEqual(claims.video?.room, roomName('in_someoneelse1'));
    const grants = claims.video as unknown as Record<string, unknown>;
    for (const power of ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord', 'ingressAdmin', 'hidden', 'recorder', 'agent']) {
      assert.equal(grants[power], undefined, `no ${power}`);
    }
  });

  it('gives the agent the same and their own metadata (to say "on hold")', async () => {
    const { minted, claims } = await claimsOf('agent');
    assert.equal(minted.identity, 'agent-alice');
    assert.equal(claims.name, 'Alice Martin');
    assert.deepEqual(claims.video, {
      roomJoin: true,
      room: 'warmline-in_kettle123456',
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: false,
      canUpdateOwnMetadata: true,
    });
  });

  it('gives a supervisor hidden, listen-only access; whisper a microphone (visible, so the agent can subscribe); barge a microphone for all', async () => {
    const listen = (await claimsOf('listen')).claims.video;
    assert.deepEqual(listen, { roomJoin: true, room: 'warmline-in_kettle123456', canSubscribe: true, canPublish: false, canPublishData: false, canUpdateOwnMetadata: false, hidden: true });
    const whisper = (await claimsOf('whisper')).claims.video;
    assert.deepEqual(whisper, {
      roomJoin: true,
      room: 'warmline-in_kettle123456',
      canSubscribe: true,
      canPublish: true,
      canPublishSources: ['microphone'],
      canPublishData: false,
      canUpdateOwnMetadata: false,
    }, 'visible: LiveKit lets nobody subscribe to a hidden participant, the agent included');
    const barge = (await claimsOf('barge')).claims.video;
    assert.equal(barge?.hidden, undefined, 'joining is visible');
    assert.equal(barge?.canPublish, true);
    assert.equal((await claimsOf('listen')).minted.identity, 'supervisor-alice');
  });

  it('expires after the configured time, and is refused with another secret', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { minted, claims } = await claimsOf('visitor', interactionId);
    assert.ok(claims.exp! >= before + 600 && claims.exp! <= before + 602, `exp ${claims.exp} vs ${before}+600`);
    assert.ok(Math.abs(minted.expiresAt - claims.exp! * 1000) < 2000);
    await assert.rejects(new TokenVerifier(settings.apiKey, 'another-secret-another-secret-00').verify(minted.token));
  });
});
