/**
 * Drives the agent's phone for the softphone: registers while the agent is
 * available and signed in (loading sip.js only then), unregisters when they
 * step away, and when a call rings fetches its interaction — context card
 * and chat so far — by the id the proxy put in the INVITE, with the agent's
 * own credentials.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as v from 'valibot';
import { AgentInteractionSchema, type AgentInteraction } from '../protocol/agent-server-messages.js';
import type { Presence } from '../protocol/agent-client-messages.js';
import type { AgentSessionInfo } from '../chat/agent-session.js';
import type { AgentPhoneSnapshot, AgentSipPhone } from '../telephony/agent-sip-phone.js';
import { ring } from '../telephony/tones.js';

export class PhoneController implements ReactiveController {
  phone: AgentSipPhone | undefined;
  snapshot: AgentPhoneSnapshot | undefined;
  /** The interaction of the call that is ringing or under way. */
  callInteraction: AgentInteraction | undefined;
  private session: AgentSessionInfo | undefined;
  private wanted = false;
  private stopRing: (() => void) | undefined;
  private starting: Promise<AgentSipPhone | undefined> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly base: () => string,
    private readonly onRemoteStream: (stream: MediaStream) => void,
  ) {
    host.addController(this);
  }

  hostConnected() {}

  hostDisconnected() {
    void this.stop();
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
    this.callInteraction = undefined;
    this.starting = undefined;
    await phone?.stop();
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
        r.ok ? (r.json() as Promise<{ aor: string; iceServers: RTCIceServer[] }>) : undefined,
      ),
      import('../telephony/agent-sip-phone.js'),
    ]);
    if (!config || session !== this.session) return undefined;
    const phone = new module.AgentSipPhone({
      wsUrl: `${this.base().replace(/^http/, 'ws')}/sip`,
      aor: config.aor,
      displayName: session.agent.name,
      token: session.token,
      iceServers: config.iceServers,
    });
    phone.on('change', (snapshot) => {
      this.snapshot = snapshot;
      if (snapshot.call?.state !== 'ringing') this.silence();
      if (!snapshot.call) this.callInteraction = undefined;
      this.host.requestUpdate();
    });
    phone.on('incoming', (call) => {
      this.stopRing = ring();
      this.callInteraction = undefined;
      if (call.interactionId) void this.fetchInteraction(call.interactionId);
    });
    phone.on('remote-stream', (stream) => this.onRemoteStream(stream));
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
    if (parsed.success && this.snapshot?.call?.interactionId === id) {
      this.callInteraction = parsed.output;
      this.host.requestUpdate();
    }
  }

  private silence() {
    this.stopRing?.();
    this.stopRing = undefined;
  }
}
