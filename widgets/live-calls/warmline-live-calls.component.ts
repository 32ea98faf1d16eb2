import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Room } from 'livekit-client';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize, type TermKey } from '../base/localize.js';
import { agentPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import type { CallMonitor, MonitorMode, MonitorProblem, MonitorSnapshot } from '../telephony/call-monitor.js';
import { ApiError, apiError } from '../net/api-error.js';
import styles from './warmline-live-calls.styles.js';

/** One call in progress, as `GET /api/v1/agent/livekit/calls` lists it. */
export interface LiveCall {
  interactionId: string;
  agent: string;
  visitor: string;
  topic: string;
  answeredAt: number;
}

const IDLE: MonitorSnapshot = { state: 'idle', interactionId: undefined, mode: undefined, problem: undefined };

/** Why joining a call failed, in the supervisor's words ("Could not join the call: …"). */
const MONITOR_PROBLEM_TERMS = {
  'no-call': 'monitorNoCall',
  refused: 'monitorRefused',
  'no-mic': 'monitorNoMic',
  'join-failed': 'monitorJoinFailed',
  'mic-not-sent': 'monitorMicNotSent',
} as const satisfies Record<MonitorProblem, TermKey>;

/**
 * @summary A supervisor's calls in progress (LiveKit path), to listen in, whisper to the agent or join the call.
 *
 * Lists `GET /api/v1/agent/livekit/calls`, read again every few seconds
 * while the element is on the page. Listen, Whisper and Join enter the call
 * through a `CallMonitor` (it and livekit-client are imported on the first
 * press); what the supervisor is doing is said in words in a live region,
 * and Leave ends it. What the call sounds like plays in the element.
 *
 * @csspart base - The section.
 * @csspart call - One call in the list.
 * @csspart status - What the supervisor is doing.
 */
export class WarmlineLiveCalls extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** Base URL of the Warmline server; defaults to this page's origin. */
  @property() server = '';

  /** The supervisor's agent session token. */
  @property({ attribute: false }) token = '';

  /** How often the list is read again, in milliseconds. */
  @property({ type: Number, attribute: 'refresh-ms' }) refreshMs = 5000;

  /** HTTP to the server: the page's `fetch` unless given (an embedding page's, a test's stand-in). */
  @property({ attribute: false }) fetcher: typeof fetch | undefined;

  /** Makes LiveKit rooms: a plain livekit-client `Room` unless given (tests give one whose connect is stubbed). */
  @property({ attribute: false }) createRoom: (() => Room) | undefined;

  @state() private calls: LiveCall[] = [];
  @state() private loaded = false;
  /** Why the list cannot be read: the server refused it (`forbidden`: not a supervisor), or it could not be reached. */
  @state() private listProblem: 'forbidden' | 'failed' | undefined;
  @state() private monitorState: MonitorSnapshot = IDLE;

  @query('audio') private audio!: HTMLAudioElement;

  private readonly localize = new Localize(this, agentPack);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reading: AbortController | undefined;
  private monitor: CallMonitor | undefined;
  /** The agent of the call the supervisor is in, named as when they pressed (the list may change meanwhile). */
  private monitoredAgent = '';

  private get base(): string {
    return (this.server || location.origin).replace(/\/$/, '');
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.read();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    this.reading?.abort();
    void this.monitor?.leave();
  }

  override updated(changed: PropertyValues<this>) {
    // Another session, or another pace: read now, then at that pace.
    if (this.loaded && (changed.has('token') || changed.has('refreshMs'))) void this.read();
  }

  override render() {
    const t = this.localize;
    const m = this.monitorState;
    const inCall = m.state === 'joining' || m.state === 'in';
    return html`
      <section part="base" aria-labelledby="live-calls-h">
        <h2 id="live-calls-h">${t.term('liveCalls')}</h2>
        <p part="status" class="status" role="status" aria-live="polite">${this.words(m)}</p>
        ${inCall ? html`<button class="leave" type="button" aria-label=${t.term('leaveMonitoredCall')} @click=${this.onLeave}>${t.term('leaveCall')}</button>` : nothing}
        ${this.listProblem
          ? html`<p class="problem" role="alert">${t.term('liveCallsProblem', t.term(this.listProblem === 'forbidden' ? 'liveCallsForbidden' : 'liveCallsFailed'))}</p>`
          : nothing}
        ${this.calls.length
          ? html`<ul>
              ${repeat(this.calls, (c) => c.interactionId, (c) => this.renderCall(c, m))}
            </ul>`
          : this.loaded
            ? html`<p class="empty">${t.term('noLiveCalls')}</p>`
            : nothing}
        <audio autoplay></audio>
      </section>
    `;
  }

  private renderCall(call: LiveCall, m: MonitorSnapshot) {
    const t = this.localize;
    const title = t.term('liveCallWith', call.agent, call.visitor);
    const here = m.interactionId === call.interactionId && (m.state === 'joining' || m.state === 'in');
    const button = (mode: MonitorMode, text: string, label: string) =>
      html`<button type="button" aria-label=${label} ?disabled=${m.state === 'joining' || (here && m.mode === mode)} @click=${() => this.onMonitor(call, mode)}>${text}</button>`;
    return html`<li part="call" class=${here ? 'here' : ''}>
      <p class="who">${title}</p>
      <p class="what">${call.topic ? html`${call.topic} · ` : nothing}${call.answeredAt ? t.term('answeredAt', t.time(call.answeredAt)) : nothing}</p>
      <div class="actions" role="group" aria-label=${title}>
        ${button('listen', t.term('listen'), t.term('listenTo', call.agent))}
        ${button('whisper', t.term('whisper'), t.term('whisperTo', call.agent))}
        ${button('barge', t.term('joinCall'), t.term('joinCallOf', call.agent))}
      </div>
    </li>`;
  }

  /** What the supervisor is doing, in words. */
  private words(m: MonitorSnapshot): string {
    const t = this.localize;
    const agent = this.monitoredAgent;
    switch (m.state) {
      case 'idle':
        return '';
      case 'joining':
        return t.term('monitorJoining', agent);
      case 'in':
        return m.mode === 'listen' ? t.term('monitorListening', agent) : m.mode === 'whisper' ? t.term('monitorWhispering', agent) : t.term('monitorBarged');
      case 'ended':
        return t.term('monitorEnded');
      case 'failed':
        return t.term('monitorFailed', t.term(MONITOR_PROBLEM_TERMS[m.problem ?? 'join-failed']));
    }
  }

  /** Reads the list, then again after `refreshMs` while on the page; a read overtaken by the next is dropped. */
  private async read() {
    clearTimeout(this.timer);
    this.reading?.abort();
    const reading = new AbortController();
    this.reading = reading;
    try {
      const res = await this.http(`${this.base}/api/v1/agent/livekit/calls`, {
        headers: { authorization: `Bearer ${this.token}` },
        signal: reading.signal,
      });
      const body = (await res.json().catch(() => ({}))) as { calls?: LiveCall[] };
      if (reading.signal.aborted) return;
      if (!res.ok || !Array.isArray(body.calls)) throw apiError(res, body);
      this.calls = body.calls;
      this.listProblem = undefined;
    } catch (err) {
      if (reading.signal.aborted) return;
      // The server's English message is for logs; the list says why in the supervisor's words.
      console.warn('[warmline] the calls in progress could not be read', err);
      this.listProblem = err instanceof ApiError && err.code === 'forbidden' ? 'forbidden' : 'failed';
    }
    this.loaded = true;
    if (this.isConnected) this.timer = setTimeout(() => void this.read(), this.refreshMs);
  }

  private async onMonitor(call: LiveCall, mode: MonitorMode) {
    this.monitoredAgent = call.agent;
    const monitor = this.monitor ?? (await this.createMonitor());
    await monitor.start(call.interactionId, mode);
  }

  private async onLeave() {
    await this.monitor?.leave();
  }

  /** What the supervisor receives in the call they monitor, for diagnostics (getStats). */
  getStats(): Promise<RTCStatsReport | undefined> {
    return this.monitor?.stats() ?? Promise.resolve(undefined);
  }

  private async createMonitor(): Promise<CallMonitor> {
    const { CallMonitor } = await import('../telephony/call-monitor.js');
    // Pressed twice while the module was loading: one monitor.
    if (this.monitor) return this.monitor;
    const monitor = new CallMonitor({
      server: this.base,
      token: this.token,
      fetch: (input, init) => this.http(input, init),
      ...(this.createRoom ? { createRoom: this.createRoom } : {}),
    });
    monitor.on('change', (snapshot) => (this.monitorState = snapshot));
    monitor.on('remote-stream', (stream) => {
      this.audio.srcObject = stream;
      void this.audio.play().catch(() => undefined);
    });
    this.monitor = monitor;
    return monitor;
  }

  private http(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return (this.fetcher ?? globalThis.fetch)(input, init);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-live-calls': WarmlineLiveCalls;
  }
}
