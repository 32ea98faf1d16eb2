/**
 * Property-based fuzzing of SIP over WebSocket: the parser on arbitrary and
 * mutated messages, then the registrar and proxy on the running server,
 * from a visitor's connection and from an agent's registered phone.
 *
 * What must hold (docs/sip.md, "Bad input"; RFC 3261):
 * - `parseSip` never throws and returns in bounded time;
 * - the proxy answers every request that can be answered with one final
 *   response, and the status the rules give (400 for a missing or
 *   malformed header, 513 over 32 KB, 416 for another scheme, 483 for
 *   Max-Forwards 0, 405 outside a call, 481 for no such call, the
 *   registrar's and the router's 2xx/4xx), never 500;
 * - it answers nothing to what cannot be answered: text that is not SIP,
 *   an ACK, a request without a Via, a response with no transaction; ten
 *   unparseable messages in a row close the connection (1008), a frame over
 *   the WebSocket limit closes it with 1009;
 * - everything it sends parses as SIP; GET /healthz stays 200; and a
 *   normal call still works afterwards in the same process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { createLogger } from '../../signaling/log.js';
import { DOMAIN, SipClient } from '../support/sip-client.js';
import { createInteraction, request, signIn } from '../support/http.js';
import { sampleContext } from '../support/fixtures.js';
import { cpuMs, fuzzOptions } from '../support/fuzz.js';
import { OutgoingSip, isRequest, parseSip, type SipRequest, type SipResponse } from '../../signaling/sip/sip-message.js';
import { callRecords } from '../support/store-rows.js';

/** `limits.frameBytes` by default; checked against the server's config. */
const FRAME_BYTES = 64 * 1024;
/** The proxy's limit for one SIP message (513 above it). */
const MAX_SIP_BYTES = 32 * 1024;
/**
 * How long one parse may take. sip.js's grammar needs ~0.5 s for the
 * worst 64 KB inputs found (thousands of Contact entries) on a fast core;
 * this leaves room for slow CI machines while still catching a runaway.
 */
const PARSE_BOUND_MS = 3000;

// ── SIP messages as parts, and how to break them ─────────────────────

interface SipParts {
  start: string;
  headers: Array<[string, string]>;
  body: string;
  /** Line ending; RFC 3261 wants CRLF. */
  eol: string;
  /** Content-Length: the body's byte length, a given text, or left out. */
  contentLength: 'auto' | 'none' | { text: string };
}

