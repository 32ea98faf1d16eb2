/**
 * The interaction service's events, from every node. Each node publishes
 * what its own InteractionService announces; every node (itself included,
 * bus.ts) hears it here and re-emits it as the service would have, for the
 * chat hub and the routing leader. On one node nothing of this runs: they
 * listen to the service itself.
 *
 * The store stays the truth. Messages carry their sequence number, so a
 * node sees when one is missing: the next one arrives with a gap before it
 * (a notice lost in Redis), or the bus reports a gap (Redis restarted, this
 * node's connection dropped). Either way the messages missed are read from
 * the store and emitted in order before anything later, and none twice.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import type { InteractionEventMap } from '../interactions/interaction-events.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import type { MessageRecord } from '../store/message-store.js';
import { SerialQueue } from '../serial-queue.js';
import type { Bus } from './bus.js';
import type { ClusterChannels, EventNotice } from './cluster-channels.js';

const EVENTS = ['message', 'context', 'status', 'receipt'] as const;

export class EventRelay extends EventEmitter<InteractionEventMap> {
  /** The last message emitted here, per interaction followed. */
  private readonly lastSeq = new Map<string, number>();
  /** One notice at a time, in the order heard: a fill from the store holds back what came after it. */
  private readonly queue = new SerialQueue();
  private readonly unsubscribe: () => void;
  /** Whether this node has sockets for an interaction (the hub says); only those are filled after a gap. */
  interested: (interactionId: string) => boolean = () => true;

  constructor(
    private readonly bus: Bus<ClusterChannels>,
    private readonly interactions: InteractionService,
    log: Logger,
  ) {
    super();
    this.queue.reportTo((err) => log.error('cluster: relaying an interaction event failed', err));
    for (const name of EVENTS) {
      interactions.on(name, (...args: unknown[]) => bus.publish('interaction', { name, args } as EventNotice<InteractionEventMap>));
    }
    this.unsubscribe = bus.subscribe('interaction', (notice) => this.queue.push(() => this.receive(notice)));
    bus.on('gap', (gap) => {
      log.info(`cluster: filling from the store after a gap on the bus (node ${gap.node}, ${gap.until - gap.since} ms)`);
      this.queue.push(() => this.fillAll());
    });
  }

  settled(): Promise<void> {
    return this.queue.settled();
  }

  close() {
    this.unsubscribe();
  }

  private async receive(notice: EventNotice<InteractionEventMap>) {
    switch (notice.name) {
      case 'message': {
        const [interaction, message] = notice.args;
        await this.message(interaction, message);
        return;
      }
      case 'status':
        if (notice.args[0].status === 'closed') this.lastSeq.delete(notice.args[0].id);
        this.emit('status', ...notice.args);
        return;
      case 'context':
        this.emit('context', ...notice.args);
        return;
      case 'receipt':
        this.emit('receipt', ...notice.args);
        return;
    }
  }

  private async message(interaction: InteractionRecord, message: MessageRecord) {
    const last = this.lastSeq.get(interaction.id);
    if (last !== undefined && message.seq <= last) return;
    if (last !== undefined && message.seq > last + 1) await this.fill(interaction, last);
    if ((this.lastSeq.get(interaction.id) ?? 0) >= message.seq) return;
    this.lastSeq.set(interaction.id, message.seq);
    this.emit('message', interaction, message);
  }

  /** Emits what the store has after `since` for this interaction, in order. */
  private async fill(interaction: InteractionRecord, since: number) {
    const missed = await this.interactions.messagesSince(interaction.id, since);
    for (const message of missed) {
      if (message.seq <= (this.lastSeq.get(interaction.id) ?? 0)) continue;
      this.lastSeq.set(interaction.id, message.seq);
      this.emit('message', interaction, message);
    }
  }

  private async fillAll() {
    for (const [id, since] of [...this.lastSeq]) {
      if (!this.interested(id)) continue;
      const interaction = await this.interactions.get(id);
      if (!interaction) continue;
      await this.fill(interaction, since);
      // Receipts and a status missed are told again as they are now (a receipt told twice moves nothing).
      this.emit('receipt', interaction, 'visitor');
      this.emit('receipt', interaction, 'agent');
    }
  }
}
