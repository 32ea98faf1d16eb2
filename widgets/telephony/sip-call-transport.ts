/**
 * The visitor's call over SIP: a sip.js user agent that connects over
 * WebSocket and INVITEs the site's queue with the visitor's conversation
 * token as a bearer credential (RFC 8898). It hears its place in line (182
 * Queued), follows an agent's transfer (REFER, RFC 3515, to the server's
 * transfer address only), and for a callback registers the conversation's
 * callback address and rings when the agent calls. Loaded only when a call
 * starts: sip.js is about 50 KB gzipped.
 *
 * A call survives what networks and servers do: when the WebSocket drops
 * (a restart, a deploy, a network change) the audio goes on browser to
 * browser, the call says `reconnecting`, the WebSocket is made again by the
 * reconnect policy and, on this server's proxy, the browser registers its
 * conversation's address over it, which gives the proxy the call back (RFC
 * 5626). When the audio path itself breaks, ICE is restarted with a
 * re-INVITE (media-recovery.ts). Only a call whose audio cannot be restored
 * ends, `connection-lost`.
 */
import {
  Inviter,
  Invitation,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  Web,
  type Core,
  type Referral,
  type Session,
} from 'sip.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { sessionDescriptionHandlers } from './session-description.js';
import { canTransition, endReasonForStatus, type CallEndReason, type CallState } from './call-state.js';
import type { CallTransportEvents, ListenOptions, VisitorCallOptions, VisitorCallTransport } from './call-transport.js';
import { DTMF_CONTENT_TYPE, dtmfBody, type DtmfDigit } from './dtmf.js';
import { isHoldOffer } from './sdp-direction.js';
import { parseQueueHeader } from './queue-header.js';
import { INTERACTION_HEADER, USER_TO_USER_HEADER, userToUserValue } from '../protocol/interaction-header.js';
import type { HangupCause } from './call-transport.js';
import { SipReconnector } from './sip-reconnector.js';
import type { ReconnectPolicy } from '../net/reconnect-policy.js';
import { MediaRecovery } from './media-recovery.js';

type Sdh = Web.SessionDescriptionHandler;

/** The display name in a P-Asserted-Identity header (RFC 3325), which the proxy sets to the agent who answered. */
function assertedName(header: string | undefined): string | undefined {
  const match = header ? /^\s*"((?:[^"\\]|\\.)*)"/.exec(header) : null;
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

const AUDIO_ONLY = { constraints: { audio: true, video: false } };

/** Why this side hangs up, for the other side (RFC 3326 Reason; Q.850 cause 16 is a normal clearing). */
const REASONS: Record<HangupCause, string> = { 'page-left': 'Reason: Q.850;cause=16;text="visitor left the page"' };

export class SipCallTransport extends TypedEventTarget<CallTransportEvents> implements VisitorCallTransport {
  private current: CallState = 'idle';
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  /** The call's current leg; a transfer replaces it. */
  private session: Session | undefined;
  private reason: CallEndReason | undefined;
  private held = false;
  private localStream: MediaStream | undefined;
  private domain = '';
  private token = '';
  private interactionId = '';
  /** This server's proxy (not an external platform): after a reconnect the browser registers its conversation's address. */
  private embedded = true;
  private reconnector: SipReconnector | undefined;
  /** Whether requests get through now: the WebSocket is up and, after a reconnect, the proxy has taken the new one. */
  private signaling = true;
  private media: MediaRecovery | undefined;
  /** The call ended here while the WebSocket was down: its BYE goes once it is back. */
  private pendingBye: Session | undefined;
  /** Places the call anew, until it is answered: a call still waiting when the WebSocket drops is placed again once it is back. */
  private placeAgain: (() => Inviter) | undefined;
  /** It dropped while the call waited or rang: place it again when back (the server keeps its place in line). */
  private placeWhenBack = false;

  constructor(
    /** When to reconnect the WebSocket: the chat's policy, from the call button's chunk (see sip-reconnector.ts). */
    private readonly policy: ReconnectPolicy,
  ) {
    super();
  }

  get state(): CallState {
    return this.current;
  }

  async start(o: VisitorCallOptions): Promise<void> {
    this.setState('connecting');
    this.localStream = o.localStream;
    this.interactionId = o.interactionId;
    this.embedded = !o.auth;
    if (!(await this.connect(o.wsUrl, o.domain, o.token, o.iceServers, undefined, o.auth))) return;
    const target = UserAgent.makeURI(o.target);
    if (!target) throw new Error(`not a SIP address: ${o.target}`);
    const headers = [`${INTERACTION_HEADER}: ${o.interactionId}`, `${USER_TO_USER_HEADER}: ${userToUserValue(o.interactionId)}`];
    // The conversation token is for this server's proxy; an external platform gets its own credentials instead.
    if (!o.auth) headers.push(`Proxy-Authorization: Bearer ${o.token}`);
    this.placeAgain = () => new Inviter(this.ua!, target, { extraHeaders: headers, sessionDescriptionHandlerOptions: AUDIO_ONLY });
    await this.call(this.placeAgain());
  }

