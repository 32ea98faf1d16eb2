/**
 * A JSON WebSocket that reconnects by a policy and reports its state. It
 * knows nothing about chat: the owner sends its hello from `onOpen` and
 * decides what to resend. Close codes that mean "your credentials are no
 * good" stop retrying; "the server is restarting" retries at once.
 */
import { canTransition, type ConnectionState } from './connection-state.js';
import { DefaultReconnectPolicy, type ReconnectPolicy } from './reconnect-policy.js';
import { TypedEventTarget } from './typed-event-target.js';
import { CloseCode } from '../protocol/close-codes.js';

export interface ReconnectingSocketOptions {
  url: string;
  policy?: ReconnectPolicy;
  /** Called on every (re)open, before anything else is sent. */
  onOpen: () => void;
  /** For tests and non-browser use. */
  WebSocket?: typeof WebSocket;
}

interface SocketEvents extends Record<string, unknown> {
  state: ConnectionState;
  frame: unknown;
  /** The server refused the credentials (close 4001/4004): the owner must sign in or start over. */
  unauthorized: number;
}

const FATAL = new Set<number>([CloseCode.Unauthorized, CloseCode.SignedOut]);

export class ReconnectingSocket extends TypedEventTarget<SocketEvents> {
  private ws: WebSocket | undefined;
  private current: ConnectionState = 'idle';
  private retryCount = 0;
  private lostAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly policy: ReconnectPolicy;
  private readonly onOnline = () => {
    if (this.current === 'reconnecting' || this.current === 'disconnected') this.retryNow();
  };

  constructor(private readonly options: ReconnectingSocketOptions) {
    super();
    this.policy = options.policy ?? new DefaultReconnectPolicy();
  }

  get state(): ConnectionState {
    return this.current;
  }

  connect() {
    if (this.current !== 'idle' && this.current !== 'disconnected') return;
    globalThis.addEventListener?.('online', this.onOnline);
    this.open();
  }

  /** Tries again now (the "Retry" button, or the network came back). */
  retryNow() {
    if (this.current === 'closed' || this.current === 'connected' || this.current === 'connecting') return;
    clearTimeout(this.timer);
    if (this.current === 'disconnected') {
      this.retryCount = 0;
      this.lostAt = Date.now();
    }
    this.open();
  }

  send(frame: unknown): boolean {
    if (this.current !== 'connected' || !this.ws) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** A deliberate close: never retried. */
  close() {
    clearTimeout(this.timer);
    globalThis.removeEventListener?.('online', this.onOnline);
    this.setState('closed');
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, 'Closed by the client');
  }

  private open() {
    this.setState('connecting');
    const Impl = this.options.WebSocket ?? WebSocket;
    const ws = new Impl(this.options.url);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.retryCount = 0;
      this.setState('connected');
      this.options.onOpen();
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let frame: unknown;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return;
      }
      this.fire('frame', frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (FATAL.has(event.code)) {
        this.setState('disconnected');
        this.fire('unauthorized', event.code);
        return;
      }
      this.scheduleRetry(event.code === CloseCode.Restart);
    };
  }

  private scheduleRetry(immediately: boolean) {
    if (this.current === 'closed') return;
    // The clock for giving up starts when a working connection drops, or when the very first attempt fails.
    if (this.current === 'connected' || (this.current === 'connecting' && this.retryCount === 0)) this.lostAt = Date.now();
    const delay = immediately
      ? 0
      : this.policy.nextRetryDelayInMs({ retryCount: this.retryCount, elapsedMs: Date.now() - this.lostAt });
    if (delay === null) {
      this.setState('disconnected');
      return;
    }
    this.retryCount++;
    this.setState('reconnecting');
    this.timer = setTimeout(() => this.open(), delay);
  }

  private setState(next: ConnectionState) {
    if (next === this.current || !canTransition(this.current, next)) return;
    this.current = next;
    this.fire('state', next);
  }
}
