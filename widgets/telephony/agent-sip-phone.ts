/**
 * The agent's phone: a sip.js user agent that registers the agent's address
 * with their session as a bearer token (RFC 8898), rings on incoming calls
 * (reading the interaction id the proxy put in `X-Warmline-Interaction`),
 * and answers, holds, mutes, sends and receives DTMF, and hangs up. One call
 * at a time. Loaded only when the agent is available for calls.
 */
import { Invitation, Registerer, RegistererState, SessionState, UserAgent, Web, type Session } from 'sip.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { canTransition, type CallEndReason, type CallState } from './call-state.js';
import { DTMF_CONTENT_TYPE, dtmfBody, parseDtmfBody, type DtmfDigit } from './dtmf.js';

type Sdh = Web.SessionDescriptionHandler;

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

export interface AgentCall {
  id: string;
  interactionId: string | undefined;
  /** The caller's display name as SIP carries it. */
  caller: string;
  state: CallState;
  muted: boolean;
  /** DTMF digits the visitor pressed, in order. */
  digits: string;
  ringingSince: number;
  connectedAt: number | undefined;
  endReason: CallEndReason | undefined;
}

export interface AgentPhoneSnapshot {
  registration: RegistrationState;
  /** Why registration failed, for the agent to read. */
  problem: string | undefined;
  call: AgentCall | undefined;
}

interface PhoneEvents extends Record<string, unknown> {
  change: AgentPhoneSnapshot;
  /** A call started ringing. */
  incoming: AgentCall;
  'remote-stream': MediaStream;
}

export interface AgentPhoneOptions {
  wsUrl: string;
  /** The agent's address of record, sip:<username>@<domain>. */
  aor: string;
  displayName: string;
  /** The agent's session token. */
  token: string;
  iceServers: RTCIceServer[];
}

export class AgentSipPhone extends TypedEventTarget<PhoneEvents> {
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private registration: RegistrationState = 'unregistered';
  private problem: string | undefined;
  private call: AgentCall | undefined;
  private session: Session | undefined;

  constructor(private readonly o: AgentPhoneOptions) {
    super();
  }

  get snapshot(): AgentPhoneSnapshot {
    return { registration: this.registration, problem: this.problem, call: this.call ? { ...this.call } : undefined };
  }

