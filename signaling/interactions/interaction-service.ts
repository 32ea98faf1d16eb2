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
import type { AttachmentInfo, Receipt } from '../../widgets/protocol/wire-common.js';
import { toStoredContext } from '../context/validate-context.js';
import { assertTransition } from './interaction-state.js';
import type { InteractionEventMap } from './interaction-events.js';

export interface PostMessageInput {
  interactionId: string;
  sender: Sender;
  agent?: { id: string; name: string };
  clientId: string | null;
  text: string;
  /** An attachment uploaded into this conversation and not sent yet; `text` may then be empty. */
  attachmentId?: string;
  /** false: store only (an offline message is queued by the routing service, not as a chat). */
  queue?: boolean;
}

export class InteractionService extends EventEmitter<InteractionEventMap> {
  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
    private readonly limits: { messageChars: number },
    /** The site's identity-signing secret, if it has one. */
    private readonly secretOf: (site: string) => string | undefined = () => undefined,
  ) {
    super();
  }

  /** Starts a conversation. `identityProblem`: why an identity signature given did not verify. */
  create(site: string, input: ContextInput): { interaction: InteractionRecord; token: string; identityProblem: string | undefined } {
    const token = newSecretToken();
    const id = newId('in');
    const { context, identityProblem } = toStoredContext(input, this.secretOf(site), this.clock.now());
    this.stores.interactions.insert({ id, site, tokenHash: hashToken(token), visitorId: input.visitor.id, context, at: this.clock.now() });
    return { interaction: this.require(id), token, identityProblem };
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

  /** The site's other conversations with this one's verified user, newest first; none unless its identity is verified. */
  verifiedHistory(interaction: InteractionRecord, limit: number): InteractionRecord[] {
    const identity = interaction.context.visitor.identity;
    if (!identity?.verified || !identity.id) return [];
    return this.stores.interactions.listForVerifiedUser(interaction.site, identity.id, interaction.id, limit);
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
    if (!text && !input.attachmentId) throw AppError.badRequest('A message cannot be empty.', 'invalid_message');
    if (text.length > this.limits.messageChars) {
      throw AppError.messageTooLong(this.limits.messageChars);
    }
    const agentId = input.agent?.id ?? null;
    const result = this.stores.transaction(() => {
      if (input.clientId) {
        const existing = this.stores.messages.findByClientId(input.interactionId, input.sender, agentId, input.clientId);
        if (existing) return { message: existing, duplicate: true };
      }
      const attachment = input.attachmentId ? this.unsentAttachment(input.interactionId, input.attachmentId) : null;
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
        attachment,
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

  /**
   * An attachment a message may carry: uploaded into this conversation (one
   * of another is "no such attachment", as if it did not exist) and not
   * carried by a message already. `invalid_message`: resending cannot help.
   */
  private unsentAttachment(interactionId: string, id: string): AttachmentInfo {
    const found = this.stores.attachments.find(id);
    if (!found || found.interactionId !== interactionId) throw AppError.badRequest('There is no such attachment in this conversation.', 'invalid_message');
    if (this.stores.attachments.isUsed(found)) throw AppError.badRequest('This attachment was sent already.', 'invalid_message');
    return { id: found.id, name: found.name, type: found.type, size: found.size };
  }

  /** Records an event in the transcript (an agent joined, the chat ended). */
  postSystem(interactionId: string, event: SystemEvent, agent: { id: string; name: string }): MessageRecord {
    return this.postMessage({ interactionId, sender: 'system', agent, clientId: null, text: event }).message;
  }

  updateContext(id: string, input: ContextInput): { interaction: InteractionRecord; identityProblem: string | undefined } {
    const { context, identityProblem } = toStoredContext(input, this.secretOf(this.require(id).site), this.clock.now());
    this.stores.interactions.setContext(id, context, this.clock.now());
    const interaction = this.require(id);
    this.emit('context', interaction);
    return { interaction, identityProblem };
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
