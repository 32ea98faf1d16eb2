/**
 * The visitor's call over SIP: a sip.js user agent that does not register,
 * connects over WebSocket, and INVITEs the site's queue with the visitor's
 * conversation token as a bearer credential (RFC 8898). Loaded only when a
 * call starts: sip.js is about 50 KB gzipped.
 */
import { Inviter, SessionState, UserAgent, Web, type Session } from 'sip.js';
import { TypedEventTarget } from '../net/typed-event-target.js';
import { canTransition, endReasonForStatus, type CallEndReason, type CallState } from './call-state.js';
import type { CallTransportEvents, VisitorCallOptions, VisitorCallTransport } from './call-transport.js';
import { DTMF_CONTENT_TYPE, dtmfBody, type DtmfDigit } from './dtmf.js';
import { isHoldOffer } from './sdp-direction.js';

type Sdh = Web.SessionDescriptionHandler;

/** The display name in a P-Asserted-Identity header (RFC 3325), which the proxy sets to the agent who answered. */
function assertedName(header: string | undefined): string | undefined {
  const match = header ? /^\s*"((?:[^"\\]|\\.)*)"/.exec(header) : null;
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

export class SipCallTransport extends TypedEventTarget<CallTransportEvents> implements VisitorCallTransport {
  private current: CallState = 'idle';
  private ua: UserAgent | undefined;
  private session: Inviter | undefined;
  private reason: CallEndReason | undefined;
  private held = false;

  get state(): CallState {
    return this.current;
  }

  async start(o: VisitorCallOptions): Promise<void> {
    this.setState('connecting');
    const random = Math.random().toString(36).slice(2, 10);
    const ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:visitor-${random}@${o.domain}`),
      displayName: 'Visitor',
      transportOptions: { server: o.wsUrl, connectionTimeout: 10 },
      // The microphone is already open; never let sip.js ask again or reach a public STUN server.
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(async () => o.localStream),
      sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: o.iceServers }, iceGatheringTimeout: 1000 },
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: {
        onDisconnect: (error) => {
          if (error) this.finish('connection-lost');
        },
      },
    });
    this.ua = ua;
    try {
      await ua.start();
    } catch {
      this.finish('connection-lost');
      return;
    }
    const target = UserAgent.makeURI(o.target);
    if (!target) throw new Error(`not a SIP address: ${o.target}`);
    const inviter = new Inviter(ua, target, {
      extraHeaders: [`Proxy-Authorization: Bearer ${o.token}`],
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
    });
    this.session = inviter;
    inviter.delegate = {
      onBye: () => (this.reason ??= 'remote-hangup'),
      // A re-INVITE from the agent: on hold when their offer stops sending to us.
      onInvite: (request) => {
        this.held = isHoldOffer(request.body);
        this.setState(this.held ? 'on-hold' : 'connected');
      },
    };
    inviter.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.onEstablished(inviter);
      // sip.js ends the session before it calls onReject: let the final response name the reason first.
      if (state === SessionState.Terminated) queueMicrotask(() => this.finish(this.reason ?? 'remote-hangup'));
    });
    await inviter.invite({
      requestDelegate: {
        onTrying: () => this.setState('waiting'),
        onProgress: (response) => {
          const status = response.message.statusCode ?? 0;
          if (status === 180 || status === 183) this.setState('ringing');
        },
        onAccept: (response) => {
          const name = assertedName(response.message.getHeader('P-Asserted-Identity'));
          if (name) this.fire('agent', name);
        },
        onReject: (response) => {
          this.reason = endReasonForStatus(response.message.statusCode ?? 500);
        },
      },
    });
  }

  async hangup(): Promise<void> {
    const session = this.session;
    this.reason ??= 'local-hangup';
    try {
      if (session?.state === SessionState.Established) await session.bye();
      else if (session?.state === SessionState.Establishing || session?.state === SessionState.Initial) await session.cancel();
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

  private sdh(): Sdh | undefined {
    return this.session?.sessionDescriptionHandler as Sdh | undefined;
  }

  private onEstablished(session: Session) {
    this.setState('connected');
    const sdh = session.sessionDescriptionHandler as Sdh | undefined;
    if (!sdh) return;
    this.fire('remote-stream', sdh.remoteMediaStream);
    const pc = sdh.peerConnection;
    pc?.addEventListener('iceconnectionstatechange', () => {
      const ice = pc.iceConnectionState;
      if (ice === 'disconnected') this.setState('reconnecting');
      else if (ice === 'connected' || ice === 'completed') this.setState(this.held ? 'on-hold' : 'connected');
      else if (ice === 'failed') {
        this.reason = 'connection-lost';
        void this.hangup();
      }
    });
  }

  private finish(reason: CallEndReason) {
    if (this.current === 'ended') return;
    this.reason ??= reason;
    this.setState('ended');
    this.fire('ended', this.reason);
    void this.ua?.stop().catch(() => undefined);
  }

  private setState(next: CallState) {
    if (next === this.current || !canTransition(this.current, next)) return;
    this.current = next;
    this.fire('state', next);
  }
}