  async listen(o: ListenOptions): Promise<void> {
    if (!(await this.connect(o.wsUrl, o.domain, o.token, o.iceServers, o.aor))) throw new Error('The phone server cannot be reached.');
    if (!(await this.registerHere(o.aor))) throw new Error('The phone server refused to ring this browser.');
  }

  /** sip.js sends an unregistering REGISTER with these headers only, not the registerer's: the credential again. */
  private async unregisterHere(): Promise<void> {
    await this.registerer?.unregister({ requestOptions: { extraHeaders: [`Authorization: Bearer ${this.token}`] } }).catch(() => undefined);
  }

  /**
   * Registers this browser for the conversation's address (RFC 8898 bearer
   * token): to ring for a callback, and after a reconnect so that the proxy
   * reaches the call under way over the new WebSocket.
   */
  private registerHere(aor = `sip:cb-${this.interactionId}@${this.domain}`): Promise<boolean> {
    const toUri = UserAgent.makeURI(aor);
    if (!this.ua || !toUri) return Promise.resolve(false);
    this.registerer ??= new Registerer(this.ua, { params: { toUri }, extraHeaders: [`Authorization: Bearer ${this.token}`] });
    const registerer = this.registerer;
    return new Promise<boolean>((resolve) => {
      void registerer
        .register({ requestDelegate: { onAccept: () => resolve(true), onReject: () => resolve(false) } })
        .catch(() => resolve(false));
    });
  }

  async answer(localStream: MediaStream): Promise<void> {
    const session = this.session;
    if (!(session instanceof Invitation) || this.current !== 'ringing') return;
    this.localStream = localStream;
    await session.accept({ sessionDescriptionHandlerOptions: AUDIO_ONLY });
  }

  async stopListening(): Promise<void> {
    if (this.session instanceof Invitation && this.current === 'ringing') {
      this.reason = 'local-hangup';
      await this.session.reject({ statusCode: 603, reasonPhrase: 'Decline' }).catch(() => undefined);
    }
    await this.unregisterHere();
    this.registerer = undefined;
    if (!this.session || this.current === 'ended') await this.ua?.stop().catch(() => undefined);
  }

  async hangup(cause?: HangupCause): Promise<void> {
    const session = this.session;
    this.reason ??= 'local-hangup';
    const extraHeaders = cause ? [REASONS[cause]] : [];
    if (session?.state === SessionState.Established && !this.signaling) {
      // The WebSocket is down: silence both ways now, and the BYE once it is back.
      const sdh = this.sdh();
      sdh?.enableSenderTracks(false);
      for (const track of sdh?.remoteMediaStream.getTracks() ?? []) track.enabled = false;
      this.pendingBye = session;
      this.finish('local-hangup', true);
      return;
    }
    try {
      if (session?.state === SessionState.Established) await session.bye({ requestOptions: { extraHeaders } });
      // No statusCode here: sip.js would add its own Reason.
      else if (session instanceof Inviter && (session.state === SessionState.Establishing || session.state === SessionState.Initial)) await session.cancel({ extraHeaders });
      else if (session instanceof Invitation && session.state !== SessionState.Terminated) await session.reject({ statusCode: 603 });
    } catch {
      // Already ending: the state listener finishes it.
    }
    this.finish('local-hangup');
  }

  setMuted(muted: boolean) {
    this.sdh()?.enableSenderTracks(!muted);
  }

  async sendDtmf(digit: DtmfDigit): Promise<void> {
    if (this.session?.state !== SessionState.Established) return;
    await this.session.info({
      requestOptions: { body: { contentDisposition: 'render', contentType: DTMF_CONTENT_TYPE, content: dtmfBody(digit) } },
    });
  }

  async stats(): Promise<RTCStatsReport | undefined> {
    return this.sdh()?.peerConnection?.getStats();
  }

