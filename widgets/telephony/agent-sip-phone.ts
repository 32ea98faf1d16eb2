/**
 * The agent's phone: a sip.js user agent that registers the agent's address
 * with their session as a bearer token (RFC 8898), rings on incoming calls
 * (reading the interaction id the proxy put in `X-Warmline-Interaction`),
 * (or its User-to-User, RFC 7433, from a platform that keeps only that),
 * and answers, holds, mutes, sends and receives DTMF, and hangs up. It also
 * places calls (a callback to a visitor's browser, a consultation with a
 * colleague) and transfers (REFER, RFC 3515).
 *
 * Several lines at once, because a warm transfer needs them: the first
 * agent holds the customer while consulting the second; the second agent
 * talks to the first, then receives the customer's call, which answers
 * itself since they agreed to it (`X-Warmline-Transfer: <id>;complete`).
 * Loaded only when the agent is available for calls.
 */
import { Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent, Web, type Session } from 'sip.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { canTransition, type CallEndReason } from './call-state.js';
import type { AgentCall, AgentPhoneEvents, AgentPhoneSnapshot, PhoneFeatures, RegistrationProblem, RegistrationState, TransferringPhone } from './agent-phone.js';
import { CONSULT_REFUSAL_HEADER, type ConsultRefusalCode } from '../protocol/errors.js';
import { DTMF_CONTENT_TYPE, dtmfBody, parseDtmfBody, type DtmfDigit } from './dtmf.js';
import { parseTransferHeader, sipfragStatus } from './transfer-header.js';
import { interactionOf } from '../protocol/interaction-header.js';
import { sessionDescriptionHandlers } from './session-description.js';
import { SipReconnector } from './sip-reconnector.js';
import { MediaRecovery } from './media-recovery.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from '../net/reconnect-policy.js';

type Sdh = Web.SessionDescriptionHandler;

// The types moved to the interface both phones implement; still exported from here for existing imports.
export type { AgentCall, AgentPhoneSnapshot, RegistrationState } from './agent-phone.js';

export interface AgentPhoneOptions {
  wsUrl: string;
  /** The agent's address of record, sip:<username>@<domain>. */
  aor: string;
  displayName: string;
  /** The agent's session token. */
  token: string;
  iceServers: RTCIceServer[];
  /**
   * An external SIP platform: digest credentials minted for this agent, and
   * the queue addresses to register beside their own (calls to a queue ring
   * every agent registered for it). Without them, the embedded proxy takes
   * the session token as a bearer credential (RFC 8898).
   */
  auth?: { username: string; password: string };
  aors?: string[];
  /** When to reconnect after the WebSocket drops; the chat's policy by default. */
  policy?: ReconnectPolicy;
}

interface Line {
  call: AgentCall;
  session: Session;
  /** For a consultation: the customer's call it prepares the transfer of, and where to refer it. */
  consultFor?: { callId: string; referTo: string };
  /** This agent holds the other side (its re-INVITEs must say so again). */
  held?: boolean;
  /** Restarts ICE when the audio path breaks (from the answer on). */
  media?: MediaRecovery;
}

const AUDIO_ONLY = { constraints: { audio: true, video: false } };

export class AgentSipPhone extends TypedEventTarget<AgentPhoneEvents> implements TransferringPhone {
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  /** The queue addresses registered too, on an external platform. */
  private queueRegisterers: Registerer[] = [];
  private registration: RegistrationState = 'unregistered';
  private problem: RegistrationProblem | undefined;
  private readonly lines = new Map<string, Line>();
  private reconnector: SipReconnector | undefined;
  /** The agent wants calls (available): the phone registers whenever it is connected. */
  private wanted = false;
  /** Whether requests get through now: the WebSocket is up and, after a reconnect, the registrar has taken the new one. */
  private signaling = true;
  /** Calls ended here while the WebSocket was down: their BYE goes once it is back. */
  private readonly pendingByes = new Set<Session>();

  constructor(private readonly o: AgentPhoneOptions) {
    super();
  }

  get snapshot(): AgentPhoneSnapshot {
    return { registration: this.registration, problem: this.problem, calls: [...this.lines.values()].map((l) => ({ ...l.call })) };
  }

  /** On an external SIP platform, transfers and callbacks are the platform's, not this phone's. */
  get external(): boolean {
    return !!this.o.auth;
  }

  get features(): PhoneFeatures {
    return { transfer: !this.external, callBack: !this.external, keypad: true };
  }

