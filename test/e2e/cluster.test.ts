/**
 * Several nodes as deploy/cluster/ runs them: PostgreSQL, Redis, two built
 * server processes and haproxy with deploy/cluster/haproxy.cfg. Clients speak
 * the protocol as the widget and the console do (test/support/cluster.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { postgresMissing } from '../support/postgres.js';
import { redisMissing } from '../support/redis.js';
import { ClusterAgent, ClusterVisitor, sleep, startCluster, waitFor, type Cluster, type Node } from '../support/cluster.js';

const built = existsSync(resolve(import.meta.dirname, '..', '..', 'dist', 'server', 'main.js'));
const missing =
  postgresMissing() ?? redisMissing() ?? (spawnSync('haproxy', ['-v']).error ? 'haproxy is not installed (apt-get install haproxy; .ci/run does it)' : undefined) ?? (built ? undefined : 'dist/server/main.js is missing: npm run build');

/** Kills a node as a crash does, and starts it again on the same port (a new node id: a new process). */
async function crash(node: Node) {
  await node.stop('SIGKILL');
  await node.start();
}

describe('several nodes behind haproxy', { skip: missing }, () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  /** A chat between a new visitor (through `visitorUrl`) and alice, accepted: the interaction's id. */
  async function chat(visitor: ClusterVisitor, alice: ClusterAgent, first: string) {
    await visitor.say(first);
    const offer = await waitFor(`the offer of "${first}"`, () => alice.offers().find((o) => o.preview.firstMessage === first));
    alice.send({ type: 'accept', interactionId: offer.interactionId });
    await waitFor('assigned', () => alice.frames.find((f) => f.type === 'assigned' && f.interaction.id === offer.interactionId));
    return offer.interactionId as string;
  }

  it('a visitor on node A chats with alice on node B; kill -9 mid-conversation: 1,000 messages, none lost or repeated', async () => {
    const [a, b] = cluster.nodes;
    const alice = await ClusterAgent.signIn(b.url);
    alice.presence('available');
    const visitor = await ClusterVisitor.start(a.url, 'crash');
    const id = await chat(visitor, alice, 'Hello from node A');

    // Text, typing and read, across the nodes.
    await alice.say(id, 'Hello from node B');
    await waitFor('the agent message on A', () => visitor.texts().includes('Hello from node B'));
    visitor.send({ type: 'typing', active: true });
    await waitFor('typing on B', () => alice.frames.find((f) => f.type === 'typing' && f.interactionId === id && f.active));
    alice.send({ type: 'typing', interactionId: id, active: true });
    await waitFor('typing on A', () => visitor.frames.find((f) => f.type === 'typing' && f.active && f.name));
    const seq = Math.max(...visitor.messages.keys());
    alice.send({ type: 'receipt', interactionId: id, delivered: seq, read: seq });
    await waitFor('the read receipt on A', () => visitor.frames.find((f) => f.type === 'receipt' && f.read >= seq - 1));

    // An attachment uploaded through A, shown on B and readable from B.
    const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const upload = await fetch(`${a.url}/api/v1/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${visitor.token}`, 'content-type': 'image/png', 'x-filename': 'dent.png' },
      body: photo,
    });
    assert.equal(upload.status, 201, await upload.clone().text());
    const { attachment } = (await upload.json()) as { attachment: { id: string } };
    await visitor.say('the receipt', { attachment: attachment.id });
    const shown = await waitFor('the attachment on B', () => [...(alice.messages.get(id)?.values() ?? [])].find((m) => m.attachment?.id === attachment.id));
    const read = await fetch(`${b.url}/api/v1/attachments/${shown.attachment.id}`, { headers: { authorization: `Bearer ${alice.token}` } });
    assert.deepEqual(Buffer.from(await read.arrayBuffer()), photo);

    // From now on both reconnect through the balancer, as the widget and the console do.
    visitor.url = cluster.lb;
    alice.url = cluster.lb;
    const rounds = 5;
    const perSide = 100;
    for (let round = 0; round < rounds; round++) {
      const sending = (async () => {
        for (let i = 0; i < perSide; i++) {
          await Promise.all([visitor.say(`v ${round}.${i}`), alice.say(id, `a ${round}.${i}`)]);
        }
      })();
      // Mid-conversation: the node holding the visitor first, then each in turn.
      await sleep(150);
      await crash(round % 2 === 0 ? a : b);
      await sending;
    }
    const expectVisitor = Array.from({ length: rounds * perSide }, (_, n) => `v ${Math.floor(n / perSide)}.${n % perSide}`);
    const expectAgent = expectVisitor.map((t) => `a${t.slice(1)}`);
    await waitFor('every agent message at the visitor', () => expectAgent.every((t) => visitor.texts().includes(t)), 60_000);
    await waitFor('every visitor message at the agent', () => expectVisitor.every((t) => alice.texts(id).includes(t)), 60_000);

    // None stored twice; each side holds each message once by its seq.
    const { rows } = await cluster.db.query<{ body: string; n: string }>('SELECT body, count(*) AS n FROM messages WHERE interaction_id = $1 GROUP BY body HAVING count(*) > 1', [id]);
    assert.deepEqual(rows, [], 'messages stored twice');
    const visitorTexts = visitor.texts().filter((t) => /^[va] \d/.test(t));
    assert.equal(visitorTexts.length, new Set(visitorTexts).size, 'a message shown twice to the visitor');
    assert.equal(new Set(visitorTexts).size, 1000);
    assert.ok(visitor.reconnects >= 1, 'the visitor never moved');
    visitor.close();
    alice.close();
  });

  it('kills the node holding the queue with 50 chats waiting: all 50 offered to alice once each, in order', async () => {
    const holder = await cluster.holder();
    const other = cluster.nodes.find((n) => n !== holder)!;
    const alice = await ClusterAgent.signIn(other.url);
    alice.presence('away');
    await waitFor('away', () => alice.frames.find((f) => f.type === 'presence' && f.state === 'away'));
    const texts = Array.from({ length: 50 }, (_, i) => `waiting ${i + 1}`);
    const visitors: ClusterVisitor[] = [];
    for (const text of texts) {
      const visitor = await ClusterVisitor.start(other.url, 'queue');
      await visitor.say(text);
      visitors.push(visitor);
      // Distinct enqueue times, so "their order" is one order.
      await sleep(3);
    }
    await waitFor('all 50 in line', () => visitors.every((v) => v.frames.some((f) => f.type === 'status' && f.status === 'waiting')));

    await holder.stop('SIGKILL');
    alice.presence('available');
    // Alice takes each offer and ends it, so the next one comes.
    const handled = new Set<string>();
    const started = Date.now();
    while (handled.size < texts.length && Date.now() - started < 60_000) {
      for (const offer of alice.offers()) {
        if (handled.has(offer.interactionId)) continue;
        handled.add(offer.interactionId);
        alice.send({ type: 'accept', interactionId: offer.interactionId });
        await waitFor('assigned', () => alice.frames.find((f) => f.type === 'assigned' && f.interaction.id === offer.interactionId));
        alice.send({ type: 'close', interactionId: offer.interactionId });
      }
      await sleep(20);
    }
    const offered = alice.offers().map((o) => o.preview.firstMessage as string);
    assert.deepEqual(offered, texts, 'each chat offered once, in the order they came');
    await holder.start();
    for (const v of visitors) v.close();
    alice.close();
  });

  it('Redis restarted mid-conversation: nothing lost', async () => {
    const [a, b] = cluster.nodes;
    const alice = await ClusterAgent.signIn(b.url);
    alice.presence('available');
    const visitor = await ClusterVisitor.start(a.url, 'redis');
    const id = await chat(visitor, alice, 'Before Redis restarts');
    const count = 100;
    const sending = (async () => {
      for (let i = 0; i < count; i++) await Promise.all([visitor.say(`rv ${i}`), alice.say(id, `ra ${i}`)]);
    })();
    await sleep(100);
    await cluster.redis.restart('SIGKILL');
    await sending;
    const wantAgent = Array.from({ length: count }, (_, i) => `ra ${i}`);
    const wantVisitor = Array.from({ length: count }, (_, i) => `rv ${i}`);
    await waitFor('every agent message at the visitor', () => wantAgent.every((t) => visitor.texts().includes(t)), 30_000);
    await waitFor('every visitor message at the agent', () => wantVisitor.every((t) => alice.texts(id).includes(t)), 30_000);
    // Neither side's socket had to move for it: the nodes filled the gap from the store.
    assert.equal(visitor.reconnects, 0);
    assert.equal(alice.reconnects, 0);
    visitor.close();
    alice.close();
  });
});
