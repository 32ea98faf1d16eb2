/**
 * Which web origins may talk to which part of the server. Browsers always
 * send `Origin` on WebSocket upgrades and cross-origin requests, and a page
 * cannot forge it; a non-browser client sends none and is held to its
 * credentials alone (a token it cannot get from a victim's browser).
 *
 * - Visitor API and socket: the site's `origins` (the shop's pages).
 * - Agent API and socket: this server's own origin (the console it serves),
 *   `publicUrl`, and `agentOrigins` (a CRM embedding the softphone).
 * - SIP: agents as above for REGISTER; visitors as their site's for INVITE.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Config, SiteConfig } from '../config/config-schema.js';

/** The origin the request was addressed to, as a browser on this server's own pages would send it. */
export function requestOrigin(headers: IncomingHttpHeaders, secure: boolean): string | undefined {
  const host = headers.host;
  return host ? `${secure ? 'https' : 'http'}://${host.toLowerCase()}` : undefined;
}

export function siteAllowsOrigin(site: SiteConfig, origin: string | undefined): boolean {
  return !origin || site.origins.includes('*') || site.origins.includes(origin);
}

export function agentOriginAllowed(config: Config, origin: string | undefined, own: string | undefined): boolean {
  if (!origin) return true;
  if (origin === own) return true;
  if (config.publicUrl && new URL(config.publicUrl).origin === origin) return true;
  return config.agentOrigins.includes('*') || config.agentOrigins.includes(origin);
}

/** Whether any site, or the agents' origins, may use this origin: the gate at the SIP socket's door. */
export function anyPartyAllows(config: Config, origin: string | undefined, own: string | undefined): boolean {
  return agentOriginAllowed(config, origin, own) || config.sites.some((site) => siteAllowsOrigin(site, origin));
}