  /** Connects and registers; resolves once the registrar answered. */
  async register(): Promise<void> {
    if (this.registration === 'registered' || this.registration === 'registering') return;
    this.setRegistration('registering');
    const ua =
      this.ua ??
      new UserAgent({
        uri: UserAgent.makeURI(this.o.aor),
        displayName: this.o.displayName,
        transportOptions: { server: this.o.wsUrl, connectionTimeout: 10 },
        sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: this.o.iceServers }, iceGatheringTimeout: 1000 },
        logBuiltinEnabled: false,
        logLevel: 'error',
        delegate: {
          onInvite: (invitation) => this.onInvite(invitation),
          onDisconnect: (error) => {
            if (error) this.setRegistration('failed', 'The connection to the phone server was lost.');
          },
        },
      });
    this.ua = ua;
    try {
      if (!ua.isConnected()) await ua.start();
    } catch {
      this.setRegistration('failed', 'The phone server cannot be reached.');
      return;
    }
    let registerer = this.registerer;
    if (!registerer) {
      registerer = new Registerer(ua, { extraHeaders: [`Authorization: Bearer ${this.o.token}`] });
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) this.setRegistration('registered');
        else if (state === RegistererState.Unregistered && this.registration === 'registered') this.setRegistration('unregistered');
      });
      this.registerer = registerer;
    }
    await registerer.register({
      requestDelegate: {
        onReject: (response) => {
          const warning = response.message.getHeader('Warning');
          this.setRegistration('failed', warning?.replace(/^\d+ \S+ "?|"$/g, '') ?? `Registration refused (${response.message.statusCode}).`);
        },
      },
    });
  }

  /** Stops taking calls (away, signed out). A call under way goes on. */
  async unregister(): Promise<void> {
    if (this.registerer && this.registration === 'registered') {
      try {
        await this.registerer.unregister();
      } catch {
        // The registration expires on its own.
      }
    }
    this.setRegistration('unregistered');
  }

  async stop(): Promise<void> {
    await this.hangup().catch(() => undefined);
    await this.unregister();
    await this.ua?.stop().catch(() => undefined);
    this.ua = undefined;
    this.registerer = undefined;
  }

  async accept(): Promise<void> {
    const session = this.session;
    if (!(session instanceof Invitation) || this.call?.state !== 'ringing') return;
    await session.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  }

  /** Declines a ringing call: the proxy offers it to another agent (603, RFC 3261 §21.6.2). */
  async decline(): Promise<void> {
    const session = this.session;
    if (!(session instanceof Invitation) || this.call?.state !== 'ringing') return;
    this.end('local-hangup');
    await session.reject({ statusCode: 603, reasonPhrase: 'Decline' });
  }

  async hangup(): Promise<void> {
    const session = this.session;
    if (!session || !this.call || this.call.state === 'ended') return;
    if (this.call.state === 'ringing') return this.decline();
    this.end('local-hangup');
    if (session.state === SessionState.Established) await session.bye();
  }

  /** Hold and resume with a re-INVITE whose offer is sendonly (RFC 3264 §8.4). */
  async setHold(hold: boolean): Promise<void> {
    const session = this.session;
    if (!session || session.state !== SessionState.Established) return;
    await session.invite({
      sessionDescriptionHandlerOptions: { hold, constraints: { audio: true, video: false } } as Web.SessionDescriptionHandlerOptions,
      requestDelegate: { onAccept: () => this.update({ state: hold ? 'on-hold' : 'connected' }) },
    });
  }

  setMuted(muted: boolean) {
    (this.session?.sessionDescriptionHandler as Sdh | undefined)?.enableSenderTracks(!muted);
    this.update({ muted });
  }

  async sendDtmf(digit: DtmfDigit): Promise<void> {
    if (this.session?.state !== SessionState.Established) return;
    await this.session.info({
      requestOptions: { body: { contentDisposition: 'render', contentType: DTMF_CONTENT_TYPE, content: dtmfBody(digit) } },
    });
  }

  async stats(): Promise<RTCStatsReport | undefined> {
    return (this.session?.sessionDescriptionHandler as Sdh | undefined)?.peerConnection?.getStats();
  }

  /** Clears an ended call from the snapshot. */
  dismiss() {
    if (this.call?.state === 'ended') {
      this.call = undefined;
      this.session = undefined;
      this.changed();
    }
  }

  private onInvite(invitation: Invitation) {
    if (this.call && this.call.state !== 'ended') {
      void invitation.reject({ statusCode: 486 });
      return;
    }
    const request = invitation.request;
    this.session = invitation;
    this.call = {
      id: request.callId,
      interactionId: request.getHeader('X-Warmline-Interaction'),
      caller: request.from.displayName || request.from.uri.user || 'Visitor',
      state: 'ringing',
      muted: false,
      digits: '',
      ringingSince: Date.now(),
      connectedAt: undefined,
      endReason: undefined,
    };
    invitation.delegate = {
      onCancel: () => this.end('remote-hangup'),
      onBye: () => this.end('remote-hangup'),
      onInfo: (info) => {
        const digit = info.request.getHeader('Content-Type')?.startsWith(DTMF_CONTENT_TYPE) ? parseDtmfBody(info.request.body) : undefined;
        void info.accept();
        if (digit && this.call) this.update({ digits: this.call.digits + digit });
      },
    };
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.update({ state: 'connected', connectedAt: Date.now() });
        const sdh = invitation.sessionDescriptionHandler as Sdh | undefined;
        if (sdh) this.fire('remote-stream', sdh.remoteMediaStream);
      }
      if (state === SessionState.Terminated) this.end('remote-hangup');
    });
    this.changed();
    this.fire('incoming', { ...this.call });
  }

  private end(reason: CallEndReason) {
    if (!this.call || this.call.state === 'ended') return;
    this.update({ state: 'ended', endReason: reason });
  }

  private update(change: Partial<AgentCall>) {
    if (!this.call) return;
    if (change.state && change.state !== this.call.state && !canTransition(this.call.state, change.state)) delete change.state;
    this.call = { ...this.call, ...change };
    this.changed();
  }

  private setRegistration(state: RegistrationState, problem?: string) {
    this.registration = state;
    this.problem = problem;
    this.changed();
  }

  private changed() {
    this.fire('change', this.snapshot);
  }
}