  get domain(): string {
    return this.o.aor.split('@')[1] ?? '';
  }

  /** Connects and registers; resolves once the registrar answered (or the phone is reconnecting and will register then). */
  async register(): Promise<void> {
    this.wanted = true;
    if (this.registration === 'registered' || this.registration === 'registering' || this.registration === 'reconnecting') return;
    const ua = this.userAgent();
    if (this.reconnector!.isDown) {
      // It registers as soon as it is back.
      this.setRegistration('reconnecting');
      this.reconnector!.retryNow();
      return;
    }
    this.setRegistration('registering');
    if (!ua.isConnected()) {
      try {
        await ua.start();
      } catch {
        // The reconnector keeps trying by its policy and registers once through.
        this.setRegistration('failed', 'unreachable');
        this.reconnector?.lost();
        return;
      }
    }
    await this.sendRegister();
  }

  /** The user agent, made once: its WebSocket is kept by the reconnector. */
  private userAgent(): UserAgent {
    if (this.ua) return this.ua;
    const ua = new UserAgent({
      uri: UserAgent.makeURI(this.o.aor),
      displayName: this.o.displayName,
      transportOptions: { server: this.o.wsUrl, connectionTimeout: 10 },
      ...(this.o.auth ? { authorizationUsername: this.o.auth.username, authorizationPassword: this.o.auth.password } : {}),
      ...sessionDescriptionHandlers(this.o.iceServers),
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: {
        onInvite: (invitation) => this.onInvite(invitation),
        // An error: the server or the network dropped it, not us.
        onDisconnect: (error) => error && this.reconnector?.lost(),
      },
    });
    this.ua = ua;
    const reconnector = new SipReconnector(ua, {
      policy: this.o.policy ?? new DefaultReconnectPolicy(),
      // A call under way keeps it trying: its audio may still be flowing.
      keepTrying: () => this.liveLines().length > 0,
    });
    reconnector.on('connection', (event) => this.onConnection(event));
    this.reconnector = reconnector;
    return ua;
  }

