import type { Context, Next } from 'koa';
import type { AgentAuth, AgentSession } from '../auth/agent-auth.js';

export interface AgentState {
  session: AgentSession;
}

/** Every agent route sits behind this: a live session from `Authorization: Bearer <token>`, or 401. */
export function requireAgent(auth: AgentAuth) {
  return async function agentOnly(ctx: Context, next: Next) {
    const header = ctx.get('Authorization');
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    (ctx.state as AgentState).session = await auth.authenticate(token);
    await next();
  };
}
