/**
 * Which SIP side calls go through, as the widgets and softphones need to
 * know it: the embedded proxy at this server's /sip (default), or an
 * external platform (`sip.external`) with credentials minted here. Either
 * way the interaction, its context and its chat stay on this server.
 */
import type { Config, QueueConfig } from '../config/config-schema.js';
import { agentCredentialName, ephemeralCredential, visitorCredentialName, type SipCredential } from './sip-credentials.js';

export interface SipSide {
  /** `embedded`: this server's /sip; `external`: the platform at `wsUrl`. */
  mode: 'embedded' | 'external';
  /** Where to connect; absent for the embedded proxy (the widget uses this server's /sip). */
  wsUrl?: string;
  domain: string;
}

/** The address a queue is called at. */
export function queueAddress(config: Config, queue: string): string {
  return config.sip.external?.queues[queue] ?? `sip:${queue}@${config.sip.domain}`;
}

/** The queues whose skills an agent has: on an external platform they register those queue addresses too. */
export function queuesServedBy(config: Config, username: string): QueueConfig[] {
  const skills = new Set(config.agents[username]?.skills ?? []);
  return config.queues.filter((q) => q.skills.every((s) => skills.has(s)));
}

function side(config: Config): SipSide {
  const external = config.sip.external;
  return external ? { mode: 'external', wsUrl: external.wsUrl, domain: config.sip.domain } : { mode: 'embedded', domain: config.sip.domain };
}

/** What an agent's softphone needs: its address, and on an external platform the queue addresses and credentials. */
export function agentPhone(config: Config, username: string, sessionExpiresAt: number, nowMs: number) {
  const aor = `sip:${username}@${config.sip.domain}`;
  const external = config.sip.external;
  if (!external) return { ...side(config), aor };
  const aors = queuesServedBy(config, username).map((q) => queueAddress(config, q.id));
  const ttl = Math.max(60, Math.floor((sessionExpiresAt - nowMs) / 1000));
  const auth: SipCredential = ephemeralCredential(external.secret, agentCredentialName(username, aors), ttl, nowMs);
  return { ...side(config), aor, aors, auth };
}

/** What a visitor's call needs: the queue address, and on an external platform its credentials for this interaction and queue. */
export function visitorCall(config: Config, interactionId: string, queue: string, nowMs: number) {
  const target = queueAddress(config, queue);
  const external = config.sip.external;
  if (!external) return { ...side(config), target };
  const auth = ephemeralCredential(external.secret, visitorCredentialName(interactionId, target), external.visitorCredentialSeconds, nowMs);
  return { ...side(config), target, auth };
}