  /** Starts the user agent (once). The microphone is already open: never let sip.js ask again or reach a public STUN server. */
  private async connect(
    wsUrl: string,
    domain: string,
    token: string,
    iceServers: RTCIceServer[],
    aor?: string,
    auth?: { username: string; password: string },
  ): Promise<boolean> {
    this.domain = domain;
    this.token = token;
    if (this.ua) return true;
    const random = Math.random().toString(36).slice(2, 10);
    const ua = new UserAgent({
      uri: UserAgent.makeURI(aor ?? `sip:visitor-${random}@${domain}`),
      displayName: 'Visitor',
      transportOptions: { server: wsUrl, connectionTimeout: 10 },
      // Each leg gets its own copy of the microphone: sip.js stops a leg's tracks when the
      // leg closes, and after a transfer the old leg closes while the new one goes on.
      ...sessionDescriptionHandlers(iceServers, async () => {
        if (!this.localStream) throw new Error('no microphone stream');
        return new MediaStream(this.localStream.getTracks().map((track) => track.clone()));
      }),
      // Digest credentials for an external platform (RFC 3261 §22), minted by the Warmline server for this call.
      ...(auth ? { authorizationUsername: auth.username, authorizationPassword: auth.password } : {}),
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: {
        onInvite: (invitation) => this.onIncoming(invitation),
        // An error: the server or the network dropped it, not us.
        onDisconnect: (error) => error && this.lost(),
      },
    });
    this.ua = ua;
    this.reconnector = new SipReconnector(ua, {
      policy: this.policy,
      keepTrying: () => this.current === 'reconnecting' || this.current === 'connected' || this.current === 'on-hold',
    });
    this.reconnector.on('connection', (event) => void this.onConnection(event));
    try {
      await ua.start();
      return true;
    } catch {
      this.finish('connection-lost');
      return false;
    }
  }

  /** Places (or, for a transfer, replaces) the call's leg. */
  private async call(inviter: Inviter) {
    this.watch(inviter);
    await inviter.invite({
      requestDelegate: {
        onTrying: () => this.setState('waiting'),
        onProgress: (response) => this.onProgress(response),
        onAccept: (response) => {
          const name = assertedName(response.message.getHeader('P-Asserted-Identity'));
          if (name) this.fire('agent', name);
        },
        onReject: (response) => {
          if (this.session === inviter) this.reason = endReasonForStatus(response.message.statusCode ?? 500);
        },
      },
    });
  }

  private onProgress(response: Core.IncomingResponse) {
    const status = response.message.statusCode ?? 0;
    if (status === 180 || status === 183) this.setState('ringing');
    if (status === 182) {
      this.setState('waiting');
      const place = parseQueueHeader(response.message.getHeader('X-Warmline-Queue'));
      if (place) this.fire('queued', place);
    }
  }

  /** A callback rings in. One call at a time: anything else is busy. */
  private onIncoming(invitation: Invitation) {
    if (this.session || this.current !== 'idle') {
      void invitation.reject({ statusCode: 486 });
      return;
    }
    this.watch(invitation);
    this.setState('ringing');
    this.fire('incoming', { agentName: invitation.request.from.displayName || '' });
  }

