/**
 * A WebSocket client for tests that queues incoming JSON frames so a test can
 * wait for the next frame of a given type (with a timeout that names it).
 */
import WebSocket from 'ws';

export class TestSocket {
  readonly frames: any[] = [];
  private waiters: Array<{ match: (f: any) => boolean; resolve: (f: any) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      } else {
        this.frames.push(frame);
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or coming) that matches. */
  next<T = any>(match: string | ((frame: any) => boolean), timeoutMs = 3000): Promise<T> {
    const test = typeof match === 'string' ? (f: any) => f.type === match : match;
    const index = this.frames.findIndex(test);
    if (index >= 0) return Promise.resolve(this.frames.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no ${typeof match === 'string' ? match : 'matching'} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      const done = (f: any) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push({ match: test, resolve: done });
    });
  }

  /** Frames received and not yet taken, of a type. */
  pending(type: string): any[] {
    return this.frames.filter((f) => f.type === type);
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}
