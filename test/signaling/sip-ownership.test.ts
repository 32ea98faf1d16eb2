/**
 * Whose bindings a REGISTER may touch, and requests for another URI scheme,
 * over real WebSockets with SIP text written by hand: a caller that learned
 * an agent's Contact from a 200 OK may neither remove nor take over that
 * agent's binding; an agent's phone that reconnects keeps its contact; a
 * tel: Request-URI gets 416.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { DOMAIN, SipClient } from '../support/sip-client.js';
import { createInteraction, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { parseContactUri } from '../../signaling/sip/sip-message.js';

const rand = () => randomBytes(6).toString('hex');

/** A REGISTER of `user` naming whichever contacts the test chooses (a SipClient registers only its own). */
function register(client: SipClient, user: string, token: string, contacts: string[]) {
  client.send([
    `REGISTER sip:${user}@${DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/WSS ${client.contactHost};branch=z9hG4bK${rand()}`,
    'Max-Forwards: 70',
    `To: <sip:${user}@${DOMAIN}>`,
    `From: <sip:${user}@${DOMAIN}>;tag=${client.fromTag}`,
    `Call-ID: ${rand()}`,
    'CSeq: 1 REGISTER',
    ...contacts.map((c) => `Contact: ${c}`),
    `Authorization: Bearer ${token}`,
  ]);
}

describe('SIP registrar: a binding is its owner’s', () => {
  let server: TestServer;
  const open: SipClient[] = [];
  const connect = async () => {
    const client = await SipClient.open(`${server.wsUrl}/sip`);
    open.push(client);
    return client;
  };
  /** An agent's phone, registered. */
  const phone = async (username: string) => {
    const { token } = await signIn(server.url, username);
    const client = await connect();
    client.register(username, token);
    await client.response(200, 'REGISTER');
    return { client, token, agentId: (await server.services.stores.agents.findByUsername(username))!.id };
  };
  /** A visitor with a conversation, calling the site's queue. */
  const visitor = async () => {
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const client = await connect();
    const call = client.invite('support', token);
    return { client, call, token, interactionId };
  };
  /**
   * Alice takes a call and the caller hangs up: the caller now holds
   * Alice's contact, as the 200 OK gave it, and Alice is free for the next call.
   */
  const calledAlice = async () => {
    const alice = await phone('alice');
    const caller = await visitor();
    const invite = await alice.client.request('INVITE');
    alice.client.respond(invite, 200, 'OK', { toTag: 'alice', body: 'v=0\r\n' });
    const ok = await caller.client.response(200, 'INVITE');
    const aliceContact = `<${parseContactUri(ok.getHeader('contact')!)!.toString()}>`;
    assert.equal(aliceContact, `<${alice.client.contact}>`, 'the 200 OK carries Alice’s registered contact');
    const dialog = {
      callId: caller.call.callId,
      remoteTarget: alice.client.contact,
      route: [ok.getHeader('record-route')!],
      localTag: caller.call.fromTag,
      remoteTag: 'alice',
      localUri: `sip:visitor@${DOMAIN}`,
      remoteUri: `sip:support@${DOMAIN}`,
    };
    caller.client.inDialog('ACK', dialog, 1);
    caller.client.inDialog('BYE', dialog, 2);
    alice.client.respond(await alice.client.request('BYE'), 200, 'OK');
    await caller.client.response(200, 'BYE');
    return { alice, caller, aliceContact };
  };
  /** A new caller rings Alice's phone, and nobody else's. */
  const nextCallRingsAlice = async (alice: SipClient, others: SipClient[]) => {
    await visitor();
    const invite = await alice.request('INVITE');
    assert.equal(invite.ruri!.user, alice.contactUser);
    for (const other of others) {
      assert.deepEqual(
        (await other.quiet()).filter((r) => r.text.startsWith('INVITE ')).map((r) => r.text.split('\r\n')[0]),
        [],
        'the call did not go to anyone else',
      );
    }
  };

  before(async () => {
    server = await startTestServer();
  });
  beforeEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await server.close();
  });

  it('does not let a caller remove an agent’s binding with the Contact it learned (expires=0)', async () => {
    const { alice, caller, aliceContact } = await calledAlice();
    register(caller.client, `cb-${caller.interactionId}`, caller.token, [`${aliceContact};expires=0`]);
    const refused = await caller.client.response(403, 'REGISTER');
    assert.match(refused.getHeader('warning')!, /^399 warmline ".*someone else.*"$/);
    assert.equal(server.services.sip.registrar.isRegistered(alice.agentId), true, 'Alice is still registered');
    await nextCallRingsAlice(alice.client, [caller.client]);
  });

  it('does not let a caller take an agent’s binding over with the Contact it learned (expires=600)', async () => {
    const { alice, caller, aliceContact } = await calledAlice();
    register(caller.client, `cb-${caller.interactionId}`, caller.token, [`${aliceContact};expires=600`]);
    await caller.client.response(403, 'REGISTER');
    assert.equal(server.services.sip.registrar.agent(alice.agentId)?.contact, alice.client.contact);
    assert.equal(server.services.sip.callbackReachable(caller.interactionId), false, 'the caller registered nothing');
    await nextCallRingsAlice(alice.client, [caller.client]);
  });

  it('refuses a REGISTER naming another’s contact among its own as a whole, and leaves one agent’s contact to that agent', async () => {
    const alice = await phone('alice');
    const { token, interactionId } = await createInteraction(server.url, sampleContext());
    const browser = await connect();
    register(browser, `cb-${interactionId}`, token, [`<${browser.contact}>;expires=600`, `<${alice.client.contact}>;expires=600`]);
    await browser.response(403, 'REGISTER');
    assert.equal(server.services.sip.callbackReachable(interactionId), false, 'not even its own contact was bound');
    register(browser, `cb-${interactionId}`, token, [`<${browser.contact}>;expires=600`]);
    await browser.response(200, 'REGISTER');
    assert.equal(server.services.sip.callbackReachable(interactionId), true);

    // Another agent, with a valid session, cannot take Alice's contact either, nor remove it.
    const bob = await signIn(server.url, 'bob');
    const bobPhone = await connect();
    register(bobPhone, 'bob', bob.token, [`<${alice.client.contact}>;expires=600`]);
    await bobPhone.response(403, 'REGISTER');
    register(bobPhone, 'bob', bob.token, [`<${alice.client.contact}>;expires=0`]);
    await bobPhone.response(403, 'REGISTER');
    assert.equal(server.services.sip.registrar.agent(alice.agentId)?.contact, alice.client.contact);
    assert.equal(server.services.sip.registrar.isRegistered((await server.services.stores.agents.findByUsername('bob'))!.id), false);
    await nextCallRingsAlice(alice.client, [browser, bobPhone]);
  });

  it('moves an agent’s binding to the WebSocket that registers the same contact again (a phone that reconnected)', async () => {
    const alice = await phone('alice');
    const again = await connect();
    register(again, 'alice', alice.token, [`<${alice.client.contact}>;expires=600`]);
    const ok = await again.response(200, 'REGISTER');
    assert.equal(ok.getHeaders('contact').length, 1, 'one binding, moved, not two');
    await visitor();
    const invite = await again.request('INVITE');
    assert.equal(invite.ruri!.user, alice.client.contactUser, 'to the contact she registered, over the new WebSocket');
    assert.deepEqual((await alice.client.quiet()).filter((r) => r.text.startsWith('INVITE ')), [], 'not over the old one');
    // The old connection going away does not take the moved binding with it.
    await alice.client.close();
    assert.equal(server.services.sip.registrar.isRegistered(alice.agentId), true);
  });
});

