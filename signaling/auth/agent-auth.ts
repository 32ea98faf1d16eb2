/**
 * Signing agents in and out, and checking their sessions. Every agent route,
 * agent socket and (later) SIP registration goes through `authenticate`.
 */
import { EventEmitter } from 'node:events';
import { AppError } from '../errors.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { Stores } from '../store/stores.js';
import { newId } from '../ids.js';
import type { Clock } from '../clock.js';
import { dummyHash, hashPassword, verifyPassword } from './password.js';
import { decodeSessionToken, encodeSessionToken } from './session-token.js';

export interface AgentSession {
  agent: AgentRecord;
  sessionId: string;
  expiresAt: number;
}

export interface AgentAuthEventMap {
  /** A session was signed out: everything it opened (sockets, SIP registrations) must close. */
  'session-ended': [sessionId: string];
  /** A new agent account: routing learns their skills. */
  'agent-created': [agent: AgentRecord];
}

export class AgentAuth extends EventEmitter<AgentAuthEventMap> {
  constructor(
    private readonly stores: Stores,
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {
    super();
  }

  async createAgent(input: { username: string; name: string; password: string }): Promise<AgentRecord> {
    if (!/^[a-z0-9][a-z0-9._-]{1,31}$/.test(input.username)) {
      throw AppError.badRequest('A username is 2 to 32 lower-case letters, digits, ".", "_" or "-".');
    }
    if (input.password.length < 4) throw AppError.badRequest('A password has at least 4 characters.');
    if (await this.stores.agents.findByUsername(input.username)) throw AppError.conflict(`The agent "${input.username}" exists already.`);
    const agent = {
      id: newId('ag'),
      username: input.username,
      name: input.name.trim() || input.username,
      passwordHash: await hashPassword(input.password),
      createdAt: this.clock.now(),
    };
    await this.stores.agents.insert(agent);
    const created = (await this.stores.agents.findById(agent.id))!;
    this.emit('agent-created', created);
    return created;
  }

  async signIn(username: string, password: string): Promise<{ token: string; session: AgentSession }> {
    const agent = await this.stores.agents.findByUsername(username);
    // Verify against a dummy hash for unknown names, so timing does not reveal which names exist.
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await dummyHash()));
    if (!agent || !ok) throw AppError.unauthorized('Wrong username or password.', 'invalid_credentials');
    const now = this.clock.now();
    const session = { id: newId('se'), agentId: agent.id, createdAt: now, expiresAt: now + this.ttlMs };
    await this.stores.sessions.insert(session);
    const token = encodeSessionToken({ sid: session.id, sub: agent.id, exp: session.expiresAt }, this.secret);
    return { token, session: { agent, sessionId: session.id, expiresAt: session.expiresAt } };
  }

  /** Resolves a bearer token to a live session, or throws 401 saying why. */
  async authenticate(token: string | undefined | null): Promise<AgentSession> {
    if (!token) throw AppError.unauthorized('Sign in first: this needs an agent session.');
    const claims = decodeSessionToken(token, this.secret);
    if (!claims) throw AppError.unauthorized('The session token is not valid. Sign in again.');
    const now = this.clock.now();
    const session = await this.stores.sessions.find(claims.sid);
    if (!session || session.agentId !== claims.sub || session.revokedAt !== null) {
      throw AppError.unauthorized('This session has ended. Sign in again.', 'session_expired');
    }
    if (session.expiresAt <= now) throw AppError.unauthorized('This session has expired. Sign in again.', 'session_expired');
    const agent = await this.stores.agents.findById(session.agentId);
    if (!agent) throw AppError.unauthorized('This agent no longer exists.', 'session_expired');
    return { agent, sessionId: session.id, expiresAt: session.expiresAt };
  }

  async signOut(sessionId: string) {
    await this.stores.sessions.revoke(sessionId, this.clock.now());
    this.emit('session-ended', sessionId);
  }
}
