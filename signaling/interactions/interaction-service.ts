/**
 * Interactions and their messages: creating them, the idempotent message
 * append, context updates, receipts and status changes. Each change is
 * stored first and announced after, through typed events that the socket hub
 * and the router listen to; this class knows nothing about sockets.
 */
import { EventEmitter } from 'node:events';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import { hashToken, newId, newSecretToken } from '../ids.js';
import type { Stores } from '../store/stores.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import type { MessageRecord, Sender, SystemEvent } from '../store/message-store.js';
import type { NoteRecord } from '../store/note-store.js';
import type { ContextInput } from '../../widgets/protocol/context-envelope.js';
import type { InteractionStatus } from '../../widgets/protocol/agent-server-messages.js';
import type { Receipt } from '../../widgets/protocol/wire-common.js';
import { toStoredContext } from '../context/validate-context.js';
import { assertTransition } from './interaction-state.js';
import type { InteractionEventMap } from './interaction-events.js';

export interface PostMessageInput {
  interactionId: string;
  sender: Sender;
  agent?: { id: string; name: string };
  clientId: string | null;
  text: string;
  /** false: store only (an offline message is queued by the routing service, not as a chat). */
  queue?: boolean;
}

export class InteractionService extends EventEmitter<InteractionEventMap> {
  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
    private readonly limits: { messageChars: number },
  ) {
    super();
  }

  create(site: string, context: ContextInput): { interaction: InteractionRecord; token: string } {
    const token = newSecretToken();
    const id = newId('in');
    this.stores.interactions.insert({
      id,
      site,
      tokenHash: hashToken(token),
      visitorId: context.visitor.id,
      context: toStoredContext(context),
      at: this.clock.now(),
    });
    return { interaction: this.require(id), token };
  }

  get(id: string): InteractionRecord | undefined {
    return this.stores.interactions.findById(id);
  }

  require(id: string): InteractionRecord {
    const interaction = this.stores.interactions.findById(id);
    if (!interaction) throw AppError.notFound(`There is no interaction ${id}.`);
    return interaction;
  }

  findByToken(token: string): InteractionRecord | undefined {
    return this.stores.interactions.findByTokenHash(hashToken(token));
  }

  listActiveFor(agentId: string): InteractionRecord[] {
    return this.stores.interactions.listActiveForAgent(agentId);
  }

  notesOf(id: string): NoteRecord[] {
    return this.stores.notes.listFor(id);
  }

  messagesSince(id: string, seq: number): MessageRecord[] {
    return this.stores.messages.since(id, seq);
  }

  firstVisitorMessage(id: string): MessageRecord | undefined {
    return this.stores.messages.firstFromVisitor(id);
  }

  /**
   * Stores a message and returns it with its sequence number. A message whose
   * client id this sender used before is not stored again: the stored one is
   * returned with `duplicate: true`, so a resend after a lost ack is harmless.
   */
  postMessage(input: PostMessageInput): { message: MessageRecord; duplicate: boolean } {
    const text = input.text.replace(/\u0000/g, '').trim();
    if (!text) throw AppError.badRequest('A message cannot be empty.', 'invalid_message');
    if (text.length > this.limits.messageChars) {
      throw AppError.tooLarge(`A message has at most ${this.limits.messageChars} characters.`, 'message_too_long');
    }
    const agentId = input.agent?.id ?? null;
    const result = this.stores.transaction(() => {
      if (input.clientId) {
        const existing = this.stores.messages.findByClientId(input.interactionId, input.sender, agentId, input.clientId);
        if (existing) return { message: existing, duplicate: true };
      }
      const at = this.clock.now();
      const message: MessageRecord = {
        interactionId: input.interactionId,
        seq: this.stores.interactions.nextSeq(input.interactionId, at),
        sender: input.sender,
        agentId,
        author: input.agent?.name ?? null,
        clientId: input.clientId,
        body: text,
        createdAt: at,
      };
      this.stores.messages.insert(message);
      return { message, duplicate: false };
    });
    if (!result.duplicate) {
      this.emit('message', this.require(input.interactionId), result.message);
      // A visitor writing into a new or ended conversation asks for an agent.
      if (input.sender === 'visitor' && input.queue !== false) {
        const interaction = this.require(input.interactionId);
        if (interaction.status === 'new' || interaction.status === 'closed') this.transition(interaction.id, 'queued');
      }
    }
    return result;
  }

  /** Records an event in the transcript (an agent joined, the chat ended). */
  postSystem(interactionId: string, event: SystemEvent, agent: { id: string; name: string }): MessageRecord {
    return this.postMessage({ interactionId, sender: 'system', agent, clientId: null, text: event }).message;
  }

  updateContext(id: string, input: ContextInput): InteractionRecord {
    this.stores.interactions.setContext(id, toStoredContext(input), this.clock.now());
    const interaction = this.require(id);
    this.emit('context', interaction);
    return interaction;
  }

  /** Moves a side's delivered/read marks forward (never back) and announces the result. */
  advanceReceipt(id: string, side: 'visitor' | 'agent', receipt: Receipt) {
    const before = this.require(id);
    this.stores.interactions.advanceReceipt(id, side, receipt);
    const after = this.require(id);
    const key = side === 'visitor' ? 'visitorReceipt' : 'agentReceipt';
    if (after[key].delivered !== before[key].delivered || after[key].read !== before[key].read) {
      this.emit('receipt', after, side);
    }
  }

  /** Changes the status through the state machine (illegal moves throw). */
  transition(id: string, to: InteractionStatus, options: { agentId?: string | null } = {}): InteractionRecord {
    const current = this.require(id);
    assertTransition(current.status, to);
    const at = this.clock.now();
    const agentId = to === 'active' || to === 'closed' ? (options.agentId ?? current.agentId) : null;
    this.stores.interactions.setStatus(id, {
      status: to,
      agentId: to === 'queued' ? null : agentId,
      // Back in the queue after an offer or an agent leaving keeps its place; a new or reopened one joins at the end.
      queuedAt:
        to !== 'queued' ? current.queuedAt : current.status === 'new' || current.status === 'closed' ? at : (current.queuedAt ?? at),
      closedAt: to === 'closed' ? at : null,
      at,
    });
    const updated = this.require(id);
    this.emit('status', updated, current.status);
    return updated;
  }
}
