/**
 * Drives the agent's phone for the softphone: registers while the agent is
 * available and signed in, unregisters when they step away, and for each
 * call fetches its interaction — context card, notes and chat so far — by
 * its id (the one the proxy put in the INVITE, or the offer's), with the
 * agent's own credentials. It places callbacks and runs call transfers
 * (prepared over HTTP, then carried out by the phone).
 *
 * The server says which phone (`GET /api/v1/agent/phone`): the SIP phone
 * (sip.js) or, in LiveKit mode, the LiveKit phone (livekit-client), whose
 * calls ring from the agent socket's offers. Each library is imported only
 * for its own mode, and only once the agent is available.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Presence } from '../protocol/agent-client-messages.js';
import type { AgentSessionInfo } from '../chat/agent-session.js';
import type { AgentChatClient } from '../chat/agent-chat-client.js';
import { prepareCallTransfer, type TransferRequest } from '../chat/agent-api.js';
import { ApiError } from '../net/api-error.js';
import type { TransferRefusalCode } from '../protocol/errors.js';
import { isTransferringPhone, type AgentCall, type AgentPhone, type AgentPhoneSnapshot } from '../telephony/agent-phone.js';
import { ring } from '../telephony/tones.js';
import { CallOffers, type CallOfferTarget } from './call-offers.js';

/** GET /api/v1/agent/phone (signaling/sip/sip-side.ts; the LiveKit answer in docs/livekit.md). */
export type PhoneConfig =
  | {
      mode: 'embedded' | 'external';
      wsUrl?: string;
      aor: string;
      aors?: string[];
      auth?: { username: string; password: string };
      iceServers: RTCIceServer[];
    }
  | { mode: 'livekit'; supervisor: boolean; iceServers: RTCIceServer[] };

/**
 * What went wrong with a call action: no phone ready, calls back not made
 * from this console, a callback not placed, a transfer not made (and, when
 * the server refused it, why: `reason`).
 */
export type CallActionProblem =
  | { kind: 'not-ready' | 'no-call-back' | 'call-back-failed' }
  | { kind: 'transfer-failed'; target: string; reason?: TransferRefusalCode };

