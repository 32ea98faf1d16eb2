/**
 * Keeps a call's audio path. When ICE loses its path (the network changed,
 * the visitor walked out of Wi-Fi, a route broke) the connection goes
 * `disconnected`, and `failed` if nothing comes back; the pair of addresses
 * it had found may never work again. The side that notices restarts ICE
 * (RFC 8445 §9): a re-INVITE whose offer has new ICE credentials, so both
 * ends gather candidates again and find a new path (RFC 3264 offer/answer;
 * the answerer restarts on seeing the new credentials).
 *
 * Both ends may notice at once and cross their re-INVITEs: the UA that
 * receives one while its own is pending answers 491, and each tries again
 * after a random pause, longer for the Call-ID's owner (RFC 3261 §14.1).
 * A restart needs the signaling: while the phone's WebSocket is down it
 * waits for `signalingBack()`. If the audio has not come back after
 * `giveUpMs`, the call is lost for good (`onGiveUp`).
 *
 * ```
 *  up ──ICE disconnected──▶ down ──(a moment, or ICE failed; longer if this side's WebSocket works)──▶ restarting ──re-INVITE──▶ … ──ICE connected──▶ up
 *                             └────────────── giveUpMs without audio ──────────────────────▶ given up
 * ```
 */
import { SessionState, type Session, type Web } from 'sip.js';

export interface MediaRecoveryOptions {
  /** Whether this side holds the other (its offer must say so again). */
  held: () => boolean;
  /** This side generated the dialog's Call-ID (it placed the call): it waits longer after a 491 (§14.1). */
  callIdOwner: boolean;
  /** Whether a request can be sent now (the phone's WebSocket is up). */
  canSignal: () => boolean;
  /** The audio path went down (false) or came back (true). */
  onMedia: (up: boolean) => void;
  /** The audio did not come back in time. */
  onGiveUp: () => void;
  /**
   * Asks the phone to check its WebSocket, which may have died with the
   * network: resolves whether it works (if not, the phone reconnects and
   * calls `signalingBack()`). A restart waits for the answer, so that its
   * re-INVITE does not go into a dead connection and block the dialog.
   */
  probeSignaling?: () => Promise<boolean>;
  /** How long `disconnected` may last before restarting (it often recovers by itself). */
  restartAfterMs?: number;
  giveUpMs?: number;
}

const AUDIO_ONLY = { audio: true, video: false };

export class MediaRecovery {
  private up = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  private restarting = false;
  private disposed = false;
  /** The phone's check of its WebSocket, while the audio is down. */
  private probe: Promise<boolean> | undefined;
  private pc: RTCPeerConnection | undefined;
  private readonly onIce = () => this.check();

  constructor(
    private readonly session: Session,
    private readonly o: MediaRecoveryOptions,
  ) {}

  /** Whether the audio path works now. */
  get mediaUp(): boolean {
    return this.up;
  }

  /** Starts watching the call's peer connection (once it is established). */
  watch() {
    this.pc = (this.session.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined)?.peerConnection;
    this.pc?.addEventListener('iceconnectionstatechange', this.onIce);
    this.check();
  }

  /**
   * The phone's WebSocket is back: a restart that waited for it goes in a
   * moment, the other side's own re-INVITE (which the proxy sends again over
   * the new WebSocket) being often already on its way.
   */
  signalingBack() {
    this.probe = undefined;
    if (this.up || this.restarting || this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.restart(), 500 + Math.random() * 500);
  }

