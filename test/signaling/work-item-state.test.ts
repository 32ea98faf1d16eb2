/**
 * The work item's state machine: the table itself, and the store refusing
 * a move the table does not have (on SQLite and on PostgreSQL alike).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  IllegalWorkItemTransitionError,
  WORK_ITEM_TRANSITIONS,
  assertMove,
  canMove,
  statesBefore,
  type WorkItemState,
} from '../../signaling/routing/work-item-state.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { createInteraction } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';

describe('work item states', () => {
  it('allows the moves routing makes and nothing out of a finished item', () => {
    const moves: Array<[WorkItemState, WorkItemState]> = [
      ['waiting', 'offered'],
      ['offered', 'assigned'],
      ['offered', 'waiting'],
      ['assigned', 'done'],
      ['waiting', 'abandoned'],
      ['offered', 'abandoned'],
      ['waiting', 'assigned'],
      ['assigned', 'waiting'],
    ];
    for (const [from, to] of moves) assert.ok(canMove(from, to), `${from} → ${to}`);
    for (const to of Object.keys(WORK_ITEM_TRANSITIONS) as WorkItemState[]) {
      assert.ok(!canMove('done', to), `done → ${to}`);
      assert.ok(!canMove('abandoned', to), `abandoned → ${to}`);
      assert.ok(!canMove(to, to), `${to} → ${to}: a move that changes nothing is a mistake`);
    }
    assert.ok(!canMove('assigned', 'offered'), 'work with an agent is never offered again: a transfer queues a new item');
    assert.deepEqual(statesBefore('offered'), ['waiting']);
    assert.throws(() => assertMove('wi_1', 'done', 'offered'), (err: unknown) => err instanceof IllegalWorkItemTransitionError && err.from === 'done' && err.to === 'offered');
  });

  describe('in the store', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server.close());

    it('moves an item only as the table allows, and says why it refuses', async () => {
      const { interactionId } = await createInteraction(server.url, sampleContext());
      const items = server.services.stores.workItems;
      const id = 'wi_state_test';
      await items.insert({ id, interactionId, kind: 'chat', queue: 'support', priority: 0, enqueuedAt: 1, createdAt: 1, targetAgent: null, notBefore: null, attempts: 0, details: {} });
      await items.offered(id);
      await items.returned(id);
      await items.offered(id);
      await assert.rejects(items.offered(id), /cannot go from offered to offered/);
      await items.assigned(id, 'ag_x', 5);
      await items.ended(id, 'done', 9, 'done');
      await assert.rejects(items.returned(id), (err: unknown) => err instanceof IllegalWorkItemTransitionError && err.from === 'done' && err.to === 'waiting');
      await assert.rejects(items.ended(id, 'abandoned', 10, 'abandoned'), /cannot go from done to abandoned/);
      await assert.rejects(items.offered('wi_nowhere'), /does not exist/);
      await items.relabelEnd(id, 'unreached');
      const stored = await items.find(id);
      assert.deepEqual([stored?.status, stored?.agentId, stored?.assignedAt, stored?.endedAt, stored?.endReason], ['done', 'ag_x', 5, 9, 'unreached']);
    });
  });
});
