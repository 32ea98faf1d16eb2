import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { money } from '../base/formats.js';
import { Localize, type TermKey } from '../base/localize.js';
import { sendOnEnter } from '../base/send-on-enter.js';
import { agentPack, visitorPack, BUILT_IN, LANGUAGE_NAMES } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import { AgentChatClient, type AgentChatSnapshot, type ConversationView } from '../chat/agent-chat-client.js';
import { forgetSession, saveLanguage, savedSession, signIn, SignInError, signOut, type AgentSessionInfo } from '../chat/agent-session.js';
import type { AgentActionError } from '../chat/agent-chat-client.js';
import type { ErrorCode, ErrorDetails } from '../protocol/errors.js';
import type { Offer } from '../protocol/agent-server-messages.js';
import type { Presence } from '../protocol/agent-client-messages.js';
import '../message-list/warmline-message-list.js';
import '../attachment/warmline-attachment.js';
import type { WarmlineAttachmentAuthEvent } from '../events/warmline-attachment-auth.js';
import '../context-card/warmline-context-card.js';
import type {} from '../events/warmline-offer.js';
import type {} from '../events/warmline-offer-accept.js';
import type {} from '../events/warmline-sign-in.js';
import type {} from '../events/warmline-sign-out.js';
import { chime } from './ring-tone.js';
import { PhoneController, type CallActionProblem } from './phone-controller.js';
import { refusalOf } from '../transfer-form/transfer-refusals.js';
import '../agent-call/warmline-agent-call.js';
import '../transfer-form/warmline-transfer-form.js';
import type { WarmlineAgentCall } from '../agent-call/warmline-agent-call.component.js';
import type { WarmlineCallTransferEvent } from '../events/warmline-call-transfer.js';
import type { WarmlineTransferEvent } from '../events/warmline-transfer.js';
import type { AgentCall, RegistrationProblem } from '../telephony/agent-phone.js';
import styles from './warmline-softphone.styles.js';

type Wording = (t: Localize, details: ErrorDetails) => string;

/** Why signing in failed, worded by the server's code (protocol/errors.ts); any other: `signInFailed`. */
const SIGN_IN_REFUSALS: Partial<Record<ErrorCode | 'unreachable', Wording>> = {
  unreachable: (t) => t.term('signInUnreachable'),
  invalid_credentials: (t) => t.term('signInWrong'),
  rate_limited: (t, d) => t.term('signInTooMany', d.retryAfter ?? 60),
  session_expired: (t) => t.term('sessionEnded'),
};

/** The server's refusals of what the agent did on the socket, by code; any other: `errorGeneric`. A refused transfer says why (`reason`). */
const ACTION_REFUSALS: Partial<Record<ErrorCode, Wording>> = {
  conflict: (t) => t.term('offerGone'),
  not_assigned: (t) => t.term('notAssigned'),
  message_too_long: (t, d) => t.term('messageTooLong', d.limit ?? 4000),
  invalid_message: (t) => t.term('messageRefused'),
  rate_limited: (t, d) => t.term('sendTooFast', d.retryAfter ?? 5),
};

/** Why the phone is not ready, in the phone status ("Calls unavailable: …"). */
const REGISTRATION_TERMS = { unreachable: 'phoneUnreachable', 'signed-out': 'phoneSignedOut', refused: 'phoneRefused' } as const satisfies Record<RegistrationProblem, TermKey>;

/** What went wrong with a call action, other than a transfer. */
const CALL_ACTION_TERMS = { 'not-ready': 'phoneNotReady', 'no-call-back': 'callBackUnavailable', 'call-back-failed': 'callBackFailed' } as const satisfies Record<
  Exclude<CallActionProblem['kind'], 'transfer-failed'>,
  TermKey
>;

/**
 * @summary The agent's console: sign in, set presence, take chats with the customer's context beside them.
 *
 * @event warmline-sign-in - The agent signed in; `detail.agent`.
 * @event warmline-sign-out - The agent signed out or the session ended; `detail.reason`.
 * @event warmline-offer - A chat is offered to the agent; `detail.offer`.
 * @event warmline-offer-accept - The agent is accepting an offer. Cancelable; `detail.interactionId`.
 *
 * @csspart base - The console (or the sign-in form).
 */
