import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, testOnPostgres, type TestServer } from '../support/test-server.js';
import { createInteraction } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { openDatabase } from '../../signaling/store/database.js';
import { Stores } from '../../signaling/store/stores.js';
import { InteractionService } from '../../signaling/interactions/interaction-service.js';
import { systemClock } from '../../signaling/clock.js';

describe('message sequence numbers under concurrency', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const post = (service: InteractionService, interactionId: string, clientId: string | null, text: string) =>
    service.postMessage({ interactionId, sender: 'visitor', clientId, text, queue: false });

  it('numbers 60 messages sent at once 1 to 60, each once, without gaps', async () => {
    const { interactionId } = await createInteraction(server.url, sampleContext({ visitor: { id: 'visitor-seq-burst' } }));
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => post(server.services.interactions, interactionId, `burst-${i}`, `message ${i}`)));
    assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i + 1));
    const stored = await server.services.interactions.messagesSince(interactionId, 0);
    assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: 60 }, (_, i) => i + 1));
    assert.equal((await server.services.interactions.get(interactionId))!.lastSeq, 60);
  });

  it('stores a message resent at the same moment as its first copy once, and uses no number for the resend', async () => {
    const { interactionId } = await createInteraction(server.url, sampleContext({ visitor: { id: 'visitor-seq-resend' } }));
    const results = await Promise.all(Array.from({ length: 10 }, () => post(server.services.interactions, interactionId, 'same-cid', 'Hello?')));
    assert.equal(results.filter((r) => !r.duplicate).length, 1);
    assert.deepEqual(new Set(results.map((r) => r.message.seq)), new Set([1]));
    const next = await post(server.services.interactions, interactionId, 'other-cid', 'Anyone?');
    assert.equal(next.message.seq, 2, 'no gap after the duplicates');
  });

  it('keeps numbers unique and gap-free across two nodes sharing one PostgreSQL', { skip: !testOnPostgres() && 'SQLite is one node' }, async () => {
    const { interactionId } = await createInteraction(server.url, sampleContext({ visitor: { id: 'visitor-seq-nodes' } }));
    // A second node: its own pool of connections to the same database.
    const other = await openDatabase({ url: databaseUrlOf(server), dataDir: server.dataDir });
    try {
      const otherNode = new InteractionService(new Stores(other.db, other.dialect), systemClock, server.services.config.limits);
      const sends = Array.from({ length: 80 }, (_, i) => post(i % 2 ? otherNode : server.services.interactions, interactionId, `node-${i}`, `from node ${i % 2}`));
      const results = await Promise.all(sends);
      assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), Array.from({ length: 80 }, (_, i) => i + 1));
    } finally {
      await other.close();
    }
  });
});

/** The URL of the test server's database (test-server.ts made it for this server alone). */
function databaseUrlOf(server: TestServer): string {
  if (!server.databaseUrl) throw new Error('this server is not on PostgreSQL');
  return server.databaseUrl;
}
