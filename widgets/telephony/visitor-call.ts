/**
 * A visitor's call from start to end, without any DOM: asks for the
 * microphone, prepares the call on the server (in the visitor's existing
 * conversation if there is one, so the agent sees the chat too), loads the
 * call transport (sip.js, or livekit-client) only now, and reports one snapshot the widget
 * renders: the call's state, the place in the queue, a transfer under way,
 * a callback waiting or ringing.
 *
 * A callback: while waiting in line the visitor asks to be called back; the
 * server turns the waiting call into a callback that keeps its place, the
 * call is hung up, and the browser registers the conversation's callback
 * address so that the agent's call rings here, on any page of the site
 * that has the call button.
 *
 * While the call is live the visitor's context follows it: each change the
 * loader announces is sent to the conversation over HTTP (ContextSender),
 * chat open or not, so the agent's card keeps up with the cart, the page and
 * the steps. Leaving the page ends the call (the page holds it); the widget
 * hangs up saying why and leaves a mark in sessionStorage, and the next page
 * of the site with the call button tells the agent where the visitor went.
 */
import type { ContextInput } from '../protocol/context-envelope.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { ConversationStore } from '../chat/conversation-store.js';
import { DefaultReconnectPolicy } from '../net/reconnect-policy.js';
import { ContextSender } from '../context/context-sender.js';
import {
  callbackStatus,
  cancelCallback,
  fetchQueues,
  requestCallback,
  type CallbackLine,
  type SiteQueues,
  type QueuePlace,
} from '../queue/queue-api.js';
import { apiError } from '../net/api-error.js';
import type { ErrorCode, ErrorDetails } from '../protocol/errors.js';
import type { CallEndReason, CallState } from './call-state.js';
import type { VisitorCallTransport } from './call-transport.js';
import type { DtmfDigit } from './dtmf.js';

/** Why the call could not start before it reached the network. `offline`: the queue is closed or nobody of it is signed in. */
export type StartProblem = 'mic-denied' | 'no-mic' | 'mic-busy' | 'server' | 'unsupported' | 'offline';

/** `reached`: an agent called (the number left, most often); `closed`: tried and not reached. */
export type CallbackState = 'waiting' | 'ringing' | 'reached' | 'closed' | 'cancelled' | 'failed';

export interface VisitorCallSnapshot {
  state: CallState;
  endReason: CallEndReason | undefined;
  problem: StartProblem | undefined;
  /** Behind a `server` problem, the server's refusal: its code and details, for the widget to word (protocol/errors.ts). */
  refusal: ({ code: ErrorCode } & ErrorDetails) | undefined;
  muted: boolean;
  agentName: string | undefined;
  connectedAt: number | undefined;
  remoteStream: MediaStream | undefined;
  /** While waiting in line: the place and the estimated wait. */
  place: QueuePlace | undefined;
  /** The agent passed the call on and the new leg is being set up. */
  transferring: boolean;
  /** A callback asked for: waiting its turn, ringing here, or over. */
  callback: { state: CallbackState; place?: QueuePlace } | undefined;
  /** Whether "call me back instead" can be offered (the embedded proxy's queue; not an external platform's). */
  callbacks: boolean;
}

interface CallEvents extends Record<string, unknown> {
  change: VisitorCallSnapshot;
}

export interface VisitorCallOptions {
  server: string;
  site: string;
  collectContext: () => ContextInput;
  /** Loads the transport for the media path the server chose; by default as a separate chunk each (sip.js, livekit-client). */
  loadTransport?: (media: MediaPath) => Promise<VisitorCallTransport>;
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  fetch?: typeof fetch;
  /** How often a waiting callback asks for its place. */
  pollMs?: number;
}

/** How the server carries calls: SIP (the embedded proxy or a PBX), or a LiveKit room per call. */
export type MediaPath = 'sip' | 'livekit';

/** Only the chosen path's chunk loads: each library is tens of KB gzipped. */
const load = (media: MediaPath): Promise<VisitorCallTransport> =>
  media === 'livekit'
    ? import('./livekit-call-transport.js').then((m) => new m.LiveKitCallTransport())
    : import('./sip-call-transport.js').then((m) => new m.SipCallTransport(new DefaultReconnectPolicy()));