export class WarmlineSoftphone extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** Base URL of the Warmline server; defaults to this page's origin. */
  @property() server = '';

  @state() private session: AgentSessionInfo | undefined;
  @state() private snap: AgentChatSnapshot | undefined;
  @state() private selected: string | undefined;
  @state() private signInError = '';
  @state() private languageError = '';
  /** The `lang` the page gave this element before the agent's choice replaced it (null: none). */
  private ownLang: string | null | undefined;
  @state() private busy = false;
  @state() private announcement = '';
  /** The chat whose transfer form is open. */
  @state() private transferring: string | undefined;
  /** The chat transfer asked for last, to name its target if the server refuses it. */
  private chatTransfer: { interactionId: string; label: string } | undefined;

  @query('textarea') private composer: HTMLTextAreaElement | undefined;

  private readonly localize = new Localize(this, agentPack, visitorPack);
  private readonly phone = new PhoneController(
    this,
    () => this.base,
    (callId, stream) => void this.updateComplete.then(() => this.callBar(callId)?.attachStream(stream)),
  );
  private client: AgentChatClient | undefined;
  private lastTypingAt = 0;
  private phonePresence: Presence | undefined;
  /** The offer being accepted: selected as soon as its chat arrives. */
  private accepting: string | undefined;
  private phoneSession: AgentSessionInfo | undefined;
  private readonly onVisibility = () => this.requestUpdate();
  /** Attachments in this console's message lists are fetched with the agent's session. */
  private readonly onAttachmentAuth = (event: WarmlineAttachmentAuthEvent) => {
    event.stopPropagation();
    event.detail.auth = { server: this.base, token: this.session?.token };
  };

  private get base(): string {
    return (this.server || location.origin).replace(/\/$/, '');
  }

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
    this.addEventListener('warmline-attachment-auth', this.onAttachmentAuth);
    const saved = savedSession();
    if (saved) this.start(saved);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.client?.disconnect();
    this.client = undefined;
  }

  override render() {
    return this.session ? this.renderConsole() : this.renderSignIn();
  }

  /** A call's media statistics (audio bytes in and out…), for diagnostics; by default the connected call's. */
  getCallStats(callId?: string): Promise<RTCStatsReport | undefined> {
    return this.phone.phone?.stats(callId) ?? Promise.resolve(undefined);
  }

  private callBar(callId: string): WarmlineAgentCall | null {
    return this.renderRoot.querySelector<WarmlineAgentCall>(`warmline-agent-call[data-call="${CSS.escape(callId)}"]`);
  }

  override willUpdate(changed: PropertyValues) {
    if (changed.has('session') && this.session) this.speak(this.session.agent.language);
    if (changed.has('session') || changed.has('snap')) {
      // The presence the server last welcomed this console with: the phone keeps it while the socket reconnects
      // (a server restart drops both; the phone comes back on its own).
      const presence = this.snap?.agent && this.snap.connection !== 'closed' && this.snap.connection !== 'disconnected' ? this.snap.presence : undefined;
      if (presence !== this.phonePresence || this.session !== this.phoneSession) {
        this.phonePresence = presence;
        this.phoneSession = this.session;
        void this.phone.update(this.session, presence);
      }
    }
  }

  override updated(changed: PropertyValues) {
    // What the agent has in front of them is read.
    if (this.selected && document.visibilityState === 'visible') {
      const conversation = this.snap?.conversations.find((c) => c.id === this.selected);
      if (conversation?.unread) this.client?.markRead(conversation.id);
    }
    if (changed.has('selected')) this.composer?.focus();
    // Only supervisors load it (and livekit-client, when they first listen in).
    if (this.supervises && !customElements.get('warmline-live-calls')) void import('../live-calls/warmline-live-calls.js');
  }

  private renderSignIn() {
    const t = this.localize;
    return html`
      <form part="base" class="sign-in" @submit=${this.onSignIn} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">${t.term('agentConsole')}</h1>
        <label>${t.term('username')} <input name="username" autocomplete="username" required autocapitalize="none" /></label>
        <label>${t.term('password')} <input name="password" type="password" autocomplete="current-password" required /></label>
        ${this.signInError ? html`<p class="alert" role="alert">${this.signInError}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? t.term('signingIn') : t.term('signIn')}</button>
      </form>
    `;
  }

  private renderConsole() {
    const t = this.localize;
    const s = this.snap;
    const conversations = s?.conversations ?? [];
    const current = conversations.find((c) => c.id === this.selected);
    const calls = this.phone.calls;
    // While a call rings or goes on, its customer's card is the one in front of the agent.
    const focused = this.focusedCall(calls);
    const callInteraction = this.viewOf(focused?.interactionId);
    return html`
      <div part="base" class="console">
        <div class="topbar">
          <h1>${t.term('agentConsole')} — ${this.session?.agent.name}</h1>
          ${s && s.connection !== 'connected'
            ? html`<span class="connection" role="status">${s.connection === 'disconnected' ? t.term('consoleOffline') : t.term('reconnecting')}</span>`
            : nothing}
          <label
            >${t.term('presence')}
            <select @change=${this.onPresence} .value=${s?.presence ?? 'away'}>
              <option value="available" ?selected=${s?.presence === 'available'}>${t.term('available')}</option>
              <option value="away" ?selected=${s?.presence !== 'available'}>${t.term('away')}</option>
            </select>
          </label>
          <label
            >${t.term('language')}
            <select @change=${this.onLanguage}>
              <option value="" ?selected=${!this.session?.agent.language}>${t.term('languageAuto')}</option>
              ${BUILT_IN.map(
                (code) => html`<option value=${code} lang=${code} ?selected=${this.session?.agent.language === code}>${LANGUAGE_NAMES[code]}</option>`,
              )}
            </select>
          </label>
          ${this.languageError ? html`<span class="error" role="alert">${this.languageError}</span>` : nothing}
          <span class="phone-status" role="status">${this.phoneStatus()}</span>
          <button class="secondary" type="button" @click=${this.onSignOut}>${t.term('signOut')}</button>
        </div>
        <div class="calls">
          ${repeat(
            calls,
            (c) => c.id,
            (c, i) => html`<warmline-agent-call
              data-call=${c.id}
              label=${calls.length > 1 ? `${t.term('call')} ${i + 1}` : ''}
              .phone=${this.phone.phone}
              .call=${c}
              .context=${this.viewOf(c.interactionId)?.context}
              server=${this.base}
              .token=${this.session?.token ?? ''}
              .self=${this.session?.agent.id ?? ''}
              ?no-transfer=${this.phone.phone?.features.transfer === false}
              ?no-keypad=${this.phone.phone?.features.keypad === false}
             
              @warmline-call-transfer=${this.onCallTransfer}
            ></warmline-agent-call>`,
          )}
          ${this.phone.problem ? html`<p class="alert" role="alert">${this.callActionText(this.phone.problem)}</p>` : nothing}
        </div>
        <div class="workspace">
          <nav class="sidebar" aria-label=${t.term('chats')}>
            <section aria-labelledby="incoming-h">
              <h2 id="incoming-h">${t.term('incoming')}</h2>
              ${s?.offers.length
                ? html`<ul class="offers">
                    ${repeat(s.offers, (o) => o.interactionId, (o) => this.renderOffer(o))}
                  </ul>`
                : html`<p class="empty">${t.term(s?.presence === 'available' ? 'noneWaiting' : 'awayHint')}</p>`}
            </section>
            <section aria-labelledby="chats-h">
              <h2 id="chats-h">${t.term('chats')}</h2>
              ${conversations.length
                ? html`<ul class="chat-list">
                    ${repeat(conversations, (c) => c.id, (c) => this.renderChatItem(c))}
                  </ul>`
                : html`<p class="empty">${t.term('noChats')}</p>`}
            </section>
            ${this.renderLiveCalls()}
          </nav>
          ${current ? this.renderThread(current) : html`<div class="thread no-chat"><p>${t.term('noChats')}</p></div>`}
          <aside class="card-column">
            ${callInteraction
              ? html`<details open>
                    <summary>${t.term('customerContext')}</summary>
                    <warmline-context-card .context=${callInteraction.context} .notes=${callInteraction.notes} .history=${callInteraction.history}></warmline-context-card>
                  </details>
                  ${callInteraction.entries.length
                    ? html`<section class="chat-so-far" aria-labelledby="so-far-h">
                        <h2 id="so-far-h">${t.term('chatSoFar')}</h2>
                        <warmline-message-list
                          me="agent"
                          label=${t.term('chatSoFar')}
                          .entries=${callInteraction.entries}
                          earlier=${callInteraction.earlier}
                          @warmline-show-earlier=${() => this.client?.showEarlier(callInteraction.id)}
                        ></warmline-message-list>
                      </section>`
                    : nothing}`
              : current
                ? html`<details open>
                    <summary>${t.term('customerContext')}</summary>
                    <warmline-context-card .context=${current.context} .notes=${current.notes} .history=${current.history}></warmline-context-card>
                  </details>`
                : nothing}
          </aside>
        </div>
        <p class="visually-hidden" role="status" aria-live="assertive">${this.announcement}</p>
      </div>
    `;
  }

  private renderOffer(offer: Offer) {
    const t = this.localize;
    const p = offer.preview;
    const who = p.visitorName || t.term('visitor');
    const title =
      offer.channel === 'callback' ? t.term('callbackRequest', who) : offer.channel === 'offline' ? t.term('offlineRequest', who) : t.term('newChatRequest', who);
    return html`<li>
      <article class="offer" aria-label=${title}>
        <p><strong>${who}</strong> · ${p.pageTitle}</p>
        ${p.queue ? html`<p>${t.term('fieldLabel', t.term('queueLabel'))}${p.queue}</p>` : nothing}
        ${p.transferFrom
          ? html`<p class="transfer-from">${p.note ? t.term('transferredWithNote', p.transferFrom, p.note) : t.term('transferredBy', p.transferFrom)}</p>`
          : nothing}
        ${p.cartTotal !== undefined && p.currency
          ? html`<p>${t.term('fieldLabel', t.term('cart'))}${p.cartItems ?? 0} · ${money(t.lang, p.cartTotal, p.currency)}</p>`
          : nothing}
        ${p.productName ? html`<p>${t.term('fieldLabel', t.term('viewedProduct'))}${p.productName}</p>` : nothing}
        ${offer.channel === 'callback'
          ? html`<p>${t.term(p.visitorOnline ? 'callbackOnSite' : 'callbackOffSite')}</p>
              <p>${p.phone ? `${t.term('fieldLabel', t.term('phoneLeft'))}${p.phone}` : t.term('callbackNoPhone')}</p>`
          : nothing}
        ${p.firstMessage ? html`<p class="first">${t.term('quoted', p.firstMessage)}</p>` : nothing}
        <div class="actions">
          <button class="primary" type="button" @click=${() => this.onAccept(offer.interactionId)}>${t.term('accept')}</button>
          <button class="secondary" type="button" @click=${() => this.client?.decline(offer.interactionId)}>${t.term('decline')}</button>
        </div>
      </article>
    </li>`;
  }

  /** A supervisor on the LiveKit path sees the calls in progress, to listen in, whisper or join (the element upgrades once its module is in). */
  private renderLiveCalls() {
    if (!this.supervises) return nothing;
    return html`<warmline-live-calls server=${this.base} .token=${this.session?.token ?? ''}></warmline-live-calls>`;
  }

  private get supervises(): boolean {
    const config = this.phone.config;
    return config?.mode === 'livekit' && config.supervisor;
  }

  /** The call whose customer is in front of the agent: one ringing in, else the one under way, else the latest, else the last that ended. */
  private focusedCall(calls: AgentCall[]): AgentCall | undefined {
    const live = calls.filter((c) => c.state !== 'ended' && c.interactionId);
    return (
      live.find((c) => c.state === 'ringing' && c.direction === 'in') ??
      live.find((c) => c.state === 'connected' && !c.transfer?.kind.startsWith('consult')) ??
      live.at(-1) ??
      calls.filter((c) => c.interactionId).at(-1)
    );
  }

  /** What the agent holds beyond the chat: a callback to make, a message left while closed. */
  private renderWork(c: ConversationView) {
    const t = this.localize;
    const work = c.work;
    if (work?.kind === 'offline') {
      return html`<section class="work" aria-label=${t.term('offlineWork')}>
        <p><strong>${t.term('offlineWork')}</strong>${work.contact ? html` · ${t.term('fieldLabel', t.term('contactLeft'))}${contactLink(work.contact)}` : nothing}</p>
      </section>`;
    }
    if (work?.kind !== 'callback') return nothing;
    const who = c.context.visitor.identity?.name || t.term('visitor');
    const dialling = this.phone.calls.some((call) => call.interactionId === c.id && call.state !== 'ended');
    return html`<section class="work" aria-label=${t.term('callback')}>
      <p>
        <strong>${t.term('callback')}</strong> · ${t.term('callbackAttempt', work.attempt ?? 1)} ·
        ${work.reachable ? t.term('callbackOnSite') : t.term('callbackOffSite')}
      </p>
      <p>${work.phone ? html`${t.term('fieldLabel', t.term('phoneLeft'))}${contactLink(work.phone)}` : t.term('callbackNoPhone')}</p>
      <div class="actions">
        ${work.reachable && this.phone.callsBack
          ? html`<button class="primary" type="button" ?disabled=${dialling} @click=${() => this.phone.callBack(c.id, who)}>${t.term('callInBrowser')}</button>`
          : nothing}
        <button class="secondary" type="button" @click=${() => this.client?.callbackOutcome(c.id, true)}>${t.term('callbackReached')}</button>
        <button class="secondary" type="button" @click=${() => this.client?.callbackOutcome(c.id, false)}>${t.term('callbackNotReached')}</button>
      </div>
    </section>`;
  }

  private renderChatItem(c: ConversationView) {
    const t = this.localize;
    const who = c.context.visitor.identity?.name || t.term('visitor');
    return html`<li>
      <button type="button" aria-current=${c.id === this.selected ? 'true' : 'false'} @click=${() => (this.selected = c.id)}>
        <span class="who">${who}</span>
        ${c.unread ? html`<span class="count" aria-label=${t.term('unread', c.unread)}>${c.unread}</span>` : html`<span></span>`}
        <span class="where">${c.status === 'active' ? c.context.page.title : t.term('chatEnded')}</span>
      </button>
    </li>`;
  }

  private renderThread(c: ConversationView) {
    const t = this.localize;
    const who = c.context.visitor.identity?.name || t.term('visitor');
    return html`<section class="thread" aria-label=${who}>
      <div class="thread-head">
        <h2>${who}</h2>
        <span class="presence-dot">${c.visitorOnline ? t.term('visitorOnline') : t.term('visitorLeft')}</span>
        ${c.status === 'active'
          ? html`<button
                class="secondary transfer-toggle"
                type="button"
                aria-expanded=${this.transferring === c.id ? 'true' : 'false'}
                @click=${() => (this.transferring = this.transferring === c.id ? undefined : c.id)}
              >
                ${t.term('transfer')}
              </button>
              <button class="secondary" type="button" @click=${() => this.client?.end(c.id)}>${t.term('endChat')}</button>`
          : nothing}
      </div>
      <div class="extras">
      ${this.transferring === c.id && c.status === 'active'
        ? html`<warmline-transfer-form
            channel="chat"
            .interaction=${c.id}
            server=${this.base}
            .token=${this.session?.token ?? ''}
            .self=${this.session?.agent.id ?? ''}
           
            @warmline-transfer=${(e: WarmlineTransferEvent) => this.onChatTransfer(e, c.id)}
            @warmline-transfer-cancel=${this.closeTransfer}
          ></warmline-transfer-form>`
        : nothing}
      ${this.renderWork(c)}
      </div>
      <warmline-message-list
        me="agent"
        .entries=${c.entries}
        earlier=${c.earlier}
        typing=${c.visitorTyping ? t.term('visitorTyping') : ''}
        @warmline-show-earlier=${() => this.client?.showEarlier(c.id)}
      ></warmline-message-list>
      ${this.snap?.error ? html`<p class="alert" role="alert">${this.actionErrorText(this.snap.error)}</p>` : html`<span></span>`}
      ${c.status === 'active'
        ? html`<form class="composer" @submit=${(e: SubmitEvent) => this.onSend(e, c.id)}>
            <label class="visually-hidden" for="composer">${t.term('message')}</label>
            <textarea
              id="composer"
              rows="2"
              maxlength=${this.snap?.messageLimit ?? 4000}
              placeholder=${t.term('placeholder')}
              @keydown=${sendOnEnter}
              @input=${() => this.onComposerInput(c.id)}
            ></textarea>
            <button class="primary" type="submit">${t.term('send')}</button>
          </form>`
        : html`<p class="ended">
            <span>${c.transferred ? t.term('chatTransferred') : t.term('chatEnded')}</span>
            <button class="secondary" type="button" @click=${() => this.dismiss(c.id)}>${t.term('dismiss')}</button>
          </p>`}
    </section>`;
  }

  /** The server's refusal of what the agent did, in the agent's language; a refused transfer names the target and why. */
  private actionErrorText(error: AgentActionError): string {
    const t = this.localize;
    if (error.reason) {
      const target = this.chatTransfer?.interactionId === error.interactionId ? this.chatTransfer?.label : undefined;
      return target ? t.term('transferFailedBecause', refusalOf(t, target, error.reason)) : t.term('transferFailed');
    }
    return ACTION_REFUSALS[error.code]?.(t, { ...error, limit: error.limit ?? this.snap?.messageLimit }) ?? t.term('errorGeneric');
  }

  /** What went wrong with a call action (a callback, a call transfer). */
  private callActionText(problem: CallActionProblem): string {
    const t = this.localize;
    if (problem.kind !== 'transfer-failed') return t.term(CALL_ACTION_TERMS[problem.kind]);
    return problem.reason ? t.term('transferFailedBecause', refusalOf(t, problem.target, problem.reason)) : t.term('transferFailed');
  }

  private phoneStatus(): string {
    const t = this.localize;
    const phone = this.phone.snapshot;
    if (this.snap?.presence !== 'available') return t.term('phoneOff');
    if (!phone || phone.registration === 'registering' || phone.registration === 'unregistered') return t.term('phoneConnecting');
    if (phone.registration === 'reconnecting') return t.term('phoneReconnecting');
    if (phone.registration === 'failed') return t.term('phoneProblem', t.term(REGISTRATION_TERMS[phone.problem ?? 'refused']));
    return t.term('phoneReady');
  }

  /** An interaction as this console's live store has it: followed for a call, or one of the chats. */
  private viewOf(interactionId: string | undefined): ConversationView | undefined {
    if (!interactionId || !this.snap) return undefined;
    return this.snap.followed.find((c) => c.id === interactionId) ?? this.snap.conversations.find((c) => c.id === interactionId);
  }

  private start(session: AgentSessionInfo) {
    this.session = session;
    const client = new AgentChatClient({ server: this.base, token: session.token });
    this.client = client;
    this.phone.follow(client);
    let knownOffers = new Set<string>();
    client.on('change', (snap) => {
      this.snap = snap;
      const has = (id: string | undefined) => !!id && snap.conversations.some((c) => c.id === id);
      // An offer that went away without becoming a chat (it timed out, someone else took it).
      if (this.accepting && !has(this.accepting) && !snap.offers.some((o) => o.interactionId === this.accepting)) this.accepting = undefined;
      if (has(this.accepting)) {
        // The chat just accepted arrived: show it.
        this.selected = this.accepting;
        this.accepting = undefined;
      } else if (!has(this.selected) && !this.accepting) {
        this.selected = snap.conversations.find((c) => c.status === 'active')?.id ?? snap.conversations[0]?.id;
      }
      knownOffers = new Set(snap.offers.map((o) => o.interactionId));
    });
    client.on('offer', (offer) => {
      if (knownOffers.has(offer.interactionId)) return;
      this.announcement = this.localize.term('newChatRequest', offer.preview.visitorName || this.localize.term('visitor'));
      chime();
      this.emit('warmline-offer', { detail: { offer } });
    });
    client.on('signed-out', () => this.end('expired'));
    client.connect();
    this.emit('warmline-sign-in', { detail: { agent: session.agent } });
  }

  private end(reason: 'user' | 'expired') {
    this.client?.disconnect();
    this.client = undefined;
    this.phone.follow(undefined);
    this.session = undefined;
    this.snap = undefined;
    this.selected = undefined;
    forgetSession();
    if (reason === 'expired') this.signInError = this.localize.term('sessionEnded');
    this.emit('warmline-sign-out', { detail: { reason } });
  }

  private async onSignIn(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.signInError = '';
    try {
      const session = await signIn(this.base, String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      this.start(session);
    } catch (err) {
      // The server's English message is for logs: the agent reads the words for its code.
      this.signInError = (err instanceof SignInError && SIGN_IN_REFUSALS[err.code]?.(this.localize, err.details)) || this.localize.term('signInFailed');
    } finally {
      this.busy = false;
    }
  }

  private async onSignOut() {
    const token = this.session?.token;
    this.end('user');
    if (token) await signOut(this.base, token);
  }

  /**
   * The agent's chosen language goes on this element's `lang`, above the
   * page's and the browser's (Localize reads it; so do screen readers). With
   * none chosen, whatever `lang` the embedding page gave stays.
   */
  private speak(language: string | undefined) {
    if (language) {
      this.ownLang ??= this.getAttribute('lang');
      this.setAttribute('lang', language);
    } else if (this.ownLang !== undefined) {
      if (this.ownLang === null) this.removeAttribute('lang');
      else this.setAttribute('lang', this.ownLang);
      this.ownLang = undefined;
    }
  }

  private async onLanguage(event: Event) {
    const session = this.session;
    if (!session) return;
    const language = (event.target as HTMLSelectElement).value || null;
    this.languageError = '';
    try {
      this.session = await saveLanguage(this.base, session, language);
    } catch {
      this.languageError = this.localize.term('languageNotSaved');
    }
  }

  private onPresence(event: Event) {
    this.client?.setPresence((event.target as HTMLSelectElement).value as Presence);
  }

  private onAccept(interactionId: string) {
    if (this.emit('warmline-offer-accept', { cancelable: true, detail: { interactionId } }).defaultPrevented) return;
    this.accepting = interactionId;
    this.client?.accept(interactionId);
  }

  private onSend(event: SubmitEvent, interactionId: string) {
    event.preventDefault();
    const textarea = (event.currentTarget as HTMLFormElement).querySelector('textarea');
    if (!textarea || !this.client) return;
    if (this.client.send(interactionId, textarea.value)) {
      textarea.value = '';
      this.lastTypingAt = 0;
      this.client.typing(interactionId, false);
    }
  }

  private onComposerInput(interactionId: string) {
    const now = Date.now();
    if (now - this.lastTypingAt > 2500) {
      this.lastTypingAt = now;
      this.client?.typing(interactionId, true);
    }
  }

  /** The form closed without a transfer: back to the button that opened it. */
  private async closeTransfer() {
    this.transferring = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.thread-head .transfer-toggle')?.focus();
  }

  private onChatTransfer(event: WarmlineTransferEvent, interactionId: string) {
    event.stopPropagation();
    this.transferring = undefined;
    const { request, label } = event.detail;
    this.chatTransfer = { interactionId, label };
    this.client?.transfer(interactionId, request.to, request.note, request.mode);
  }

  private onCallTransfer(event: WarmlineCallTransferEvent) {
    const { call, request, label } = event.detail;
    void this.phone.transfer(call, request, label);
  }

  private dismiss(interactionId: string) {
    this.client?.dismiss(interactionId);
    this.selected = undefined;
  }
}

/** An email address or phone number the visitor left, as a link that writes or dials. */
function contactLink(contact: string) {
  return html`<a href=${contact.includes('@') ? `mailto:${contact}` : `tel:${contact.replace(/[^+0-9]/g, '')}`}>${contact}</a>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-softphone': WarmlineSoftphone;
  }
}
