import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { controls, tokens } from '../base/theme.js';
import { PHONE_ICON } from '../base/icons.js';
import enCall from '../base/translations/en-call.js';
import { collectContext } from '../context/collect-context.js';
import { VisitorCall, type Topic, type VisitorCallSnapshot } from '../telephony/visitor-call.js';
import { DTMF_DIGITS, type DtmfDigit } from '../telephony/dtmf.js';
import { keyTone, ringback } from '../telephony/tones.js';
import type { CallState } from '../telephony/call-state.js';
import type {} from '../events/warmline-call-start.js';
import type {} from '../events/warmline-call-state.js';
import type {} from '../events/warmline-call-end.js';
import styles from './warmline-call.styles.js';

type Step = 'idle' | 'topic' | 'microphone' | 'call';

const STATE_TERMS = {
  idle: 'stateConnecting',
  connecting: 'stateConnecting',
  waiting: 'stateWaiting',
  ringing: 'stateRinging',
  reconnecting: 'stateReconnecting',
  'on-hold': 'stateOnHold',
} as const;

const END_TERMS = {
  'local-hangup': 'endLocal',
  'remote-hangup': 'endRemote',
  'no-agent': 'endNoAgent',
  busy: 'endBusy',
  'connection-lost': 'endLost',
  failed: 'endFailed',
} as const;

const PROBLEM_TERMS = {
  'mic-denied': 'micDenied',
  'no-mic': 'noMic',
  'mic-busy': 'micBusy',
  server: 'serverProblem',
  unsupported: 'unsupported',
} as const;

/**
 * @summary The visitor's call button: a call from the browser to an agent who sees the visitor's context.
 *
 * On click: a topic choice if the site has topics, the microphone prompt,
 * then the call, its state in words (announced to screen readers), mute,
 * keypad and hang up. The call joins the visitor's chat conversation when
 * there is one. sip.js loads only now.
 *
 * @event warmline-call-start - A call is about to start. Cancelable; `detail.topic`.
 * @event warmline-call-state - The call changed state; `detail.state`.
 * @event warmline-call-end - The call ended; `detail.reason`.
 *
 * @csspart button - The call button.
 * @csspart panel - The call panel.
 */
