import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize, setSiteLanguage } from '../base/localize.js';
import { sendOnEnter } from '../base/send-on-enter.js';
import { visitorPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import { VisitorChatClient, type VisitorChatSnapshot } from '../chat/visitor-chat-client.js';
import { CHAT_ICON } from '../base/icons.js';
import '../message-list/warmline-message-list.js';
import type { QueueInfo } from '../queue/queue-api.js';
import type {} from '../events/warmline-chat-open.js';
import type {} from '../events/warmline-chat-close.js';
import type {} from '../events/warmline-message-send.js';
import type {} from '../events/warmline-message-receive.js';
import type {} from '../events/warmline-connection-change.js';
import type { WarmlineOfflineSentEvent } from '../events/warmline-offline-sent.js';
import type { ErrorCode } from '../protocol/errors.js';
import styles from './warmline-chat.styles.js';

/** Messages the server refused for good, worded by its code (protocol/errors.ts); any other code: the generic words. */
const REFUSALS: Partial<Record<ErrorCode, 'messageRefused'>> = { invalid_message: 'messageRefused' };

/**
 * @summary The visitor's chat: a launcher button and a panel with the conversation.
 *
 * The conversation carries the visitor's context (page, journey, cart, viewed
 * product…) to the agent, and survives navigation, reloads and coming back
 * later. Usually created by the loader (`/warmline.js`); place it yourself to
 * choose where it goes.
 *
 * @event warmline-chat-open - The panel is opening. Cancelable.
 * @event warmline-chat-close - The panel closed.
 * @event warmline-message-send - A message is about to be sent. Cancelable; `detail.text`.
 * @event warmline-message-receive - A message from the agent arrived; `detail.message`.
 * @event warmline-connection-change - The connection changed; `detail.state`.
 *
 * @csspart launcher - The button that opens and closes the chat.
 * @csspart panel - The chat panel.
 * @csspart header - The panel's header.
 * @csspart messages - The message list (its parts are exported as `message`, `typing`).
 * @csspart composer - The form with the text box and the send button.
 * @csspart input - The text box.
 * @csspart attach - The button that attaches a photo or a PDF (`<warmline-attach>`, loaded when the panel first opens).
 * @csspart send-button - The send button.
 *
 * @cssproperty --warmline-color-primary - Brand colour of the button, header and own messages.
 * @cssproperty --warmline-color-on-primary - Text on the brand colour.
 * @cssproperty --warmline-font-family - Font of the widget.
 * @cssproperty --warmline-radius - Corner radius of the panel.
 * @cssproperty --warmline-z-index - Stacking order of the floating widget.
 */
export class WarmlineChat extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** Base URL of the Warmline server; defaults to this page's origin. */
  @property() server = '';

  /** The site key (`data-site` of the script tag). */
  @property() site = '';

  /** Whether the panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;

  /** Float at the bottom right of the viewport (the loader's default) instead of sitting in the page flow. */
  @property({ type: Boolean, reflect: true }) floating = false;

  /** The panel's title; defaults to "Chat with us" in the visitor's language. */
  @property() heading = '';

  @state() private snap: VisitorChatSnapshot | undefined;
  /** The chat's queue when it is closed (outside business hours): the offline form shows instead of the composer. */
  @state() private offline: QueueInfo | undefined;
  @state() private offlineSent = false;
  @query('textarea') private input!: HTMLTextAreaElement;
  @query('.launcher') private launcher!: HTMLButtonElement;

  private readonly localize = new Localize(this, visitorPack);
  private client: VisitorChatClient | undefined;
  private unsubscribe: Array<() => void> = [];
  private readonly onContextChange = () => this.client?.contextChanged();
  private readonly onVisibility = () => this.markReadIfSeen();

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('warmline-context-change', this.onContextChange);
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('warmline-context-change', this.onContextChange);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.stopClient();
  }

  override willUpdate(changed: PropertyValues<this>) {
    if ((changed.has('site') || changed.has('server')) && this.site) this.startClient();
  }

  override render() {
    const s = this.snap;
    const unread = s && !this.open ? s.unread : 0;
    const title = this.heading || this.localize.term('chatTitle');
    return html`
      <button
        part="launcher"
        class="launcher"
        type="button"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="panel"
        aria-label=${unread ? this.localize.term('openChatUnread', unread) : this.localize.term('openChat')}
        @click=${this.toggle}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${CHAT_ICON}></path></svg>
        <span class="launcher-text" aria-hidden="true">${this.localize.term('chat')}</span>
        ${unread ? html`<span class="badge" aria-hidden="true">${unread}</span>` : nothing}
      </button>
      <section
        part="panel"
        id="panel"
        class="panel"
        role=${this.floating ? 'dialog' : 'region'}
        aria-labelledby="title"
        ?hidden=${!this.open}
        @keydown=${this.onPanelKeydown}
      >
        <div part="header" class="header">
          <h2 id="title">${title}</h2>
          <p class="subtitle" role="status">${this.statusText(s)}</p>
          <button class="close" type="button" aria-label=${this.localize.term('closeChat')} @click=${this.hide}>×</button>
        </div>
        ${this.renderBanner(s)}
        <warmline-message-list
          part="messages"
          exportparts="message, typing"
          me="visitor"
          .entries=${s?.entries ?? []}
          earlier=${s?.earlier ?? 'none'}
          typing=${this.typingText(s)}
          @warmline-show-earlier=${() => this.client?.showEarlier()}
        ></warmline-message-list>
        ${s?.error ? html`<p class="error" role="alert">${this.errorText(s.error)}</p>` : nothing}
        ${this.offline
          ? html`<warmline-offline-form
              server=${this.base}
              site=${this.site}
              queue=${this.offline.id}
              .token=${this.client?.token}
              queue-label=${this.localize.pick(this.offline.label, this.offline.labels)}
              reason="closed"
              opens-at=${this.offline.opensAt ?? ''}
              timezone=${this.offline.timezone ?? ''}
              @warmline-offline-sent=${this.onOfflineSent}
            ></warmline-offline-form>`
          : nothing}
        <form part="composer" ?hidden=${!!this.offline && !this.offlineSent} @submit=${this.onSubmit}>
          <warmline-attach part="attach" .client=${this.client} server=${this.base}></warmline-attach>
          <label class="visually-hidden" for="input">${this.localize.term('message')}</label>
          <textarea
            id="input"
            part="input"
            rows="1"
            maxlength=${s?.messageLimit ?? 4000}
            placeholder=${this.localize.term('placeholder')}
            @keydown=${sendOnEnter}
            @input=${this.onInput}
          ></textarea>
          <button part="send-button" class="send" type="submit">${this.localize.term('send')}</button>
        </form>
      </section>
    `;
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('open')) {
      this.client?.rememberPanel(this.open);
      if (this.open) void this.checkQueue();
      // Attaching (and showing attachments) is not in the chat's first bundle, which has a hard size budget: it loads on the first open.
      if (this.open) void import('../attach/warmline-attach.js');
    }
    this.markReadIfSeen();
  }

  /** Opens the panel (unless a `warmline-chat-open` listener prevents it) and focuses the text box. */
  async show() {
    if (this.open) return;
    if (this.emit('warmline-chat-open', { cancelable: true }).defaultPrevented) return;
    this.open = true;
    await this.updateComplete;
    this.input?.focus();
  }

  /** Closes the panel and returns focus to the launcher. */
  async hide() {
    if (!this.open) return;
    this.open = false;
    this.emit('warmline-chat-close');
    await this.updateComplete;
    this.launcher?.focus();
  }

  private toggle() {
    void (this.open ? this.hide() : this.show());
  }

  private get base() {
    return (this.server || location.origin).replace(/\/$/, '');
  }

  /**
   * Before a conversation starts (or after one ended): if the chat's queue is
   * closed, offer the offline form instead. (Within hours a message waits in
   * the queue even with nobody signed in; see queue/offline-check.ts.)
   */
  private async checkQueue() {
    const status = this.snap?.status;
    if (status && status !== 'new' && status !== 'closed') return;
    try {
      const { offline, language } = await (await import('../queue/offline-check.js')).offlineChatQueue(this.base, this.site);
      this.offline = offline;
      setSiteLanguage(language);
    } catch {
      // Cannot tell: keep the chat; a message waits in the queue.
    }
  }

  private onOfflineSent(event: WarmlineOfflineSentEvent) {
    this.offlineSent = true;
    this.client?.adopt(event.detail.token, event.detail.interactionId);
  }

  private startClient() {
    this.stopClient();
    const client = new VisitorChatClient({
      server: this.base,
      site: this.site,
      // What the page knows of the visitor is read only when a conversation starts or changes: a visitor
      // who opens the chat and closes it again never loads the code (about 1.5 KB gzipped).
      collectContext: async () => (await import('../context/collect-context.js')).collectContext(),
    });
    this.client = client;
    let lastConnection = client.snapshot.connection;
    this.unsubscribe = [
      client.on('change', (snap) => {
        this.snap = snap;
        if (snap.language) setSiteLanguage(snap.language);
        if (snap.connection !== lastConnection) {
          lastConnection = snap.connection;
          this.emit('warmline-connection-change', { detail: { state: snap.connection } });
        }
      }),
      client.on('message', (message) => this.emit('warmline-message-receive', { detail: { message } })),
    ];
    this.snap = client.snapshot;
    if (client.panelWasOpen) this.open = true;
    client.resume();
  }

  private stopClient() {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.client?.close();
    this.client = undefined;
  }

  private markReadIfSeen() {
    if (this.open && document.visibilityState === 'visible' && this.snap?.unread) this.client?.markRead();
  }

  private statusText(s: VisitorChatSnapshot | undefined): string {
    switch (s?.status) {
      case 'waiting':
        // Nobody to wait for: say so rather than give a place in a line that does not move.
        if (!s.agentsAvailable) return this.localize.term('statusNoAgents');
        if (s.place) return this.localize.term('queuePlace', s.place.position, Math.ceil(s.place.waitSeconds / 60));
        return this.localize.term('statusWaiting');
      case 'active':
        return s.agentName ? this.localize.term('statusActive', s.agentName) : this.localize.term('statusActiveNoName');
      case 'closed':
        return this.localize.term('statusClosed');
      default:
        return this.localize.term('statusNew');
    }
  }

  private typingText(s: VisitorChatSnapshot | undefined): string {
    if (s?.agentTyping === null || s?.agentTyping === undefined) return '';
    const name = s.agentTyping || s.agentName;
    return name ? this.localize.term('typing', name) : this.localize.term('typingNoName');
  }

  private renderBanner(s: VisitorChatSnapshot | undefined) {
    if (s?.connection === 'reconnecting') {
      return html`<p class="banner" role="status">${this.localize.term('reconnecting')}</p>`;
    }
    if (s?.connection === 'disconnected') {
      return html`<p class="banner" role="status">
        <span>${this.localize.term('offline')}</span>
        <button type="button" @click=${() => this.client?.retry()}>${this.localize.term('retry')}</button>
      </p>`;
    }
    return nothing;
  }

  private errorText(error: NonNullable<VisitorChatSnapshot['error']>): string {
    if (error.kind === 'too-long') return this.localize.term('messageTooLong', error.max);
    if (error.kind === 'refused') return this.localize.term(REFUSALS[error.code] ?? 'errorGeneric');
    if (error.kind === 'slow-down') return this.localize.term('slowDown', error.seconds);
    return this.localize.term('errorGeneric');
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text || !this.client) return;
    if (this.emit('warmline-message-send', { cancelable: true, detail: { text } }).defaultPrevented) return;
    if (this.client.send(text)) this.input.value = '';
  }

  private onInput() {
    this.client?.typing();
  }

  private onPanelKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && this.floating) {
      event.stopPropagation();
      void this.hide();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-chat': WarmlineChat;
  }
}
