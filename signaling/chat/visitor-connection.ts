/**
 * One visitor's WebSocket. The first frame must be `hello` with the
 * conversation token; after that the visitor can write, type, confirm
 * receipt and update the context, all within their own interaction only.
 */
import type { WebSocket } from 'ws';
import { AppError } from '../errors.js';
import { enforce } from '../limits/limits.js';
import type { RateLimit } from '../cluster/shared-rate-limiter.js';
import { validateContextUpdate } from '../context/validate-context.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import { toWire } from '../store/message-store.js';
import {
  VisitorClientMessageSchema,
  type VisitorClientMessage,
} from '../../widgets/protocol/visitor-client-messages.js';
import type { StatusFrame, VisitorServerMessage } from '../../widgets/protocol/visitor-server-messages.js';
import { CloseCode } from '../../widgets/protocol/close-codes.js';
import type { ChatHub, VisitorPeer } from './chat-hub.js';
import { JsonSocket } from './json-socket.js';
import { runHandler, type HandlerTable } from './frame-handlers.js';
import { OrderedSender, type Outgoing } from './ordered-sender.js';

export interface VisitorConnectionDeps {
  interactions: InteractionService;
  hub: ChatHub;
  /** Chat messages, by conversation (limits.rate.messagesPerMinute). */
  messages: RateLimit;
  /** Whether the site's pages may come from the origin this socket was opened from (http/origins.ts). */
  siteAllows: (site: string, origin: string | undefined) => boolean;
  /** The site's default language, told to its visitors' widgets. */
  siteLanguage: (site: string) => string | undefined;
  limits: { contextBytes: number; messageChars: number };
  log: (line: string, err: unknown) => void;
}

type Frame = VisitorClientMessage;

export class VisitorConnection implements VisitorPeer {
  private readonly socket: JsonSocket<Frame, VisitorServerMessage>;
  private readonly outbox: OrderedSender<VisitorServerMessage>;
  private id: string | undefined;
  lastStatus?: StatusFrame;

  constructor(
    ws: WebSocket,
    private readonly deps: VisitorConnectionDeps,
    /** The page's origin from the upgrade request, and the site it named (`?site=`), if any. */
    private readonly opened: { origin: string | undefined; site: string | undefined } = { origin: undefined, site: undefined },
  ) {
    this.socket = new JsonSocket(ws, VisitorClientMessageSchema);
    this.outbox = new OrderedSender((frame) => this.socket.send(frame), (err) => deps.log('building a frame for a visitor failed', err));
  }

  get interactionId(): string {
    if (!this.id) throw new Error('not said hello yet');
    return this.id;
  }

  get ready(): boolean {
    return this.id !== undefined;
  }

  send(frame: Outgoing<VisitorServerMessage>) {
    this.outbox.send(frame);
  }

  async receive(data: unknown, isBinary: boolean) {
    const frame = this.socket.parse(data, isBinary);
    if (!frame) return;
    if (!this.ready && frame.type !== 'hello') {
      this.socket.sendError('hello_required', 'Say hello with your conversation token first.');
      return;
    }
    const release = this.outbox.hold();
    try {
      await runHandler(this.handlers, frame, (code, message, extra) => this.send({ type: 'error', code, message, ...extra }), this.deps.log);
    } finally {
      release();
    }
  }

  closed() {
    if (this.ready) this.deps.hub.removeVisitor(this);
  }

  private readonly handlers: HandlerTable<Frame> = {
    hello: async (frame) => {
      if (this.ready) throw AppError.badRequest('You said hello already.');
      const interaction = await this.deps.interactions.findByToken(frame.token);
      // A token is bound to its site: one taken to another site's page (or socket) opens nothing.
      const foreign = interaction && ((this.opened.site && this.opened.site !== interaction.site) || !this.deps.siteAllows(interaction.site, this.opened.origin));
      if (!interaction || foreign) {
        this.socket.sendError('unauthorized', 'This conversation token is not known. Start a new conversation.');
        this.socket.close(CloseCode.Unauthorized, 'Unknown conversation');
        return;
      }
      this.id = interaction.id;
      const language = this.deps.siteLanguage(interaction.site);
      // The welcome is read from the store while what the hub tells this socket from now on waits behind it:
      // nothing stored meanwhile is missed (a message in both is shown once: widgets keep messages by seq).
      const welcome = (async (): Promise<VisitorServerMessage> => {
        // The newest page after `since`: bounded however long the conversation (message-pages.ts).
        const page = await this.deps.interactions.messagePage(interaction.id, { after: frame.since });
        const current = (await this.deps.interactions.get(interaction.id)) ?? interaction;
        return {
          type: 'welcome',
          interactionId: interaction.id,
          messages: page.messages.map((m) => toWire(m, 'visitor')),
          more: page.more,
          receipt: current.agentReceipt,
          readUpTo: current.visitorReceipt.read,
          messageLimit: this.deps.limits.messageChars,
          ...(language && { language }),
        };
      })();
      this.send(() => welcome);
      this.deps.hub.addVisitor(this);
      this.send(async () => (this.lastStatus = await this.deps.hub.statusFor((await this.deps.interactions.get(interaction.id)) ?? interaction)));
      await welcome;
    },

    send: async (frame) => {
      enforce(await this.deps.messages.take(this.interactionId), 'messages');
      const { message, duplicate } = await this.deps.interactions.postMessage({
        interactionId: this.interactionId,
        sender: 'visitor',
        clientId: frame.cid,
        text: frame.text,
        attachmentId: frame.attachment,
      });
      this.send({ type: 'ack', cid: frame.cid, seq: message.seq, at: message.createdAt });
      // A duplicate was broadcast when first stored; this connection may have missed it.
      if (duplicate) this.send({ type: 'message', message: toWire(message, 'visitor') });
    },

    history: async (frame) => {
      const { type: _, ...range } = frame;
      const page = await this.deps.interactions.messagePage(this.interactionId, range);
      this.send({
        type: 'history',
        after: range.after ?? 0,
        ...(range.before !== undefined && { before: range.before }),
        messages: page.messages.map((m) => toWire(m, 'visitor')),
        more: page.more,
      });
    },

    typing: (frame) => {
      this.deps.hub.typing({ interactionId: this.interactionId, side: 'visitor', active: frame.active });
    },

    receipt: async (frame) => {
      await this.deps.interactions.advanceReceipt(this.interactionId, 'visitor', { delivered: frame.delivered, read: frame.read });
    },

    context: async (frame) => {
      const current = await this.deps.interactions.require(this.interactionId);
      await this.deps.interactions.updateContext(this.interactionId, validateContextUpdate(frame.context, this.deps.limits.contextBytes, current));
    },
  };
}