  dispose() {
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.giveUpTimer);
    this.pc?.removeEventListener('iceconnectionstatechange', this.onIce);
  }

  private check() {
    if (this.disposed || !this.pc) return;
    const ice = this.pc.iceConnectionState;
    if (ice === 'connected' || ice === 'completed') return this.recovered();
    if (ice !== 'disconnected' && ice !== 'failed') return;
    if (this.up) {
      this.up = false;
      this.o.onMedia(false);
      this.probe = this.o.probeSignaling?.();
      this.giveUpTimer = setTimeout(() => this.giveUp(), this.o.giveUpMs ?? 30_000);
    }
    clearTimeout(this.timer);
    // `failed` will not come back by itself; `disconnected` often does within a moment.
    if (ice === 'failed') this.restart();
    else this.timer = setTimeout(() => this.restart(), this.o.restartAfterMs ?? 2000);
  }

  private recovered() {
    clearTimeout(this.timer);
    clearTimeout(this.giveUpTimer);
    if (this.up) return;
    this.up = true;
    this.o.onMedia(true);
  }

  /**
   * After a reconnect through a platform that routes a call's requests by
   * the connection they came over (Kamailio: the alias in each Contact),
   * tells the other side where this side is now: a target refresh (RFC 3261
   * §12.2.1.1), restarting ICE too if the audio is down. Resolves whether
   * the other side answered; if it could not be reached, neither can the
   * call any more.
   */
  refresh(): Promise<boolean> {
    clearTimeout(this.timer);
    return new Promise<boolean>((resolve) => {
      const attempt = (tries: number) => {
        if (this.disposed || this.session.state !== SessionState.Established) return resolve(false);
        this.reinvite({
          accepted: () => resolve(true),
          crossed: () => (tries < 5 ? setTimeout(() => attempt(tries + 1), this.glareDelay()) : resolve(false)),
          refused: () => resolve(false),
        });
      };
      attempt(0);
    });
  }

  /** A re-INVITE with new ICE credentials, when the audio is down and the signaling works. */
  private restart() {
    clearTimeout(this.timer);
    if (this.disposed || this.up || this.restarting || this.session.state !== SessionState.Established) return;
    if (this.probe) {
      // The WebSocket is being checked. If it is dead, signalingBack() comes instead. If it works, the other
      // side may be the one whose network changed, about to reconnect and restart ICE itself: give it a
      // moment, so that this side's re-INVITE does not go to its old, dead connection (where an external
      // platform would hold it for its whole timeout, blocking the dialog), nor cross its re-INVITE.
      const probe = this.probe;
      void probe.then((ok) => {
        if (!ok || this.probe !== probe) return;
        this.probe = undefined;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.restart(), 2000 + Math.random() * 2000);
      });
      return;
    }
    if (!this.o.canSignal()) return; // signalingBack() tries again.
    const again = (ms: number) => {
      clearTimeout(this.timer);
      if (!this.up && !this.disposed) this.timer = setTimeout(() => this.restart(), ms);
    };
    this.reinvite({
      // The new path is being checked now; `iceconnectionstatechange` says when it works. If it has not
      // found one some seconds after the answer, try once more.
      accepted: () => again(5000),
      crossed: () => again(this.glareDelay()),
      refused: () => again(2000),
    });
  }

  /**
   * One re-INVITE keeping the hold state as it is, with new ICE credentials
   * when the audio is down. `crossed`: the other end's re-INVITE crossed
   * ours (491; or 500 with Retry-After, RFC 6337 §4.3), or one of ours was
   * still under way.
   */
  private reinvite(outcome: { accepted(): void; crossed(): void; refused(): void }) {
    this.restarting = true;
    const done = (what: () => void) => {
      this.restarting = false;
      what();
    };
    const offerOptions = this.up ? {} : { iceRestart: true };
    void this.session
      .invite({
        sessionDescriptionHandlerOptions: { hold: this.o.held(), constraints: AUDIO_ONLY, offerOptions } as Web.SessionDescriptionHandlerOptions,
        requestDelegate: {
          onAccept: () => done(outcome.accepted),
          onReject: (response) => {
            const status = response.message.statusCode ?? 0;
            done(status === 491 || status === 500 ? outcome.crossed : outcome.refused);
          },
        },
      })
      .catch(() => done(outcome.crossed));
  }

  /** How long to wait after crossing re-INVITEs: longer for the Call-ID's owner, so that the two do not cross again (§14.1). */
  private glareDelay(): number {
    return this.o.callIdOwner ? 2100 + Math.random() * 1900 : Math.random() * 2000;
  }

  private giveUp() {
    if (this.disposed || this.up) return;
    this.dispose();
    this.o.onGiveUp();
  }
}
