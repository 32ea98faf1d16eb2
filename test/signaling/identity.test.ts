/**
 * Verified identity: the site's backend signs who the visitor is (HMAC of
 * the user id, or an HS256 JWT), and only then does the server mark the
 * identity verified and join the customer's earlier conversations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyIdentity } from '../../signaling/identity/verify-identity.js';
import { identitySignature, identityToken } from '../../signaling/identity/sign-identity.js';
import { loadConfig } from '../../signaling/config/load-config.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { TestSocket } from '../support/test-socket.js';

const SECRET = 'shop-secret-shop-secret-shop-secret-0001';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT with any header and claims, signed with `secret` the HS256 way. */
const rawJwt = (header: unknown, claims: unknown, secret = SECRET) => {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
};
const exp = Math.floor(NOW / 1000) + 600;

describe('verifyIdentity', () => {
  it('verifies an HMAC of the user id, and nothing else', () => {
    const signature = identitySignature(SECRET, 'cust-1042');
    assert.deepEqual(verifyIdentity({ id: 'cust-1042', name: 'Jamie', signature }, SECRET, NOW), {
      identity: { id: 'cust-1042', name: 'Jamie', verified: true },
      problem: undefined,
    });
    for (const [input, problem] of [
      [{ id: 'cust-9999', name: 'Jamie', signature }, /does not match/],
      [{ name: 'Jamie', signature }, /signs identity.id, which is missing/],
      [{ id: 'cust-1042', signature: identitySignature('another-secret-another-secret-000', 'cust-1042') }, /does not match/],
    ] as const) {
      const result = verifyIdentity(input, SECRET, NOW);
      assert.equal(result.identity?.verified, false);
      assert.match(result.problem!, problem);
      assert.equal('signature' in result.identity!, false, 'the proof is not stored');
    }
    assert.match(verifyIdentity({ id: 'cust-1042', signature }, undefined, NOW).problem!, /no secret configured/);
    assert.deepEqual(verifyIdentity({ id: 'cust-1042', name: 'Jamie' }, SECRET, NOW), { identity: { id: 'cust-1042', name: 'Jamie', verified: false }, problem: undefined });
  });

  it('verifies an HS256 JWT, whose signed claims win over the page’s', () => {
    const token = identityToken(SECRET, { id: 'cust-1042', name: 'Jamie Rivera', email: 'jamie@example.com' }, NOW);
    assert.deepEqual(verifyIdentity({ token, name: 'Mallory', id: 'admin' }, SECRET, NOW).identity, {
      id: 'cust-1042',
      name: 'Jamie Rivera',
      email: 'jamie@example.com',
      verified: true,
    });
  });

  it('refuses forged, expired, unsigned and algorithm-swapped JWTs, keeping the claims as not verified', () => {
    const good = identityToken(SECRET, { id: 'cust-1042', name: 'Jamie' }, NOW);
    const [h, , sig] = good.split('.');
    const cases: Array<[string, RegExp]> = [
      [identityToken('wrong-secret-wrong-secret-wrong-0001', { id: 'cust-1042' }, NOW), /wrong signature/],
      [`${h}.${b64({ sub: 'admin', name: 'Jamie', exp })}.${sig}`, /wrong signature/],
      [identityToken(SECRET, { id: 'cust-1042' }, NOW - 2 * 3600_000), /expired/],
      [rawJwt({ alg: 'none', typ: 'JWT' }, { sub: 'cust-1042', exp }), /HS256/],
      [`${b64({ alg: 'none' })}.${b64({ sub: 'cust-1042', exp })}.`, /HS256/],
      [rawJwt({ alg: 'RS256' }, { sub: 'cust-1042', exp }), /HS256/],
      [rawJwt({ alg: 'HS256' }, { sub: 'cust-1042' }), /no exp/],
      [rawJwt({ alg: 'HS256' }, { name: 'Jamie', exp }), /no sub/],
      [rawJwt({ alg: 'HS256' }, { sub: 'cust-1042', exp, nbf: exp }), /not valid yet/],
      ['not.a.jwt', /not a JSON Web Token/],
    ];
    for (const [token, problem] of cases) {
      const result = verifyIdentity({ token }, SECRET, NOW);
      assert.match(result.problem ?? '', problem, token);
      assert.notEqual(result.identity?.verified, true, token);
    }
  });
});

