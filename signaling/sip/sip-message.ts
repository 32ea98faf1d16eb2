/**
 * SIP messages for the embedded proxy. Parsing uses sip.js's own grammar and
 * parser (the same code the widgets run), never ad-hoc patterns; what we
 * forward is an `OutgoingSip`: the parsed message's start line, its headers
 * in order and its body, which the proxy edits (Via, Route, Record-Route,
 * Request-URI) and serializes again.
 */
import { Grammar } from 'sip.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import type { IncomingResponseMessage } from 'sip.js/lib/core/messages/incoming-response-message.js';
import { randomBytes } from 'node:crypto';

export type SipRequest = IncomingRequestMessage;
export type SipResponse = IncomingResponseMessage;

const quiet = { error() {}, warn() {}, log() {}, debug() {} };

/** Parses one SIP message (one WebSocket message, RFC 7118 §5.2), or returns undefined if it is not one. */
export function parseSip(data: string): SipRequest | SipResponse | undefined {
  try {
    return Parser.parseMessage(data, quiet as never);
  } catch {
    return undefined;
  }
}

/** The headers sip.js's parser checks (the others it keeps as text), by full and compact name. */
const PARSED_HEADERS: Record<string, string> = {
  via: 'Via', v: 'Via', from: 'From', f: 'From', to: 'To', t: 'To', 'call-id': 'Call-ID', i: 'Call-ID', cseq: 'CSeq',
  contact: 'Contact', m: 'Contact', 'content-length': 'Content-Length', l: 'Content-Length', 'content-type': 'Content-Type',
  c: 'Content-Type', 'max-forwards': 'Max-Forwards', 'record-route': 'Record-Route', 'refer-to': 'Refer-To', r: 'Refer-To',
  'www-authenticate': 'WWW-Authenticate', 'proxy-authenticate': 'Proxy-Authenticate',
};

/**
 * A request sip.js's parser refused because of one malformed header: the
 * request without that header, and its name. sip.js drops a whole message
 * over one bad header, but RFC 3261 (§8.2, §16.3 step 1) still wants a 400
 * for a request that can be answered. Undefined when the start line is not
 * a request, the headers do not end, or the first bad header is not the only one.
 */
export function parseMalformedRequest(data: string): { request: SipRequest; malformed: string } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [start, ...rest] = data.slice(0, end).split('\r\n');
  const head = parseSip(`${start}\r\n\r\n`);
  if (!head || !isRequest(head)) return undefined;
  const lines: string[] = [];
  // A line starting with whitespace continues the header before it (§7.3.1; sip.js takes any \s).
  for (const line of rest) {
    if (lines.length && /^\s/.test(line)) lines[lines.length - 1] += `\r\n${line}`;
    else lines.push(line);
  }
  const nameOf = (line: string) => (line.includes(':') ? PARSED_HEADERS[line.slice(0, line.indexOf(':')).trim().toLowerCase()] : undefined);
  let vias = 0;
  // Only the headers sip.js parses can be malformed to it (and of the Vias, only the first).
  const bad = lines.findIndex((line) => {
    const name = nameOf(line);
    if (!name || (name === 'Via' && vias++ > 0)) return false;
    return !parseSip(`OPTIONS sip:x.invalid SIP/2.0\r\n${line}\r\n\r\n`);
  });
  if (bad < 0) return undefined;
  const request = parseSip(`${[start, ...lines.filter((_, i) => i !== bad)].join('\r\n')}\r\n\r\n`);
  return request && isRequest(request) ? { request, malformed: nameOf(lines[bad]!)! } : undefined;
}

/**
 * Whether a parsed message is a request. Not by its `ruri`: sip.js builds a
 * URI only for sip: and sips:, and a request for another scheme (tel:, urn:)
 * comes with none. It is a request all the same, which the proxy answers 416
 * (RFC 3261 §8.2.2.1), not a response to drop.
 */
export const isRequest = (m: SipRequest | SipResponse): m is SipRequest => m instanceof IncomingRequestMessage;

/** A branch parameter with the RFC 3261 magic cookie (§8.1.1.7), unique per transaction. */
export const newBranch = () => `z9hG4bK${randomBytes(12).toString('base64url')}`;
export const newTag = () => randomBytes(8).toString('hex');

/** Parses one Via header value with the grammar; returns its transport, host and params. */
export function parseVia(value: string): { transport: string; host: string; branch?: string; params: Record<string, string | null> } | undefined {
  const parsed = Grammar.parse(value, 'Via');
  return parsed === -1 ? undefined : (parsed as { transport: string; host: string; branch?: string; params: Record<string, string | null> });
}

/**
 * The entries of a Route or Record-Route header value (both share the
 * rec-route grammar, RFC 3261 §25.1): each entry's URI and its own text.
 */