export class PhoneController implements ReactiveController {
  phone: AgentPhone | undefined;
  /** What the server said of this agent's phone, once read (for the supervisor's "Live calls"). */
  config: PhoneConfig | undefined;
  snapshot: AgentPhoneSnapshot | undefined;
  /** The interactions this controller follows on the agent socket, for the calls ringing or under way. */
  private readonly following = new Set<string>();
  /** The last thing that went wrong with a call action, for the console to word. */
  problem: CallActionProblem | undefined;
  private session: AgentSessionInfo | undefined;
  private wanted = false;
  private stopRing: (() => void) | undefined;
  private starting: Promise<AgentPhone | undefined> | undefined;
  private configLoad: Promise<PhoneConfig | undefined> | undefined;
  private client: AgentChatClient | undefined;
  private callOffers: CallOffers | undefined;
  /** The phone again when it is the LiveKit one, which takes the socket's call offers. */
  private livekit: CallOfferTarget | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly base: () => string,
    private readonly onRemoteStream: (callId: string, stream: MediaStream) => void,
  ) {
    host.addController(this);
  }

  hostConnected() {}

  hostDisconnected() {
    void this.stop();
  }

  /** "Call back in the browser" is for the embedded SIP path: an external platform and LiveKit ring no browsers from here. */
  get callsBack(): boolean {
    return this.phone ? this.phone.features.callBack : this.config?.mode !== 'external' && this.config?.mode !== 'livekit';
  }

  get calls(): AgentCall[] {
    return this.snapshot?.calls ?? [];
  }

  /** The agent socket of this session: LiveKit calls ring from its offers. */
  follow(client: AgentChatClient | undefined) {
    if (client === this.client) return;
    this.callOffers?.close();
    this.client = client;
    for (const id of this.following) client?.follow(id);
    this.callOffers = client ? new CallOffers(client) : undefined;
    this.callOffers?.attach(this.livekit);
  }

  /** Call whenever the session or the presence changes. */
  async update(session: AgentSessionInfo | undefined, presence: Presence | undefined) {
    this.wanted = !!session && presence === 'available';
    if (session?.token !== this.session?.token) {
      await this.stop();
      this.config = undefined;
      this.configLoad = undefined;
    }
    this.session = session;
    // Read whatever the presence: a supervisor who is away still sees the calls in progress.
    if (session) void this.loadConfig();
    if (this.wanted) {
      const phone = await this.ensurePhone();
      if (this.wanted) await phone?.register();
    } else {
      await this.phone?.unregister();
    }
  }

  async stop() {
    this.silence();
    const phone = this.phone;
    this.phone = undefined;
    this.snapshot = undefined;
    for (const id of this.following) this.client?.unfollow(id);
    this.following.clear();
    this.starting = undefined;
    this.livekit = undefined;
    this.callOffers?.attach(undefined);
    await phone?.stop();
    this.host.requestUpdate();
  }

  /** Rings the visitor's browser for the callback this agent holds. */
  async callBack(interactionId: string, who: string) {
    const phone = this.phone;
    if (!phone) return this.fail({ kind: 'not-ready' });
    if (!isTransferringPhone(phone) || !phone.features.callBack) return this.fail({ kind: 'no-call-back' });
    try {
      await phone.dial(`sip:cb-${interactionId}@${phone.domain}`, who, interactionId);
    } catch (err) {
      console.warn('[warmline] the callback could not be placed', err);
      this.fail({ kind: 'call-back-failed' });
    }
  }

  /** Transfers a call: blind at once, or warm by first calling the colleague (the customer on hold). */
  async transfer(call: AgentCall, request: TransferRequest, label: string) {
    const phone = this.phone;
    const token = this.session?.token;
    if (!phone || !isTransferringPhone(phone) || !phone.features.transfer || !token || !call.interactionId) return;
    this.problem = undefined;
    try {
      const { referTo } = await prepareCallTransfer(this.base(), token, call.interactionId, request);
      if (request.mode === 'blind') await phone.blindTransfer(call.id, referTo);
      else await phone.consult(call.id, referTo, label);
    } catch (err) {
      // Refused by the server: why, as its code (its English message is for logs).
      const reason = err instanceof ApiError ? err.details.reason : undefined;
      this.fail({ kind: 'transfer-failed', target: label, ...(reason && { reason }) });
    }
  }

  private fail(problem: CallActionProblem) {
    this.problem = problem;
    this.host.requestUpdate();
  }

  private ensurePhone(): Promise<AgentPhone | undefined> {
    this.starting ??= this.createPhone();
    return this.starting;
  }

  /** The server's word on this agent's phone, read once per session. */
  private loadConfig(): Promise<PhoneConfig | undefined> {
    const session = this.session;
    if (!session) return Promise.resolve(undefined);
    this.configLoad ??= fetch(`${this.base()}/api/v1/agent/phone`, { headers: { authorization: `Bearer ${session.token}` } })
      .then((r) => (r.ok ? (r.json() as Promise<PhoneConfig>) : undefined))
      .catch(() => undefined)
      .then((config) => {
        if (session === this.session) {
          this.config = config;
          this.host.requestUpdate();
        }
        return config;
      });
    return this.configLoad;
  }

  private async createPhone(): Promise<AgentPhone | undefined> {
    const session = this.session;
    if (!session) return undefined;
    const config = await this.loadConfig();
    if (!config || session !== this.session) return undefined;
    let phone: AgentPhone;
    if (config.mode === 'livekit') {
      const module = await import('../telephony/agent-livekit-phone.js');
      if (session !== this.session) return undefined;
      const livekit = new module.AgentLiveKitPhone({
        server: this.base(),
        token: session.token,
        iceServers: config.iceServers,
        decline: (interactionId) => this.client?.decline(interactionId),
      });
      this.livekit = livekit;
      phone = livekit;
    } else {
      const module = await import('../telephony/agent-sip-phone.js');
      if (session !== this.session) return undefined;
      phone = new module.AgentSipPhone({
        // This server's proxy, or the external platform the server names (with the credentials it minted).
        wsUrl: config.wsUrl ?? `${this.base().replace(/^http/, 'ws')}/sip`,
        aor: config.aor,
        displayName: session.agent.name,
        token: session.token,
        iceServers: config.iceServers,
        ...(config.auth ? { auth: config.auth } : {}),
        ...(config.aors ? { aors: config.aors } : {}),
      });
    }
    phone.on('change', (snapshot) => {
      this.snapshot = snapshot;
      if (!snapshot.calls.some((c) => c.state === 'ringing' && c.direction === 'in')) this.silence();
      this.followCalls(snapshot.calls);
      this.host.requestUpdate();
    });
    phone.on('incoming', () => {
      this.stopRing ??= ring();
    });
    phone.on('remote-stream', ({ callId, stream }) => this.onRemoteStream(callId, stream));
    this.phone = phone;
    this.snapshot = phone.snapshot;
    // Calls offered while livekit-client loaded ring now, heard and with their context like any other.
    if (config.mode === 'livekit') this.callOffers?.attach(this.livekit);
    return phone;
  }

  /**
   * The card of every call on the console stays live on the agent socket
   * (the server has usually pushed it with the ring already): while it
   * rings, during it, and after it until the agent closes it, so that the
   * page a visitor went to after leaving mid-call still shows.
   */
  private followCalls(calls: AgentCall[]) {
    const live = new Set(calls.flatMap((c) => (c.interactionId ? [c.interactionId] : [])));
    for (const id of live) {
      if (this.following.has(id)) continue;
      this.following.add(id);
      this.client?.follow(id);
    }
    for (const id of this.following) {
      if (live.has(id)) continue;
      this.following.delete(id);
      this.client?.unfollow(id);
    }
  }

  private silence() {
    this.stopRing?.();
    this.stopRing = undefined;
  }
}
