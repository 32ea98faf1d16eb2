/**
 * A visitor's call from start to end, without any DOM: asks for the
 * microphone, prepares the call on the server (in the visitor's existing
 * conversation if there is one, so the agent sees the chat too), loads the
 * call transport (sip.js) only now, and reports one snapshot the widget
 * renders.
 */
import type { ContextInput } from '../protocol/context-envelope.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { ConversationStore } from '../chat/conversation-store.js';
import type { CallEndReason, CallState } from './call-state.js';
import type { VisitorCallTransport } from './call-transport.js';
import type { DtmfDigit } from './dtmf.js';

export interface Topic {
  id: string;
  label: string;
}

/** Why the call could not start before it reached the network. */
export type StartProblem = 'mic-denied' | 'no-mic' | 'mic-busy' | 'server' | 'unsupported';

export interface VisitorCallSnapshot {
  state: CallState;
  endReason: CallEndReason | undefined;
  problem: StartProblem | undefined;
  problemDetail: string | undefined;
  muted: boolean;
  agentName: string | undefined;
  connectedAt: number | undefined;
  remoteStream: MediaStream | undefined;
}

interface CallEvents extends Record<string, unknown> {
  change: VisitorCallSnapshot;
}

export interface VisitorCallOptions {
  server: string;
  site: string;
  collectContext: () => ContextInput;
  /** Loads the transport; by default the SIP one, as a separate chunk. */
  loadTransport?: () => Promise<VisitorCallTransport>;
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  fetch?: typeof fetch;
}

const loadSip = () => import('./sip-call-transport.js').then((m) => new m.SipCallTransport());

export class VisitorCall extends TypedEventTarget<CallEvents> {
  private transport: VisitorCallTransport | undefined;
  private stream: MediaStream | undefined;
  private readonly store: ConversationStore;
  private s: VisitorCallSnapshot = {
    state: 'idle',
    endReason: undefined,
    problem: undefined,
    problemDetail: undefined,
    muted: false,
    agentName: undefined,
    connectedAt: undefined,
    remoteStream: undefined,
  };

  constructor(private readonly o: VisitorCallOptions) {
    super();
    this.store = new ConversationStore(`warmline.chat.${o.site}`);
  }

  get snapshot(): VisitorCallSnapshot {
    return { ...this.s };
  }

  /** The topics the site offers callers (empty: no choice to make). */
  async topics(): Promise<Topic[]> {
    const res = await this.fetch(`${this.o.server}/api/v1/sites/${encodeURIComponent(this.o.site)}/call-options`);
    if (!res.ok) throw new Error(`call options: ${res.status}`);
    return ((await res.json()) as { topics: Topic[] }).topics;
  }

  /**
   * Opens the microphone. Separate from `start` so the widget can say what
   * is happening while the browser asks, and offer a way back if refused.
   */
  async openMicrophone(): Promise<boolean> {
    this.update({ problem: undefined, problemDetail: undefined });
    const getUserMedia = this.o.getUserMedia ?? ((c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c));
    if (!this.o.getUserMedia && !navigator.mediaDevices?.getUserMedia) {
      this.update({ problem: 'unsupported' });
      return false;
    }
    try {
      this.stream = await getUserMedia({ audio: true, video: false });
      return true;
    } catch (err) {
      const name = (err as DOMException).name;
      const problem: StartProblem =
        name === 'NotAllowedError' || name === 'SecurityError' ? 'mic-denied' : name === 'NotFoundError' || name === 'OverconstrainedError' ? 'no-mic' : 'mic-busy';
      this.update({ problem });
      return false;
    }
  }

  /** Places the call (the microphone must be open). */
  async start(topic?: string): Promise<void> {
    if (!this.stream) throw new Error('open the microphone first');
    const transportLoading = (this.o.loadTransport ?? loadSip)();
    let prepared: { interactionId: string; token: string; sip: { domain: string; target: string }; iceServers: RTCIceServer[] };
    try {
      const saved = this.store.load();
      const res = await this.fetch(`${this.o.server}/api/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: this.o.site, token: saved.token, topic, context: this.o.collectContext() }),
      });
      const body = (await res.json().catch(() => ({}))) as typeof prepared & { error?: { message?: string } };
      if (!res.ok) {
        // A conversation the server no longer knows: forget it and try once as a new one.
        if (res.status === 401 && saved.token) {
          this.store.clearToken();
          return this.start(topic);
        }
        this.stopMicrophone();
        this.update({ problem: 'server', problemDetail: body.error?.message });
        return;
      }
      prepared = body;
    } catch {
      this.stopMicrophone();
      this.update({ problem: 'server' });
      return;
    }
    this.store.update({ token: prepared.token, interactionId: prepared.interactionId });
    const transport = await transportLoading;
    this.transport = transport;
    transport.on('state', (state) => this.update({ state, ...(state === 'connected' && !this.s.connectedAt ? { connectedAt: Date.now() } : {}) }));
    transport.on('ended', (endReason) => {
      this.stopMicrophone();
      this.update({ state: 'ended', endReason });
    });
    transport.on('remote-stream', (remoteStream) => this.update({ remoteStream }));
    transport.on('agent', (agentName) => this.update({ agentName }));
    await transport.start({
      wsUrl: `${this.o.server.replace(/^http/, 'ws')}/sip`,
      domain: prepared.sip.domain,
      target: prepared.sip.target,
      token: prepared.token,
      iceServers: prepared.iceServers,
      localStream: this.stream,
    });
  }

  async hangup() {
    if (this.transport) await this.transport.hangup();
    else this.stopMicrophone();
  }

  setMuted(muted: boolean) {
    this.transport?.setMuted(muted);
    this.update({ muted });
  }

  sendDtmf(digit: DtmfDigit) {
    void this.transport?.sendDtmf(digit);
  }

  stats(): Promise<RTCStatsReport | undefined> {
    return this.transport?.stats() ?? Promise.resolve(undefined);
  }

  /** Ready for another call. */
  reset() {
    this.transport = undefined;
    this.stopMicrophone();
    this.s = { ...this.s, state: 'idle', endReason: undefined, problem: undefined, problemDetail: undefined, muted: false, agentName: undefined, connectedAt: undefined, remoteStream: undefined };
    this.fire('change', this.snapshot);
  }

  private stopMicrophone() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
  }

  private fetch(url: string, init?: RequestInit) {
    return (this.o.fetch ?? fetch.bind(globalThis))(url, init);
  }

  private update(change: Partial<VisitorCallSnapshot>) {
    this.s = { ...this.s, ...change };
    this.fire('change', this.snapshot);
  }
}
