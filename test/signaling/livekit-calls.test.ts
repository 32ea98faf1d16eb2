/**
 * The LiveKit media path on our side of the wire: the server in
 * `media: livekit` over real HTTP and WebSockets. No LiveKit server can run
 * on the build machines, so what LiveKit would do is played by the test:
 * tokens are decoded with the SDK's verifier, webhooks are signed with the
 * SDK (and tampered with), and rooms closing is recorded by RecordingRooms,
 * which stands in for LiveKit's RoomService (DeleteRoom).
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import type { RoomCloser } from '../../signaling/livekit/room-closer.js';
import { callRecords } from '../support/store-rows.js';

const livekit = { url: 'wss://livekit.example.com', apiKey: 'APIwarmlinetest', apiSecret: 'livekit-test-secret-0123456789abcdef' };
const verifier = new TokenVerifier(livekit.apiKey, livekit.apiSecret);

/** Stands in for LiveKit's RoomService: records the rooms the server closes. */
class RecordingRooms implements RoomCloser {
  readonly closed: string[] = [];
  async close(room: string) {
    this.closed.push(room);
  }
}

/** A webhook as LiveKit sends it: the body, and a JWT over its SHA-256 signed with the API secret. */
async function signedWebhook(event: Record<string, unknown>, secret = livekit.apiSecret) {
  const body = JSON.stringify({ id: `EV_${Math.random().toString(36).slice(2)}`, createdAt: String(Math.floor(Date.now() / 1000)), ...event });
  const token = new AccessToken(livekit.apiKey, secret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return { body, authorization: await token.toJwt() };
}

describe('calls over LiveKit, the server’s side', () => {
  let server: TestServer;
  const rooms = new RecordingRooms();
  const sockets: TestSocket[] = [];

  const agent = async (username: string) => {
    const session = await signIn(server.url, username);
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    sockets.push(socket);
    socket.send({ type: 'hello', token: session.token, since: {} });
    await socket.next('welcome');
    return { socket, token: session.token };
  };
  const call = async (queue = 'support') => {
    const { token } = await createInteraction(server.url, sampleContext());
    const res = await request(server.url, '/api/v1/calls', { body: { site: 'demo', token, queue, context: sampleContext() } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { token, ...res.body } as { token: string; interactionId: string; media: string; livekit: { url: string; room: string; identity: string; token: string } };
  };
  const state = async (token: string) => (await request(server.url, '/api/v1/calls/current', { token })).body;
  const webhook = async (event: Record<string, unknown>, secret?: string, tamper?: (body: string) => string) => {
    const signed = await signedWebhook(event, secret);
    return fetch(`${server.url}/api/v1/livekit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', ...(secret === 'none' ? {} : { authorization: signed.authorization }) },
      body: tamper ? tamper(signed.body) : signed.body,
    });
  };

  before(async () => {
    server = await startTestServer(
      {
        media: 'livekit',
        livekit,
        queues: [{ id: 'support', label: 'Support' }],
        agents: { alice: { supervisor: true } },
        routing: { offerTimeoutSeconds: 30 },
      },
      { livekitRooms: rooms },
    );
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  after(() => server.close());

  it('gives the caller a token for their call’s room and queues the call; the console rings with an offer; answering gives the agent theirs', async () => {
    const bob = await agent('bob');
    const visitor = await call();
    assert.equal(visitor.media, 'livekit');
    assert.equal(visitor.livekit.url, livekit.url);
    assert.equal(visitor.livekit.room, `warmline-${visitor.interactionId}`);
    const claims = await verifier.verify(visitor.livekit.token);
    assert.equal(claims.video?.room, visitor.livekit.room);
    assert.equal(claims.sub, `visitor-${visitor.interactionId}`);

    const { offer } = await bob.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    assert.equal(offer.channel, 'call');
    assert.equal((await state(visitor.token)).state, 'ringing');

    const answer = await request(server.url, '/api/v1/agent/livekit/answer', { token: bob.token, body: { interactionId: visitor.interactionId } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const agentClaims = await verifier.verify(answer.body.livekit.token);
    assert.deepEqual([agentClaims.sub, agentClaims.video?.room, agentClaims.video?.canUpdateOwnMetadata], ['agent-bob', visitor.livekit.room, true]);
    assert.deepEqual(await state(visitor.token), { state: 'answered', agent: 'Bob Chen' });
    const again = await request(server.url, '/api/v1/agent/livekit/answer', { token: bob.token, body: { interactionId: visitor.interactionId } });
    assert.equal(again.status, 409, 'answered once');

    // A key the visitor presses reaches bob's console (the visitor's token has no data grant).
    assert.equal((await request(server.url, '/api/v1/calls/current/dtmf', { token: visitor.token, body: { digit: '7' } })).status, 204);
    const dtmf = await bob.socket.next('dtmf');
    assert.deepEqual([dtmf.interactionId, dtmf.digit], [visitor.interactionId, '7']);
    assert.equal((await request(server.url, '/api/v1/calls/current/dtmf', { token: visitor.token, body: { digit: 'x' } })).status, 400);

    // Bob hangs up: the call ends for the visitor and the room is closed.
    assert.equal((await request(server.url, '/api/v1/agent/livekit/hangup', { token: bob.token, body: { interactionId: visitor.interactionId } })).status, 204);
    assert.deepEqual(await state(visitor.token), { state: 'ended', reason: 'remote-hangup' });
    assert.ok(rooms.closed.includes(visitor.livekit.room));
    const record = (await callRecords(server, visitor.interactionId)).at(-1)!;
    assert.deepEqual([record.status, record.endReason, record.sipCallId], ['ended', 'hangup-agent', visitor.livekit.room]);
  });

  it('tells a waiting caller their place, and lets them give up, closing the room', async () => {
    // bob is signed in but away: the queue is staffed, nobody is offered the call.
    const bob = await agent('bob');
    bob.socket.send({ type: 'presence', state: 'away' });
    await bob.socket.next((f) => f.type === 'presence' && f.state === 'away');
    const visitor = await call();
    const waiting = await state(visitor.token);
    assert.deepEqual([waiting.state, waiting.position, typeof waiting.waitSeconds], ['waiting', 1, 'number']);
    assert.equal((await request(server.url, '/api/v1/calls/current', { method: 'DELETE', token: visitor.token })).status, 204);
    assert.deepEqual(await state(visitor.token), { state: 'ended', reason: 'local-hangup' });
    assert.ok(rooms.closed.includes(visitor.livekit.room));
    assert.equal((await request(server.url, '/api/v1/calls/current', { token: 'someone-else' })).status, 401);
    assert.equal(bob.socket.pending('offer').length, 0);
    bob.socket.send({ type: 'presence', state: 'available' });
    await bob.socket.next((f) => f.type === 'presence' && f.state === 'available');
  });

  it('moves the call along on correctly signed webhooks only; anything else gets 401 and changes nothing', async () => {
    const carol = await agent('bob');
    const visitor = await call();
    await carol.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    // bob's console in another tab answered and joined: LiveKit says so, and the call is his.
    const joined = { event: 'participant_joined', room: { name: visitor.livekit.room, sid: 'RM_x' }, participant: { identity: 'agent-bob', sid: 'PA_b' } };
    assert.equal((await webhook(joined, 'none')).status, 401);
    assert.equal((await state(visitor.token)).state, 'ringing', 'an unsigned event changes nothing');
    assert.equal((await webhook(joined)).status, 200);
    assert.deepEqual(await state(visitor.token), { state: 'answered', agent: 'Bob Chen' });
    await carol.socket.next((f) => f.type === 'offer-withdrawn' && f.interactionId === visitor.interactionId && f.reason === 'taken');
    const left = { event: 'participant_left', room: { name: visitor.livekit.room, sid: 'RM_x' }, participant: { identity: `visitor-${visitor.interactionId}`, sid: 'PA_x' } };

    const refused = [
      await webhook(left, 'none'),
      await webhook(left, 'another-secret-another-secret-0000'),
      await webhook(left, undefined, (body) => body.replace('participant_left', 'room_finished')),
    ];
    assert.deepEqual(refused.map((r) => r.status), [401, 401, 401]);
    assert.equal((await state(visitor.token)).state, 'answered', 'nothing changed');

    const accepted = await webhook(left);
    assert.equal(accepted.status, 200);
    assert.deepEqual(await state(visitor.token), { state: 'ended', reason: 'remote-hangup' });
    const record = (await callRecords(server, visitor.interactionId)).at(-1)!;
    assert.deepEqual([record.status, record.endReason], ['ended', 'hangup-visitor']);
    // A room that is not ours, or an event we do not act on: accepted, ignored.
    assert.equal((await webhook({ event: 'room_finished', room: { name: 'someone-elses-room', sid: 'RM_y' } })).status, 200);
  });

  it('lets supervisors list live calls and join them to listen, whisper or barge, with the matching grants; not others', async () => {
    const bob = await agent('bob');
    const visitor = await call();
    await bob.socket.next((f) => f.type === 'offer' && f.offer.interactionId === visitor.interactionId);
    await request(server.url, '/api/v1/agent/livekit/answer', { token: bob.token, body: { interactionId: visitor.interactionId } });

    assert.equal((await request(server.url, '/api/v1/agent/livekit/calls', { token: bob.token })).status, 403, 'bob is not a supervisor');
    const alice = await signIn(server.url, 'alice');
    const live = await request(server.url, '/api/v1/agent/livekit/calls', { token: alice.token });
    assert.deepEqual(
      live.body.calls.map((c: { interactionId: string; agent: string }) => [c.interactionId, c.agent]),
      [[visitor.interactionId, 'Bob Chen']],
    );
    for (const [mode, hidden, canPublish] of [
      ['listen', true, false],
      ['whisper', undefined, true],
      ['barge', undefined, true],
    ] as const) {
      const res = await request(server.url, '/api/v1/agent/livekit/monitor', { token: alice.token, body: { interactionId: visitor.interactionId, mode } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.agentIdentity, 'agent-bob', 'whom a whisper is for');
      const claims = await verifier.verify(res.body.livekit.token);
      assert.deepEqual([claims.sub, claims.video?.room, claims.video?.hidden, claims.video?.canPublish], ['supervisor-alice', visitor.livekit.room, hidden, canPublish], mode);
    }
    assert.equal((await request(server.url, '/api/v1/agent/livekit/monitor', { token: alice.token, body: { interactionId: visitor.interactionId, mode: 'record' } })).status, 400);
    await request(server.url, '/api/v1/agent/livekit/hangup', { token: bob.token, body: { interactionId: visitor.interactionId } });
    assert.equal((await request(server.url, '/api/v1/agent/livekit/monitor', { token: alice.token, body: { interactionId: visitor.interactionId, mode: 'listen' } })).status, 404, 'no call to join any more');
  });

  it('says what the console needs in this mode, and refuses a LiveKit setup that is incomplete at start', async () => {
    const alice = await signIn(server.url, 'alice');
    const phone = await request(server.url, '/api/v1/agent/phone', { token: alice.token });
    assert.deepEqual(phone.body, { mode: 'livekit', supervisor: true, iceServers: [] });
    const { validateConfig } = await import('../../signaling/config/load-config.js');
    assert.throws(() => validateConfig({ media: 'livekit' }), /media: livekit needs livekit\.url, livekit\.apiKey and livekit\.apiSecret/);
    assert.throws(() => validateConfig({ media: 'livekit', livekit: { ...livekit, apiSecret: 'short' } }), /livekit\.apiSecret: must be at least 16 characters/);
    assert.throws(() => validateConfig({ media: 'video' }), /media: must be sip or livekit/);
  });
});
