/**
 * The registrar (RFC 3261 §10.3): agents REGISTER their softphone's contact
 * for their own address, sip:<username>@<domain>, presenting their agent
 * session as a bearer token (RFC 8898). Nobody else can register an agent's
 * address. A binding lives until it expires, is removed, the session ends or
 * its WebSocket closes.
 *
 * A binding is its owner's (an agent, or a visitor's callback): a REGISTER
 * adds, refreshes or removes only bindings of the address its credential
 * allows. A contact another party has bound is theirs while it lives, so a
 * caller that read an agent's Contact in a 200 OK cannot remove the binding
 * or take it over.
 */
import type { AgentAuth } from '../auth/agent-auth.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import { bearerChallenge, bearerToken } from './bearer.js';
import { contactKey, type SipFlow } from './sip-flow.js';
import { parseContactUri, responseTo, type OutgoingSip, type SipRequest } from './sip-message.js';

export interface Binding {
  /** An agent's softphone, or a visitor's browser waiting for its callback (sip:cb-<interaction>@domain). */
  kind: 'agent' | 'callback';
  /** The agent, or for a callback the interaction. */
  agentId: string;
  username: string;
  /** The agent's display name as at registering (the callback's address for a callback): a 2xx's P-Asserted-Identity. */
  name: string;
  /** The agent's session (empty for a callback). */
  sessionId: string;
  flow: SipFlow;
  /** The contact URI as registered: the Request-URI of calls to this agent. */
  contact: string;
  /** The contact's user@host (`contactKey`). */
  key: string;
  expiresAt: number;
}

type Owner = Pick<Binding, 'kind' | 'agentId' | 'username' | 'name' | 'sessionId'>;

/** Bindings are kept per owner and contact: the same contact under another owner is another binding. */
const bindingId = (owner: Pick<Binding, 'kind' | 'agentId'>, key: string) => `${owner.kind}:${owner.agentId}:${key}`;

const DEFAULT_EXPIRES = 600;
const MIN_EXPIRES = 60;
const MAX_EXPIRES = 3600;

export class Registrar {
  private readonly bindings = new Map<string, Binding>();
  /** Timers that say so when a binding runs out. */
  private readonly expiries = new Set<{ cancel(): void }>();

  constructor(
    private readonly domain: string,
    private readonly auth: AgentAuth,
    private readonly interactions: InteractionService,
    private readonly clock: Clock,
    /** Whether a site's pages may come from this origin (a visitor's callback registration). */
    private readonly siteAllows: (site: string, origin: string | undefined) => boolean,
    /** Told whenever which agents are registered, or which visitors' browsers wait to be called back, may have changed. */
    private readonly onChange: (registered: ReadonlySet<string>, callbacks: ReadonlySet<string>) => void = () => {},
  ) {}

  /** The prefix of the address a visitor's browser registers to be called back. */
  static readonly CALLBACK_PREFIX = 'cb-';

  /** Live bindings of agents, one per agent (the most recent). */
  agents(): Binding[] {
    const now = this.clock.now();
    const latest = new Map<string, Binding>();
    for (const b of this.bindings.values()) {
      if (b.kind !== 'agent' || b.expiresAt <= now || !b.flow.open) continue;
      const current = latest.get(b.agentId);
      if (!current || b.expiresAt > current.expiresAt) latest.set(b.agentId, b);
    }
    return [...latest.values()];
  }

  isRegistered(agentId: string): boolean {
    return this.agents().some((b) => b.agentId === agentId);
  }

  agent(agentId: string): Binding | undefined {
    return this.agents().find((b) => b.agentId === agentId);
  }

  /** The visitor's browser waiting to be called back, if it is registered now. */
  callback(interactionId: string): Binding | undefined {
    const now = this.clock.now();
    return [...this.bindings.values()].find((b) => b.kind === 'callback' && b.agentId === interactionId && b.expiresAt > now && b.flow.open);
  }

  /** The process stops: no binding runs out any more. */
  stop() {
    for (const timer of this.expiries) timer.cancel();
    this.expiries.clear();
  }

  dropFlow(flow: SipFlow) {
    for (const [key, b] of this.bindings) if (b.flow === flow) this.bindings.delete(key);
    this.changed();
  }

  dropSession(sessionId: string): SipFlow[] {
    const flows: SipFlow[] = [];
    for (const [key, b] of this.bindings) {
      if (b.kind === 'agent' && b.sessionId === sessionId) {
        this.bindings.delete(key);
        flows.push(b.flow);
      }
    }
    this.changed();
    return flows;
  }

  private changed() {
    const now = this.clock.now();
    const callbacks = new Set([...this.bindings.values()].filter((b) => b.kind === 'callback' && b.expiresAt > now && b.flow.open).map((b) => b.agentId));
    this.onChange(new Set(this.agents().map((b) => b.agentId)), callbacks);
  }

