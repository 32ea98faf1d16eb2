/**
 * What the server knows of languages: a site's default language and its
 * queues' labels per language (checked at start, sent to the widgets), the
 * queue's time zone with its next opening, and each agent's console
 * language (saved, and back with every sign-in).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { validateConfig } from '../../signaling/config/load-config.js';

/** Closed every day but Sundays from noon, Moscow time. */
const hours = { timezone: 'Europe/Moscow', weekly: { sun: [['12:00', '18:00']] } };

describe('languages on the server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      sites: [
        { key: 'demo', name: 'Demo', origins: ['*'], language: 'zh-hant' },
        { key: 'plain', name: 'Plain', origins: ['*'] },
      ],
      queues: [
        { id: 'support', label: 'Support', labels: { 'zh-Hant': '技術支援', ru: 'Поддержка' } },
        { id: 'billing', label: 'Billing', hours },
      ],
    });
  });
  after(() => server.close());

  it("gives the widgets the site's language, the queues' labels per language, and a closed queue's opening with its time zone", async () => {
    const res = await request(server.url, '/api/v1/sites/demo/queues');
    assert.equal(res.status, 200);
    // Stored in its canonical form.
    assert.equal(res.body.language, 'zh-Hant');
    const [support, billing] = res.body.queues;
    assert.deepEqual(support.labels, { 'zh-Hant': '技術支援', ru: 'Поддержка' });
    assert.equal(support.timezone, undefined);
    assert.equal(billing.labels, undefined);
    assert.equal(billing.open, false);
    assert.equal(billing.timezone, 'Europe/Moscow');
    // Noon in Moscow, on a Sunday.
    const opens = new Date(billing.opensAt);
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Moscow', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(opens);
    assert.equal(local, 'Sunday 12:00');

    const plain = await request(server.url, '/api/v1/sites/plain/queues');
    assert.equal(plain.body.language, undefined);
  });

  it("tells a visitor's chat the site's language in its welcome", async () => {
    const { token } = await createInteraction(server.url, sampleContext());
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    visitor.send({ type: 'hello', token, since: 0 });
    const welcome = await visitor.next('welcome');
    assert.equal(welcome.language, 'zh-Hant');
    await visitor.close();
  });

  it('refuses to start with a language that is no language tag, naming the field', () => {
    assert.throws(() => validateConfig({ sites: [{ key: 'a', name: 'A', language: 'chinese traditional' }] }), /sites\.0\.language: must be a language tag/);
    assert.throws(() => validateConfig({ queues: [{ id: 'q', label: 'Q', labels: { 'not a tag': 'x' } }] }), /queues\.0\.labels/);
    assert.throws(() => validateConfig({ queues: [{ id: 'q', label: 'Q', labels: { ru: '' } }] }), /queues\.0\.labels\.ru/);
  });

  it("saves an agent's console language, gives it back at every sign-in and on the socket, and forgets it with null", async () => {
    const { token } = await signIn(server.url, 'bob');
    const first = await request(server.url, '/api/v1/agent/me', { token });
    assert.equal(first.body.agent.language, undefined);

    const saved = await request(server.url, '/api/v1/agent/me', { method: 'PATCH', token, body: { language: 'ru-RU' } });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.agent.language, 'ru-RU');

    const again = await signIn(server.url, 'bob');
    assert.equal((again.agent as { language?: string }).language, 'ru-RU');
    assert.equal((await request(server.url, '/api/v1/agent/me', { token: again.token })).body.agent.language, 'ru-RU');
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    socket.send({ type: 'hello', token: again.token, since: {} });
    assert.equal((await socket.next('welcome')).agent.language, 'ru-RU');
    await socket.close();

    // It survives a restart: it is in the database.
    await server.restart();
    const afterRestart = await signIn(server.url, 'bob');
    assert.equal((afterRestart.agent as { language?: string }).language, 'ru-RU');

    const cleared = await request(server.url, '/api/v1/agent/me', { method: 'PATCH', token: afterRestart.token, body: { language: null } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.agent.language, undefined);
  });

  it('refuses a bad setting with 400 and changes nothing', async () => {
    const { token } = await signIn(server.url, 'alice');
    await request(server.url, '/api/v1/agent/me', { method: 'PATCH', token, body: { language: 'zh-Hans' } });
    for (const body of [{ language: 'no such language!' }, { language: 7 }, { colour: 'blue' }, ['ru']]) {
      const res = await request(server.url, '/api/v1/agent/me', { method: 'PATCH', token, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, 'bad_request');
    }
    assert.equal((await request(server.url, '/api/v1/agent/me', { token })).body.agent.language, 'zh-Hans');
    const anonymous = await request(server.url, '/api/v1/agent/me', { method: 'PATCH', body: { language: 'ru' } });
    assert.equal(anonymous.status, 401);
  });
});
