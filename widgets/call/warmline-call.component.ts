import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize, setSiteLanguage } from '../base/localize.js';
import { callPack, queuePack, visitorPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import { FocusKeeper } from '../base/focus-keeper.js';
import { PHONE_ICON } from '../base/icons.js';
import { collectContext } from '../context/collect-context.js';
import { VisitorCall, type VisitorCallSnapshot } from '../telephony/visitor-call.js';
import { takesWork, type QueueInfo, type QueuePlace } from '../queue/queue-api.js';
import { ApiError } from '../net/api-error.js';
import type { ErrorCode, ErrorDetails } from '../protocol/errors.js';
import { DTMF_DIGITS, type DtmfDigit } from '../telephony/dtmf.js';
import { holdMusic, keyTone, ring, ringback } from '../telephony/tones.js';
import type { CallState } from '../telephony/call-state.js';
import type {} from '../events/warmline-call-start.js';
import type {} from '../events/warmline-call-state.js';
import type {} from '../events/warmline-call-end.js';
import type {} from '../events/warmline-context-change.js';
import type { WarmlineOfflineSentEvent } from '../events/warmline-offline-sent.js';
import styles from './warmline-call.styles.js';

/**
 * What the panel shows: the queue choice, the microphone prompt, the call,
 * the offline form (queue closed or unstaffed), a callback waiting.
 */
type Step = 'idle' | 'topic' | 'microphone' | 'call' | 'offline' | 'callback';

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

const CALLBACK_END_TERMS = { reached: 'callbackDone', closed: 'callbackClosed', cancelled: 'callbackCancelled', failed: 'callbackFailed' } as const;

type Wording = (t: Localize, details: ErrorDetails) => string;

/** The server's refusals of a call, worded by their code (protocol/errors.ts); any other: `serverProblem`. */
const START_REFUSALS: Partial<Record<ErrorCode, Wording>> = {
  rate_limited: (t, d) => t.term('rateLimited', d.retryAfter ?? 5),
};

/** The server's refusals of a callback, worded by their code; any other: `callbackFailed`. */
const CALLBACK_REFUSALS: Partial<Record<ErrorCode, Wording>> = {
  invalid_phone: (t) => t.term('callbackPhoneInvalid'),
  conflict: (t) => t.term('callbackAlready'),
  rate_limited: (t, d) => t.term('rateLimited', d.retryAfter ?? 5),
};

/**
 * @summary The visitor's call button: a call from the browser to an agent who sees the visitor's context.
 *
 * On click: a topic choice if the site has several queues, the microphone
 * prompt, then the call, its state in words (announced to screen readers),
 * the place in line while waiting, mute, keypad and hang up. While waiting,
 * "Call me back instead" keeps the place without staying on the line; the
 * callback rings on any page of the site with this button. A queue that is
 * closed or has nobody signed in offers the offline form instead. The call
 * joins the visitor's chat conversation when there is one. sip.js loads
 * only when a call starts. During a call the agent's card follows the
 * visitor's cart, page and steps, chat open or not; the browser asks before
 * a navigation would end the call, and if the visitor leaves anyway, the
 * next page with this button tells the agent where they went.
 *
 * @event warmline-call-start - A call is about to start. Cancelable; `detail.queue`.
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
  @state() private queues: QueueInfo[] = [];
  @state() private offlineQueue: QueueInfo | undefined;
  @state() private snap: VisitorCallSnapshot | undefined;
  @state() private keypadOpen = false;
  @state() private askingCallback = false;
  @state() private callbackError = '';
  @state() private soundBlocked = false;
  @state() private now = Date.now();

  @query('audio') private audio!: HTMLAudioElement;
  @query('[part="button"]') private button!: HTMLButtonElement;

  private readonly localize = new Localize(this, callPack, queuePack, visitorPack);
  /** Hang up gone once the call ended, the keypad closed: focus stays in the panel. */
  private readonly focusKeeper = new FocusKeeper(this, () => this.shadowRoot?.querySelector<HTMLElement>('.panel'));
  private call: VisitorCall | undefined;
  private stopTone: (() => void) | undefined;
  private tone: 'ringback' | 'ring' | 'hold' | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private lastState: CallState = 'idle';
  private chosenQueue: string | undefined;
  private opening = false;
  private readonly onContextChange = () => this.call?.contextChanged();
  private readonly onPageHide = () => this.call?.leavePage();
  private readonly onBeforeUnload = (event: BeforeUnloadEvent) => {
    event.preventDefault();
    // Browsers show their own words now; older ones want a returnValue to ask at all.
    event.returnValue = this.localize.term('leaveEndsCall');
  };

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('warmline-context-change', this.onContextChange);
    window.addEventListener('pagehide', this.onPageHide);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('warmline-context-change', this.onContextChange);
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.call?.dispose();
    this.playTone(undefined);
    clearInterval(this.ticker);
  }

  override firstUpdated() {
    if (!this.site) return;
    const call = this.ensureCall();
    // A callback asked for on an earlier page rings here too.
    void call.resumeCallback();
    // The visitor left the last page mid-call: the agent sees where they went.
    void call.reportAfterLeaving();
  }

  override render() {
    const t = this.localize;
    const waitingBack = this.snap?.callback?.state === 'waiting';
    return html`
      <button part="button" class="call-button" type="button" aria-haspopup="dialog" aria-expanded=${this.step === 'idle' ? 'false' : 'true'} @click=${this.begin}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${PHONE_ICON}></path></svg>
        <span>${this.label || t.term('callUs')}</span>
        ${waitingBack && this.snap?.callback?.place ? html`<span class="badge" aria-label=${this.placeText(this.snap.callback.place)}>#${this.snap.callback.place.position}</span>` : nothing}
      </button>
      <section part="panel" class="panel" role="dialog" aria-labelledby="call-title" tabindex="-1" ?hidden=${this.step === 'idle'} @keydown=${this.onKeydown}>
        <div class="header">
          <h2 id="call-title">${t.term('callTitle')}</h2>
          ${this.inCall() ? nothing : html`<button class="close" type="button" aria-label=${t.term('closeCall')} @click=${this.close}>×</button>`}
        </div>
        <div class="body">
          <p class="status" role="status" aria-live="polite">${this.statusText()}</p>
          ${this.renderStep()}
        </div>
        <audio autoplay></audio>
      </section>
    `;
  }

  override updated(changed: PropertyValues) {
    if (changed.has('step') && changed.get('step') === 'idle') this.placePanel();
    if (changed.has('step') && this.step !== 'idle') this.focusFirst();
  }

  /**
   * The panel hangs under the button, its right edge on the button's; a
   * button near the left of the page (a shop's header, left to right) would
   * push it off the screen, so there it starts at the button's left edge.
   */
  private placePanel() {
    const panel = this.shadowRoot?.querySelector<HTMLElement>('.panel');
    if (!panel) return;
    panel.classList.toggle('start', this.getBoundingClientRect().right < panel.offsetWidth + 8);
  }

  /** Starts a call, as clicking the button does (or shows the callback waiting). */
  async begin() {
    if (this.step !== 'idle' || this.opening) return;
    if (this.snap?.callback?.state === 'waiting') {
      this.step = 'callback';
      return;
    }
    this.opening = true;
    try {
      const call = this.ensureCall();
      try {
        const site = await call.queues();
        setSiteLanguage(site.language);
        this.queues = site.queues;
      } catch {
        // Without the list, the call goes to the site's default queue.
        this.queues = [];
      }
      if (this.queues.length > 1) this.step = 'topic';
      else await this.choose(this.queues[0]);
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
    switch (this.step) {
      case 'topic':
        return html`<p id="topic-q">${t.term('chooseTopic')}</p>
          <div class="choices" role="group" aria-labelledby="topic-q">
            ${this.queues.map(
              (q) => html`<button class="choice" type="button" @click=${() => this.choose(q)}>
                ${t.pick(q.label, q.labels)}${takesWork(q) ? nothing : html`<span class="hint">${t.term(q.open ? 'unstaffedHint' : 'leaveMessageHint')}</span>`}
              </button>`,
            )}
          </div>
          <button class="secondary" type="button" @click=${this.close}>${t.term('cancelCall')}</button>`;
      case 'offline':
        return this.renderOffline();
      case 'callback':
        return this.renderCallback();
      case 'microphone':
        return this.renderMicrophone();
      default:
        return s ? this.renderCall(s) : nothing;
    }
  }

  private renderMicrophone() {
    const t = this.localize;
    const s = this.snap;
    if (s?.problem && s.problem !== 'offline') {
      const refused = s.problem === 'server' && s.refusal ? START_REFUSALS[s.refusal.code]?.(t, s.refusal) : undefined;
      return html`<p class="problem" role="alert">${refused ?? t.term(PROBLEM_TERMS[s.problem])}</p>
        <div class="row">
          <button class="primary" type="button" @click=${() => this.withQueue(this.chosenQueue)}>${t.term('tryAgain')}</button>
          <button class="secondary" type="button" @click=${this.close}>${t.term('back')}</button>
        </div>`;
    }
    return html`<button class="secondary" type="button" @click=${this.close}>${t.term('cancelCall')}</button>`;
  }

  private renderOffline() {
    const t = this.localize;
    const q = this.offlineQueue;
    return html`<warmline-offline-form
      class="offline"
      server=${this.base}
      site=${this.site}
      queue=${q?.id ?? ''}
      queue-label=${q ? t.pick(q.label, q.labels) : ''}
      reason=${q && !q.open ? 'closed' : 'unstaffed'}
      opens-at=${q?.opensAt ?? ''}
      timezone=${q?.timezone ?? ''}
      .token=${this.call?.token}
      @warmline-offline-sent=${(e: WarmlineOfflineSentEvent) => this.call?.adopt(e.detail.token, e.detail.interactionId)}
    ></warmline-offline-form>`;
  }

  private renderCallback() {
    const t = this.localize;
    const cb = this.snap?.callback;
    if (!cb || cb.state === 'ringing') return nothing;
    if (cb.state !== 'waiting') {
      return html`<button class="secondary" type="button" @click=${this.close}>${t.term('closeCall')}</button>`;
    }
    return html`<p>${t.term('callbackWaiting')}</p>
      <div class="row">
        <button class="secondary" type="button" @click=${() => this.call?.cancelCallback()}>${t.term('callbackCancel')}</button>
        <button class="secondary" type="button" @click=${this.close}>${t.term('closeCall')}</button>
      </div>`;
  }

  private renderCall(s: VisitorCallSnapshot) {
    const t = this.localize;
    if (s.state === 'ended') {
      return html`<p>${t.term(END_TERMS[s.endReason ?? 'failed'])}</p>
        <div class="row">
          <button class="primary" type="button" @click=${this.again}>${t.term('callAgain')}</button>
          <button class="secondary" type="button" @click=${this.close}>${t.term('closeCall')}</button>
        </div>`;
    }
    if (s.callback?.state === 'ringing' && s.state === 'ringing') {
      return html`<p class="status" role="alert">${t.term('callbackRinging', s.agentName ?? '')}</p>
        <div class="row">
          <button class="primary answer" type="button" @click=${() => this.call?.answer()}>${t.term('callbackAnswer')}</button>
          <button class="hangup" type="button" @click=${() => this.call?.cancelCallback()}>${t.term('callbackDecline')}</button>
        </div>
        ${s.problem ? html`<p class="problem" role="alert">${t.term(PROBLEM_TERMS[s.problem as keyof typeof PROBLEM_TERMS])}</p>` : nothing}`;
    }
    const connected = s.state === 'connected';
    return html`${s.connectedAt && !s.transferring ? html`<p class="timer" role="timer" aria-label=${t.term('callDuration')}>${this.duration(s.connectedAt)}</p>` : nothing}
      ${this.soundBlocked ? html`<button class="primary" type="button" @click=${this.playAudio}>${t.term('startAudio')}</button>` : nothing}
      <div class="row">
        <button class="control" type="button" aria-pressed=${s.muted ? 'true' : 'false'} ?disabled=${!connected && s.state !== 'on-hold'} @click=${() => this.call?.setMuted(!s.muted)}>
          ${t.term('mute')}
        </button>
        <button class="control" type="button" aria-expanded=${this.keypadOpen ? 'true' : 'false'} aria-controls=${this.keypadOpen && connected ? 'keypad' : nothing} ?disabled=${!connected} @click=${() => (this.keypadOpen = !this.keypadOpen)}>
          ${t.term('keypad')}
        </button>
        <button class="hangup" type="button" @click=${() => this.hangup()}>${t.term('hangUp')}</button>
      </div>
      ${this.keypadOpen && connected
        ? html`<div class="keypad" id="keypad" role="group" aria-label=${t.term('keypad')}>
            ${DTMF_DIGITS.map((d) => html`<button class="key" type="button" aria-label=${t.term('digitLabel', d)} @click=${() => this.press(d)}>${d}</button>`)}
          </div>`
        : nothing}
      ${s.state === 'waiting' && !s.transferring && s.callbacks ? this.renderCallbackOffer() : nothing}`;
  }

  /**
   * The call's state, or the place in line, in words: one live region that
   * stays in the panel whatever the step, so that each change is announced
   * (a live region added with its text already in it often is not).
   */
  private statusText(): string {
    const t = this.localize;
    const s = this.snap;
    if (this.step === 'microphone') return s?.problem && s.problem !== 'offline' ? '' : t.term('micPrompt');
    if (this.step === 'callback') {
      const cb = s?.callback;
      if (!cb || cb.state === 'ringing') return '';
      if (cb.state !== 'waiting') return t.term(CALLBACK_END_TERMS[cb.state]);
      return cb.place ? this.placeText(cb.place) : t.term('stateWaiting');
    }
    if (this.step !== 'call' || !s) return '';
    // A callback ringing is an alert of its own.
    if (s.callback?.state === 'ringing' && s.state === 'ringing') return '';
    if (s.state === 'ended') return t.term('callEnded');
    if (s.transferring) return t.term('transferring');
    if (s.state === 'connected') return t.term('stateConnected', s.agentName ?? '');
    if (s.state === 'waiting' && s.place) return this.placeText(s.place);
    return t.term(STATE_TERMS[s.state]);
  }

  /** While waiting in line: keep the place without staying on the line. */
  private renderCallbackOffer() {
    const t = this.localize;
    if (!this.askingCallback) {
      return html`<button class="secondary" type="button" @click=${() => (this.askingCallback = true)}>${t.term('callbackOffer')}</button>`;
    }
    return html`<form class="callback" @submit=${this.onCallback}>
      <label>${t.term('callbackPhoneLabel')} <input name="phone" type="tel" autocomplete="tel" maxlength="32" /></label>
      ${this.callbackError ? html`<p class="problem" role="alert">${this.callbackError}</p>` : nothing}
      <button class="primary" type="submit">${t.term('callbackConfirm')}</button>
    </form>`;
  }

  private async onCallback(event: SubmitEvent) {
    event.preventDefault();
    const phone = String(new FormData(event.currentTarget as HTMLFormElement).get('phone') ?? '').trim();
    this.callbackError = '';
    try {
      await this.call?.requestCallback(phone || undefined);
      this.askingCallback = false;
      this.step = 'callback';
    } catch (err) {
      // The server's English message is for logs: the visitor reads the words for its code.
      this.callbackError = (err instanceof ApiError && CALLBACK_REFUSALS[err.code]?.(this.localize, err.details)) || this.localize.term('callbackFailed');
    }
  }

  /** A queue chosen (or the only one): the offline form if it takes no calls now, else the call. */
  private async choose(queue: QueueInfo | undefined) {
    if (queue && !takesWork(queue)) return this.showOffline(queue);
    await this.withQueue(queue?.id);
  }

  private async showOffline(queue: QueueInfo | undefined) {
    await import('../offline-form/warmline-offline-form.js');
    this.offlineQueue = queue;
    this.step = 'offline';
  }

  private async withQueue(queue: string | undefined) {
    this.chosenQueue = queue;
    if (this.emit('warmline-call-start', { cancelable: true, detail: { queue } }).defaultPrevented) {
      this.step = 'idle';
      return;
    }
    const call = this.ensureCall();
    this.step = 'microphone';
    if (!(await call.openMicrophone())) return;
    this.step = 'call';
    await call.start(queue);
    const problem = call.snapshot.problem;
    if (problem === 'offline') {
      // It closed (or its last agent left) since the list was fetched.
      const fresh = await call.queues().then((site) => site.queues, () => this.queues);
      await this.showOffline(fresh.find((q) => q.id === queue) ?? this.queues.find((q) => q.id === queue));
    } else if (problem) this.step = 'microphone';
  }

  private get base() {
    return (this.server || location.origin).replace(/\/$/, '');
  }

  private ensureCall(): VisitorCall {
    if (this.call) return this.call;
    const call = new VisitorCall({ server: this.base, site: this.site, collectContext });
    call.on('change', (snap) => this.onChange(snap));
    this.call = call;
    this.snap = call.snapshot;
    return call;
  }

  private onChange(snap: VisitorCallSnapshot) {
    const previousStream = this.snap?.remoteStream;
    this.snap = snap;
    if (snap.remoteStream && snap.remoteStream !== previousStream) void this.attachAudio(snap.remoteStream);
    // A callback rings: open the panel on the call, wherever the visitor is.
    if (snap.callback?.state === 'ringing' && this.step !== 'call') this.step = 'call';
    this.playTone(
      snap.callback?.state === 'ringing' && snap.state === 'ringing'
        ? 'ring'
        : snap.state === 'ringing'
          ? 'ringback'
          : snap.state === 'on-hold' || snap.transferring
            ? 'hold'
            : undefined,
    );
    if (snap.state !== this.lastState) {
      this.lastState = snap.state;
      // Only while a call is live: a beforeunload listener also keeps the page out of the back/forward cache.
      if (this.call?.live) window.addEventListener('beforeunload', this.onBeforeUnload);
      else window.removeEventListener('beforeunload', this.onBeforeUnload);
      this.emit('warmline-call-state', { detail: { state: snap.state } });
      if (snap.state === 'connected' && !this.ticker) this.ticker = setInterval(() => (this.now = Date.now()), 1000);
      if (snap.state === 'ended') {
        clearInterval(this.ticker);
        this.ticker = undefined;
        this.keypadOpen = false;
        this.askingCallback = false;
        this.emit('warmline-call-end', { detail: { reason: snap.endReason ?? 'failed' } });
      }
    }
  }

  /** One tone at a time: the ringback, an incoming ring, or hold music while the agent has the caller on hold. */
  private playTone(tone: 'ringback' | 'ring' | 'hold' | undefined) {
    if (tone === this.tone) return;
    this.stopTone?.();
    this.tone = tone;
    this.stopTone = tone === 'ring' ? ring() : tone === 'ringback' ? ringback() : tone === 'hold' ? holdMusic() : undefined;
    this.toggleAttribute('data-tone', !!tone);
    if (tone) this.setAttribute('data-tone', tone);
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

  private placeText(place: QueuePlace): string {
    return this.localize.term('queuePlace', place.position, Math.ceil(place.waitSeconds / 60));
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
    this.askingCallback = false;
    await this.updateComplete;
    this.button.focus();
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && !this.inCall()) {
      event.stopPropagation();
      void this.close();
    }
  }

  /**
   * A new step: focus on its first choice (a topic, Try again), into the
   * offline form, or, once the call is placed, on the panel itself, whose
   * live region says how the call goes: the first control there may be
   * Hang up, which nobody should press by pressing Enter twice.
   */
  private async focusFirst() {
    await this.updateComplete;
    const panel = this.shadowRoot?.querySelector<HTMLElement>('.panel');
    const body = panel?.querySelector('.body');
    const form = body?.querySelector('warmline-offline-form');
    if (form) {
      await form.updateComplete;
      return form.focus();
    }
    const first = this.step === 'call' ? undefined : body?.querySelector<HTMLElement>('button:not(:disabled)');
    (first ?? panel)?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-call': WarmlineCall;
  }
}