function serialize(m: SipParts): string {
  const headers = [...m.headers];
  if (m.contentLength === 'auto') headers.push(['Content-Length', String(Buffer.byteLength(m.body))]);
  else if (m.contentLength !== 'none') headers.push(['Content-Length', m.contentLength.text]);
  return [m.start, ...headers.map(([n, v]) => `${n}: ${v}`)].join(m.eol) + m.eol + m.eol + m.body;
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n';

interface Party {
  /** The Via host and contact of this endpoint (made-up .invalid names, as sip.js uses). */
  host: string;
  contact: string;
  /** Credentials the valid messages carry. */
  proxyAuthorization?: string;
  authorization?: string;
  /** The address it registers. */
  aor: string;
}

/** Valid messages of every kind an endpoint sends: requests in and outside a call, and responses. */
function validMessages(p: Party, n: number): SipParts[] {
  const via = `SIP/2.0/WSS ${p.host};branch=z9hG4bK${n.toString(36)}fz`;
  const common = (method: string, to: string, cseq = 1): Array<[string, string]> => [
    ['Via', via],
    ['Max-Forwards', '70'],
    ['To', to],
    ['From', `"Visitor" <sip:visitor@${DOMAIN}>;tag=fromtag${n}`],
    ['Call-ID', `fuzz-${n}-${method.toLowerCase()}`],
    ['CSeq', `${cseq} ${method}`],
  ];
  const req = (start: string, method: string, to: string, extra: Array<[string, string]> = [], body = '', cseq = 1): SipParts => ({
    start,
    headers: [...common(method, to, cseq), ...extra],
    body,
    eol: '\r\n',
    contentLength: 'auto',
  });
  const auth: Array<[string, string]> = p.proxyAuthorization ? [['Proxy-Authorization', p.proxyAuthorization]] : [];
  const inDialog = (method: string, extra: Array<[string, string]> = [], body = '') =>
    req(`${method} sip:someone@${'a1b2c3'}.invalid;transport=ws SIP/2.0`, method, `<sip:support@${DOMAIN}>;tag=totag${n}`, [
      ['Route', `<sip:warmline-proxy@${DOMAIN};transport=ws;lr>`],
      ['Contact', `<${p.contact}>`],
      ...extra,
    ], body, 2);
  const response = (status: string, method: string): SipParts => ({
    start: `SIP/2.0 ${status}`,
    headers: [
      ['Via', `SIP/2.0/WS ${DOMAIN};branch=z9hG4bKproxy${n}`],
      ['Via', via],
      ['From', `<sip:support@${DOMAIN}>;tag=fromtag${n}`],
      ['To', `<sip:visitor@${DOMAIN}>;tag=totag${n}`],
      ['Call-ID', `fuzz-${n}-response`],
      ['CSeq', `1 ${method}`],
      ['Contact', `<${p.contact}>`],
    ],
    body: status.startsWith('200') && method === 'INVITE' ? SDP : '',
    eol: '\r\n',
    contentLength: 'auto',
  });
  return [
    req(`REGISTER sip:${DOMAIN} SIP/2.0`, 'REGISTER', `<sip:${p.aor}@${DOMAIN}>`, [
      ['Contact', `<${p.contact}>;expires=600`],
      ...(p.authorization ? ([['Authorization', p.authorization]] as Array<[string, string]>) : []),
      ['Expires', '600'],
    ]),
    req(`INVITE sip:support@${DOMAIN} SIP/2.0`, 'INVITE', `<sip:support@${DOMAIN}>`, [
      ['Contact', `<${p.contact}>`],
      ['Content-Type', 'application/sdp'],
      ['Allow', 'INVITE, ACK, CANCEL, BYE, INFO, REFER, NOTIFY'],
      ...auth,
    ], SDP),
    req(`INVITE sip:xfer-nothing@${DOMAIN} SIP/2.0`, 'INVITE', `<sip:xfer-nothing@${DOMAIN}>`, [['Contact', `<${p.contact}>`], ...auth], SDP),
    req(`INVITE sip:cb-in_nothing000@${DOMAIN} SIP/2.0`, 'INVITE', `<sip:cb-in_nothing000@${DOMAIN}>`, [['Contact', `<${p.contact}>`], ...auth], SDP),
    req(`ACK sip:support@${DOMAIN} SIP/2.0`, 'ACK', `<sip:support@${DOMAIN}>;tag=totag${n}`),
    req(`CANCEL sip:support@${DOMAIN} SIP/2.0`, 'CANCEL', `<sip:support@${DOMAIN}>`),
    req(`OPTIONS sip:${DOMAIN} SIP/2.0`, 'OPTIONS', `<sip:${DOMAIN}>`, [['Accept', 'application/sdp']]),
    req(`MESSAGE sip:support@${DOMAIN} SIP/2.0`, 'MESSAGE', `<sip:support@${DOMAIN}>`, [['Content-Type', 'text/plain']], 'hello'),
    inDialog('BYE'),
    inDialog('INFO', [['Content-Type', 'application/dtmf-relay']], 'Signal=5\r\nDuration=160\r\n'),
    inDialog('INVITE', [['Content-Type', 'application/sdp']], SDP.replace('a=rtpmap', 'a=sendonly\r\na=rtpmap')),
    inDialog('REFER', [['Refer-To', `<sip:xfer-abc@${DOMAIN}>`], ['Referred-By', `<sip:alice@${DOMAIN}>`]]),
    inDialog('ACK'),
    response('200 OK', 'INVITE'),
    response('180 Ringing', 'INVITE'),
    response('487 Request Terminated', 'INVITE'),
    response('200 OK', 'BYE'),
  ];
}

/** Values that break headers: empty, huge, NULs, unicode, injected lines, unbalanced syntax, odd numbers. */
const nastyValue: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      '', ' ', '\u0000', '\t', '<', '>', '"', '"unterminated', ';', ';;;', ',', ',,,', '*', 'sip:', '<sip:>', '<sip:@>', 'sip:a@[::1', 'tel:+123',
      '-1', '0', '00', '4294967296', '99999999999999999999', '1e400', 'NaN', '1 INVITE', 'x INVITE', '1 ACK', '1', 'INVITE',
      'SIP/2.0/WSS', 'SIP/2.0/WSS h.invalid;branch=', 'SIP/2.0/UDP 1.2.3.4:99999', 'Bearer', 'Bearer ', 'Bearer a b', 'Basic Zm9vOmJhcg==',
      'a\r\nVia: SIP/2.0/WSS evil.invalid', 'a\r\n\r\nINVITE sip:x SIP/2.0', 'a\nb', 'a\rb', 'é😀\u202e', '\ufeff', '\ud800',
      '<sip:warmline-proxy@warmline.invalid;lr>', '<sip:alice@warmline.invalid>', 'in_AAAAAAAAAAAA',
    ),
    weight: 6,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.stringMatching(/^[<>"; ,=@:a-z0-9.\\()\[\]]{0,40}$/), weight: 3 },
  // Around the proxy's limit and the frame limit: rare, since sip.js takes ~0.1 s to parse each.
  {
    arbitrary: fc.oneof(
      fc.integer({ min: MAX_SIP_BYTES - 600, max: MAX_SIP_BYTES + 200 }),
      fc.integer({ min: FRAME_BYTES - 800, max: FRAME_BYTES + 100 }),
    ).map((len) => 'a'.repeat(len)),
    weight: 1,
  },
);

const headerName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'Via', 'v', 'From', 'f', 'To', 't', 'Call-ID', 'i', 'CSeq', 'Contact', 'm', 'Content-Length', 'l', 'Content-Type', 'c', 'Max-Forwards',
    'Record-Route', 'Route', 'Refer-To', 'r', 'Expires', 'Authorization', 'Proxy-Authorization', 'X-Warmline-Interaction', 'X-Warmline-Transfer',
    'WWW-Authenticate', 'Proxy-Authenticate', 'VIA', 'call-id', 'cseq ', ' From', '', 'X-😀', 'Bad Name', 'X\u0000Y',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 12 }),
);

