/**
 * A conversation longer than any page (issue 14, "Transcripts page"): a
 * fresh visitor socket, a resuming one, an agent's socket and the API each
 * read all of it, in pages, with no gap and no message twice.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestSocket } from '../support/test-socket.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { MESSAGE_PAGE, MESSAGE_PAGE_MAX } from '../../widgets/protocol/message-pages.js';
import { parseVisitorServerMessage } from '../../widgets/protocol/visitor-server-messages.js';

const TOTAL = 2500;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface Page {
  messages: Array<{ seq: number; text: string }>;
  more: boolean;
}

/** Reads back from `first` (a welcome or the first page) with `next(before)` until the server says there is no more; every page checked for size. */
async function readBack(first: Page, next: (before: number) => Promise<Page>): Promise<number[]> {
  let page = first;
  const seqs = page.messages.map((m) => m.seq);
  while (page.more) {
    page = await next(page.messages[0]!.seq);
    assert.ok(page.messages.length > 0 && page.messages.length <= MESSAGE_PAGE_MAX, `a page of ${page.messages.length}`);
    seqs.unshift(...page.messages.map((m) => m.seq));
  }
  return seqs;
}

describe('transcripts in pages', () => {
  let server: TestServer;
  let token: string;
  let interactionId: string;
  let agentToken: string;

  before(async () => {
    server = await startTestServer();
    ({ token, interactionId } = await createInteraction(server.url, sampleContext({ visitor: { id: 'visitor-long-chat' } })));
    const alice = await signIn(server.url, 'alice');
    agentToken = alice.token;
    // Stored as postMessage numbers them (nextSeq, then insert), in one transaction to be quick.
    await server.services.stores.transaction(async (stores) => {
      for (let i = 1; i <= TOTAL; i++) {
        const agent = i % 3 === 0;
        await stores.messages.insert({
          interactionId,
          seq: await stores.interactions.nextSeq(interactionId, i),
          sender: agent ? 'agent' : 'visitor',
          agentId: agent ? alice.agent.id : null,
          author: agent ? alice.agent.name : null,
          clientId: `cid-long-${i}`,
          body: `message ${i}`,
          createdAt: i,
          attachment: null,
        });
      }
    });
  });
  after(() => server.close());

  const visitorSocket = async () => TestSocket.open(`${server.wsUrl}/ws/v1/visitor?site=demo`);
  const historyOf = (socket: TestSocket, range: object) => {
    socket.send({ type: 'history', ...range });
    return socket.next('history');
  };

  it('gives a fresh visitor socket the newest page, and every older one back to the first on asking', async () => {
    const visitor = await visitorSocket();
    try {
      visitor.send({ type: 'hello', token, since: 0 });
      const welcome = await visitor.next('welcome');
      assert.ok(parseVisitorServerMessage(welcome), 'the widget’s guard accepts the welcome');
      assert.deepEqual(welcome.messages.map((m: { seq: number }) => m.seq), range(TOTAL - MESSAGE_PAGE + 1, TOTAL), 'the newest page, oldest first');
      assert.equal(welcome.more, true);
      assert.equal(welcome.messages.at(-1).text, `message ${TOTAL}`);

      const pages: unknown[] = [];
      const seqs = await readBack(welcome, async (before) => {
        const page = await historyOf(visitor, { before });
        pages.push(page);
        assert.equal(page.before, before, 'the answer names the range asked for');
        return page;
      });
      assert.deepEqual(seqs, range(1, TOTAL), 'all of them, in order, each once');
      assert.ok(pages.every((p) => parseVisitorServerMessage(p)), 'the widget’s guard accepts every page');
    } finally {
      await visitor.close();
    }
  });

  it('resumes from the middle with everything after it: the newest page, then the hole read back to `since`', async () => {
    const visitor = await visitorSocket();
    try {
      const since = 1234;
      visitor.send({ type: 'hello', token, since });
      const welcome = await visitor.next('welcome');
      assert.equal(welcome.messages.length, MESSAGE_PAGE, 'a welcome is bounded');
      assert.equal(welcome.more, true, 'it says it left some out');
      const seqs = await readBack(welcome, (before) => historyOf(visitor, { before, after: since, limit: MESSAGE_PAGE_MAX }));
      assert.deepEqual(seqs, range(since + 1, TOTAL), 'no gap, no duplicate, nothing at or before `since`');
    } finally {
      await visitor.close();
    }
  });

  it('resumes within a page in the welcome alone', async () => {
    const visitor = await visitorSocket();
    try {
      visitor.send({ type: 'hello', token, since: TOTAL - 7 });
      const welcome = await visitor.next('welcome');
      assert.deepEqual(welcome.messages.map((m: { seq: number }) => m.seq), range(TOTAL - 6, TOTAL));
      assert.equal(welcome.more, false);
    } finally {
      await visitor.close();
    }
  });

  it('refuses a page larger than the most one may be', async () => {
    const visitor = await visitorSocket();
    try {
      visitor.send({ type: 'hello', token, since: TOTAL });
      await visitor.next('welcome');
      visitor.send({ type: 'history', before: 10, limit: MESSAGE_PAGE_MAX + 1 });
      assert.equal((await visitor.next('error')).code, 'invalid_message', 'a frame the schema refuses');
    } finally {
      await visitor.close();
    }
  });

  it('reads all of it over the API, a page at a time with `before`', async () => {
    const card = await request(server.url, `/api/v1/agent/interactions/${interactionId}`, { token: agentToken });
    assert.equal(card.status, 200);
    assert.equal(card.body.interaction.messages.length, MESSAGE_PAGE, 'the card carries the newest page');
    assert.equal(card.body.interaction.more, true);
    const messagesPath = `/api/v1/agent/interactions/${interactionId}/messages`;
    const seqs = await readBack(card.body.interaction, async (before) => {
      const res = await request(server.url, `${messagesPath}?before=${before}&limit=${MESSAGE_PAGE_MAX}`, { token: agentToken });
      assert.equal(res.status, 200);
      return res.body;
    });
    assert.deepEqual(seqs, range(1, TOTAL));

    // A CRM catching up from what it has: `after` bounds the read from below.
    const tail = await request(server.url, `${messagesPath}?after=${TOTAL - 3}`, { token: agentToken });
    assert.deepEqual(tail.body.messages.map((m: { text: string }) => m.text), range(TOTAL - 2, TOTAL).map((i) => `message ${i}`));
    assert.equal(tail.body.more, false);

    for (const bad of ['limit=0', `limit=${MESSAGE_PAGE_MAX + 1}`, 'before=abc', 'after=-1', 'before=1&before=2']) {
      assert.equal((await request(server.url, `${messagesPath}?${bad}`, { token: agentToken })).status, 400, bad);
    }
    assert.equal((await request(server.url, '/api/v1/agent/interactions/in_nonexistent0/messages', { token: agentToken })).status, 404);
    assert.equal((await request(server.url, messagesPath)).status, 401, 'agents only');
  });

  it('pages for an agent’s console too: a followed interaction’s newest page, then `history` frames', async () => {
    const agent = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
    try {
      agent.send({ type: 'hello', token: agentToken, since: {} });
      await agent.next('welcome');
      agent.send({ type: 'watch', interactionId });
      const { interaction } = await agent.next('watching');
      assert.equal(interaction.messages.length, MESSAGE_PAGE);
      const seqs = await readBack(interaction, async (before) => {
        agent.send({ type: 'history', interactionId, before });
        const page = await agent.next('history');
        assert.equal(page.interactionId, interactionId);
        return page;
      });
      assert.deepEqual(seqs, range(1, TOTAL));
    } finally {
      await agent.close();
    }
  });
});
