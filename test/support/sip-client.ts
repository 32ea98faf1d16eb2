/**
 * A bare SIP-over-WebSocket endpoint for tests: sends SIP text we write by
 * hand and parses what arrives with sip.js's parser, so tests can play a
 * visitor, an agent's phone or an attacker, message by message.
 */
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';
import { parseSip, type SipRequest, type SipResponse } from '../../signaling/sip/sip-message.js';

export type Received = { text: string; message: SipRequest | SipResponse };

const rand = () => randomBytes(6).toString('hex');

export const DOMAIN = 'warmline.invalid';

export class SipClient {
  readonly received: Received[] = [];
  /** Keep-alive pongs the proxy sent back. */
  pongs = 0;
  private waiters: Array<{ match: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** This endpoint's contact: a made-up .invalid host, as sip.js uses. */
  readonly contactUser: string;
  readonly contactHost: string;
  readonly fromTag: string;

  private constructor(
    readonly ws: WebSocket,
    /** The same phone on a new WebSocket (it reconnected): same contact, same tag. */
    same?: SipClient,
  ) {
    this.contactUser = same?.contactUser ?? rand();
    this.contactHost = same?.contactHost ?? `${rand()}.invalid`;
    this.fromTag = same?.fromTag ?? rand();
    ws.on('message', (data) => {
      const text = String(data);
      // A keep-alive pong (RFC 5626 §4.4.1) is not a message.
      if (text === '\r\n') return void this.pongs++;
      const message = parseSip(text);
      if (!message) throw new Error(`the proxy sent something that is not SIP:\n${text}`);
      const received = { text, message };
      const waiter = this.waiters.find((w) => w.match(received));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      } else {
        this.received.push(received);
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static open(url: string, protocols: string[] = ['sip'], options: WebSocket.ClientOptions = {}, same?: SipClient): Promise<SipClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options);
      const client = new SipClient(ws, same);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  /** This phone again over a new WebSocket, as after a reconnect: the same contact and tag. */
  reopen(url: string): Promise<SipClient> {
    return SipClient.open(url, ['sip'], {}, this);
  }

  get contact() {
    return `sip:${this.contactUser}@${this.contactHost};transport=ws`;
  }

  send(lines: string[], body = '') {
    this.ws.send(`${[...lines, `Content-Length: ${Buffer.byteLength(body)}`].join('\r\n')}\r\n\r\n${body}`);
  }

  sendRaw(text: string) {
    this.ws.send(text);
  }

  /** The next message that matches (already received or coming). */
  next(match: (r: Received) => boolean, what = 'a message', timeoutMs = 3000): Promise<Received> {
    const index = this.received.findIndex(match);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got:\n${this.received.map((r) => r.text.split('\r\n')[0]).join('\n')}`));
      }, timeoutMs);
      const done = (r: Received) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  response(status: number, method?: string): Promise<SipResponse> {
    return this.next(
      (r) => !('ruri' in r.message && r.message.ruri) && (r.message as SipResponse).statusCode === status && (!method || r.message.method === method),
      `a ${status}${method ? ` to ${method}` : ''}`,
    ).then((r) => r.message as SipResponse);
  }

  request(method: string): Promise<SipRequest> {
    return this.next((r) => 'ruri' in r.message && !!r.message.ruri && r.message.method === method, `a ${method}`).then((r) => r.message as SipRequest);
  }

  /** Waits until one of several clients receives a request of `method`; returns that client and the request. */
  static async first(clients: SipClient[], method: string, timeoutMs = 3000): Promise<{ client: SipClient; request: SipRequest }> {
    const started = Date.now();
    for (;;) {
      for (const client of clients) {
        const index = client.received.findIndex((r) => 'ruri' in r.message && !!r.message.ruri && r.message.method === method);
        if (index >= 0) return { client, request: client.received.splice(index, 1)[0]!.message as SipRequest };
      }
      if (Date.now() - started > timeoutMs) throw new Error(`no ${method} reached any of the clients`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Nothing more arrives within a while (for things that must not happen). */
  async quiet(ms = 200): Promise<Received[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.received.splice(0);
  }

  register(user: string, token: string | undefined, options: { expires?: number; callId?: string; cseq?: number } = {}) {
    const lines = [
      `REGISTER sip:${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.contactHost};branch=z9hG4bK${rand()}`,
      'Max-Forwards: 70',
      `To: <sip:${user}@${DOMAIN}>`,
      `From: <sip:${user}@${DOMAIN}>;tag=${this.fromTag}`,
      `Call-ID: ${options.callId ?? rand()}`,
      `CSeq: ${options.cseq ?? 1} REGISTER`,
      `Contact: <${this.contact}>;expires=${options.expires ?? 600}`,
    ];
    if (token) lines.push(`Authorization: Bearer ${token}`);
    this.send(lines);
  }

  /** Starts a call to `to` (a queue or agent address); returns what later requests need. */
  invite(to: string, token: string | undefined, extra: string[] = []) {
    const call = { callId: rand(), branch: `z9hG4bK${rand()}`, to, cseq: 1, fromTag: this.fromTag };
    const lines = [
      `INVITE sip:${to}@${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.contactHost};branch=${call.branch}`,
      'Max-Forwards: 70',
      `To: <sip:${to}@${DOMAIN}>`,
      `From: "Visitor" <sip:visitor@${DOMAIN}>;tag=${call.fromTag}`,
      `Call-ID: ${call.callId}`,
      'CSeq: 1 INVITE',
      `Contact: <${this.contact}>`,
      'Content-Type: application/sdp',
      ...(token ? [`Proxy-Authorization: Bearer ${token}`] : []),
      ...extra,
    ];
    this.send(lines, 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n');
    return call;
  }

  cancel(call: { callId: string; branch: string; to: string; fromTag: string }) {
    this.send([
      `CANCEL sip:${call.to}@${DOMAIN} SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.contactHost};branch=${call.branch}`,
      'Max-Forwards: 70',
      `To: <sip:${call.to}@${DOMAIN}>`,
      `From: "Visitor" <sip:visitor@${DOMAIN}>;tag=${call.fromTag}`,
      `Call-ID: ${call.callId}`,
      'CSeq: 1 CANCEL',
    ]);
  }

  /** Answers a request as a UAS: copies Via, From, To (+tag), Call-ID, CSeq; echoes Record-Route (§12.1.1). */
  respond(request: SipRequest, status: number, reason: string, options: { toTag?: string; body?: string } = {}) {
    const to = request.getHeader('to')!;
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...request.getHeaders('via').map((v) => `Via: ${v}`),
      ...request.getHeaders('record-route').map((r) => `Record-Route: ${r}`),
      `From: ${request.getHeader('from')}`,
      `To: ${request.toTag || status === 100 ? to : `${to};tag=${options.toTag ?? rand()}`}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.getHeader('cseq')}`,
    ];
    if (status >= 180 && status < 300 && request.method === 'INVITE') lines.push(`Contact: <${this.contact}>`);
    if (options.body) lines.push('Content-Type: application/sdp');
    this.send(lines, options.body ?? '');
  }

  /**
   * A request inside a call, as the UA sends it: to the other side's
   * contact, through the proxy's Record-Route.
   */
  inDialog(
    method: string,
    dialog: { callId: string; remoteTarget: string; route: string[]; localTag: string; remoteTag: string; localUri: string; remoteUri: string },
    cseq: number,
    extra: string[] = [],
    body = '',
  ) {
    this.send(
      [
        `${method} ${dialog.remoteTarget} SIP/2.0`,
        `Via: SIP/2.0/WSS ${this.contactHost};branch=z9hG4bK${rand()}`,
        'Max-Forwards: 70',
        ...dialog.route.map((r) => `Route: ${r}`),
        `From: <${dialog.localUri}>;tag=${dialog.localTag}`,
        `To: <${dialog.remoteUri}>;tag=${dialog.remoteTag}`,
        `Call-ID: ${dialog.callId}`,
        `CSeq: ${cseq} ${method}`,
        `Contact: <${this.contact}>`,
        ...extra,
      ],
      body,
    );
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}
