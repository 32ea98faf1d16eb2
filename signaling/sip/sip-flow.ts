/**
 * One SIP-over-WebSocket connection (a "flow", RFC 5626): how the proxy
 * reaches a browser whose Contact host is a made-up `.invalid` name (RFC
 * 7118 §5.2). A flow belongs to one party: an agent once it registered with
 * a session, a visitor once it called with its conversation token.
 */
import type { WebSocket } from 'ws';
import type { OutgoingSip } from './sip-message.js';

export type FlowIdentity =
  | { role: 'unknown' }
  | { role: 'agent'; agentId: string; username: string; sessionId: string }
  | { role: 'visitor'; interactionId: string; site: string };

let nextId = 1;

export class SipFlow {
  readonly id = `f${nextId++}`;
  identity: FlowIdentity = { role: 'unknown' };
  /** Contact URIs (user@host) this flow has announced: in-dialog requests to them come here. */
  readonly contacts = new Set<string>();
  /** Consecutive messages that could not be parsed; too many and the flow is closed. */
  garbage = 0;

  constructor(
    private readonly ws: WebSocket,
    /** WSS when the browser reached us over TLS (directly or through a proxy). */
    readonly transport: 'WS' | 'WSS',
    /** Where the page that opened it came from, as the browser said (none from a non-browser client); see http/origins.ts. */
    readonly origin: { value: string | undefined; agentAllowed: boolean } = { value: undefined, agentAllowed: true },
  ) {}

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(message: OutgoingSip | string) {
    if (this.open) this.ws.send(typeof message === 'string' ? message : message.toString());
  }

  close(code: number, reason: string) {
    this.ws.close(code, reason);
  }
}

/** The key under which a contact URI is found: user@host, lower-cased host. */
export const contactKey = (uri: { user?: string; host: string }) => `${uri.user ?? ''}@${uri.host.toLowerCase()}`;
