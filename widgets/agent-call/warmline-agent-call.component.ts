import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize, type TermKey } from '../base/localize.js';
import { agentPack, callPack, visitorPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import { FocusKeeper } from '../base/focus-keeper.js';
import { isTransferringPhone, type AgentCall, type AgentPhone, type CallProblem } from '../telephony/agent-phone.js';
import { DTMF_DIGITS } from '../telephony/dtmf.js';
import { keyTone } from '../telephony/tones.js';
import type { ContextEnvelope } from '../protocol/context-envelope.js';
import type { WarmlineTransferEvent } from '../events/warmline-transfer.js';
import type {} from '../events/warmline-call-transfer.js';
import '../transfer-form/warmline-transfer-form.js';
import { refusalOf } from '../transfer-form/transfer-refusals.js';
import styles from './warmline-agent-call.styles.js';

/** Why a call could not go on, in the agent's words. */
const CALL_PROBLEM_TERMS = { 'no-mic': 'callNoMic', gone: 'callGone', 'join-failed': 'callJoinFailed', 'mic-not-sent': 'callMicNotSent' } as const satisfies Record<
  CallProblem,
  TermKey
>;

/**
 * @summary One of the agent's calls: ringing with Answer and Decline, then the call's controls and its transfer.
 *
 * It drives the `AgentPhone` it is given (SIP or LiveKit), for the call it
 * is given, and plays that call's audio. Who is calling and from where comes
 * from the interaction's context. A consultation (warm transfer) offers to
 * complete or cancel the transfer. The transfer button and the keypad show
 * unless the phone's path cannot do them (`no-transfer`, `no-keypad`).
 *
 * @event warmline-call-transfer - The agent chose where to transfer this call; `detail.call`, `detail.request`, `detail.label`.
 *
 * @csspart base - The bar.
 */
export class WarmlineAgentCall extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** The phone the call is on. */
  @property({ attribute: false }) phone: AgentPhone | undefined;

  /** The call as the phone reports it. */
  @property({ attribute: false }) call: AgentCall | undefined;

  /** The caller's context, once fetched. */
  @property({ attribute: false }) context: ContextEnvelope | undefined;

  /** Hides the transfer button: the phone's path does not transfer calls (an external SIP platform, LiveKit). */
  @property({ type: Boolean, attribute: 'no-transfer' }) noTransfer = false;

  /** Hides the keypad: the phone's path sends no keys to the other side (LiveKit). */
  @property({ type: Boolean, attribute: 'no-keypad' }) noKeypad = false;

  /** The bar's name as a landmark ("Call" by default): the console numbers its calls when it holds several, so that each has its own. */
  @property() label = '';

  /** Server and agent session, for the transfer directory. */
  @property() server = '';
  @property({ attribute: false }) token = '';
  @property({ attribute: false }) self = '';

  @state() private keypadOpen = false;
  @state() private transferOpen = false;
  @state() private now = Date.now();
  @query('audio') private audio!: HTMLAudioElement;

  private readonly localize = new Localize(this, agentPack, callPack, visitorPack);
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** Answer gone once answered, Hang up once the call ended: focus stays on the bar, whose next Tab reaches what is there now. */
  private readonly focusKeeper = new FocusKeeper(this, () => this.shadowRoot?.querySelector<HTMLElement>('[part~="base"]'));

  override connectedCallback() {
    super.connectedCallback();
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.ticker);
  }

  /** Plays the other side's audio. */
  async attachStream(stream: MediaStream) {
    await this.updateComplete;
    this.audio.srcObject = stream;
    await this.audio.play().catch(() => undefined);
  }

  override render() {
    const call = this.call;
    if (!call) return html`<audio autoplay></audio>`;
    const t = this.localize;
    const who = call.direction === 'out' || call.transfer?.kind === 'consult' ? call.caller : this.context?.visitor.identity?.name || call.caller || t.term('visitor');
    const ringingIn = call.state === 'ringing' && call.direction === 'in';
    return html`
      <section part="base" class=${ringingIn ? 'ringing' : ''} role="region" aria-label=${this.label || t.term('call')} tabindex="-1">
        ${ringingIn ? this.renderRinging(call, who) : call.state === 'ended' ? this.renderEnded(call) : this.renderInCall(call, who)}
        ${call.digits ? html`<p class="digits" role="status">${t.term('fieldLabel', t.term('keysPressed'))}<strong>${call.digits}</strong></p>` : nothing}
        ${call.transferFailed && call.state !== 'ended'
          ? html`<p class="problem" role="alert">${this.transferFailure(call)}</p>`
          : nothing}
        ${this.transferOpen && call.state !== 'ended'
          ? html`<warmline-transfer-form
              class="transfer"
              channel="call"
              .interaction=${call.interactionId ?? ''}
              server=${this.server}
              .token=${this.token}
              .self=${this.self}
             
              @warmline-transfer=${this.onTransfer}
              @warmline-transfer-cancel=${this.closeTransfer}
            ></warmline-transfer-form>`
          : nothing}
        <audio autoplay></audio>
      </section>
    `;
  }

  private renderRinging(call: AgentCall, who: string) {
    const t = this.localize;
    const title = call.transfer?.kind === 'consult' ? t.term('consultRequest', call.caller) : t.term('incomingCallFrom', who);
    const where = this.context ? `${this.context.page.title}${this.context.topic ? ` · ${this.context.topic}` : ''}` : '';
    return html`<p class="what" role="alert">
        <span class="title">${title}</span>
        <span class="detail">${call.transfer?.kind === 'blind' ? `${t.term('chatTransferred')} · ` : ''}${where}</span>
      </p>
      <div class="controls">
        <button class="answer" type="button" @click=${() => this.phone?.accept(call.id)}>${t.term('answer')}</button>
        <button class="decline" type="button" @click=${() => this.phone?.decline(call.id)}>${t.term('decline')}</button>
      </div>`;
  }

  private renderEnded(call: AgentCall) {
    const t = this.localize;
    return html`<p class="what" role="status"><span class="title">${t.term('callEndedAgent')}</span>
        <span class="detail">${call.connectedAt ? this.duration(call.connectedAt) : ''}</span></p>
      ${call.problem
        ? html`<p class="problem" role="alert">${t.term(CALL_PROBLEM_TERMS[call.problem])}</p>`
        : call.endReason === 'connection-lost'
          ? html`<p class="problem" role="alert">${t.term('callLost')}</p>`
          : call.leftPage
            ? html`<p class="problem" role="status">${t.term('visitorLeftPage')}</p>`
            : nothing}
      <div class="controls"><button type="button" @click=${() => this.phone?.dismiss(call.id)}>${t.term('dismiss')}</button></div>`;
  }

  private renderInCall(call: AgentCall, who: string) {
    const t = this.localize;
    const held = call.state === 'on-hold';
    const connected = call.state === 'connected' || held;
    const title = call.consultFor
      ? t.term('consulting', who)
      : call.transferring
        ? t.term('transferringCall')
        : call.state === 'reconnecting'
          ? t.term('callReconnecting', who)
          : !connected
            ? t.term('callingOut', who)
            : held
              ? t.term('callOnHold', who)
              : t.term('onCallWith', who);
    return html`<p class="what" role="status">
        <span class="title">${title}</span>
        <span class="timer" role="timer">${call.connectedAt ? this.duration(call.connectedAt) : ''}</span>
      </p>
      <div class="controls">
        ${call.consultFor && call.state === 'connected'
          ? html`<button class="answer" type="button" @click=${() => this.transfers()?.completeTransfer(call.id)}>${t.term('completeTransfer')}</button>`
          : nothing}
        ${call.consultFor ? html`<button type="button" @click=${() => this.transfers()?.cancelTransfer(call.id)}>${t.term('cancelTransfer')}</button>` : nothing}
        <button type="button" aria-pressed=${call.muted ? 'true' : 'false'} ?disabled=${!connected} @click=${() => this.phone?.setMuted(call.id, !call.muted)}>${t.term('mute')}</button>
        <button type="button" aria-pressed=${held ? 'true' : 'false'} ?disabled=${!connected || !!call.transferring} @click=${() => this.phone?.setHold(call.id, !held)}>
          ${held ? t.term('resume') : t.term('hold')}
        </button>
        ${this.noKeypad
          ? nothing
          : html`<button type="button" aria-expanded=${this.keypadOpen ? 'true' : 'false'} ?disabled=${!connected} @click=${() => (this.keypadOpen = !this.keypadOpen)}>${t.term('keypad')}</button>`}
        ${call.direction === 'in' && call.interactionId && !call.transfer?.kind.startsWith('consult') && !this.noTransfer
          ? html`<button class="transfer-toggle" type="button" aria-expanded=${this.transferOpen ? 'true' : 'false'} ?disabled=${!connected || !!call.transferring} @click=${() => (this.transferOpen = !this.transferOpen)}>
              ${t.term('transfer')}
            </button>`
          : nothing}
        <button class="hangup" type="button" @click=${() => this.phone?.hangup(call.id)}>${t.term('hangUp')}</button>
      </div>
      ${this.keypadOpen && !this.noKeypad
        ? html`<div class="keypad" role="group" aria-label=${t.term('keypad')}>
            ${DTMF_DIGITS.map(
              (d) => html`<button type="button" aria-label=${t.term('digitLabel', d)} @click=${() => (keyTone(d), this.phone?.sendDtmf(call.id, d))}>${d}</button>`,
            )}
          </div>`
        : nothing}`;
  }

  /** Why a transfer did not go through: the colleague and why, when the server said ("Bob Chen (did not answer)"). */
  private transferFailure(call: AgentCall): string {
    const t = this.localize;
    const refusal = call.transferRefusal;
    return refusal ? t.term('transferFailedBecause', refusalOf(t, refusal.who, refusal.reason)) : t.term('transferFailed');
  }

  /** The phone's transfers: a consultation only happens on a phone that has them. */
  private transfers() {
    return this.phone && isTransferringPhone(this.phone) ? this.phone : undefined;
  }

  /** The form closed without a transfer: back to the button that opened it. */
  private async closeTransfer() {
    this.transferOpen = false;
    await this.updateComplete;
    this.shadowRoot?.querySelector<HTMLElement>('.transfer-toggle')?.focus();
  }

  private onTransfer(event: WarmlineTransferEvent) {
    event.stopPropagation();
    this.transferOpen = false;
    if (this.call) this.emit('warmline-call-transfer', { detail: { call: this.call, ...event.detail } });
  }

  private duration(since: number): string {
    const seconds = Math.max(0, Math.floor((this.now - since) / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-agent-call': WarmlineAgentCall;
  }
}