  /** Handles a REGISTER and returns the response to send. */
  async register(flow: SipFlow, request: SipRequest): Promise<OutgoingSip> {
    const aor = request.to?.uri;
    if (!aor || aor.host.toLowerCase() !== this.domain || !aor.user) {
      return responseTo(request, 404, 'Not Found', [['Warning', `399 warmline "Register sip:<username>@${this.domain}"`]]);
    }
    const token = bearerToken(request.getHeader('authorization'));
    if (!token) return responseTo(request, 401, 'Unauthorized', [['WWW-Authenticate', bearerChallenge(this.domain)]]);
    if (aor.user.startsWith(Registrar.CALLBACK_PREFIX)) return this.registerCallback(flow, request, aor.user, token);
    // An agent's token used from a page that is not an agent console (a stolen token replayed by some site).
    if (!flow.origin.agentAllowed) return responseTo(request, 403, 'Forbidden', [['Warning', '399 warmline "Agents may register only from the agent console"']]);
    let session;
    try {
      session = await this.auth.authenticate(token);
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

    return this.bind(flow, request, { kind: 'agent', agentId: session.agent.id, username: session.agent.username, name: session.agent.name, sessionId: session.sessionId });
  }

  /**
   * A visitor's browser asks to be rung for its callback: the address names
   * the interaction, and the bearer token must be that conversation's.
   */
  private async registerCallback(flow: SipFlow, request: SipRequest, user: string, token: string): Promise<OutgoingSip> {
    const interaction = await this.interactions.findByToken(token);
    if (!interaction) {
      return responseTo(request, 401, 'Unauthorized', [['WWW-Authenticate', bearerChallenge(this.domain, 'invalid_token')]]);
    }
    if (user !== `${Registrar.CALLBACK_PREFIX}${interaction.id}` || flow.identity.role === 'agent' || !this.siteAllows(interaction.site, flow.origin.value)) {
      return responseTo(request, 403, 'Forbidden', [['Warning', '399 warmline "You may only register for your own callback"']]);
    }
    if (flow.identity.role === 'unknown') flow.identity = { role: 'visitor', interactionId: interaction.id, site: interaction.site };
    return this.bind(flow, request, { kind: 'callback', agentId: interaction.id, username: user, name: user, sessionId: '' });
  }

  /** Adds, refreshes or removes the request's contacts for one owner (§10.3 steps 6 and 7). */
  private bind(flow: SipFlow, request: SipRequest, owner: Owner): OutgoingSip {
    const headerExpires = Number(request.getHeader('expires') ?? DEFAULT_EXPIRES);
    const contacts = request.getHeaders('contact');
    if (contacts.length === 1 && contacts[0]!.trim() === '*') {
      // Remove every binding of this address (§10.2.2), which needs Expires: 0.
      if (headerExpires !== 0) return responseTo(request, 400, 'Bad Request', [['Warning', '399 warmline "Contact: * needs Expires: 0"']]);
      for (const [key, b] of this.bindings) if (b.kind === owner.kind && b.agentId === owner.agentId) this.bindings.delete(key);
      this.changed();
      return responseTo(request, 200, 'OK');
    }
    const now = this.clock.now();
    // Every contact is checked before any is bound: a REGISTER that is refused changes nothing.
    const wanted: Array<{ uri: { toString(): string }; key: string; expires: number }> = [];
    for (let i = 0; i < contacts.length; i++) {
      const uri = parseContactUri(contacts[i]!);
      if (!uri) return responseTo(request, 400, 'Bad Request', [['Warning', '399 warmline "Malformed Contact"']]);
      const parsed = request.parseHeader('contact', i) as { getParam(name: string): string | undefined } | undefined;
      const expires = Number(parsed?.getParam('expires') ?? headerExpires);
      if (!Number.isFinite(expires) || expires < 0) return responseTo(request, 400, 'Bad Request', [['Warning', '399 warmline "Bad expires"']]);
      if (expires !== 0 && expires < MIN_EXPIRES) return responseTo(request, 423, 'Interval Too Brief', [['Min-Expires', String(MIN_EXPIRES)]]);
      const key = contactKey(uri);
      if (this.boundByOther(key, owner, now)) {
        return responseTo(request, 403, 'Forbidden', [['Warning', '399 warmline "This contact is registered by someone else"']]);
      }
      wanted.push({ uri, key, expires });
    }
    for (const { uri, key, expires } of wanted) {
      // The same owner's binding of the same contact is refreshed, or moved to this WebSocket (a phone that reconnected).
      const id = bindingId(owner, key);
      if (expires === 0) {
        this.bindings.delete(id);
        continue;
      }
      // Whatever binding of it someone else left (expired, or its WebSocket closed) is forgotten: one contact, one binding.
      for (const [other, b] of this.bindings) if (b.key === key && other !== id) this.bindings.delete(other);
      flow.contacts.add(key);
      this.bindings.set(id, {
        ...owner,
        flow,
        contact: uri.toString(),
        key,
        expiresAt: now + Math.min(expires, MAX_EXPIRES) * 1000,
      });
      // A phone that stops refreshing (its page frozen, its network gone unnoticed) stops counting as ready when its binding runs out.
      const timer = this.clock.setTimeout(() => {
        this.expiries.delete(timer);
        this.changed();
      }, Math.min(expires, MAX_EXPIRES) * 1000 + 1);
      this.expiries.add(timer);
    }
    this.changed();
    const current = [...this.bindings.values()].filter((b) => b.kind === owner.kind && b.agentId === owner.agentId && b.expiresAt > now);
    return responseTo(
      request,
      200,
      'OK',
      current.map((b) => ['Contact', `<${b.contact}>;expires=${Math.round((b.expiresAt - now) / 1000)}`] as [string, string]),
    );
  }

  /** Whether another party holds a live binding of this contact (an expired one, or one whose WebSocket closed, is nobody's). */
  private boundByOther(key: string, owner: Pick<Binding, 'kind' | 'agentId'>, now: number): boolean {
    for (const b of this.bindings.values()) {
      if (b.key === key && (b.kind !== owner.kind || b.agentId !== owner.agentId) && b.expiresAt > now && b.flow.open) return true;
    }
    return false;
  }
}
