/**
 * Keeps a phone's SIP WebSocket. When the server restarts, a deploy closes
 * it, or the network drops it, this reconnects by the same policy as the
 * chat (quick at first, then spaced out with jitter, so that a restarted
 * server is not hit by every phone in the same second) and says when the
 * connection is down and up again; the phone then registers again, which
 * gives it its calls back (RFC 5626 §4.2.1: a UA whose flow failed
 * registers over a new one). A deliberate stop never reconnects.
 *
 * A WebSocket can also die without closing (the network changed under it):
 * `probe()` sends a keep-alive (a double CRLF, RFC 5626 §4.4.1), and if no
 * pong comes back in time, closes it so that a new one is made.
 *
 * No DOM beyond the WebSocket and the `online` event; sip.js is only typed here.
 */
import type { UserAgent, Web } from 'sip.js';
import type { ReconnectPolicy } from '../net/reconnect-policy.js';
import { TypedEventTarget } from '../net/typed-event-target.js';

/** `down`: lost, reconnecting; `up`: connected again; `gave-up`: the policy stopped trying (a call still under way keeps it trying). */
export type SipConnectionEvent = 'down' | 'up' | 'gave-up';

interface ReconnectorEvents extends Record<string, unknown> {
  connection: SipConnectionEvent;
}

export interface SipReconnectorOptions {
  /**
   * When to try again: the chat's DefaultReconnectPolicy, handed in by the
   * phone's owner (the call button's chunk or the console has it already;
   * importing it here would split it into a chunk of its own for the chat).
   */
  policy: ReconnectPolicy;
  /** Whether to go on trying once the policy gives up (a call is under way: its audio may still be flowing). */
  keepTrying?: () => boolean;
  /** How long a keep-alive may wait for its pong. */
  probeTimeoutMs?: number;
}

/** The longest pause between tries once the policy has given up and a call keeps it trying. */
const KEEP_TRYING_MS = 10_000;

export class SipReconnector extends TypedEventTarget<ReconnectorEvents> {
  private retryCount = 0;
  private lostAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private down = false;
  private probing: Promise<boolean> | undefined;
  private readonly policy: ReconnectPolicy;
  private readonly onOnline = () => {
    if (this.down && !this.stopped) this.retryNow();
  };

  constructor(
    private readonly ua: UserAgent,
    private readonly o: SipReconnectorOptions,
  ) {
    super();
    this.policy = o.policy;
    globalThis.addEventListener?.('online', this.onOnline);
  }

  /** Whether the connection is lost and being made again. */
  get isDown(): boolean {
    return this.down;
  }

  /** The user agent's transport dropped (its delegate's onDisconnect, with an error: not our doing). */
  lost() {
    if (this.stopped || this.down) return;
    this.down = true;
    this.retryCount = 0;
    this.lostAt = Date.now();
    this.fire('connection', 'down');
    this.schedule();
  }

  /** Tries again now (the network came back, or the agent asked). */
  retryNow() {
    if (this.stopped || !this.down) return;
    clearTimeout(this.timer);
    this.attempt();
  }

  /**
   * Checks that the WebSocket still carries anything: a keep-alive, and
   * its pong within the timeout. When none comes, the WebSocket is closed,
   * which makes the user agent report it lost. Resolves whether it answered.
   */
  probe(): Promise<boolean> {
    const ws = (this.ua.transport as Web.Transport).ws;
    if (this.down || !ws || ws.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    this.probing ??= new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        ws.removeEventListener('message', onMessage);
        this.probing = undefined;
        if (!ok && ws.readyState !== WebSocket.CLOSED) {
          // A dead connection never completes the closing handshake, so its close event could take minutes:
          // the user agent is told now (it ignores the real one when it comes) and reconnects at once.
          ws.close(4000, 'No keep-alive pong');
          ws.dispatchEvent(new CloseEvent('close', { code: 4000, reason: 'No keep-alive pong', wasClean: false }));
        }
        resolve(ok);
      };
      const onMessage = (event: MessageEvent) => {
        if (event.data === '\r\n') done(true);
      };
      const timer = setTimeout(() => done(false), this.o.probeTimeoutMs ?? 2000);
      ws.addEventListener('message', onMessage);
      this.ua.transport.send('\r\n\r\n').catch(() => done(false));
    });
    return this.probing;
  }

  /** Never reconnects again (the phone stops). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    globalThis.removeEventListener?.('online', this.onOnline);
  }

  private schedule() {
    const delay = this.policy.nextRetryDelayInMs({ retryCount: this.retryCount, elapsedMs: Date.now() - this.lostAt });
    if (delay === null && !this.o.keepTrying?.()) {
      this.fire('connection', 'gave-up');
      return;
    }
    this.retryCount++;
    this.timer = setTimeout(() => this.attempt(), delay ?? KEEP_TRYING_MS);
  }

  private attempt() {
    if (this.stopped) return;
    this.ua.reconnect().then(
      () => {
        if (this.stopped || !this.down) return;
        this.down = false;
        this.fire('connection', 'up');
      },
      () => {
        if (!this.stopped) this.schedule();
      },
    );
  }
}