const startLine: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'INFO', 'UPDATE', 'REFER', 'NOTIFY', 'MESSAGE', 'SUBSCRIBE', 'PRACK', 'invite', 'FOO', '', 'INV ITE'),
      fc.constantFrom(
        `sip:support@${DOMAIN}`, `sips:support@${DOMAIN}`, `sip:${DOMAIN}`, 'tel:+15551234', 'mailto:a@b.example', 'sip:', 'sip:@', `sip:alice@${DOMAIN}`,
        `sip:support@elsewhere.example`, `sip:warmline-proxy@${DOMAIN};lr`, `sip:cb-in_AAAAAAAAAAAA@${DOMAIN}`, `sip:xfer-x@${DOMAIN}`,
        `<sip:support@${DOMAIN}>`, 'sip:a@[::1]:5060', `sip:${'a'.repeat(300)}@${DOMAIN}`, 'sip:a@b;transport=ws;lr;maddr=1.2.3.4', '*',
      ),
      fc.constantFrom('SIP/2.0', 'SIP/2.0', 'SIP/2.0', 'SIP/1.0', 'sip/2.0', 'SIP/2.0 extra', '', 'HTTP/1.1'),
    )
    .map(([method, uri, version]) => `${method} ${uri} ${version}`),
  fc
    .tuple(fc.constantFrom('100', '180', '182', '200', '202', '300', '401', '487', '500', '603', '99', '700', '1000', '0', 'abc', '-1'), fc.constantFrom('OK', '', 'Ringing', 'é😀', ' '))
    .map(([code, reason]) => `SIP/2.0 ${code} ${reason}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

type Mutation =
  | { op: 'start'; value: string }
  | { op: 'name'; at: number; name: string }
  | { op: 'value'; at: number; value: string }
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'add'; name: string; value: string }
  | { op: 'fold'; at: number }
  | { op: 'eol'; eol: string }
  | { op: 'content-length'; how: 'bigger' | 'smaller' | 'none' | 'text'; text: string }
  | { op: 'body'; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('start' as const), value: startLine }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('name' as const), at: fc.nat(), name: headerName }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('value' as const), at: fc.nat(), value: nastyValue }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('add' as const), name: headerName, value: nastyValue }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('fold' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('eol' as const), eol: fc.constantFrom('\n', '\r', '\n\r', '\r\n\r\n', ' \r\n') }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('content-length' as const),
      how: fc.constantFrom('bigger' as const, 'smaller' as const, 'none' as const, 'text' as const),
      text: fc.constantFrom('-1', 'abc', '', '1e3', '99999999999999999999', ' 5', '0x10'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('body' as const), value: fc.oneof(nastyValue, fc.constant(SDP + '\u0000')) }), weight: 1 },
);

function mutate(base: SipParts, mutations: Mutation[]): SipParts {
  const m: SipParts = { ...base, headers: base.headers.map(([n, v]) => [n, v] as [string, string]) };
  for (const mu of mutations) {
    const i = m.headers.length ? ('at' in mu ? mu.at % m.headers.length : 0) : -1;
    switch (mu.op) {
      case 'start':
        m.start = mu.value;
        break;
      case 'name':
        if (i >= 0) m.headers[i]![0] = mu.name;
        break;
      case 'value':
        if (i >= 0) m.headers[i]![1] = mu.value;
        break;
      case 'delete':
        if (i >= 0) m.headers.splice(i, 1);
        break;
      case 'duplicate':
        if (i >= 0) m.headers.splice(i, 0, [...m.headers[i]!]);
        break;
      case 'add':
        m.headers.splice(mu.name.length % (m.headers.length + 1), 0, [mu.name, mu.value]);
        break;
      case 'fold':
        // Header folding (RFC 3261 §7.3.1): a value continued on the next line after whitespace.
        if (i >= 0) m.headers[i]![1] = m.headers[i]![1].replace(/ |;|$/, '\r\n\t$&');
        break;
      case 'eol':
        m.eol = mu.eol;
        break;
      case 'content-length': {
        const bytes = Buffer.byteLength(m.body);
        m.contentLength =
          mu.how === 'bigger' ? { text: String(bytes + 1 + (mu.text.length % 50)) } : mu.how === 'smaller' ? { text: String(Math.max(0, bytes - 1 - (mu.text.length % 50))) } : mu.how === 'none' ? 'none' : { text: mu.text };
        break;
      }
      case 'body':
        m.body = mu.value;
        break;
    }
  }
  return m;
}

type RawMutation = { op: 'none' } | { op: 'truncate'; at: number } | { op: 'insert'; at: number; text: string } | { op: 'prefix'; text: string };

const rawMutation: fc.Arbitrary<RawMutation> = fc.oneof(
  { arbitrary: fc.constant({ op: 'none' as const }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\u0000', '\r', '\n', '\r\n', ':', ' ', '😀', '\r\n\r\n') }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('prefix' as const), text: fc.constantFrom('\r\n', '\r\n\r\n', ' ', '\ufeff') }), weight: 1 },
);

function mutateRaw(text: string, m: RawMutation): string {
  if (m.op === 'truncate') return text.slice(0, m.at % (text.length + 1));
  if (m.op === 'insert') {
    const i = m.at % (text.length + 1);
    return text.slice(0, i) + m.text + text.slice(i);
  }
  return m.op === 'prefix' ? m.text + text : text;
}

type Wire = { kind: 'text'; text: string } | { kind: 'binary'; bytes: Uint8Array };

/** Any message an endpoint could send: valid, mutated, random text, random bytes. */
function wires(party: Party): fc.Arbitrary<Wire> {
  const valid = fc.tuple(fc.nat(), fc.nat()).map(([n, k]) => {
    const all = validMessages(party, n);
    return all[k % all.length]!;
  });
  const text = (t: string): Wire => ({ kind: 'text', text: t });
  return fc.oneof(
    { arbitrary: valid.map((m) => text(serialize(m))), weight: 3 },
    {
      arbitrary: fc
        .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }), rawMutation)
        .map(([m, ms, raw]) => text(mutateRaw(serialize(mutate(m, ms)), raw))),
      weight: 10,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map(text), weight: 1 },
    { arbitrary: fc.constantFrom('', '\r\n', '\r\n\r\n', 'garbage', 'INVITE\r\n\r\n', 'SIP/2.0 200 OK\r\n\r\n', `OPTIONS sip:${DOMAIN} SIP/2.0\r\n\r\n`).map(text), weight: 1 },
    {
      arbitrary: fc
        .oneof(fc.uint8Array({ maxLength: 300 }), valid.map((m) => new Uint8Array(Buffer.from(serialize(m)))))
        .map((bytes): Wire => ({ kind: 'binary', bytes })),
      weight: 1,
    },
  );
}

/** What the server reads from a frame: text frames as they are, binary ones as UTF-8 (server.ts). */
const serverText = (wire: Wire) => (wire.kind === 'text' ? Buffer.from(wire.text, 'utf8').toString('utf8') : Buffer.from(wire.bytes).toString('utf8'));
const frameBytes = (wire: Wire) => (wire.kind === 'text' ? Buffer.byteLength(wire.text) : wire.bytes.length);

// ── (a) The parser ───────────────────────────────────────────────────

describe('fuzzing parseSip: arbitrary and mutated messages', () => {
  it('never throws, returns a message or undefined in bounded time, and what it returns can be forwarded', (t) => {
    const party: Party = { host: 'p4rser.invalid', contact: 'sip:u1@p4rser.invalid;transport=ws', aor: 'alice', proxyAuthorization: 'Bearer abc', authorization: 'Bearer abc' };
    let parsed = 0;
    let slowest = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const runs = 1000;
    fc.assert(
      fc.property(wires(party), (wire) => {
        const data = serverText(wire);
        const begin = performance.now();
        const message = parseSip(data);
        const ms = performance.now() - begin;
        slowest = Math.max(slowest, ms);
        assert.ok(ms < PARSE_BOUND_MS, `parsing took ${Math.round(ms)} ms`);
        if (!message) return;
        parsed++;
        assert.equal(typeof message.method === 'string' || typeof (message as SipResponse).statusCode === 'number', true);
        // The proxy copies what it forwards; that must not throw either.
        OutgoingSip.from(message).toString();
      }),
      fuzzOptions(runs),
    );
    t.diagnostic(`parseSip: ${runs} runs in ${Math.round(performance.now() - started)} ms, ${cpuMs(cpu)} ms CPU (${parsed} parsed, slowest ${Math.round(slowest)} ms)`);
  });
});

// ── (b) The proxy, over real WebSockets ──────────────────────────────

/** A raw SIP-over-WebSocket endpoint: keeps everything the proxy sends and checks that it parses. */
class FuzzSip {
  readonly received: Array<{ text: string; message: SipRequest | SipResponse }> = [];
  readonly problems: string[] = [];
  closedWith?: { code: number; reason: string };
  private wake: () => void = () => {};

  /** Keep-alive pongs (a bare CRLF, RFC 5626 §4.4.1) the proxy sent back. */
  pongs = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      if (text === '\r\n') {
        this.pongs++;
        this.wake();
        return;
      }
      const message = parseSip(text);
      if (!message) this.problems.push(`the proxy sent something that is not SIP: ${text.slice(0, 300)}`);
      else {
        if (!isRequest(message) && message.statusCode === 500) this.problems.push(`the proxy failed on a message (500): ${text.slice(0, 300)}`);
        this.received.push({ text, message });
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closedWith = { code, reason: String(reason) };
      this.wake();
    });
    ws.on('error', () => {});
  }

  static open(url: string): Promise<FuzzSip> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['sip']);
      const client = new FuzzSip(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(wire: Wire) {
    if (!this.open) return;
    if (wire.kind === 'binary') this.ws.send(wire.bytes, { binary: true });
    else this.ws.send(wire.text);
  }

  async until(match: (m: SipRequest | SipResponse) => boolean, from: number, what: string, timeoutMs = 3000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex((r, i) => i >= from && match(r.message));
      if (index >= 0) return index;
      if (this.closedWith) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms (did the proxy hang?); got ${this.received.slice(from).map((r) => r.text.split('\r\n')[0]).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async closed(timeoutMs = 3000) {
    await this.until(() => false, this.received.length, 'close', timeoutMs).catch(() => undefined);
    if (!this.closedWith) throw new Error(`the connection did not close within ${timeoutMs} ms`);
    return this.closedWith;
  }
}

const isResponse = (m: SipRequest | SipResponse): m is SipResponse => !isRequest(m);

/** An OPTIONS outside a call: always 200, and it resets the count of unparseable messages. */
function probe(n: number): { wire: Wire; answers: (m: SipRequest | SipResponse) => boolean } {
  const callId = `probe-${n}-${Date.now()}`;
  const text = [
    `OPTIONS sip:${DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/WSS pr0be.invalid;branch=z9hG4bKprobe${n}`,
    'Max-Forwards: 70',
    `To: <sip:${DOMAIN}>`,
    `From: <sip:probe@${DOMAIN}>;tag=probe`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { wire: { kind: 'text', text }, answers: (m) => isResponse(m) && m.callId === callId && m.statusCode === 200 };
}

type SipExpected =
  | { kind: 'too-large' }
  | { kind: 'nothing'; why: string }
  | { kind: 'answer'; statuses: readonly number[]; provisional: readonly number[]; request: SipRequest }
  /** sip.js's parser refused it over this one header: a request that can be answered gets 400 naming it. */
  | { kind: 'malformed'; header: string }
  /** Refused by the parser, too big to find out why here: nothing, or a 400. */
  | { kind: 'unparsed'; data: string };

const CANONICAL: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type', r: 'refer-to' };

/**
 * Why sip.js's parser refused a message, if one header line is to blame:
 * the (lower-case, full) name of the line whose removal makes it a request
 * the proxy can answer (not an ACK, with a Via); null if there is none;
 * 'unknown' for messages with too many lines to try each.
 */
function soleCulprit(data: string): string | null | 'unknown' {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [start, ...rest] = data.slice(0, end).split('\r\n');
  const head = parseSip(`${start}\r\n\r\n`);
  if (!head || !isRequest(head)) return null;
  const lines: string[] = [];
  for (const line of rest) {
    if (lines.length && /^\s/.test(line)) lines[lines.length - 1] += `\r\n${line}`;
    else lines.push(line);
  }
  // Trying each line costs a parse per line: big messages are left to the looser check.
  if (lines.length > 40 || data.length > 8192) return 'unknown';
  for (let i = 0; i < lines.length; i++) {
    const without = parseSip(`${[start, ...lines.filter((_, j) => j !== i)].join('\r\n')}\r\n\r\n`);
    if (!without || !isRequest(without)) continue;
    const name = lines[i]!.slice(0, lines[i]!.indexOf(':')).trim().toLowerCase();
    const full = CANONICAL[name] ?? name;
    // Without its top Via there is nobody to answer; an ACK is never answered.
    const isTopVia = full === 'via' && lines.slice(0, i).every((l) => !['via', 'v'].includes(l.slice(0, l.indexOf(':')).trim().toLowerCase()));
    return isTopVia || without.method === 'ACK' || !without.hasHeader('via') ? null : full;
  }
  return null;
}

const MANDATORY = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

/**
 * The answer docs/sip.md gives a message, from the first check that fails;
 * past the checks every request has, the statuses its method can get.
 */
function expectedFor(wire: Wire, role: 'visitor' | 'agent'): SipExpected {
  if (frameBytes(wire) > FRAME_BYTES) return { kind: 'too-large' };
  const data = serverText(wire);
  if (!data.trim()) return { kind: 'nothing', why: 'a keep-alive' };
  if (Buffer.byteLength(data) > MAX_SIP_BYTES) {
    // Not parsed at all (docs/sip.md): 513 when the start line and the headers a response copies,
    // each at most 1 KB within the first 16 KB, make a request that can be answered.
    const lines = data.slice(0, 16 * 1024).split(/\r?\n/);
    const copied = lines.slice(1).filter((l) => l.length <= 1024 && /^(via|v|from|f|to|t|call-id|i|cseq)\s*:/i.test(l));
    const head = parseSip([lines[0] ?? '', ...copied, 'Content-Length: 0', '', ''].join('\r\n'));
    if (head && isRequest(head) && head.method !== 'ACK' && head.hasHeader('via')) return { kind: 'answer', statuses: [513], provisional: [], request: head };
    return { kind: 'nothing', why: 'too large to read' };
  }
  const message = parseSip(data);
  if (!message) {
    const culprit = soleCulprit(data);
    if (culprit === 'unknown') return { kind: 'unparsed', data };
    return culprit ? { kind: 'malformed', header: culprit } : { kind: 'nothing', why: 'not SIP' };
  }
  if (!isRequest(message)) return { kind: 'nothing', why: 'a response without a transaction' };
  const r = message;
  if (r.method === 'ACK') return { kind: 'nothing', why: 'an ACK (never answered)' };
  if (!r.hasHeader('via')) return { kind: 'nothing', why: 'no Via to answer to' };
  const answer = (statuses: readonly number[], provisional: readonly number[] = []): SipExpected => ({ kind: 'answer', statuses, provisional, request: r });
  const parsedOk = { via: !!r.via, from: !!r.from, to: !!r.to, 'call-id': !!r.callId, cseq: !!r.cseq };
  for (const h of MANDATORY) if (!r.hasHeader(h) || !parsedOk[h]) return answer([400]);
  if ((r.getHeader('cseq') ?? '').trim().split(/\s+/)[1] !== r.method) return answer([400]);
  if (Number(r.getHeader('content-length') ?? 0) > Buffer.byteLength(r.body ?? '')) return answer([400]);
  if (r.ruri?.scheme !== 'sip' && r.ruri?.scheme !== 'sips') return answer([416]);
  const maxForwards = r.hasHeader('max-forwards') ? Number(r.getHeader('max-forwards')) : 70;
  if (!Number.isInteger(maxForwards) || maxForwards < 0) return answer([400]);
  if (r.method === 'REGISTER') return answer([200, 400, 401, 403, 404, 423]);
  // No call is ringing or set up on this server while fuzzing: nothing to cancel, no call to be in.
  if (r.method === 'CANCEL') return answer([481]);
  if (r.toTag) return answer(maxForwards === 0 ? [483] : [481]);
  if (r.method === 'OPTIONS') return answer([200]);
  if (r.method === 'INVITE') {
    if (maxForwards === 0) return answer([483]);
    // A visitor's call to a queue nobody staffs is refused at once (480) after 100 Trying.
    return role === 'visitor' ? answer([400, 403, 404, 407, 480, 486], [100]) : answer([400, 403, 404, 480], [100]);
  }
  return answer([405]);
}

describe('fuzzing the SIP proxy over WebSocket', () => {
  let server: TestServer;
  const sipUrl = () => `${server.wsUrl}/sip`;
  const escaped: unknown[] = [];
  const record = (err: unknown) => escaped.push(err);
  const tally = new Map<string, number>();
  const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
  let visitorToken = '';
  let aliceToken = '';

  /** What the server logs as errors: a handler or the proxy failing on input is a bug. */
  const logged: string[] = [];
  const log = createLogger('error', (line) => logged.push(line));

  const healthy = async () => {
    assert.equal((await request(server.url, '/healthz')).status, 200, 'GET /healthz');
    assert.deepEqual(escaped, [], 'nothing escaped as an uncaught exception or unhandled rejection');
    assert.deepEqual(logged, [], 'the server logged no errors');
  };

  before(async () => {
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
    // Each run's call ends with its sockets: no waiting for phones to come back (sip-recovery.test.ts covers that).
    server = await startTestServer({ sip: { recoverySeconds: 0 } }, { log });
    assert.equal(server.services.config.limits.frameBytes, FRAME_BYTES);
    visitorToken = (await createInteraction(server.url, sampleContext())).token;
    aliceToken = (await signIn(server.url, 'alice')).token;
  });
  after(async () => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    await server.close();
  });

  /** A connection, opened again (and registered, for the agent) whenever a test message closed it. */
  function connection(register?: Party) {
    let client: FuzzSip | undefined;
    return {
      async get() {
        if (client?.open) return client;
        if (client) assert.deepEqual(client.problems, []);
        client = await FuzzSip.open(sipUrl());
        if (register) {
          client.send({ kind: 'text', text: serialize(validMessages(register, 0)[0]!) });
          assert.notEqual(await client.until((m) => isResponse(m) && m.statusCode === 200 && m.method === 'REGISTER', 0, '200 to REGISTER'), undefined);
        }
        return client;
      },
      close() {
        client?.ws.close();
      },
    };
  }

  /** One message, then a probe: what arrived in between is the proxy's answer to the message. */
  async function exchange(conn: ReturnType<typeof connection>, wire: Wire, role: 'visitor' | 'agent', n: number) {
    const client = await conn.get();
    const expected = expectedFor(wire, role);
    const from = client.received.length;
    client.send(wire);
    if (expected.kind === 'too-large') {
      count('over the frame limit: closed 1009');
      assert.equal((await client.closed()).code, 1009);
      return;
    }
    const p = probe(n);
    client.send(p.wire);
    const index = await client.until(p.answers, from, 'the 200 to the probe OPTIONS');
    assert.ok(index !== undefined, `the connection closed: ${JSON.stringify(client.closedWith)}`);
    const answers = client.received.slice(from, index).map((r) => r.message);
    const statuses = answers.map((m) => (isResponse(m) ? m.statusCode : m.method));
    assert.deepEqual(client.problems, []);
    if (expected.kind === 'nothing') {
      count(`nothing: ${expected.why}`);
      assert.deepEqual(statuses, [], `nothing is answered to ${expected.why}`);
      return;
    }
    if (expected.kind === 'malformed') {
      count(`malformed ${expected.header} → ${statuses.join(' ')}`);
      assert.deepEqual(statuses, [400], `a 400 for the malformed ${expected.header}`);
      assert.equal(((answers[0] as SipResponse).reasonPhrase ?? '').toLowerCase(), `malformed ${expected.header}`);
      return;
    }
    if (expected.kind === 'unparsed') {
      // Too big to find the culprit line by line here: a 400 or nothing, never anything else.
      count(statuses.length ? 'unparsed: 400' : 'unparsed: nothing');
      assert.ok(statuses.length === 0 || (statuses.length === 1 && statuses[0] === 400), `at most a 400: ${statuses.join(', ')}`);
      return;
    }
    const final = answers.filter((m): m is SipResponse => isResponse(m) && (m.statusCode ?? 0) >= 200);
    const provisional = answers.filter((m): m is SipResponse => isResponse(m) && (m.statusCode ?? 0) < 200);
    count(`${expected.request.method} → ${statuses.join(' ')}`);
    assert.equal(answers.length, final.length + provisional.length, `only responses: ${statuses.join(', ')}`);
    assert.equal(final.length, 1, `one final response to the ${expected.request.method}: ${statuses.join(', ')}`);
    assert.ok(expected.statuses.includes(final[0]!.statusCode ?? 0), `${expected.request.method} answered ${final[0]!.statusCode}, expected one of ${expected.statuses.join(', ')}`);
    for (const m of provisional) assert.ok(expected.provisional.includes(m.statusCode ?? 0), `provisional ${m.statusCode}`);
    for (const m of [...provisional, ...final]) {
      assert.equal(m.callId, expected.request.callId || m.callId, 'the Call-ID is copied');
      assert.equal(m.viaBranch, expected.request.viaBranch, 'the top Via is copied (§8.2.6.2)');
    }
  }

  async function run(name: string, t: { diagnostic(m: string): void }, numRuns: number, conn: ReturnType<typeof connection>, party: Party, role: 'visitor' | 'agent') {
    tally.clear();
    let n = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    try {
      await fc.assert(
        fc.asyncProperty(wires(party), async (wire) => {
          await exchange(conn, wire, role, n++);
          if (n % 50 === 0) await healthy();
        }),
        fuzzOptions(numRuns),
      );
    } finally {
      conn.close();
    }
    await healthy();
    t.diagnostic(`${name}: ${numRuns} runs in ${Math.round(performance.now() - started)} ms, ${cpuMs(cpu)} ms CPU (server and test together)`);
    t.diagnostic(`  ${[...tally].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, c]) => `${k}: ${c}`).join('; ')}`);
  }

  it('a visitor’s connection: random and mutated messages (no agent signed in)', async (t) => {
    const party: Party = {
      host: 'v1sitor.invalid',
      contact: 'sip:v1@v1sitor.invalid;transport=ws',
      aor: 'cb-in_nothing000',
      proxyAuthorization: `Bearer ${visitorToken}`,
      authorization: `Bearer ${visitorToken}`,
    };
    await run('visitor connection', t, 300, connection(), party, 'visitor');
  });

  it('an agent’s registered phone: random and mutated messages', async (t) => {
    const party: Party = { host: 'ag3nt.invalid', contact: 'sip:a1@ag3nt.invalid;transport=ws', aor: 'alice', authorization: `Bearer ${aliceToken}` };
    await run('agent connection', t, 300, connection(party), party, 'agent');
  });

  /**
   * Inside a call: the agent's phone answers a real INVITE with a mutated
   * response, or a party sends a mutated request in an answered call, or
   * the caller a mutated CANCEL while it rings. Whatever it is, nobody gets
   * a 500 or something that is not SIP, both connections still answer,
   * and once both close the proxy holds nothing of the call any more.
   */
  it('inside a call: mutated responses to a ringing INVITE, mutated requests in an answered call, mutated CANCELs', async (t) => {
    const { token: conversation } = await createInteraction(server.url, sampleContext());
    const scenario = fc.record({
      kind: fc.constantFrom('agent-response' as const, 'caller-in-dialog' as const, 'agent-in-dialog' as const, 'caller-cancel' as const),
      status: fc.constantFrom('180 Ringing', '183 Session Progress', '200 OK', '486 Busy Here', '603 Decline', '500 Server Internal Error', '302 Moved Temporarily'),
      method: fc.constantFrom('BYE', 'INFO', 'INVITE', 'REFER', 'NOTIFY', 'UPDATE', 'ACK', 'MESSAGE'),
      mutations: fc.array(mutation, { maxLength: 2 }),
      raw: rawMutation,
    });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const runs = 60;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        n++;
        const agent = await SipClient.open(sipUrl());
        const caller = await SipClient.open(sipUrl());
        try {
          agent.register('alice', aliceToken);
          await agent.response(200, 'REGISTER');
          const call = caller.invite('support', conversation);
          const invite = await agent.request('INVITE');
          const toTag = `fz${n}`;
          const record = invite.getHeader('record-route')!;
          let parts: SipParts;
          let sender: SipClient;
          if (sc.kind === 'agent-response') {
            sender = agent;
            parts = {
              start: `SIP/2.0 ${sc.status}`,
              headers: [
                ...invite.getHeaders('via').map((v) => ['Via', v] as [string, string]),
                ['Record-Route', record],
                ['From', invite.getHeader('from')!],
                ['To', `${invite.getHeader('to')};tag=${toTag}`],
                ['Call-ID', invite.callId],
                ['CSeq', invite.getHeader('cseq')!],
                ['Contact', `<${agent.contact}>`],
              ],
              body: sc.status.startsWith('2') ? 'v=0\r\n' : '',
              eol: '\r\n',
              contentLength: 'auto',
            };
          } else if (sc.kind === 'caller-cancel') {
            sender = caller;
            agent.respond(invite, 180, 'Ringing', { toTag });
            await caller.response(180, 'INVITE');
            parts = {
              start: `CANCEL sip:support@${DOMAIN} SIP/2.0`,
              headers: [
                ['Via', `SIP/2.0/WSS ${caller.contactHost};branch=${call.branch}`],
                ['Max-Forwards', '70'],
                ['To', `<sip:support@${DOMAIN}>`],
                ['From', `"Visitor" <sip:visitor@${DOMAIN}>;tag=${call.fromTag}`],
                ['Call-ID', call.callId],
                ['CSeq', '1 CANCEL'],
              ],
              body: '',
              eol: '\r\n',
              contentLength: 'auto',
            };
          } else {
            agent.respond(invite, 200, 'OK', { toTag, body: 'v=0\r\n' });
            await caller.response(200, 'INVITE');
            const fromCaller = sc.kind === 'caller-in-dialog';
            sender = fromCaller ? caller : agent;
            const [local, remote] = fromCaller ? [caller, agent] : [agent, caller];
            const [localTag, remoteTag] = fromCaller ? [call.fromTag, toTag] : [toTag, call.fromTag];
            parts = {
              start: `${sc.method} ${remote.contact} SIP/2.0`,
              headers: [
                ['Via', `SIP/2.0/WSS ${local.contactHost};branch=z9hG4bKindialog${n}`],
                ['Max-Forwards', '70'],
                ['Route', record],
                ['From', `<sip:${fromCaller ? 'visitor' : 'support'}@${DOMAIN}>;tag=${localTag}`],
                ['To', `<sip:${fromCaller ? 'support' : 'visitor'}@${DOMAIN}>;tag=${remoteTag}`],
                ['Call-ID', call.callId],
                ['CSeq', `${fromCaller ? 2 : 101} ${sc.method}`],
                ['Contact', `<${local.contact}>`],
                ...(sc.method === 'REFER' ? ([['Refer-To', `<sip:xfer-x@${DOMAIN}>`]] as Array<[string, string]>) : []),
                ...(sc.method === 'INVITE' ? ([['Content-Type', 'application/sdp']] as Array<[string, string]>) : []),
              ],
              body: sc.method === 'INVITE' ? 'v=0\r\na=sendonly\r\n' : sc.method === 'INFO' ? 'Signal=5\r\nDuration=160\r\n' : '',
              eol: '\r\n',
              contentLength: 'auto',
            };
          }
          sender.sendRaw(mutateRaw(serialize(mutate(parts, sc.mutations)), sc.raw));
          // Both ends still get answers, and nobody heard a 500.
          for (const [i, client] of [agent, caller].entries()) {
            const p = probe(n * 2 + i);
            client.sendRaw((p.wire as { text: string }).text);
            await client.next((r) => p.answers(r.message), `the 200 to a probe after ${sc.kind}`);
            const failures = client.received.filter((r) => isResponse(r.message) && r.message.statusCode === 500);
            assert.deepEqual(failures.map((r) => r.text.split('\r\n')[0]), [], 'no 500');
          }
        } finally {
          await Promise.all([agent.close(), caller.close()]);
        }
        // Once both are gone, nothing of the call is left in the proxy.
        const deadline = Date.now() + 2000;
        const forgotten = { flows: 0, phones: 0, ringing: 0, calls: 0, reconnecting: 0 };
        while (JSON.stringify(server.services.sip.stats()) !== JSON.stringify(forgotten) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 5));
        }
        assert.deepEqual(server.services.sip.stats(), forgotten, 'the proxy forgot the call');
        if (n % 30 === 0) await healthy();
      }),
      fuzzOptions(runs),
    );
    await healthy();
    t.diagnostic(`inside a call: ${runs} runs in ${Math.round(performance.now() - started)} ms, ${cpuMs(cpu)} ms CPU (server and test together)`);
  });

  it('bursts: ten unparseable messages in a row close the connection (1008); keep-alives do not count (each gets its pong), SIP resets the count', async (t) => {
    const garbage: Wire[] = ['garbage', 'INVITE\r\n\r\n', '\u0000', 'SIP/2.0 999\r\n'].map((text) => ({ kind: 'text', text }));
    const keepAlive: Wire = { kind: 'text', text: '\r\n\r\n' };
    const burst = fc.array(
      fc.oneof({ arbitrary: fc.constantFrom(...garbage), weight: 8 }, { arbitrary: fc.constant(keepAlive), weight: 1 }, { arbitrary: fc.constant('probe' as const), weight: 1 }),
      { minLength: 5, maxLength: 25 },
    );
    let closedCount = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await fc.assert(
      fc.asyncProperty(burst, async (items) => {
        const client = await FuzzSip.open(sipUrl());
        try {
          let bad = 0;
          let closes = false;
          for (const [i, item] of items.entries()) {
            if (item === 'probe') bad = 0;
            else if (item !== keepAlive) bad++;
            if (bad >= 10) closes = true;
            client.send(item === 'probe' ? probe(i).wire : item);
          }
          if (closes) {
            closedCount++;
            assert.equal((await client.closed()).code, 1008);
            return;
          }
          const p = probe(items.length);
          client.send(p.wire);
          assert.notEqual(await client.until(p.answers, 0, 'the 200 to the probe'), undefined, `closed: ${JSON.stringify(client.closedWith)}`);
          assert.deepEqual(client.problems, []);
          assert.equal(client.pongs, items.filter((item) => item === keepAlive).length, 'one pong per keep-alive');
        } finally {
          client.ws.close();
        }
      }),
      fuzzOptions(60),
    );
    t.diagnostic(`bursts: 60 runs in ${Math.round(performance.now() - started)} ms, ${cpuMs(cpu)} ms CPU (${closedCount} closed with 1008)`);
    await healthy();
  });

  // Found by the fuzzing: sip.js's parser drops a whole message over one malformed header, so these
  // requests, which the proxy's own checks meant to answer 400, got no answer at all.
  it('answers 400 naming the header to a request with one malformed header, and nothing when the Via or the method forbid it', async () => {
    const client = await FuzzSip.open(sipUrl());
    let branch = 0;
    const lines = (over: Record<string, string | null> = {}, start = `INVITE sip:support@${DOMAIN} SIP/2.0`) => {
      const headers: Record<string, string | null> = {
        Via: `SIP/2.0/WSS m4l.invalid;branch=z9hG4bKmal${++branch}`,
        'Max-Forwards': '70',
        To: `<sip:support@${DOMAIN}>`,
        From: `<sip:visitor@${DOMAIN}>;tag=m1`,
        'Call-ID': `malformed-${Math.random()}`,
        CSeq: `1 ${start.split(' ')[0]}`,
        Contact: '<sip:m@m4l.invalid;transport=ws>',
        ...over,
      };
      const text = [start, ...Object.entries(headers).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`), 'Content-Length: 0', '', ''].join('\r\n');
      return { kind: 'text', text } as Wire;
    };
    const cases: Array<[string, Wire, string | null]> = [
      ['a malformed From', lines({ From: '<<<' }), 'Malformed From'],
      ['a malformed To', lines({ To: '' }), 'Malformed To'],
      ['a malformed Call-ID', lines({ 'Call-ID': 'a b' }), 'Malformed Call-ID'],
      ['a malformed CSeq', lines({ CSeq: 'x INVITE' }), 'Malformed CSeq'],
      ['a malformed Contact', lines({ Contact: '<sip:' }), 'Malformed Contact'],
      ['a malformed Max-Forwards', lines({ 'Max-Forwards': 'many' }), 'Malformed Max-Forwards'],
      ['a malformed Content-Type', lines({ 'Content-Type': '/' }), 'Malformed Content-Type'],
      ['a malformed Record-Route', lines({ 'Record-Route': '<>' }), 'Malformed Record-Route'],
      ['a malformed Refer-To', lines({ 'Refer-To': '<' }), 'Malformed Refer-To'],
      ['a compact m: header', lines({ Contact: null, m: '<sip:' }), 'Malformed Contact'],
      // From the fuzzing: a line starting with CR continues the Contact before it, for sip.js.
      ['a Contact continued by a line starting with CR', lines({ Contact: '<sip:m@m4l.invalid;transport=ws>\r\n\r!: x' }), 'Malformed Contact'],
      ['a malformed OPTIONS', lines({ From: '<<<' }, `OPTIONS sip:${DOMAIN} SIP/2.0`), 'Malformed From'],
      ['a malformed top Via', lines({ Via: 'SIP/2.0/WSS' }), null],
      ['a malformed ACK', lines({ From: '<<<' }, `ACK sip:support@${DOMAIN} SIP/2.0`), null],
      ['two malformed headers', lines({ From: '<<<', To: '<<<' }), null],
    ];
    for (const [n, [what, wire, reason]] of cases.entries()) {
      const from = client.received.length;
      client.send(wire);
      const p = probe(n);
      client.send(p.wire);
      const index = await client.until(p.answers, from, `the probe after ${what}`);
      const answers = client.received.slice(from, index).map((r) => r.message as SipResponse);
      if (reason === null) assert.deepEqual(answers.map((m) => m.statusCode), [], `nothing for ${what}`);
      else {
        assert.deepEqual(answers.map((m) => `${m.statusCode} ${m.reasonPhrase}`), [`400 ${reason}`], what);
        const sentBranch = /branch=(z9hG4bKmal\d+)/.exec(wire.kind === 'text' ? wire.text : '')![1];
        assert.equal(answers[0]!.viaBranch, sentBranch, `the 400 to ${what} answers its transaction`);
      }
    }
    // §18.3: a body shorter than its Content-Length.
    const short = { kind: 'text', text: (lines() as { text: string }).text.replace('Content-Length: 0\r\n\r\n', 'Content-Length: 40\r\n\r\nv=0\r\n') } as Wire;
    const from = client.received.length;
    client.send(short);
    const index = await client.until((m) => isResponse(m) && (m.statusCode ?? 0) >= 200, from, 'the answer to a short body');
    assert.equal(`${(client.received[index!]!.message as SipResponse).statusCode} ${(client.received[index!]!.message as SipResponse).reasonPhrase}`, '400 Content-Length exceeds the body');
    assert.deepEqual(client.problems, []);
    client.ws.close();
    await healthy();
  });

  it('still carries a normal call afterwards, in the same process: REGISTER, INVITE, 180, 200, ACK, BYE', async () => {
    await healthy();
    const { token } = await signIn(server.url, 'alice');
    const agent = await SipClient.open(sipUrl());
    agent.register('alice', token);
    await agent.response(200, 'REGISTER');
    const { token: conversation, interactionId } = await createInteraction(server.url, sampleContext());
    const caller = await SipClient.open(sipUrl());
    const call = caller.invite('support', conversation);
    await caller.response(100, 'INVITE');
    const invite = await agent.request('INVITE');
    assert.equal(invite.getHeader('x-warmline-interaction'), interactionId);
    assert.equal(invite.getHeader('proxy-authorization'), undefined);
    agent.respond(invite, 180, 'Ringing', { toTag: 'afterfuzz' });
    await caller.response(180, 'INVITE');
    agent.respond(invite, 200, 'OK', { toTag: 'afterfuzz', body: 'v=0\r\n' });
    const ok = await caller.response(200, 'INVITE');
    assert.equal(ok.getHeader('p-asserted-identity'), '"Alice Martin" <sip:alice@warmline.invalid>');
    const dialog = {
      callId: call.callId,
      remoteTarget: agent.contact,
      route: [invite.getHeader('record-route')!],
      localTag: call.fromTag,
      remoteTag: 'afterfuzz',
      localUri: `sip:visitor@${DOMAIN}`,
      remoteUri: `sip:support@${DOMAIN}`,
    };
    caller.inDialog('ACK', dialog, 1);
    await agent.request('ACK');
    caller.inDialog('BYE', dialog, 2);
    const bye = await agent.request('BYE');
    agent.respond(bye, 200, 'OK');
    await caller.response(200, 'BYE');
    const [record] = await callRecords(server, interactionId);
    assert.equal(record?.status, 'ended');
    assert.equal(record?.endReason, 'hangup-visitor');
    await Promise.all([agent.close(), caller.close()]);
    await healthy();
  });
});