export function parseRoutes(value: string): Array<{ uri: { user?: string; host: string }; raw: string }> | undefined {
  const parsed = Grammar.parse(value, 'Record_Route');
  if (parsed === -1 || !Array.isArray(parsed)) return undefined;
  return (parsed as Array<{ position: number; offset: number; parsed: { uri: { user?: string; host: string } } }>).map((r) => ({
    uri: r.parsed.uri,
    raw: value.substring(r.position, r.offset).trim(),
  }));
}

/** The URI of a Contact header value, with its user and host. */
export function parseContactUri(value: string): { user?: string; host: string; toString(): string } | undefined {
  const parsed = Grammar.parse(value, 'Contact');
  if (parsed === -1 || !Array.isArray(parsed) || !parsed[0]) return undefined;
  return (parsed[0] as { parsed: { uri: { user?: string; host: string; toString(): string } } }).parsed.uri;
}

/**
 * A message to send: start line, ordered headers, body. Header names compare
 * case-insensitively; Content-Length is always recomputed from the body.
 */
export class OutgoingSip {
  constructor(
    public startLine: string,
    public headers: Array<[name: string, value: string]>,
    public body = '',
  ) {}

  /** A copy of a parsed message, ready to be edited and forwarded. */
  static from(message: SipRequest | SipResponse): OutgoingSip {
    const headers: Array<[string, string]> = [];
    for (const [name, values] of Object.entries(message.headers)) {
      if (name.toLowerCase() === 'content-length') continue;
      for (const { raw } of values) headers.push([name, raw]);
    }
    // A request for another scheme (tel:) has no `ruri`: its start line is kept as it came.
    const startLine = !isRequest(message)
      ? `SIP/2.0 ${message.statusCode} ${message.reasonPhrase}`
      : message.ruri
        ? `${message.method} ${message.ruri.toString()} SIP/2.0`
        : message.data.slice(0, message.data.indexOf('\r\n'));
    return new OutgoingSip(startLine, headers, message.body ?? '');
  }

  /** A copy to send, leaving this one as it is (a request may go again over another flow). */
  clone(): OutgoingSip {
    return new OutgoingSip(this.startLine, this.headers.map(([n, v]) => [n, v] as [string, string]), this.body);
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  }

  get(name: string): string | undefined {
    return this.getAll(name)[0];
  }

  remove(name: string): this {
    const lower = name.toLowerCase();
    this.headers = this.headers.filter(([n]) => n.toLowerCase() !== lower);
    return this;
  }

  /** Removes the first header of that name (the top Via, the top Route). */
  removeFirst(name: string): this {
    const lower = name.toLowerCase();
    const index = this.headers.findIndex(([n]) => n.toLowerCase() === lower);
    if (index >= 0) this.headers.splice(index, 1);
    return this;
  }

  /** Puts a header before any other of its name (or first of all). */
  prepend(name: string, value: string): this {
    const lower = name.toLowerCase();
    const index = this.headers.findIndex(([n]) => n.toLowerCase() === lower);
    this.headers.splice(index >= 0 ? index : 0, 0, [name, value]);
    return this;
  }

  /** Replaces the value of the first header of that name. */
  replaceFirst(name: string, value: string): this {
    const lower = name.toLowerCase();
    const header = this.headers.find(([n]) => n.toLowerCase() === lower);
    if (header) header[1] = value;
    return this;
  }

  set(name: string, value: string): this {
    const lower = name.toLowerCase();
    const index = this.headers.findIndex(([n]) => n.toLowerCase() === lower);
    if (index >= 0) {
      this.remove(name);
      this.headers.splice(index, 0, [name, value]);
    } else {
      this.headers.push([name, value]);
    }
    return this;
  }

  toString(): string {
    const lines = [this.startLine, ...this.headers.map(([n, v]) => `${n}: ${v}`), `Content-Length: ${Buffer.byteLength(this.body, 'utf8')}`];
    return `${lines.join('\r\n')}\r\n\r\n${this.body}`;
  }
}

/**
 * A response to a request, built as RFC 3261 §8.2.6.2 says: Via (all, in
 * order), From, Call-ID and CSeq copied; To copied with a tag added unless it
 * has one or this is 100 Trying.
 */
export function responseTo(request: SipRequest, status: number, reason: string, extra: Array<[string, string]> = [], toTag = newTag()): OutgoingSip {
  const headers: Array<[string, string]> = request.getHeaders('via').map((v) => ['Via', v] as [string, string]);
  const to = request.getHeader('to') ?? '';
  const toWithTag = status > 100 && !request.toTag && to ? `${to};tag=${toTag}` : to;
  const copied: Array<[string, string | undefined]> = [
    ['From', request.getHeader('from')],
    ['To', toWithTag],
    ['Call-ID', request.getHeader('call-id')],
    ['CSeq', request.getHeader('cseq')],
  ];
  // A header the request lacked (answered with 400) is left out rather than sent empty.
  for (const [name, value] of copied) if (value) headers.push([name, value]);
  headers.push(...extra, ['Server', 'Warmline']);
  return new OutgoingSip(`SIP/2.0 ${status} ${reason}`, headers);
}
