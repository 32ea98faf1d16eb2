import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { parseVisitorServerMessage } from '../../widgets/protocol/visitor-server-messages.js';
import { AgentServerMessageSchema } from '../../widgets/protocol/agent-server-messages.js';

describe('the chat sockets answer broken and hostile frames with errors, and keep working', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ limits: { messageChars: 100 } });
  });
  after(() => server.close());

  async function visitor() {
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    socket.send({ type: 'hello', token, since: 0 });
    await socket.next('welcome');
    return { socket, interactionId, token };
  }

  it('names what is wrong with a frame and carries on', async () => {
    const { socket } = await visitor();
    const cases: Array<[unknown, string, RegExp]> = [
      ['{not json', 'invalid_json', /not valid JSON/],
      [{ type: 'shout' }, 'invalid_message', /type must be one of/],
      [{ type: 'send', cid: 'x', text: 'hi' }, 'invalid_message', /^cid: must be 8 to 64/],
      [{ type: 'send', cid: 'cid-valid-01' }, 'invalid_message', /text/],
      [{ type: 'send', cid: 'cid-valid-02', text: 'hi', extra: 1 }, 'invalid_message', /extra/],
      [{ type: 'hello', token: 'x'.repeat(40), since: 0 }, 'bad_request', /hello already/],
      [{ type: 'send', cid: 'cid-valid-03', text: '   ' }, 'invalid_message', /cannot be empty/],
      [{ type: 'send', cid: 'cid-valid-04', text: 'x'.repeat(101) }, 'message_too_long', /at most 100 characters/],
    ];
    for (const [frame, code, message] of cases) {
      socket.send(frame);
      const error = await socket.next('error');
      assert.equal(error.code, code, JSON.stringify(frame));
      assert.match(error.message, message);
    }
    socket.ws.send(Buffer.from([1, 2, 3]));
    assert.equal((await socket.next('error')).code, 'invalid_frame');
    // The refused message carries its cid back, so the widget can say which one failed.
    socket.send({ type: 'send', cid: 'cid-valid-05', text: 'y'.repeat(101) });
    assert.equal((await socket.next('error')).cid, 'cid-valid-05');
    socket.send({ type: 'send', cid: 'cid-valid-06', text: 'still here' });
    assert.equal((await socket.next('ack')).cid, 'cid-valid-06');
    socket.close();
  });

  it('disconnects a client that sends nothing but garbage', async () => {
    const { socket } = await visitor();
    for (let i = 0; i < 25; i++) socket.send('garbage');
    assert.equal((await socket.closed).code, 4003);
  });

  it('refuses frames larger than the limit', async () => {
    const { socket } = await visitor();
    socket.send({ type: 'send', cid: 'cid-huge-001', text: 'z'.repeat(70 * 1024) });
    assert.equal((await socket.closed).code, 1009);
  });

  it('closes a visitor socket whose hello has an unknown token', async () => {
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    socket.send({ type: 'send', cid: 'cid-early-01', text: 'before hello' });
    assert.equal((await socket.next('error')).code, 'hello_required');
    socket.send({ type: 'hello', token: 'x'.repeat(43), since: 0 });
    assert.equal((await socket.next('error')).code, 'unauthorized');
    assert.equal((await socket.closed).code, 4001);
  });

  it('refuses upgrades on unknown paths', async () => {
    await assert.rejects(TestSocket.open(`${server.wsUrl}/ws/v1/nothing`), /404/);
  });

  it('lets an agent act only on interactions assigned to them', async () => {
    const { interactionId } = await visitor();
    const { token } = await signIn(server.url, 'bob');
    const agent = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    agent.send({ type: 'hello', token, since: {} });
    await agent.next('welcome');
    for (const frame of [
      { type: 'send', interactionId, cid: 'bob-cid-0001', text: 'sneaky' },
      { type: 'close', interactionId },
      { type: 'typing', interactionId, active: true },
    ]) {
      agent.send(frame);
      const error = await agent.next('error');
      assert.equal(error.code, 'not_assigned');
      assert.equal(error.interactionId, interactionId);
    }
    agent.send({ type: 'accept', interactionId });
    assert.equal((await agent.next('error')).code, 'conflict', 'no offer was made to bob');
    assert.equal((await server.services.stores.messages.since(interactionId, 0)).length, 0);
    agent.close();
  });

  it('sends only frames that the widgets’ own checks accept', async () => {
    const { socket, interactionId } = await visitor();
    const { token } = await signIn(server.url, 'alice');
    const agent = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    agent.send({ type: 'hello', token, since: {} });
    // An agent has one offer open at a time: a chat left waiting by an earlier test is declined first.
    for (const offer of (await agent.next('welcome')).offers as Array<{ interactionId: string }>) agent.send({ type: 'decline', interactionId: offer.interactionId });
    socket.send({ type: 'send', cid: 'cid-check-01', text: 'hello' });
    await agent.next((f) => f.type === 'offer' && f.offer.interactionId === interactionId);
    agent.send({ type: 'accept', interactionId });
    await agent.next('assigned');
    agent.send({ type: 'typing', interactionId, active: true });
    agent.send({ type: 'send', interactionId, cid: 'cid-check-02', text: 'hi' });
    socket.send({ type: 'typing', active: true });
    socket.send({ type: 'context', context: sampleContext({ topic: 'billing' }) });
    socket.send({ type: 'receipt', delivered: 3, read: 3 });
    agent.send({ type: 'receipt', interactionId, delivered: 3, read: 3 });
    agent.send({ type: 'close', interactionId });
    await socket.next((f) => f.type === 'status' && f.status === 'closed');
    await agent.next((f) => f.type === 'interaction' && f.status === 'closed');
    const visitorFrames = [...socket.frames];
    const agentFrames = [...agent.frames];
    assert.ok(visitorFrames.length >= 4 && agentFrames.length >= 4);
    for (const frame of visitorFrames) assert.ok(parseVisitorServerMessage(frame), `visitor frame ${JSON.stringify(frame)}`);
    for (const frame of agentFrames) {
      const result = v.safeParse(AgentServerMessageSchema, frame);
      assert.ok(result.success, `agent frame ${JSON.stringify(frame)}: ${result.success ? '' : result.issues[0].message}`);
    }
    socket.close();
    agent.close();
  });

  it('keeps serving HTTP and sockets after all this', async () => {
    assert.equal((await request(server.url, '/healthz')).status, 200);
    const { socket } = await visitor();
    socket.send({ type: 'send', cid: 'cid-after-01', text: 'fine' });
    assert.equal((await socket.next('ack')).cid, 'cid-after-01');
    socket.close();
  });
});
