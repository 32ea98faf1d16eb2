/**
 * The ICE servers handed to both ends of a call. None by default (on one
 * machine or a LAN, host candidates connect), never sip.js's public STUN.
 * With a TURN server (e.g. coturn with `use-auth-secret`) the credentials
 * are minted per request and expire (the "TURN REST API" scheme):
 * username = `<expiry>:<who>`, credential = base64(HMAC-SHA1(secret, username)).
 */
import { createHmac } from 'node:crypto';

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceConfig {
  iceServers: IceServer[];
  turn?: { urls: string[]; secret: string; ttlSeconds: number };
}

export function iceServersFor(config: IceConfig, who: string, nowMs: number): IceServer[] {
  const servers = config.iceServers.map((s) => ({ ...s }));
  if (config.turn) {
    const username = `${Math.floor(nowMs / 1000) + config.turn.ttlSeconds}:${who}`;
    const credential = createHmac('sha1', config.turn.secret).update(username).digest('base64');
    servers.push({ urls: config.turn.urls, username, credential });
  }
  return servers;
}