  /** Follows the session: its media, its end, the agent's re-INVITEs (hold) and REFERs (transfer). */
  private watch(session: Session) {
    this.session = session;
    session.delegate = {
      onBye: () => {
        if (this.session === session) this.reason ??= 'remote-hangup';
      },
      // A re-INVITE from the agent: on hold when their offer stops sending to us.
      onInvite: (request) => {
        this.held = isHoldOffer(request.body);
        if (this.session === session) this.refresh();
      },
      onRefer: (referral) => this.transfer(session, referral),
    };
    if (session instanceof Invitation) session.delegate.onCancel = () => (this.reason = 'remote-hangup');
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished(session);
      // A leg replaced by a transfer ends quietly. sip.js ends the session
      // before it calls onReject: let the final response name the reason first.
      if (state === SessionState.Terminated && this.session === session) queueMicrotask(() => this.finish(this.reason ?? 'remote-hangup'));
    });
  }

  /**
   * The agent transfers the call (RFC 3515): accept, and call the address
   * given, which must be one of the server's transfer addresses; sip.js
   * reports progress to the agent with NOTIFYs. The old leg ends when the
   * new one is answered (or the agent ends it first).
   */
  private transfer(previous: Session, referral: Referral) {
    const target = referral.referTo.uri;
    if (target.host.toLowerCase() !== this.domain.toLowerCase() || !target.user?.startsWith('xfer-')) {
      void referral.reject({ statusCode: 403 });
      return;
    }
    void referral.accept();
    this.held = false;
    this.fire('transferring', undefined);
    const next = referral.makeInviter({ extraHeaders: [`Proxy-Authorization: Bearer ${this.token}`], sessionDescriptionHandlerOptions: AUDIO_ONLY });
    let answered = false;
    next.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        answered = true;
        if (previous.state === SessionState.Established) void previous.bye().catch(() => undefined);
      }
      if (state === SessionState.Terminated && !answered && previous.state === SessionState.Established) {
        // The new leg failed while the agent is still on the line: back to them.
        this.session = previous;
        this.reason = undefined;
        this.setState(this.held ? 'on-hold' : 'connected');
      }
    });
    void this.call(next);
  }

  private sdh(): Sdh | undefined {
    return this.session?.sessionDescriptionHandler as Sdh | undefined;
  }

  private onEstablished(session: Session) {
    if (this.session !== session) return;
    // Answered: from now on a dropped connection keeps the call rather than placing it again.
    this.placeAgain = undefined;
    this.setState('connected');
    const sdh = session.sessionDescriptionHandler as Sdh | undefined;
    if (!sdh) return;
    this.fire('remote-stream', sdh.remoteMediaStream);
    this.media?.dispose();
    const media = new MediaRecovery(session, {
      // The visitor never holds the agent: its offers say sendrecv, and the agent's answer keeps their hold.
      held: () => false,
      callIdOwner: session instanceof Inviter,
      canSignal: () => this.signaling,
      onMedia: () => this.refresh(),
      onGiveUp: () => {
        this.reason = 'connection-lost';
        void this.hangup();
      },
      probeSignaling: () => this.reconnector?.probe() ?? Promise.resolve(false),
    });
    this.media = media;
    media.watch();
  }

  /**
   * The WebSocket dropped. A call under way goes on (its audio is browser to
   * browser) while it reconnects; a call still being set up lost its
   * INVITE with it, and a callback waiting to ring simply registers again.
   */
  private lost() {
    const state = this.current;
    if (state === 'connecting' || state === 'waiting' || (state === 'ringing' && !(this.session instanceof Invitation))) {
      // Its INVITE went with the connection (the server restarted, or the network blinked). Not answered yet,
      // so nothing of it needs keeping: it is placed again once reconnected, and keeps its place in line.
      if (!this.placeAgain) return this.finish('connection-lost');
      this.placeWhenBack = true;
      this.setState('reconnecting');
    }
    this.reconnector?.lost();
  }

  private async onConnection(event: 'down' | 'up' | 'gave-up') {
    if (event === 'down') {
      this.signaling = false;
      this.refresh();
      return;
    }
    if (event === 'gave-up') {
      // Nothing under way (a call keeps it trying): a callback waiting here is not ringable now.
      void this.pendingBye?.dispose().catch(() => undefined);
      this.pendingBye = undefined;
      if (this.current === 'ended') void this.ua?.stop().catch(() => undefined);
      else if (this.current !== 'idle') this.finish('connection-lost');
      return;
    }
    if (this.placeWhenBack) {
      this.placeWhenBack = false;
      this.signaling = true;
      const dead = this.session;
      await this.call(this.placeAgain!());
      void dead?.dispose().catch(() => undefined);
      return;
    }
    // Back: on this server's proxy, register the new WebSocket, which gives the proxy the call back.
    if (this.embedded && (this.registerer || this.session)) await this.registerHere();
    this.signaling = true;
    if (this.pendingBye) void this.pendingBye.bye().catch(() => undefined);
    this.pendingBye = undefined;
    this.refresh();
    if (!this.embedded && this.media) {
      // An external platform routes the call by the connection it came over: the agent learns the new one
      // from a target refresh; a call the agent cannot be reached in any more ends, visibly.
      const ok = await this.media.refresh();
      if (!ok && this.current !== 'ended') {
        this.reason = 'connection-lost';
        await this.hangup();
      }
    } else this.media?.signalingBack();
    if (this.current === 'ended') void this.ua?.stop().catch(() => undefined);
  }

  /** A call under way says `reconnecting` while its signaling or its audio is down. */
  private refresh() {
    const state = this.current;
    if (state !== 'connected' && state !== 'on-hold' && state !== 'reconnecting') return;
    // A call not answered yet is reconnecting until it is placed again.
    if (this.session?.state !== SessionState.Established) return;
    const down = !this.signaling || this.media?.mediaUp === false;
    this.setState(down ? 'reconnecting' : this.held ? 'on-hold' : 'connected');
  }

  /** The call is over here; with `byeWaits`, the user agent stays until the BYE has gone. */
  private finish(reason: CallEndReason, byeWaits = false) {
    if (this.current === 'ended') return;
    this.reason ??= reason;
    this.media?.dispose();
    this.setState('ended');
    this.fire('ended', this.reason);
    if (byeWaits) return;
    this.reconnector?.stop();
    void this.unregisterHere();
    void this.ua?.stop().catch(() => undefined);
  }

  private setState(next: CallState) {
    if (next === this.current || !canTransition(this.current, next)) return;
    this.current = next;
    this.fire('state', next);
  }
}
