import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { controls, tokens } from '../base/theme.js';
import enAgent from '../base/translations/en-agent.js';
import enCall from '../base/translations/en-call.js';
import type { AgentCall, AgentSipPhone } from '../telephony/agent-sip-phone.js';
import { DTMF_DIGITS } from '../telephony/dtmf.js';
import { keyTone } from '../telephony/tones.js';
import type { ContextEnvelope } from '../protocol/context-envelope.js';
import styles from './warmline-agent-call.styles.js';

/**
 * @summary The agent's call bar: the ringing call with Answer and Decline, then the call's controls.
 *
 * It drives an `AgentSipPhone` it is given and plays the caller's audio.
 * Who is calling and from where comes from the interaction's context.
 *
 * @csspart base - The bar.
 */
export class WarmlineAgentCall extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** The phone that rang. */
  @property({ attribute: false }) phone: AgentSipPhone | undefined;

  /** The call as the phone reports it. */
  @property({ attribute: false }) call: AgentCall | undefined;

  /** The caller's context, once fetched. */
  @property({ attribute: false }) context: ContextEnvelope | undefined;

  @state() private keypadOpen = false;
  @state() private now = Date.now();
  @query('audio') private audio!: HTMLAudioElement;

  private readonly localize = new Localize(this, enAgent, enCall);
  private ticker: ReturnType<typeof setInterval> | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.ticker);
  }

  /** Plays the caller's audio. */
  async attachStream(stream: MediaStream) {
    await this.updateComplete;
    this.audio.srcObject = stream;
    await this.audio.play().catch(() => undefined);
  }

  override render() {
    const call = this.call;
    if (!call) return html`<audio autoplay></audio>`;
    const t = this.localize;
    const who = this.context?.visitor.identity?.name || call.caller || t.term('visitor');
    const where = this.context ? this.context.page.title : '';
    return html`
      <section part="base" class=${call.state === 'ringing' ? 'ringing' : ''} role="region" aria-label=${t.term('call')}>
        ${call.state === 'ringing'
          ? html`<p class="what" role="alert">
                <span class="title">${t.term('incomingCallFrom', who)}</span>
                <span class="detail">${where}${this.context?.topic ? ` · ${this.context.topic}` : ''}</span>
              </p>
              <div class="controls">
                <button class="answer" type="button" @click=${() => this.phone?.accept()}>${t.term('answer')}</button>
                <button class="decline" type="button" @click=${() => this.phone?.decline()}>${t.term('decline')}</button>
              </div>`
          : call.state === 'ended'
            ? html`<p class="what" role="status"><span class="title">${t.term('callEndedAgent')}</span>
                  <span class="detail">${call.connectedAt ? this.duration(call.connectedAt) : ''}</span></p>
                <div class="controls"><button type="button" @click=${() => this.phone?.dismiss()}>${t.term('closeChat')}</button></div>`
            : this.renderInCall(call, who)}
        ${call.digits
          ? html`<p class="digits" role="status">${t.term('keysPressed')}: <strong>${call.digits}</strong></p>`
          : nothing}
        <audio autoplay></audio>
      </section>
    `;
  }

  private renderInCall(call: AgentCall, who: string) {
    const t = this.localize;
    const held = call.state === 'on-hold';
    return html`<p class="what" role="status">
        <span class="title">${held ? t.term('callOnHold', who) : t.term('onCallWith', who)}</span>
        <span class="timer" role="timer">${call.connectedAt ? this.duration(call.connectedAt) : ''}</span>
      </p>
      <div class="controls">
        <button type="button" aria-pressed=${call.muted ? 'true' : 'false'} @click=${() => this.phone?.setMuted(!call.muted)}>${t.term('mute')}</button>
        <button type="button" aria-pressed=${held ? 'true' : 'false'} @click=${() => this.phone?.setHold(!held)}>${held ? t.term('resume') : t.term('hold')}</button>
        <button type="button" aria-expanded=${this.keypadOpen ? 'true' : 'false'} @click=${() => (this.keypadOpen = !this.keypadOpen)}>${t.term('keypad')}</button>
        <button class="hangup" type="button" @click=${() => this.phone?.hangup()}>${t.term('hangUp')}</button>
      </div>
      ${this.keypadOpen
        ? html`<div class="keypad" role="group" aria-label=${t.term('keypad')}>
            ${DTMF_DIGITS.map(
              (d) => html`<button type="button" aria-label=${t.term('digitLabel', d)} @click=${() => (keyTone(d), this.phone?.sendDtmf(d))}>${d}</button>`,
            )}
          </div>`
        : nothing}`;
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
