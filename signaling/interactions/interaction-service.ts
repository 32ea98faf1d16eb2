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
import { MESSAGE_PAGE, MESSAGE_PAGE_MAX, type PageRange } from '../../widgets/protocol/message-pages.js';
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
  async create(site: string, input: ContextInput): Promise<{ interaction: InteractionRecord; token: string; identityProblem: string | undefined }> {
    const token = newSecretToken();
    const id = newId('in');
    const { context, identityProblem } = toStoredContext(input, this.secretOf(site), this.clock.now());
    await this.stores.interactions.insert({ id, site, tokenHash: hashToken(token), visitorId: input.visitor.id, context, at: this.clock.now() });
    return { interaction: await this.require(id), token, identityProblem };
  }

  get(id: string): Promise<InteractionRecord | undefined> {
    return this.stores.interactions.findById(id);
  }

  async require(id: string, stores = this.stores): Promise<InteractionRecord> {
    const interaction = await stores.interactions.findById(id);
    if (!interaction) throw AppError.notFound(`There is no interaction ${id}.`);
    return interaction;
  }

  findByToken(token: string): Promise<InteractionRecord | undefined> {
    return this.stores.interactions.findByTokenHash(hashToken(token));
  }

  listActiveFor(agentId: string): Promise<InteractionRecord[]> {
    return this.stores.interactions.listActiveForAgent(agentId);
  }

  notesOf(id: string): Promise<NoteRecord[]> {
    return this.stores.notes.listFor(id);
  }

  /** The site's other conversations with this one's verified user, newest first; none unless its identity is verified. */
  async verifiedHistory(interaction: InteractionRecord, limit: number): Promise<InteractionRecord[]> {
    const identity = interaction.context.visitor.identity;
    if (!identity?.verified || !identity.id) return [];
    return this.stores.interactions.listForVerifiedUser(interaction.site, identity.id, interaction.id, limit);
  }

  /** Every message after `seq`, oldest first: for a reader on the server that needs all of them (a gap to fill, a test). Clients get pages. */
  messagesSince(id: string, seq: number): Promise<MessageRecord[]> {
    return this.stores.messages.since(id, seq);
  }

  /** A page of the transcript (widgets/protocol/message-pages.ts): the newest messages of the range, oldest first. */
  messagePage(id: string, range: PageRange): Promise<{ messages: MessageRecord[]; more: boolean }> {
    return this.stores.messages.page(id, { after: range.after ?? 0, before: range.before, limit: Math.min(range.limit ?? MESSAGE_PAGE, MESSAGE_PAGE_MAX) });
  }

  firstVisitorMessage(id: string): Promise<MessageRecord | undefined> {
    return this.stores.messages.firstFromVisitor(id);
  }

  /**
   * Stores a message and returns it with its sequence number. A message whose
   * client id this sender used before is not stored again: the stored one is
   * returned with `duplicate: true`, so a resend after a lost ack is harmless.
   * One transaction with the conversation held (InteractionStore.lock): two
   * messages at once, on one node or two, get consecutive numbers, and a
   * resend racing its first copy finds it.
   */
  async postMessage(input: PostMessageInput): Promise<{ message: MessageRecord; duplicate: boolean }> {
    const text = input.text.replace(/\u0000/g, '').trim();
    if (!text && !input.attachmentId) throw AppError.badRequest('A message cannot be empty.', 'invalid_message');
    if (text.length > this.limits.messageChars) {
      throw AppError.messageTooLong(this.limits.messageChars);
    }
    const agentId = input.agent?.id ?? null;
    const result = await this.stores.transaction(async (stores) => {
      if (!(await stores.interactions.lock(input.interactionId))) throw new Error(`interaction ${input.interactionId} does not exist`);
      if (input.clientId) {
        const existing = await stores.messages.findByClientId(input.interactionId, input.sender, agentId, input.clientId);
        if (existing) return { message: existing, duplicate: true };
      }
      const attachment = input.attachmentId ? await this.unsentAttachment(stores, input.interactionId, input.attachmentId) : null;
      const at = this.clock.now();
      const message: MessageRecord = {
        interactionId: input.interactionId,
        seq: await stores.interactions.nextSeq(input.interactionId, at),
        sender: input.sender,
        agentId,
        author: input.agent?.name ?? null,
        clientId: input.clientId,
        body: text,
        createdAt: at,
        attachment,
      };
      await stores.messages.insert(message);
      return { message, duplicate: false };
    });
    if (!result.duplicate) {
      const interaction = await this.require(input.interactionId);
      this.emit('message', interaction, result.message);
      // A visitor writing into a new or ended conversation asks for an agent.
      if (input.sender === 'visitor' && input.queue !== false && (interaction.status === 'new' || interaction.status === 'closed')) {
        await this.transition(interaction.id, 'queued', { from: ['new', 'closed'] });
      }
    }
    return result;
  }

  /**
   * An attachment a message may carry: uploaded into this conversation (one
   * of another is "no such attachment", as if it did not exist) and not
   * carried by a message already. `invalid_message`: resending cannot help.
   */
  private async unsentAttachment(stores: Stores, interactionId: string, id: string): Promise<AttachmentInfo> {
    const found = await stores.attachments.find(id);
    if (!found || found.interactionId !== interactionId) throw AppError.badRequest('There is no such attachment in this conversation.', 'invalid_message');
    if (await stores.attachments.isUsed(found)) throw AppError.badRequest('This attachment was sent already.', 'invalid_message');
    return { id: found.id, name: found.name, type: found.type, size: found.size };
  }

  /** Records an event in the transcript (an agent joined, the chat ended). */
  async postSystem(interactionId: string, event: SystemEvent, agent: { id: string; name: string }): Promise<MessageRecord> {
    return (await this.postMessage({ interactionId, sender: 'system', agent, clientId: null, text: event })).message;
  }

  async updateContext(id: string, input: ContextInput): Promise<{ interaction: InteractionRecord; identityProblem: string | undefined }> {
    const { context, identityProblem } = toStoredContext(input, this.secretOf((await this.require(id)).site), this.clock.now());
    await this.stores.interactions.setContext(id, context, this.clock.now());
    const interaction = await this.require(id);
    this.emit('context', interaction);
    return { interaction, identityProblem };
  }

  /** Moves a side's delivered/read marks forward (never back) and announces the result. */
  async advanceReceipt(id: string, side: 'visitor' | 'agent', receipt: Receipt) {
    const { before, after } = await this.stores.transaction(async (stores) => {
      await stores.interactions.lock(id);
      const before = await this.require(id, stores);
      await stores.interactions.advanceReceipt(id, side, receipt);
      return { before, after: await this.require(id, stores) };
    });
    const key = side === 'visitor' ? 'visitorReceipt' : 'agentReceipt';
    if (after[key].delivered !== before[key].delivered || after[key].read !== before[key].read) {
      this.emit('receipt', after, side);
    }
  }

  /**
   * Changes the status through the state machine (illegal moves throw). The
   * read, the check and the write are one transaction with the conversation
   * held, so two changes at once cannot both start from the same status.
   * `from`: do nothing unless the status is one of these now (a change asked
   * for on a status read earlier, which may have moved on since).
   */
  async transition(id: string, to: InteractionStatus, options: { agentId?: string | null; from?: readonly InteractionStatus[] } = {}): Promise<InteractionRecord> {
    const change = await this.stores.transaction(async (stores) => {
      await stores.interactions.lock(id);
      const current = await this.require(id, stores);
      if (options.from && !options.from.includes(current.status)) return { updated: current, previous: undefined };
      assertTransition(current.status, to);
      const at = this.clock.now();
      const agentId = to === 'active' || to === 'closed' ? (options.agentId ?? current.agentId) : null;
      await stores.interactions.setStatus(id, {
        status: to,
        agentId: to === 'queued' ? null : agentId,
        // Back in the queue after an offer or an agent leaving keeps its place; a new or reopened one joins at the end.
        queuedAt:
          to !== 'queued' ? current.queuedAt : current.status === 'new' || current.status === 'closed' ? at : (current.queuedAt ?? at),
        closedAt: to === 'closed' ? at : null,
        at,
      });
      return { updated: await this.require(id, stores), previous: current.status };
    });
    if (change.previous !== undefined) this.emit('status', change.updated, change.previous);
    return change.updated;
  }
}
