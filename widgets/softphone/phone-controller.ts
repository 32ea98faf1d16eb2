/**
 * Drives the agent's phone for the softphone: registers while the agent is
 * available and signed in (loading sip.js only then), unregisters when they
 * step away, and for each call fetches its interaction — context card,
 * notes and chat so far — by the id the proxy put in the INVITE, with the
 * agent's own credentials. It places callbacks and runs call transfers
 * (prepared over HTTP, then carried out by the phone).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as v from 'valibot';
import { AgentInteractionSchema, type AgentInteraction } from '../protocol/agent-server-messages.js';
import type { Presence } from '../protocol/agent-client-messages.js';
import type { AgentSessionInfo } from '../chat/agent-session.js';
import { prepareCallTransfer, type TransferRequest } from '../chat/agent-api.js';
import type { AgentCall, AgentPhoneSnapshot, AgentSipPhone } from '../telephony/agent-sip-phone.js';
import { ring } from '../telephony/tones.js';

/** GET /api/v1/agent/phone (signaling/sip/sip-side.ts). */
interface PhoneConfig {
  mode: 'embedded' | 'external';
  wsUrl?: string;
  aor: string;
  aors?: string[];
  auth?: { username: string; password: string };
  iceServers: RTCIceServer[];
}

export class PhoneController implements ReactiveController {
  phone: AgentSipPhone | undefined;
  snapshot: AgentPhoneSnapshot | undefined;
  /** The interactions of the calls ringing or under way, by id. */
  readonly interactions = new Map<string, AgentInteraction>();
  /** The last thing that went wrong with a call action, for the agent to read. */
  problem = '';
  private session: AgentSessionInfo | undefined;
  private wanted = false;
  private stopRing: (() => void) | undefined;
  private starting: Promise<AgentSipPhone | undefined> | undefined;

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

  get calls(): AgentCall[] {
    return this.snapshot?.calls ?? [];
  }

  /** Call whenever the session or the presence changes. */
  async update(session: AgentSessionInfo | undefined, presence: Presence | undefined) {
    this.wanted = !!session && presence === 'available';
    if (session?.token !== this.session?.token) await this.stop();
    this.session = session;
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
    this.interactions.clear();
    this.starting = undefined;
    await phone?.stop();
    this.host.requestUpdate();
  }

  /** Rings the visitor's browser for the callback this agent holds. */
  async callBack(interactionId: string, who: string) {
    const phone = this.phone;
    if (!phone) return this.fail('The phone is not ready: set your status to Available.');
    try {
      await phone.dial(`sip:cb-${interactionId}@${phone.domain}`, who, interactionId);
      void this.fetchInteraction(interactionId);
    } catch (err) {
      this.fail((err as Error).message);
    }
  }

  /** Transfers a call: blind at once, or warm by first calling the colleague (the customer on hold). */
  async transfer(call: AgentCall, request: TransferRequest, label: string) {
    const phone = this.phone;
    const token = this.session?.token;
    if (!phone || !token || !call.interactionId) return;
    this.problem = '';
    try {
      const { referTo } = await prepareCallTransfer(this.base(), token, call.interactionId, request);
      if (request.mode === 'blind') await phone.blindTransfer(call.id, referTo);
      else await phone.consult(call.id, referTo, label);
    } catch (err) {
      this.fail((err as Error).message);
    }
  }

  private fail(message: string) {
    this.problem = message;
    this.host.requestUpdate();
  }

  private ensurePhone(): Promise<AgentSipPhone | undefined> {
    this.starting ??= this.createPhone();
    return this.starting;
  }

  private async createPhone(): Promise<AgentSipPhone | undefined> {
    const session = this.session;
    if (!session) return undefined;
    const [config, module] = await Promise.all([
      fetch(`${this.base()}/api/v1/agent/phone`, { headers: { authorization: `Bearer ${session.token}` } }).then((r) =>
        r.ok ? (r.json() as Promise<PhoneConfig>) : undefined,
      ),
      import('../telephony/agent-sip-phone.js'),
    ]);
    if (!config || session !== this.session) return undefined;
    const phone = new module.AgentSipPhone({
      // This server's proxy, or the external platform the server names (with the credentials it minted).
      wsUrl: config.wsUrl ?? `${this.base().replace(/^http/, 'ws')}/sip`,
      aor: config.aor,
      displayName: session.agent.name,
      token: session.token,
      iceServers: config.iceServers,
      ...(config.auth ? { auth: config.auth } : {}),
      ...(config.aors ? { aors: config.aors } : {}),
    });
    phone.on('change', (snapshot) => {
      this.snapshot = snapshot;
      if (!snapshot.calls.some((c) => c.state === 'ringing' && c.direction === 'in')) this.silence();
      const live = new Set(snapshot.calls.map((c) => c.interactionId));
      for (const id of this.interactions.keys()) if (!live.has(id)) this.interactions.delete(id);
      this.host.requestUpdate();
    });
    phone.on('incoming', (call) => {
      this.stopRing ??= ring();
      if (call.interactionId) void this.fetchInteraction(call.interactionId);
    });
    phone.on('remote-stream', ({ callId, stream }) => this.onRemoteStream(callId, stream));
    this.phone = phone;
    this.snapshot = phone.snapshot;
    return phone;
  }

  private async fetchInteraction(id: string) {
    const token = this.session?.token;
    if (!token) return;
    const res = await fetch(`${this.base()}/api/v1/agent/interactions/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) return;
    const parsed = v.safeParse(AgentInteractionSchema, ((await res.json()) as { interaction?: unknown }).interaction);
    if (parsed.success && this.calls.some((c) => c.interactionId === id)) {
      this.interactions.set(id, parsed.output);
      this.host.requestUpdate();
    }
  }

  private silence() {
    this.stopRing?.();
    this.stopRing = undefined;
  }
}
