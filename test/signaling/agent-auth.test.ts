import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { encodeSessionToken } from '../../signaling/auth/session-token.js';
import { createLogger } from '../../signaling/log.js';

describe('agent endpoints and sockets need a live session', () => {
  let server: TestServer;
  const clock = new FakeClock(Date.now());
  before(async () => {
    server = await startTestServer({ sessionTtlMinutes: 60 }, { clock });
  });
  after(() => server.close());

  it('signs in with the right password only, with one message for a wrong name or password', async () => {
    const ok = await signIn(server.url, 'alice');
    assert.equal(ok.agent.name, 'Alice Martin');
    const wrong = await request(server.url, '/api/v1/agent/sessions', { body: { username: 'alice', password: 'nope' } });
    const unknown = await request(server.url, '/api/v1/agent/sessions', { body: { username: 'mallory', password: 'demo' } });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.body.error.message, 'Wrong username or password.');
    const missing = await request(server.url, '/api/v1/agent/sessions', { body: { username: 'alice' } });
    assert.equal(missing.status, 400);
  });

  it('stores passwords as scrypt hashes, never in clear', async () => {
    const alice = (await server.services.stores.agents.findByUsername('alice'))!;
    assert.match(alice.passwordHash, /^scrypt\$16384\$8\$1\$/);
    assert.ok(!alice.passwordHash.includes('demo'));
  });

  const { id: interactionPlaceholder } = { id: 'in_AAAAAAAAAAAAAAAA' };
  for (const path of ['/api/v1/agent/me', `/api/v1/agent/interactions/${interactionPlaceholder}`]) {
    it(`GET ${path.replace(interactionPlaceholder, ':id')} answers 401 without, with a forged and with an expired token`, async () => {
      const none = await request(server.url, path);
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthorized');
      const garbage = await request(server.url, path, { token: 'not-a-token' });
      assert.equal(garbage.status, 401);
      const alice = (await server.services.stores.agents.findByUsername('alice'))!;
      const forged = encodeSessionToken({ sid: 'se_x', sub: alice.id, exp: Date.now() + 60_000 }, 'some-other-secret-some-other-secret');
      assert.equal((await request(server.url, path, { token: forged })).status, 401);
    });
  }

  it('lets an agent read any interaction’s context by id, the way another softphone or a CRM would', async () => {
    const { interactionId } = await createInteraction(server.url, sampleContext());
    const { token } = await signIn(server.url, 'bob');
    const res = await request(server.url, `/api/v1/agent/interactions/${interactionId}`, { token });
    assert.equal(res.status, 200);
    assert.equal(res.body.interaction.context.cart.total, 59);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const missing = await request(server.url, '/api/v1/agent/interactions/in_doesnotexist00', { token });
    assert.equal(missing.status, 404);
  });

  it('expires sessions, and sign-out revokes at once (HTTP and the open socket)', async () => {
    const { token } = await signIn(server.url, 'alice');
    assert.equal((await request(server.url, '/api/v1/agent/me', { token })).status, 200);
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    socket.send({ type: 'hello', token, since: {} });
    await socket.next('welcome');
    const out = await request(server.url, '/api/v1/agent/sessions/current', { method: 'DELETE', token });
    assert.equal(out.status, 204);
    assert.equal((await socket.closed).code, 4004);
    const after = await request(server.url, '/api/v1/agent/me', { token });
    assert.equal(after.status, 401);
    assert.equal(after.body.error.code, 'session_expired');

    const { token: later } = await signIn(server.url, 'alice');
    clock.advance(61 * 60_000);
    const expired = await request(server.url, '/api/v1/agent/me', { token: later });
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);
  });

  it('closes an agent socket whose hello has no valid session, and ignores frames before hello', async () => {
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    socket.send({ type: 'presence', state: 'available' });
    assert.equal((await socket.next('error')).code, 'hello_required');
    socket.send({ type: 'hello', token: 'forged.token', since: {} });
    assert.equal((await socket.next('error')).code, 'unauthorized');
    assert.equal((await socket.closed).code, 4001);
  });

  it('refuses visitor tokens on the agent socket and agent tokens on the visitor socket', async () => {
    const { token: visitorToken } = await createInteraction(server.url, sampleContext());
    const agentSocket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    agentSocket.send({ type: 'hello', token: visitorToken, since: {} });
    assert.equal((await agentSocket.closed).code, 4001);
    const { token: agentToken } = await signIn(server.url, 'alice');
    const visitorSocket = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    visitorSocket.send({ type: 'hello', token: agentToken.slice(0, 128), since: 0 });
    assert.equal((await visitorSocket.closed).code, 4001);
  });
});

describe('passwords never reach the logs', () => {
  it('logs nothing of a password, right or wrong, even at debug level and when sign-in fails oddly', async () => {
    const lines: string[] = [];
    const server = await startTestServer({}, { log: createLogger('debug', (line) => lines.push(line)) });
    try {
      const secret = 'Tr0ub4dor&3-never-logged';
      await server.services.auth.createAgent({ username: 'carol', name: 'Carol', password: secret });
      for (const body of [
        { username: 'carol', password: secret },
        { username: 'carol', password: `${secret}-wrong` },
        { username: 'nobody', password: secret },
        { username: ['carol'], password: secret },
      ]) {
        await request(server.url, '/api/v1/agent/sessions', { body });
      }
      await request(server.url, '/api/v1/agent/sessions', { rawBody: `{"username":"carol","password":"${secret}"`, headers: { 'content-type': 'application/json' } });
      assert.ok(lines.some((l) => l.includes('sign-in refused for "carol"')), 'failed sign-ins are logged, by name and address');
      assert.equal(lines.filter((l) => l.includes(secret) || l.includes('Tr0ub4dor')).length, 0, lines.join('\n'));
      const stored = (await server.services.stores.db.selectFrom('agents').selectAll().where('username', '=', 'carol').executeTakeFirstOrThrow()) as Record<string, unknown>;
      assert.equal(JSON.stringify(stored).includes(secret), false, 'nor stored in clear');
    } finally {
      await server.close();
    }
  });
});
