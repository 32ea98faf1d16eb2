/**
 * Announcing places in line at scale (issue 14): 2,000 visitors waiting in
 * one queue while the line moves. Each `queue-status` the routing service
 * emits is one frame to each of that visitor's sockets (chat/chat-hub.ts),
 * so the count of those events is the count of status frames sent: it must
 * grow with visitors × seconds, not visitors × movements. On a fake clock,
 * so the count does not depend on this machine's speed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { sampleContext } from '../support/fixtures.js';
import { FakeClock } from '../support/fake-clock.js';
import { request } from '../support/http.js';
import { ANNOUNCE_INTERVAL_MS } from '../../signaling/routing/routing-service.js';

const VISITORS = 2_000;

describe('queue announcements', () => {
  let server: TestServer;
  const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
  /** interactionId → the last place told, and how many times told. */
  const told = new Map<string, { position: number; frames: number }>();
  let frames = 0;

  before(async () => {
    server = await startTestServer({ queues: [{ id: 'support', label: 'Support' }] }, { clock });
    server.services.routing.on('queue-status', (interactionId, { position }) => {
      frames++;
      const entry = told.get(interactionId) ?? { position: 0, frames: 0 };
      told.set(interactionId, { position, frames: entry.frames + 1 });
    });
  });
  after(() => server.close());

  const settle = () => server.services.routing.settled();

  it('says an open queue with nobody signed in is open and unstaffed, not closed', async () => {
    const { body } = await request(server.url, '/api/v1/sites/demo/queues');
    assert.deepEqual(
      body.queues.map((q: { id: string; open: boolean; staffed: boolean }) => [q.id, q.open, q.staffed]),
      [['support', true, false]],
    );
  });

  it(`tells ${VISITORS.toLocaleString('en')} waiting visitors their place at most once a second while the line moves ten times a second`, async () => {
    const { interactions, routing } = server.services;
    const ids: string[] = [];
    for (let k = 0; k < VISITORS; k++) {
      const { interaction } = await interactions.create('demo', sampleContext());
      await interactions.postMessage({ interactionId: interaction.id, sender: 'visitor', clientId: `c${k}`, text: 'hello' });
      ids.push(interaction.id);
      // A second passes now and then while they arrive, as in life; joining at the back moves nobody.
      if (k % 100 === 99) clock.advance(ANNOUNCE_INTERVAL_MS);
    }
    await settle();
    const chatOf = (id: string) => routing.engine.itemsOf(id).find((i) => i.kind === 'chat')!;
    assert.equal(routing.engine.waiting('support').length, VISITORS);

    // The line stands still: not a frame.
    clock.advance(5 * ANNOUNCE_INTERVAL_MS);
    await settle();
    frames = 0;
    told.clear();
    clock.advance(5 * ANNOUNCE_INTERVAL_MS);
    await settle();
    assert.equal(frames, 0, 'nothing changed, nothing sent');

    // Ten seconds, the visitor first in line leaving every 100 ms: 100 movements.
    const seconds = 10;
    const movements = seconds * 10;
    for (let m = 0; m < movements; m++) {
      const head = routing.engine.waiting('support')[0]!;
      routing.engine.release(head.id, 'abandoned');
      clock.advance(100);
      await settle();
    }
    clock.advance(ANNOUNCE_INTERVAL_MS);
    await settle();

    const waiting = VISITORS - movements;
    // Each announcement tells every visitor whose place changed: about one a second each.
    assert.ok(frames <= waiting * (seconds + 2), `${frames} frames for ${waiting} visitors over ${seconds} s`);
    assert.ok(frames >= waiting * (seconds - 1), `places were told as the line moved (${frames} frames)`);
    const perVisitor = Math.max(...[...told.values()].map((t) => t.frames));
    assert.ok(perVisitor <= seconds + 2, `no visitor hears more than about once a second (${perVisitor})`);
    // Per movement, the old way: every visitor behind the one leaving, each time.
    assert.ok(frames * 5 < waiting * movements, 'far fewer than one frame per visitor per movement');

    // And what each was last told is their place now.
    for (const id of ids.slice(movements)) {
      assert.equal(told.get(id)?.position, routing.engine.positionOf(chatOf(id).id), `visitor ${id}`);
    }
  });
});