  /** REGISTER (again): for calls when the agent wants them; after a reconnect also to get the calls under way back (RFC 5626). */
  private async sendRegister(): Promise<boolean> {
    const ua = this.userAgent();
    if (!this.registerer) {
      // The session token is this server's credential; an external platform gets digest credentials instead.
      const registerer = new Registerer(ua, { extraHeaders: this.o.auth ? [] : [`Authorization: Bearer ${this.o.token}`] });
      this.queueRegisterers = (this.o.aors ?? []).flatMap((address) => {
        const toUri = UserAgent.makeURI(address);
        return toUri ? [new Registerer(ua, { params: { toUri } })] : [];
      });
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Unregistered && this.registration === 'registered') this.setRegistration('unregistered');
      });
      this.registerer = registerer;
    }
    if (this.wanted) for (const queue of this.queueRegisterers) void queue.register().catch(() => undefined);
    return new Promise<boolean>((resolve) => {
      this.registerer!.register({
        requestDelegate: {
          onAccept: () => {
            this.setRegistration(this.wanted ? 'registered' : 'unregistered');
            resolve(true);
          },
          onReject: (response) => {
            // The Warning says why in English, for logs; the console words the status.
            console.warn(`[warmline] registration refused: ${response.message.statusCode} ${response.message.getHeader('Warning') ?? ''}`);
            this.setRegistration('failed', response.message.statusCode === 401 ? 'signed-out' : 'refused');
            resolve(false);
          },
        },
      }).catch(() => resolve(false));
    });
  }

  /** The WebSocket went down, came back, or the policy gave up on it. */
  private async onConnection(event: 'down' | 'up' | 'gave-up') {
    if (event === 'down') {
      this.signaling = false;
      if (this.registration !== 'unregistered') this.setRegistration('reconnecting');
      for (const line of this.lines.values()) {
        // A call still being set up lost its transaction with the connection; one under way goes on.
        if (line.call.state === 'ringing' || line.call.state === 'connecting' || line.call.state === 'waiting') {
          this.end(line.call.id, 'connection-lost');
          line.session.dispose().catch(() => undefined);
        } else this.refresh(line);
      }
      return;
    }
    if (event === 'gave-up') {
      this.setRegistration('failed', 'unreachable');
      for (const session of this.pendingByes) void session.dispose().catch(() => undefined);
      this.pendingByes.clear();
      return;
    }
    // Back: the registrar learns the new WebSocket, which gives the calls under way back too.
    if (this.wanted || this.liveLines().length) {
      if (this.wanted) this.setRegistration('reconnecting');
      await this.sendRegister();
    }
    this.signaling = true;
    for (const session of this.pendingByes) void session.bye().catch(() => undefined);
    this.pendingByes.clear();
    for (const line of this.lines.values()) {
      this.refresh(line);
      // An external platform routes a call by the connection it came over: the other side learns the new one
      // from a target refresh, and a call it cannot reach any more ends here rather than linger.
      if (this.external && line.media) void line.media.refresh().then((ok) => (ok ? undefined : this.finish(line.call.id, 'connection-lost')));
      else line.media?.signalingBack();
    }
  }

  /** Calls answered and not ended. */
  private liveLines(): Line[] {
    return [...this.lines.values()].filter((l) => l.call.state === 'connected' || l.call.state === 'on-hold' || l.call.state === 'reconnecting');
  }

  /** A call under way shows `reconnecting` while its signaling or its audio is down. */
  private refresh(line: Line) {
    const state = line.call.state;
    if (state !== 'connected' && state !== 'on-hold' && state !== 'reconnecting') return;
    const down = !this.signaling || line.media?.mediaUp === false;
    this.update(line.call.id, { state: down ? 'reconnecting' : line.held ? 'on-hold' : 'connected' });
  }

  /** Stops taking calls (away, signed out). Calls under way go on. */
  async unregister(): Promise<void> {
    this.wanted = false;
    if (this.registerer && this.registration === 'registered') {
      try {
        await Promise.all(this.queueRegisterers.map((q) => q.unregister().catch(() => undefined)));
        // sip.js sends an unregistering REGISTER with these headers only, not the registerer's: the credential again.
        await this.registerer.unregister({ requestOptions: { extraHeaders: this.o.auth ? [] : [`Authorization: Bearer ${this.o.token}`] } });
      } catch {
        // The registration expires on its own.
      }
    }
    this.setRegistration('unregistered');
  }

  async stop(): Promise<void> {
    for (const id of [...this.lines.keys()]) await this.hangup(id).catch(() => undefined);
    await this.unregister();
    this.reconnector?.stop();
    this.reconnector = undefined;
    for (const session of this.pendingByes) await session.dispose().catch(() => undefined);
    this.pendingByes.clear();
    await this.ua?.stop().catch(() => undefined);
    this.ua = undefined;
    this.registerer = undefined;
    this.queueRegisterers = [];
  }

  async accept(callId: string): Promise<void> {
    const line = this.lines.get(callId);
    if (!(line?.session instanceof Invitation) || line.call.state !== 'ringing') return;
    // The embedded proxy tells the caller who answered (RFC 3325); on an external platform the phone says it itself.
    const name = this.o.displayName.replace(/["\\\r\n]/g, '');
    const extraHeaders = this.o.auth ? [`P-Asserted-Identity: "${name}" <${this.o.aor}>`] : [];
    await line.session.accept({ sessionDescriptionHandlerOptions: AUDIO_ONLY, extraHeaders });
  }

  /** Declines a ringing call: the proxy offers it to another agent (603, RFC 3261 §21.6.2). */
  async decline(callId: string): Promise<void> {
    const line = this.lines.get(callId);
    if (!(line?.session instanceof Invitation) || line.call.state !== 'ringing') return;
    this.end(callId, 'local-hangup');
    await line.session.reject({ statusCode: 603, reasonPhrase: 'Decline' });
  }

  async hangup(callId: string): Promise<void> {
    return this.finish(callId, 'local-hangup');
  }

  /**
   * Ends a call from this side. While the WebSocket is down the call ends
   * here at once (silence both ways) and its BYE waits for the WebSocket to
   * come back, so that the other side and the proxy hear of it then.
   */
  private async finish(callId: string, reason: CallEndReason): Promise<void> {
    const line = this.lines.get(callId);
    if (!line || line.call.state === 'ended') return;
    if (line.call.state === 'ringing' && line.call.direction === 'in') return this.decline(callId);
    this.end(callId, reason);
    const session = line.session;
    if (session.state === SessionState.Established && !this.signaling) {
      const sdh = session.sessionDescriptionHandler as Sdh | undefined;
      sdh?.enableSenderTracks(false);
      for (const track of sdh?.remoteMediaStream.getTracks() ?? []) track.enabled = false;
      this.pendingByes.add(session);
      return;
    }
    if (session.state === SessionState.Established) await session.bye();
    else if (session instanceof Inviter && session.state !== SessionState.Terminated) await session.cancel().catch(() => undefined);
  }

  /**
   * Calls out: a visitor's browser for their callback (sip:cb-<interaction>),
   * or a colleague to consult before a warm transfer. Returns the call's id.
   */
  async dial(target: string, who: string, interactionId: string | undefined): Promise<string> {
    const uri = UserAgent.makeURI(target);
    if (!this.ua || !uri) throw new Error(`cannot call ${target}`);
    const inviter = new Inviter(this.ua, uri, { sessionDescriptionHandlerOptions: AUDIO_ONLY });
    const call: AgentCall = {
      id: inviter.request.callId,
      direction: 'out',
      interactionId,
      caller: who,
      state: 'connecting',
      muted: false,
      digits: '',
      ringingSince: Date.now(),
      connectedAt: undefined,
      endReason: undefined,
      transfer: undefined,
      transferring: undefined,
      consultFor: undefined,
    };
    this.watch({ call, session: inviter });
    await inviter.invite({
      requestDelegate: {
        onTrying: () => this.update(call.id, { state: 'waiting' }),
        onProgress: (r) => {
          if (r.message.statusCode === 180 || r.message.statusCode === 183) this.update(call.id, { state: 'ringing' });
        },
        // The proxy says why as a code (and in a Warning, in English, for logs): a consultation's customer line words it.
        onReject: (r) =>
          this.rejected(call.id, r.message.statusCode === 486 || r.message.statusCode === 603 ? 'busy' : 'no-agent', refusalIn(r.message.getHeader(CONSULT_REFUSAL_HEADER))),
      },
    });
    return call.id;
  }

  /** Blind transfer: the customer is sent to `referTo` and this agent leaves the call once they accept. */
  async blindTransfer(callId: string, referTo: string): Promise<void> {
    const line = this.lines.get(callId);
    if (!line) return;
    this.update(callId, { transferring: 'referred', transferFailed: false, transferRefusal: undefined });
    if (await this.refer(line, referTo)) await this.hangup(callId);
    else this.update(callId, { transferring: undefined, transferFailed: true });
  }

  /**
   * Warm transfer, first half: the customer goes on hold (they hear hold
   * music) and this agent calls `referTo`, which rings the colleague.
   */
  async consult(callId: string, referTo: string, who: string): Promise<string | undefined> {
    const line = this.lines.get(callId);
    if (!line) return undefined;
    if (line.call.state === 'connected') await this.setHold(callId, true);
    this.update(callId, { transferring: 'consulting', transferFailed: false, transferRefusal: undefined });
    const consultId = await this.dial(referTo, who, line.call.interactionId);
    const consult = this.lines.get(consultId);
    if (consult) {
      consult.consultFor = { callId, referTo };
      this.update(consultId, { consultFor: callId });
    }
    return consultId;
  }

  /**
   * Warm transfer, second half: the customer is referred to the colleague
   * just consulted; when their call is answered (NOTIFY 200, RFC 3515 §2.4.5)
   * this agent leaves both calls.
   */
  async completeTransfer(consultId: string): Promise<void> {
    const consult = this.lines.get(consultId);
    const customer = consult?.consultFor && this.lines.get(consult.consultFor.callId);
    if (!consult?.consultFor || !customer) return;
    this.update(customer.call.id, { transferring: 'referred' });
    const done = await this.refer(customer, consult.consultFor.referTo, true);
    if (done) {
      await this.hangup(customer.call.id);
      await this.hangup(consultId);
    } else {
      this.update(customer.call.id, { transferring: 'consulting', transferFailed: true });
    }
  }

  /** Warm transfer abandoned: the consultation ends and the customer comes off hold. */
  async cancelTransfer(consultId: string): Promise<void> {
    const customerId = this.lines.get(consultId)?.consultFor?.callId;
    await this.hangup(consultId);
    if (customerId) {
      this.update(customerId, { transferring: undefined });
      await this.setHold(customerId, false);
    }
  }

  /** Hold and resume with a re-INVITE whose offer is sendonly (RFC 3264 §8.4). */
  async setHold(callId: string, hold: boolean): Promise<void> {
    for (let attempt = 0; attempt < HOLD_ATTEMPTS; attempt++) {
      const session = this.lines.get(callId)?.session;
      if (!session || session.state !== SessionState.Established) return;
      const outcome = await new Promise<{ done: true } | { retryInMs: number }>((resolve) => {
        void session
          .invite({
            sessionDescriptionHandlerOptions: { hold, ...AUDIO_ONLY } as Web.SessionDescriptionHandlerOptions,
            requestDelegate: {
              onAccept: () => {
                const line = this.lines.get(callId);
                if (line) {
                  line.held = hold;
                  this.refresh(line);
                }
                resolve({ done: true });
              },
              onReject: (response) => resolve(retryAfter(response.message) ?? { done: true }),
            },
          })
          // A re-INVITE of this side's own still under way (an ICE restart): try after it.
          .catch(() => resolve({ retryInMs: 1000 }));
      });
      if ('done' in outcome) return;
      await new Promise((r) => setTimeout(r, outcome.retryInMs));
    }
  }

  setMuted(callId: string, muted: boolean) {
    (this.lines.get(callId)?.session.sessionDescriptionHandler as Sdh | undefined)?.enableSenderTracks(!muted);
    this.update(callId, { muted });
  }

  async sendDtmf(callId: string, digit: DtmfDigit): Promise<void> {
    const session = this.lines.get(callId)?.session;
    if (session?.state !== SessionState.Established) return;
    await session.info({
      requestOptions: { body: { contentDisposition: 'render', contentType: DTMF_CONTENT_TYPE, content: dtmfBody(digit) } },
    });
  }

  /** A call's media statistics; by default the first connected call's. */
  async stats(callId?: string): Promise<RTCStatsReport | undefined> {
    const line = callId ? this.lines.get(callId) : (this.liveLines().find((l) => l.call.state === 'connected') ?? this.liveLines()[0]);
    return (line?.session.sessionDescriptionHandler as Sdh | undefined)?.peerConnection?.getStats();
  }

  /** Clears an ended call from the snapshot. */
  dismiss(callId: string) {
    if (this.lines.get(callId)?.call.state === 'ended') {
      this.lines.delete(callId);
      this.changed();
    }
  }

  /** Sends REFER and waits for the referred call's outcome; true when the transfer took. */
  private refer(line: Line, referTo: string, waitForAnswer = false): Promise<boolean> {
    const target = UserAgent.makeURI(referTo);
    if (!target || line.session.state !== SessionState.Established) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      // Without any NOTIFY (a customer whose browser does not send them), do not wait forever.
      const timer = setTimeout(() => resolve(!waitForAnswer), 30_000);
      const settle = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      void line.session
        .refer(target, {
          requestDelegate: {
            onAccept: () => !waitForAnswer && settle(true),
            onReject: () => settle(false),
          },
          onNotify: (notification) => {
            void notification.accept();
            const status = sipfragStatus(notification.request.body);
            if (status !== undefined && status >= 200) settle(status < 300);
          },
        })
        .catch(() => settle(false));
    });
  }

  private onInvite(invitation: Invitation) {
    const request = invitation.request;
    const transfer = parseTransferHeader(request.getHeader('X-Warmline-Transfer'));
    const call: AgentCall = {
      id: request.callId,
      direction: 'in',
      interactionId: interactionOf((name) => request.getHeader(name)),
      caller: request.from.displayName || request.from.uri.user || 'Visitor',
      state: 'ringing',
      muted: false,
      digits: '',
      ringingSince: Date.now(),
      connectedAt: undefined,
      endReason: undefined,
      transfer,
      transferring: undefined,
      consultFor: undefined,
    };
    this.watch({ call, session: invitation });
    // The customer of a consultation this agent accepted: they already said yes.
    const agreed =
      transfer?.kind === 'complete' &&
      [...this.lines.values()].some((l) => l.call.transfer?.id === transfer.id && l.call.transfer.kind === 'consult' && l.call.state !== 'ended');
    if (agreed) void this.accept(call.id);
    else this.fire('incoming', { ...call });
  }

  private watch(line: Line) {
    const { call, session } = line;
    this.lines.set(call.id, line);
    session.delegate = {
      onBye: (bye) => {
        // Only the widget's own words are recognised: the text of a Reason is the caller's to write, and never shown.
        if (/text="visitor left the page"/.test(bye.request.getHeader('Reason') ?? '')) this.update(call.id, { leftPage: true });
        this.end(call.id, 'remote-hangup');
      },
      onInfo: (info) => {
        const digit = info.request.getHeader('Content-Type')?.startsWith(DTMF_CONTENT_TYPE) ? parseDtmfBody(info.request.body) : undefined;
        void info.accept();
        const current = this.lines.get(call.id)?.call;
        if (digit && current) this.update(call.id, { digits: current.digits + digit });
      },
    };
    if (session instanceof Invitation) session.delegate.onCancel = () => this.end(call.id, 'remote-hangup');
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.update(call.id, { state: 'connected', connectedAt: Date.now() });
        const sdh = session.sessionDescriptionHandler as Sdh | undefined;
        if (sdh) this.fire('remote-stream', { callId: call.id, stream: sdh.remoteMediaStream });
        line.media = new MediaRecovery(session, {
          held: () => !!line.held,
          callIdOwner: session instanceof Inviter,
          canSignal: () => this.signaling,
          onMedia: () => this.refresh(line),
          onGiveUp: () => void this.finish(call.id, 'connection-lost'),
          // A WebSocket that died with the network is noticed now, not minutes later.
          probeSignaling: () => this.reconnector?.probe() ?? Promise.resolve(false),
        });
        line.media.watch();
      }
      if (state === SessionState.Terminated) {
        line.media?.dispose();
        this.end(call.id, 'remote-hangup');
        // The consultation of a finished transfer leaves nothing to read.
        if (line.call.transfer?.kind === 'consult' || line.consultFor) queueMicrotask(() => this.dismiss(call.id));
      }
    });
    this.changed();
  }

  private end(callId: string, reason: CallEndReason, why?: ConsultRefusalCode) {
    const line = this.lines.get(callId);
    if (!line || line.call.state === 'ended') return;
    this.update(callId, { state: 'ended', endReason: reason });
    // A consultation that ended before the transfer was completed: the customer's call is the
    // agent's again (still on hold), with word that the transfer did not happen.
    const customer = line.consultFor && this.lines.get(line.consultFor.callId);
    if (customer?.call.transferring === 'consulting') {
      this.update(customer.call.id, { transferring: undefined, transferFailed: reason !== 'local-hangup', transferRefusal: why && { reason: why, who: line.call.caller } });
    }
  }

  /**
   * A call this phone placed was refused. sip.js ends the session before it
   * hands over the response, so the line may have ended already (as if hung
   * up): the refusal's reason, and why, are what it ended with.
   */
  private rejected(callId: string, reason: CallEndReason, why: ConsultRefusalCode | undefined) {
    const line = this.lines.get(callId);
    if (line?.call.state !== 'ended') return this.end(callId, reason, why);
    this.update(callId, { endReason: reason });
    const customer = line.consultFor && this.lines.get(line.consultFor.callId);
    if (customer?.call.transferFailed && why) this.update(customer.call.id, { transferRefusal: { reason: why, who: line.call.caller } });
  }

  private update(callId: string, change: Partial<AgentCall>) {
    const line = this.lines.get(callId);
    if (!line) return;
    if (change.state && change.state !== line.call.state && !canTransition(line.call.state, change.state)) delete change.state;
    line.call = { ...line.call, ...change };
    this.changed();
  }

  private setRegistration(state: RegistrationState, problem?: RegistrationProblem) {
    this.registration = state;
    this.problem = problem;
    this.changed();
  }

  private changed() {
    this.fire('change', this.snapshot);
  }
}

/** How often a hold or resume is tried when the other side says "not now". */
const HOLD_ATTEMPTS = 4;

/**
 * When to try a re-INVITE again, if at all: after a 491 (the other side's
 * re-INVITE crossed ours, RFC 3261 §14.1: up to 2 s), or after a 500 with
 * Retry-After (it has one of its own unfinished, §14.2; an ACK lost in a
 * server restart keeps it so until its 2xx is sent again and acknowledged).
 */
function retryAfter(message: { statusCode?: number; getHeader(name: string): string | undefined }): { retryInMs: number } | undefined {
  if (message.statusCode === 491) return { retryInMs: Math.random() * 2000 };
  const seconds = Number(message.getHeader('Retry-After')?.split(/[\s;(]/)[0]);
  if (message.statusCode === 500 && Number.isFinite(seconds)) return { retryInMs: Math.min(seconds, 5) * 1000 };
  return undefined;
}

/** Why a consultation was refused, as the proxy's code says it (X-Warmline-Refusal), if it did. */
function refusalIn(header: string | undefined): ConsultRefusalCode | undefined {
  return (header?.trim() || undefined) as ConsultRefusalCode | undefined;
}
