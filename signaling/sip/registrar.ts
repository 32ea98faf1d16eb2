/**
 * The registrar (RFC 3261 §10.3): agents REGISTER their softphone's contact
 * for their own address, sip:<username>@<domain>, presenting their agent
 * session as a bearer token (RFC 8898). Nobody else can register an agent's
 * address. A binding lives until it expires, is removed, the session ends or
 * its WebSocket closes.
 */
import type { AgentAuth } from '../auth/agent-auth.js';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import { bearerChallenge, bearerToken } from './bearer.js';
import { contactKey, type SipFlow } from './sip-flow.js';
import { parseContactUri, responseTo, type OutgoingSip, type SipRequest } from './sip-message.js';

export interface Binding {
  agentId: string;
  username: string;
  sessionId: string;
  flow: SipFlow;
  /** The contact URI as registered: the Request-URI of calls to this agent. */
  contact: string;
  key: string;
  expiresAt: number;
}

const DEFAULT_EXPIRES = 600;
const MIN_EXPIRES = 60;
const MAX_EXPIRES = 3600;

export class Registrar {
  private readonly bindings = new Map<string, Binding>();

  constructor(
    private readonly domain: string,
    private readonly auth: AgentAuth,
    private readonly clock: Clock,
  ) {}

  /** Live bindings of agents, one per agent (the most recent). */
  agents(): Binding[] {
    const now = this.clock.now();
    const latest = new Map<string, Binding>();
    for (const b of this.bindings.values()) {
      if (b.expiresAt <= now || !b.flow.open) continue;
      const current = latest.get(b.agentId);
      if (!current || b.expiresAt > current.expiresAt) latest.set(b.agentId, b);
    }
    return [...latest.values()];
  }

  isRegistered(agentId: string): boolean {
    return this.agents().some((b) => b.agentId === agentId);
  }

  dropFlow(flow: SipFlow) {
    for (const [key, b] of this.bindings) if (b.flow === flow) this.bindings.delete(key);
  }

  dropSession(sessionId: string): SipFlow[] {
    const flows: SipFlow[] = [];
    for (const [key, b] of this.bindings) {
      if (b.sessionId === sessionId) {
        this.bindings.delete(key);
        flows.push(b.flow);
      }
    }
    return flows;
  }

  /** Handles a REGISTER and returns the response to send. */
  register(flow: SipFlow, request: SipRequest): OutgoingSip {
    const aor = request.to?.uri;
    if (!aor || aor.host.toLowerCase() !== this.domain || !aor.user) {
      return responseTo(request, 404, 'Not Found', [['Warning', `399 warmline "Register sip:<username>@${this.domain}"`]]);
    }
    const token = bearerToken(request.getHeader('authorization'));
    if (!token) return responseTo(request, 401, 'Unauthorized', [['WWW-Authenticate', bearerChallenge(this.domain)]]);
    let session;
    try {
      session = this.auth.authenticate(token);
    } catch (err) {
      const reason = err instanceof AppError ? err.message : 'Sign in again.';
      return responseTo(request, 401, 'Unauthorized', [
        ['WWW-Authenticate', bearerChallenge(this.domain, 'invalid_token')],
        ['Warning', `399 warmline "${reason.replace(/"/g, "'")}"`],
      ]);
    }
    if (session.agent.username !== aor.user) {
      return responseTo(request, 403, 'Forbidden', [['Warning', '399 warmline "You may only register your own address"']]);
    }
    const identity = flow.identity;
    if (identity.role === 'visitor' || (identity.role === 'agent' && identity.agentId !== session.agent.id)) {
      return responseTo(request, 403, 'Forbidden', [['Warning', '399 warmline "This connection belongs to someone else"']]);
    }
    flow.identity = { role: 'agent', agentId: session.agent.id, username: session.agent.username, sessionId: session.sessionId };

    const headerExpires = Number(request.getHeader('expires') ?? DEFAULT_EXPIRES);
    const contacts = request.getHeaders('contact');
    if (contacts.length === 1 && contacts[0]!.trim() === '*') {
      // Remove every binding of this address (§10.2.2), which needs Expires: 0.
      if (headerExpires !== 0) return responseTo(request, 400, 'Bad Request', [['Warning', '399 warmline "Contact: * needs Expires: 0"']]);
      for (const [key, b] of this.bindings) if (b.agentId === session.agent.id) this.bindings.delete(key);
      return responseTo(request, 200, 'OK');
    }
    const now = this.clock.now();
    for (let i = 0; i < contacts.length; i++) {
      const uri = parseContactUri(contacts[i]!);
      if (!uri) return responseTo(request, 400, 'Bad Request', [['Warning', '399 warmline "Malformed Contact"']]);
      const parsed = request.parseHeader('contact', i) as { getParam(name: string): string | undefined } | undefined;
      const expires = Number(parsed?.getParam('expires') ?? headerExpires);
      if (!Number.isFinite(expires) || expires < 0) return responseTo(request, 400, 'Bad Request', [['Warning', '399 warmline "Bad expires"']]);
      const key = contactKey(uri);
      if (expires === 0) {
        this.bindings.delete(key);
        continue;
      }
      if (expires < MIN_EXPIRES) return responseTo(request, 423, 'Interval Too Brief', [['Min-Expires', String(MIN_EXPIRES)]]);
      flow.contacts.add(key);
      this.bindings.set(key, {
        agentId: session.agent.id,
        username: session.agent.username,
        sessionId: session.sessionId,
        flow,
        contact: uri.toString(),
        key,
        expiresAt: now + Math.min(expires, MAX_EXPIRES) * 1000,
      });
    }
    const current = [...this.bindings.values()].filter((b) => b.agentId === session.agent.id && b.expiresAt > now);
    return responseTo(
      request,
      200,
      'OK',
      current.map((b) => ['Contact', `<${b.contact}>;expires=${Math.round((b.expiresAt - now) / 1000)}`] as [string, string]),
    );
  }
}
