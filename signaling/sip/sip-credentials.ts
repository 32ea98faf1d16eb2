/**
 * Credentials for an external SIP platform, in the ephemeral scheme of
 * draft-uberti-rtcweb-turn-rest that Kamailio's auth_ephemeral checks (the
 * one coturn uses for TURN): user "<expiry>:<name>", password the base64
 * HMAC-SHA256 of the user with a secret this server shares with the
 * platform. The platform needs no account database, and a credential is
 * worth nothing after it expires.
 *
 * The name says what its holder may do (deploy/kamailio/kamailio.cfg
 * enforces it): "agent/<username>+<address>…" registers the agent's own
 * address and those of the queues they serve; "visitor/<interaction>+<queue>"
 * calls that queue, and only that, for that interaction.
 */
import { createHmac } from 'node:crypto';

export interface SipCredential {
  username: string;
  password: string;
  /** Unix milliseconds. */
  expiresAt: number;
}

export function ephemeralCredential(secret: string, name: string, ttlSeconds: number, nowMs: number): SipCredential {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${name}`;
  return { username, password: createHmac('sha256', secret).update(username).digest('base64'), expiresAt: expiry * 1000 };
}

/** The user part of a SIP address: sip:support@pbx.example → support. */
export const sipUser = (address: string) => address.replace(/^sips?:/, '').split('@')[0]!;

export const agentCredentialName = (username: string, addresses: readonly string[]) => `agent/${[username, ...addresses.map(sipUser)].join('+')}`;

export const visitorCredentialName = (interactionId: string, queueAddress: string) => `visitor/${interactionId}+${sipUser(queueAddress)}`;