describe('verified identity over the API', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      sites: [
        { key: 'shop', name: 'Shop', origins: ['*'], secret: SECRET },
        { key: 'other', name: 'Other shop', origins: ['*'], secret: 'other-secret-other-secret-other-0001' },
      ],
    });
  });
  after(() => server.close());

  const start = async (site: string, identity: Record<string, unknown>, visitorId = `v-${Math.random().toString(36).slice(2, 12)}`) => {
    const context = sampleContext();
    context.visitor = { id: visitorId, identity };
    const res = await request(server.url, '/api/v1/interactions', { body: { site, context } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { interactionId: string; token: string; identity?: { verified: false; problem: string } };
  };
  const say = async (token: string, text: string) => {
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    socket.send({ type: 'hello', token, since: 0 });
    await socket.next('welcome');
    socket.send({ type: 'send', cid: `cid-${Math.random().toString(36).slice(2, 12)}`, text });
    await socket.next('ack');
    socket.close();
  };
  const card = async (interactionId: string) => {
    const { token } = await signIn(server.url, 'alice');
    return (await request(server.url, `/api/v1/agent/interactions/${interactionId}`, { token })).body.interaction;
  };

  it('marks a signed identity verified, a forged one not (saying why), and never stores the proof', async () => {
    const signed = await start('shop', { id: 'cust-1042', name: 'Jamie Rivera', signature: identitySignature(SECRET, 'cust-1042') });
    assert.equal(signed.identity, undefined);
    assert.deepEqual((await card(signed.interactionId)).context.visitor.identity, { id: 'cust-1042', name: 'Jamie Rivera', verified: true });

    const forged = await start('shop', { id: 'cust-1042', name: 'Jamie Rivera', signature: identitySignature('guessed-secret-guessed-secret-00', 'cust-1042') });
    assert.match(forged.identity!.problem, /does not match/, 'the site owner can see why in the response');
    assert.deepEqual((await card(forged.interactionId)).context.visitor.identity, { id: 'cust-1042', name: 'Jamie Rivera', verified: false });

    // A page cannot say "verified" itself: refused, naming the field.
    const context = { ...sampleContext(), visitor: { id: 'visitor-claims-1', identity: { id: 'cust-1042', verified: true } } };
    const claimed = await request(server.url, '/api/v1/interactions', { body: { site: 'shop', context } });
    assert.equal(claimed.status, 422);
    assert.match(claimed.body.error.message, /identity\.verified/);
  });

  it('joins earlier conversations for the same verified customer only: not for claims, not across sites', async () => {
    const jwt = () => identityToken(SECRET, { id: 'cust-7', name: 'Sam Lee' }, Date.now());
    const first = await start('shop', { token: jwt() });
    await say(first.token, 'My parcel has not arrived (first visit)');
    const second = await start('shop', { token: jwt() }, 'another-device-01');
    const history = (await card(second.interactionId)).history;
    assert.equal(history?.length, 1, 'one earlier conversation, from another device');
    assert.equal(history[0].id, first.interactionId);
    assert.deepEqual(
      history[0].messages.map((m: { text: string }) => m.text),
      ['My parcel has not arrived (first visit)'],
    );

    // Someone who only claims to be cust-7, or carries a bad signature, sees nothing of it joined.
    for (const identity of [{ id: 'cust-7', name: 'Sam Lee' }, { id: 'cust-7', signature: identitySignature('nope-nope-nope-nope-nope-nope-nope', 'cust-7') }]) {
      const impostor = await start('shop', identity);
      assert.equal((await card(impostor.interactionId)).history, undefined);
    }
    // The same user id on another site is another customer.
    const elsewhere = await start('other', { token: identityToken('other-secret-other-secret-other-0001', { id: 'cust-7' }, Date.now()) });
    assert.equal((await card(elsewhere.interactionId)).context.visitor.identity.verified, true);
    assert.equal((await card(elsewhere.interactionId)).history, undefined);
  });

  it('verifies identities sent later over the socket too', async () => {
    const visitor = await start('shop', { name: 'Guest' });
    const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/visitor`);
    socket.send({ type: 'hello', token: visitor.token, since: 0 });
    const welcome = await socket.next('welcome');
    const context = { ...sampleContext(), visitor: { id: welcome.context?.visitor?.id ?? (await card(visitor.interactionId)).context.visitor.id, identity: { token: identityToken(SECRET, { id: 'cust-99', name: 'Robin' }, Date.now()) } } };
    socket.send({ type: 'context', context });
    for (let i = 0; i < 40; i++) {
      if ((await card(visitor.interactionId)).context.visitor.identity?.verified) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.deepEqual((await card(visitor.interactionId)).context.visitor.identity, { id: 'cust-99', name: 'Robin', verified: true });
    socket.close();
  });
});

describe('site secrets in the configuration', () => {
  it('come from WARMLINE_SITE_SECRET_<KEY>, so they need not sit in the file', () => {
    const config = loadConfig({ WARMLINE_CONFIG: 'test/fixtures/widget-tests.config.json', WARMLINE_SITE_SECRET_AFTER_HOURS: SECRET }, process.cwd());
    assert.equal(config.sites.find((s) => s.key === 'after-hours')?.secret, SECRET);
    assert.throws(
      () => loadConfig({ WARMLINE_CONFIG: 'test/fixtures/widget-tests.config.json', WARMLINE_SITE_SECRET_AFTER_HOURS: 'short' }, process.cwd()),
      /sites\.0\.secret: must be at least 32 characters/,
    );
  });
});