export class WarmlineCall extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** Base URL of the Warmline server; defaults to this page's origin. */
  @property() server = '';

  /** The site key (`data-site` of the script tag). */
  @property() site = '';

  /** The button's text; defaults to "Call us" in the visitor's language. */
  @property() label = '';

  @state() private step: Step = 'idle';
  @state() private topics: Topic[] = [];
  @state() private snap: VisitorCallSnapshot | undefined;
  @state() private keypadOpen = false;
  @state() private soundBlocked = false;
  @state() private now = Date.now();

  @query('audio') private audio!: HTMLAudioElement;
  @query('[part="button"]') private button!: HTMLButtonElement;

  private readonly localize = new Localize(this, enCall);
  private call: VisitorCall | undefined;
  private stopRingback: (() => void) | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private lastState: CallState = 'idle';
  private chosenTopic: string | undefined;
  private opening = false;

  override disconnectedCallback() {
    super.disconnectedCallback();
    void this.call?.hangup();
    this.stopTones();
    clearInterval(this.ticker);
  }

  override render() {
    const t = this.localize;
    return html`
      <button part="button" class="call-button" type="button" aria-haspopup="dialog" aria-expanded=${this.step === 'idle' ? 'false' : 'true'} @click=${this.begin}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${PHONE_ICON}></path></svg>
        <span>${this.label || t.term('callUs')}</span>
      </button>
      <section part="panel" class="panel" role="dialog" aria-labelledby="call-title" ?hidden=${this.step === 'idle'} @keydown=${this.onKeydown}>
        <header>
          <h2 id="call-title">${t.term('callTitle')}</h2>
          ${this.inCall() ? nothing : html`<button class="close" type="button" aria-label=${t.term('closeCall')} @click=${this.close}>×</button>`}
        </header>
        <div class="body">${this.renderStep()}</div>
        <audio autoplay></audio>
      </section>
    `;
  }

  override updated(changed: PropertyValues) {
    if (changed.has('step') && this.step !== 'idle') this.focusFirst();
  }

  /** Starts a call, as clicking the button does. */
  async begin() {
    if (this.step !== 'idle' || this.opening) return;
    this.opening = true;
    try {
      const call = this.ensureCall();
      try {
        this.topics = await call.topics();
      } catch {
        // Without the list, the call goes to the site's default queue.
        this.topics = [];
      }
      if (this.topics.length) this.step = 'topic';
      else await this.withTopic(undefined);
    } finally {
      this.opening = false;
    }
  }

  /** Ends the call (or stops starting it). */
  async hangup() {
    await this.call?.hangup();
  }

  /** The call's media statistics (inbound and outbound audio bytes…), for diagnostics. */
  getStats(): Promise<RTCStatsReport | undefined> {
    return this.call?.stats() ?? Promise.resolve(undefined);
  }

  private renderStep() {
    const t = this.localize;
    const s = this.snap;
    if (this.step === 'topic') {
      return html`<p id="topic-q">${t.term('chooseTopic')}</p>
        <div class="choices" role="group" aria-labelledby="topic-q">
          ${this.topics.map((topic) => html`<button class="choice" type="button" @click=${() => this.withTopic(topic.id)}>${topic.label}</button>`)}
        </div>
        <button class="secondary" type="button" @click=${this.close}>${t.term('cancelCall')}</button>`;
    }
    if (this.step === 'microphone') {
      if (s?.problem) {
        return html`<p class="problem" role="alert">${s.problem === 'server' && s.problemDetail ? s.problemDetail : t.term(PROBLEM_TERMS[s.problem])}</p>
          <div class="row">
            <button class="primary" type="button" @click=${() => this.withTopic(this.chosenTopic)}>${t.term('tryAgain')}</button>
            <button class="secondary" type="button" @click=${this.close}>${t.term('back')}</button>
          </div>`;
      }
      return html`<p role="status">${t.term('micPrompt')}</p>
        <button class="secondary" type="button" @click=${this.close}>${t.term('cancelCall')}</button>`;
    }
    if (!s) return nothing;
    if (s.state === 'ended') {
      return html`<p class="status" role="status">${t.term('callEnded')}</p>
        <p>${t.term(END_TERMS[s.endReason ?? 'failed'])}</p>
        <div class="row">
          <button class="primary" type="button" @click=${this.again}>${t.term('callAgain')}</button>
          <button class="secondary" type="button" @click=${this.close}>${t.term('closeCall')}</button>
        </div>`;
    }
    const connected = s.state === 'connected';
    return html`<p class="status" role="status" aria-live="polite">
        ${s.state === 'connected' ? t.term('stateConnected', s.agentName ?? '') : t.term(STATE_TERMS[s.state])}
      </p>
      ${s.connectedAt
        ? html`<p class="timer" role="timer" aria-label=${t.term('callDuration')}>${this.duration(s.connectedAt)}</p>`
        : nothing}
      ${this.soundBlocked ? html`<button class="primary" type="button" @click=${this.playAudio}>${t.term('startAudio')}</button>` : nothing}
      <div class="row">
        <button class="control" type="button" aria-pressed=${s.muted ? 'true' : 'false'} ?disabled=${!connected && s.state !== 'on-hold'} @click=${() => this.call?.setMuted(!s.muted)}>
          ${t.term('mute')}
        </button>
        <button class="control" type="button" aria-expanded=${this.keypadOpen ? 'true' : 'false'} aria-controls="keypad" ?disabled=${!connected} @click=${() => (this.keypadOpen = !this.keypadOpen)}>
          ${t.term('keypad')}
        </button>
        <button class="hangup" type="button" @click=${() => this.hangup()}>${t.term('hangUp')}</button>
      </div>
      ${this.keypadOpen && connected
        ? html`<div class="keypad" id="keypad" role="group" aria-label=${t.term('keypad')}>
            ${DTMF_DIGITS.map((d) => html`<button class="key" type="button" aria-label=${t.term('digitLabel', d)} @click=${() => this.press(d)}>${d}</button>`)}
          </div>`
        : nothing}`;
  }

  private async withTopic(topic: string | undefined) {
    this.chosenTopic = topic;
    if (this.emit('warmline-call-start', { cancelable: true, detail: { topic } }).defaultPrevented) {
      this.step = 'idle';
      return;
    }
    const call = this.ensureCall();
    this.step = 'microphone';
    if (!(await call.openMicrophone())) return;
    this.step = 'call';
    await call.start(topic);
    if (call.snapshot.problem) this.step = 'microphone';
  }

  private ensureCall(): VisitorCall {
    if (this.call) return this.call;
    const call = new VisitorCall({ server: (this.server || location.origin).replace(/\/$/, ''), site: this.site, collectContext });
    call.on('change', (snap) => this.onChange(snap));
    this.call = call;
    this.snap = call.snapshot;
    return call;
  }

  private onChange(snap: VisitorCallSnapshot) {
    const previousStream = this.snap?.remoteStream;
    this.snap = snap;
    if (snap.remoteStream && snap.remoteStream !== previousStream) void this.attachAudio(snap.remoteStream);
    if (snap.state !== this.lastState) {
      this.lastState = snap.state;
      this.emit('warmline-call-state', { detail: { state: snap.state } });
      if (snap.state === 'ringing') this.stopRingback ??= ringback();
      else this.stopTones();
      if (snap.state === 'connected' && !this.ticker) this.ticker = setInterval(() => (this.now = Date.now()), 1000);
      if (snap.state === 'ended') {
        clearInterval(this.ticker);
        this.ticker = undefined;
        this.keypadOpen = false;
        this.emit('warmline-call-end', { detail: { reason: snap.endReason ?? 'failed' } });
      }
    }
  }

  private async attachAudio(stream: MediaStream) {
    await this.updateComplete;
    this.audio.srcObject = stream;
    await this.playAudio();
  }

  /** Browsers may refuse to play sound on their own; then a visible button starts it. */
  private async playAudio() {
    try {
      await this.audio.play();
      this.soundBlocked = false;
    } catch {
      this.soundBlocked = true;
    }
  }

  private press(digit: DtmfDigit) {
    keyTone(digit);
    this.call?.sendDtmf(digit);
  }

  private duration(since: number): string {
    const seconds = Math.max(0, Math.floor((this.now - since) / 1000));
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  }

  private inCall(): boolean {
    return this.step === 'call' && !!this.snap && this.snap.state !== 'ended' && this.snap.state !== 'idle';
  }

  private again() {
    this.call?.reset();
    this.step = 'idle';
    void this.begin();
  }

  private async close() {
    if (this.inCall() || this.step === 'microphone') await this.call?.hangup();
    this.call?.reset();
    this.step = 'idle';
    this.soundBlocked = false;
    await this.updateComplete;
    this.button.focus();
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && !this.inCall()) {
      event.stopPropagation();
      void this.close();
    }
  }

  private stopTones() {
    this.stopRingback?.();
    this.stopRingback = undefined;
  }

  private async focusFirst() {
    await this.updateComplete;
    this.shadowRoot?.querySelector<HTMLElement>('.body button')?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-call': WarmlineCall;
  }
}