describe('SIP proxy: a Request-URI that is not sip: or sips:', () => {
  let server: TestServer;
  let client: SipClient;
  const request = (method: string, uri: string) => {
    const callId = rand();
    client.send([
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/WSS ${client.contactHost};branch=z9hG4bK${rand()}`,
      'Max-Forwards: 70',
      `To: <sip:support@${DOMAIN}>`,
      `From: <sip:visitor@${DOMAIN}>;tag=${client.fromTag}`,
      `Call-ID: ${callId}`,
      `CSeq: 1 ${method}`,
      `Contact: <${client.contact}>`,
    ]);
    return callId;
  };

  before(async () => {
    server = await startTestServer();
    client = await SipClient.open(`${server.wsUrl}/sip`);
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  it('answers 416 Unsupported URI Scheme (RFC 3261 §8.2.2.1), and nothing to an ACK', async () => {
    for (const [method, uri] of [
      ['INVITE', 'tel:+15551234'],
      ['OPTIONS', 'tel:+15551234'],
      ['INVITE', 'urn:service:sos'],
    ] as const) {
      const callId = request(method, uri);
      const response = await client.response(416, method);
      assert.equal(response.reasonPhrase, 'Unsupported URI Scheme');
      assert.equal(response.callId, callId);
      assert.ok(response.toTag, 'a final response has a To tag');
    }
    request('ACK', 'tel:+15551234');
    assert.deepEqual(await client.quiet(), [], 'an ACK is never answered');

    // sip.js reads no tel: URI in To: such a request is one with a malformed To (docs/sip.md, "Bad input").
    client.send([
      'INVITE tel:+15551234 SIP/2.0',
      `Via: SIP/2.0/WSS ${client.contactHost};branch=z9hG4bK${rand()}`,
      'To: <tel:+15551234>',
      `From: <sip:visitor@${DOMAIN}>;tag=${client.fromTag}`,
      `Call-ID: ${rand()}`,
      'CSeq: 1 INVITE',
    ]);
    assert.equal((await client.response(400, 'INVITE')).reasonPhrase, 'Malformed To');
  });

  it('does not count them as malformed input: the connection stays open', async () => {
    for (let i = 0; i < 12; i++) request('OPTIONS', 'tel:+15551234');
    for (let i = 0; i < 12; i++) await client.response(416, 'OPTIONS');
    request('OPTIONS', `sip:${DOMAIN}`);
    await client.response(200, 'OPTIONS');
  });
});
