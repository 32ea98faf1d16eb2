/**
 * The refusals a person reads carry what the widgets word them by: a code
 * of its own for what the visitor can put right (`invalid_contact`,
 * `invalid_phone`), and the values the words need (`limit`). The English
 * message stays, for logs and API users.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { parseVisitorServerMessage } from '../../widgets/protocol/visitor-server-messages.js';

describe('refusals carry the codes and values the widgets word them by', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ limits: { messageChars: 500 } });
  });
  after(() => server.close());

  const offline = { site: 'demo', name: 'Robin Night', contact: 'robin@example.com', message: 'Please call me about order 1042.', context: sampleContext() };

  it('refuses an offline message’s contact that is neither an email address nor a phone number with invalid_contact', async () => {
    for (const contact of ['not a contact', 'robin@', '12', '']) {
      const res = await request(server.url, '/api/v1/offline', { body: { ...offline, contact } });
      assert.deepEqual([res.status, res.body.error.code], [400, 'invalid_contact'], JSON.stringify(contact));
      assert.match(res.body.error.message, /^contact: contact /, 'and says it in English, for logs');
    }
    for (const contact of ['robin@example.com', '+44 20 7946 0000']) {
      assert.equal((await request(server.url, '/api/v1/offline', { body: { ...offline, contact } })).status, 201, contact);
    }
  });

  it('keeps bad_request for the other fields, which the form itself makes right', async () => {
    const res = await request(server.url, '/api/v1/offline', { body: { ...offline, name: '   ' } });
    assert.deepEqual([res.status, res.body.error.code], [400, 'bad_request']);
  });

  it('says how long a message may be: the limit goes with message_too_long, over HTTP and on the socket', async () => {
    const long = await request(server.url, '/api/v1/offline', { body: { ...offline, message: 'x'.repeat(501) } });
    assert.deepEqual([long.status, long.body.error.code, long.body.error.limit], [413, 'message_too_long', 500]);

    const { token } = await createInteraction(server.url, sampleContext());
    const visitor = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    try {
      visitor.send({ type: 'hello', token, since: 0 });
      await visitor.next('welcome');
      visitor.send({ type: 'send', cid: 'cid-too-long-1', text: 'x'.repeat(501) });
      const error = await visitor.next('error');
      assert.deepEqual([error.code, error.cid, error.limit], ['message_too_long', 'cid-too-long-1', 500]);
      assert.ok(parseVisitorServerMessage(error), 'a frame the visitor’s client accepts');
      visitor.send({ type: 'send', cid: 'cid-empty-01', text: '   ' });
      assert.deepEqual(await visitor.next('error'), { type: 'error', code: 'invalid_message', message: 'A message cannot be empty.', cid: 'cid-empty-01' }, 'no details it does not need');
    } finally {
      visitor.close();
    }
  });

  it('refuses a callback number that is not a phone number with invalid_phone', async () => {
    const { token } = await createInteraction(server.url, sampleContext());
    const res = await request(server.url, '/api/v1/callbacks', { token, body: { phone: 'call me maybe' } });
    assert.deepEqual([res.status, res.body.error.code], [400, 'invalid_phone']);
  });

  it('adds nothing to an error that has no details', async () => {
    const res = await request(server.url, '/api/v1/interactions', { rawBody: '{"site":' });
    assert.deepEqual(res.body, { error: { code: 'invalid_json', message: 'The request body is not valid JSON.' } });
  });
});