/** From the moment the call is placed (or rings in) until it ends: what leaving the page would cut off. */
const LIVE: ReadonlySet<CallState> = new Set(['connecting', 'waiting', 'ringing', 'connected', 'on-hold', 'reconnecting']);

function sessionStore(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

const IDLE: VisitorCallSnapshot = {
  state: 'idle',
  endReason: undefined,
  problem: undefined,
  refusal: undefined,
  muted: false,
  agentName: undefined,
  connectedAt: undefined,
  remoteStream: undefined,
  place: undefined,
  transferring: false,
  callback: undefined,
  callbacks: true,
};

export class VisitorCall extends TypedEventTarget<CallEvents> {
  private transport: VisitorCallTransport | undefined;
  private unwire: Array<() => void> = [];
  private stream: MediaStream | undefined;
  private readonly store: ConversationStore;
  private readonly contextSender: ContextSender;
  /** sessionStorage: this tab left a page of the site while a call was live. */
  private readonly leftKey: string;
  private poll: ReturnType<typeof setInterval> | undefined;
  private s: VisitorCallSnapshot = { ...IDLE };

  constructor(private readonly o: VisitorCallOptions) {
    super();
    this.store = new ConversationStore(`warmline.chat.${o.site}`);
    this.leftKey = `warmline.call-left.${o.site}`;
    this.contextSender = new ContextSender({ server: o.server, token: () => this.token, collectContext: o.collectContext, fetch: this.doFetch });
  }

  get snapshot(): VisitorCallSnapshot {
    return { ...this.s };
  }

  /** A call is placed, ringing or under way: leaving the page would end it. */
  get live(): boolean {
    return LIVE.has(this.s.state);
  }

  /** The visitor's conversation token, if they have a conversation. */
  get token(): string | undefined {
    return this.store.load().token;
  }

  /** Keeps a conversation started elsewhere (the offline form), so that its replies reach this visitor in the chat. */
  adopt(token: string, interactionId: string) {
    this.store.update({ token, interactionId });
  }

  /** The queues the site offers callers, with whether each takes calls now (and the site's default language). */
  queues(): Promise<SiteQueues> {
    return fetchQueues(this.o.server, this.o.site, this.doFetch);
  }

  /**
   * Opens the microphone. Separate from `start` so the widget can say what
   * is happening while the browser asks, and offer a way back if refused.
   */
  async openMicrophone(): Promise<boolean> {
    this.update({ problem: undefined, refusal: undefined });
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

  /** Places the call to a queue (the microphone must be open). */
  async start(queue?: string): Promise<void> {
    if (!this.stream) throw new Error('open the microphone first');
    // The transport loads once the server has said which media path the call takes.
    let prepared: {
      interactionId: string;
      token: string;
      iceServers: RTCIceServer[];
    } & (
      | {
          media?: 'sip';
          sip: { mode: 'embedded' | 'external'; wsUrl?: string; domain: string; target: string; auth?: { username: string; password: string } };
        }
      | { media: 'livekit'; livekit: { url: string; room: string; identity: string; token: string } }
    );
    try {
      const saved = this.store.load();
      const res = await this.doFetch(`${this.o.server}/api/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: this.o.site, token: saved.token, queue, context: this.o.collectContext() }),
      });
      const body = (await res.json().catch(() => ({}))) as typeof prepared;
      if (!res.ok) {
        // A conversation the server no longer knows: forget it and try once as a new one.
        if (res.status === 401 && saved.token) {
          this.store.clearToken();
          return this.start(queue);
        }
        this.stopMicrophone();
        const { code, details } = apiError(res, body);
        const offline = code === 'queue_closed' || code === 'queue_unstaffed';
        this.update({ problem: offline ? 'offline' : 'server', refusal: { code, ...details } });
        return;
      }
      prepared = body;
    } catch {
      this.stopMicrophone();
      this.update({ problem: 'server' });
      return;
    }
    this.store.update({ token: prepared.token, interactionId: prepared.interactionId });
    const transport = this.wire(await (this.o.loadTransport ?? load)(prepared.media === 'livekit' ? 'livekit' : 'sip'));
    if (prepared.media === 'livekit') {
      // No "call me back" on this path: a room cannot ring the browser. The SIP fields are unused.
      this.update({ callbacks: false });
      await transport.start({
        wsUrl: '',
        domain: '',
        target: '',
        token: prepared.token,
        interactionId: prepared.interactionId,
        iceServers: prepared.iceServers,
        localStream: this.stream,
        server: this.o.server,
        livekit: prepared.livekit,
      });
      return;
    }
    // On an external platform the queue is the platform's: no place in line, no callbacks from here.
    this.update({ callbacks: prepared.sip.mode === 'embedded' });
    await transport.start({
      wsUrl: prepared.sip.wsUrl ?? this.wsUrl,
      domain: prepared.sip.domain,
      target: prepared.sip.target,
      token: prepared.token,
      interactionId: prepared.interactionId,
      ...(prepared.sip.auth ? { auth: prepared.sip.auth } : {}),
      iceServers: prepared.iceServers,
      localStream: this.stream,
    });
  }

  /**
   * "Call me back instead": the waiting call becomes a callback with the
   * same place in line (the server does this first, so nothing is lost),
   * then the call is hung up and this browser waits to be rung.
   */
  async requestCallback(phone?: string): Promise<void> {
    const token = this.store.load().token;
    if (!token) throw new Error('no conversation to call back');
    const status = await requestCallback(this.o.server, token, phone, this.doFetch);
    this.store.update({ callback: true });
    const call = this.transport;
    this.unwireTransport();
    await call?.hangup();
    this.stopMicrophone();
    this.s = { ...IDLE, callback: { state: 'waiting', ...(status.state === 'waiting' ? { place: placeOf(status) } : {}) } };
    this.fire('change', this.snapshot);
    if (status.state !== 'none') await this.listen(token, status);
  }

  /** On a new page: picks up a pending callback, so that it rings here too. */
  async resumeCallback(): Promise<void> {
    const saved = this.store.load();
    if (!saved.callback || !saved.token || this.transport) return;
    try {
      const status = await callbackStatus(this.o.server, saved.token, this.doFetch);
      if (status.state === 'none') {
        this.store.update({ callback: false });
        return;
      }
      this.update({ callback: { state: 'waiting', ...(status.state === 'waiting' ? { place: placeOf(status) } : {}) } });
      await this.listen(saved.token, status);
    } catch {
      // The server is unreachable now; the next page tries again.
    }
  }

  async cancelCallback(): Promise<void> {
    const token = this.store.load().token;
    this.endCallback('cancelled');
    if (token) await cancelCallback(this.o.server, token, this.doFetch).catch(() => undefined);
  }

  /** Answers the callback ringing here. */
  async answer(): Promise<void> {
    if (!(await this.openMicrophone())) return;
    await this.transport?.answer(this.stream!);
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

  /** Ready for another call. A pending callback stays. */
  reset() {
    if (this.s.callback?.state === 'waiting' || this.s.callback?.state === 'ringing') return;
    this.unwireTransport();
    this.transport = undefined;
    this.stopMicrophone();
    this.s = { ...IDLE };
    this.fire('change', this.snapshot);
  }

  /** The visitor's context changed (the loader's `warmline-context-change`): while the call is live, the agent's card follows. */
  contextChanged() {
    if (this.live) this.contextSender.changed();
  }

  /**
   * The page is going away (`pagehide`). Mid-call: hang up saying why, and
   * mark it so that the next page of the site reports where the visitor
   * went (`reportAfterLeaving`). Otherwise nothing: a pending callback is
   * picked up by the next page as always.
   */
  leavePage() {
    if (!this.live) return;
    try {
      sessionStore()?.setItem(this.leftKey, String(Date.now()));
    } catch {
      // No storage: the chat, if the next page has it, still reports the page.
    }
    // Hung up rather than disposed: should the page come back from the back/forward cache, it shows the call ended.
    void this.transport?.hangup('page-left');
  }

  /** On a new page: if the visitor left the last one mid-call, sends the context once, so the agent sees where they are now. */
  async reportAfterLeaving(): Promise<void> {
    const storage = sessionStore();
    let left: string | null | undefined;
    try {
      left = storage?.getItem(this.leftKey);
      storage?.removeItem(this.leftKey);
    } catch {
      return;
    }
    if (left) await this.contextSender.flush();
  }

  /** Stops everything this page does (leaving the page); a pending callback is picked up by the next one. */
  dispose() {
    clearInterval(this.poll);
    this.contextSender.stop();
    void this.transport?.hangup();
    this.unwireTransport();
  }

  private async listen(token: string, line: CallbackLine) {
    const transport = this.wire(await (this.o.loadTransport ?? load)('sip'));
    try {
      await transport.listen({ wsUrl: this.wsUrl, domain: line.sip.domain, aor: line.sip.aor, token, iceServers: line.iceServers });
    } catch {
      // Not ringable here; the agent still sees the number the visitor left, if any.
      this.update({ callback: { state: 'failed' } });
      return;
    }
    clearInterval(this.poll);
    this.poll = setInterval(() => void this.refreshCallback(token), this.o.pollMs ?? 5000);
  }

  private async refreshCallback(token: string) {
    if (this.s.callback?.state !== 'waiting') return;
    const status = await callbackStatus(this.o.server, token, this.doFetch).catch(() => undefined);
    if (!status || this.s.callback?.state !== 'waiting') return;
    if (status.state === 'none') this.endCallback(status.outcome === 'reached' ? 'reached' : status.outcome === 'cancelled' ? 'cancelled' : 'closed');
    else if (status.state === 'waiting') this.update({ callback: { state: 'waiting', place: placeOf(status) } });
  }

  private endCallback(state: CallbackState) {
    clearInterval(this.poll);
    this.poll = undefined;
    this.store.update({ callback: false });
    const transport = this.transport;
    if (transport && transport.state !== 'connected' && transport.state !== 'on-hold') {
      this.unwireTransport();
      this.transport = undefined;
      void transport.stopListening();
    }
    this.update({ callback: { state } });
  }

  private wire(transport: VisitorCallTransport): VisitorCallTransport {
    this.unwireTransport();
    this.transport = transport;
    this.unwire = [
      transport.on('state', (state) =>
        this.update({
          state,
          ...(state === 'connected' ? { place: undefined, transferring: false } : {}),
          ...(state === 'connected' && !this.s.connectedAt ? { connectedAt: Date.now() } : {}),
        }),
      ),
      transport.on('ended', (endReason) => {
        this.stopMicrophone();
        const wasCallback = !!this.s.callback;
        if (wasCallback) {
          clearInterval(this.poll);
          this.store.update({ callback: false });
        }
        this.update({ state: 'ended', endReason, place: undefined, transferring: false, ...(wasCallback ? { callback: undefined } : {}) });
      }),
      transport.on('remote-stream', (remoteStream) => this.update({ remoteStream })),
      transport.on('agent', (agentName) => this.update({ agentName })),
      transport.on('queued', (place) => this.update({ place })),
      transport.on('transferring', () => this.update({ transferring: true })),
      transport.on('incoming', ({ agentName }) => this.update({ callback: { state: 'ringing' }, agentName: agentName || undefined })),
    ];
    return transport;
  }

  private unwireTransport() {
    for (const off of this.unwire) off();
    this.unwire = [];
  }

  private get wsUrl() {
    return `${this.o.server.replace(/^http/, 'ws')}/sip`;
  }

  private stopMicrophone() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = undefined;
  }

  private readonly doFetch = (url: string | URL | Request, init?: RequestInit) => (this.o.fetch ?? fetch.bind(globalThis))(url, init);

  private update(change: Partial<VisitorCallSnapshot>) {
    this.s = { ...this.s, ...change };
    this.fire('change', this.snapshot);
  }
}

const placeOf = (s: { position: number; waitSeconds: number }): QueuePlace => ({ position: s.position, waitSeconds: s.waitSeconds });
