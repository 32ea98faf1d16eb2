import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { ConfigSchema, type Config } from './config-schema.js';
import { isTimeZone, toMinutes } from '../routing/business-hours.js';

/** Environment variables that override the file, and how each is read. */
const ENV_OVERRIDES: ReadonlyArray<[name: string, path: string[], parse: (raw: string) => unknown]> = [
  ['PORT', ['port'], Number],
  ['HOST', ['host'], String],
  ['WARMLINE_PUBLIC_URL', ['publicUrl'], String],
  ['WARMLINE_DATA_DIR', ['dataDir'], String],
  ['WARMLINE_DATABASE_URL', ['database', 'url'], String],
  ['WARMLINE_REDIS_URL', ['cluster', 'redisUrl'], String],
  ['WARMLINE_DEMO', ['demo'], (raw) => /^(1|true|yes|on)$/i.test(raw)],
  ['WARMLINE_SECRET', ['secret'], String],
  ['WARMLINE_AGENT_ORIGINS', ['agentOrigins'], (raw) => raw.split(',').map((o) => o.trim()).filter(Boolean)],
  ['WARMLINE_TRUSTED_PROXIES', ['trustedProxies'], (raw) => raw.split(',').map((a) => a.trim()).filter(Boolean)],
  ['WARMLINE_SIP_DOMAIN', ['sip', 'domain'], String],
  ['WARMLINE_TURN_URLS', ['sip', 'turn', 'urls'], (raw) => raw.split(',').map((u) => u.trim()).filter(Boolean)],
  ['WARMLINE_TURN_SECRET', ['sip', 'turn', 'secret'], String],
  ['WARMLINE_MEDIA', ['media'], String],
  ['LIVEKIT_URL', ['livekit', 'url'], String],
  ['LIVEKIT_API_KEY', ['livekit', 'apiKey'], String],
  ['LIVEKIT_API_SECRET', ['livekit', 'apiSecret'], String],
  ['WARMLINE_SIP_WS_URL', ['sip', 'external', 'wsUrl'], String],
  ['WARMLINE_SIP_SECRET', ['sip', 'external', 'secret'], String],
  ['WARMLINE_SESSION_TTL_MINUTES', ['sessionTtlMinutes'], Number],
  ['WARMLINE_MAX_CHATS_PER_AGENT', ['routing', 'capacity', 'chats'], Number],
  ['WARMLINE_AWAY_AFTER_MISSED_OFFERS', ['routing', 'awayAfterMissedOffers'], Number],
  ['WARMLINE_OFFER_TIMEOUT_SECONDS', ['routing', 'offerTimeoutSeconds'], Number],
];

/**
 * WARMLINE_TRUST_PROXY=1 believed X-Forwarded-For from any peer, leftmost
 * entry first. It is refused rather than ignored: a proxy that was trusted and
 * silently no longer is would put every visitor behind one address.
 */
const TRUST_PROXY_RETIRED =
  'WARMLINE_TRUST_PROXY: no longer read. Remove it and name the proxies instead: WARMLINE_TRUSTED_PROXIES=loopback for one on this machine, ' +
  'or their addresses and ranges (10.0.0.5,10.1.0.0/16); and have them send X-Forwarded-For and X-Forwarded-Proto (docs/operations.md, "Behind a reverse proxy").';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown) {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (next && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Reads the file (if any), applies the environment, validates. Throws a
 * ConfigError that lists every problem, so the operator fixes them in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  if (env.WARMLINE_TRUST_PROXY === '1') throw new ConfigError(`Invalid configuration (environment):\n  - ${TRUST_PROXY_RETIRED}`);
  const explicit = env.WARMLINE_CONFIG;
  const file = resolve(cwd, explicit ?? 'warmline.config.json');
  let raw: Record<string, unknown> = {};
  if (explicit || existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`Cannot read the configuration file ${file}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`The configuration file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(`The configuration file ${file} must hold a JSON object.`);
    }
  }
  for (const [name, path, parse] of ENV_OVERRIDES) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, parse(value));
  }
  applySiteSecrets(raw, env);
  return validateConfig(raw, explicit || existsSync(file) ? file : 'environment');
}

/**
 * A site's secret may come from `WARMLINE_SITE_SECRET_<KEY>` (the key
 * upper-cased, - as _), so that it need not sit in the file. Applied before
 * the demo site is added, which gets its own demo secret in demo mode.
 */
export const siteSecretVariable = (key: string) => `WARMLINE_SITE_SECRET_${key.toUpperCase().replace(/-/g, '_')}`;

function applySiteSecrets(raw: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  if (!Array.isArray(raw.sites)) return;
  for (const site of raw.sites as Array<Record<string, unknown>>) {
    const secret = site && typeof site.key === 'string' ? env[siteSecretVariable(site.key)] : undefined;
    if (secret) site.secret = secret;
  }
}

export function validateConfig(raw: unknown, source = 'configuration'): Config {
  const result = v.safeParse(ConfigSchema, raw);
  if (!result.success) {
    const lines = result.issues.map((issue) => `  - ${v.getDotPath(issue) ?? '(top level)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration (${source}):\n${lines.join('\n')}`);
  }
  const config = result.output;
  const problems = crossCheck(config);
  if (problems.length) throw new ConfigError(`Invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return config;
}

/** What the schema alone cannot see: references between sections, time zones, ranges. */
function crossCheck(config: Config): string[] {
  const problems: string[] = [];
  const twice = (list: string[]) => list.filter((x, i) => list.indexOf(x) !== i);
  for (const key of twice(config.sites.map((s) => s.key))) problems.push(`sites: the key "${key}" appears twice`);
  for (const id of twice(config.queues.map((q) => q.id))) problems.push(`queues: the id "${id}" appears twice`);
  if (config.queues.length === 0) problems.push('queues: define at least one queue');
  if (config.cluster.redisUrl) {
    // SQLite is a file on one machine: the other nodes would each have their own.
    if (!config.database.url) problems.push('cluster.redisUrl: several nodes share one PostgreSQL; set database.url (WARMLINE_DATABASE_URL) too, SQLite files are not shared');
    // A key generated into each node's data directory would be a different key on each node.
    if (!config.secret) problems.push('cluster.redisUrl: set secret (WARMLINE_SECRET), the same on every node, so each node accepts sessions signed on another');
  }
  const queueIds = new Set(config.queues.map((q) => q.id));
  config.sites.forEach((site, i) => {
    for (const q of site.queues ?? []) if (!queueIds.has(q)) problems.push(`sites.${i}.queues: there is no queue "${q}"`);
    if (site.chatQueue && !queueIds.has(site.chatQueue)) problems.push(`sites.${i}.chatQueue: there is no queue "${site.chatQueue}"`);
  });
  config.queues.forEach((queue, i) => {
    if (!queue.hours) return;
    if (!isTimeZone(queue.hours.timezone)) problems.push(`queues.${i}.hours.timezone: "${queue.hours.timezone}" is not a known time zone`);
    for (const [day, ranges] of Object.entries(queue.hours.weekly)) {
      for (const [from, to] of ranges ?? []) {
        if (toMinutes(from) >= toMinutes(to)) problems.push(`queues.${i}.hours.weekly.${day}: ${from}–${to} ends before it starts`);
      }
    }
  });
  if (config.media === 'livekit' && !config.livekit) {
    problems.push('media: livekit needs livekit.url, livekit.apiKey and livekit.apiSecret (or LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET)');
  }
  if (config.media === 'livekit' && config.sip.external) problems.push('media: livekit and sip.external exclude each other: choose one media path');
  for (const id of Object.keys(config.sip.external?.queues ?? {})) {
    if (!queueIds.has(id)) problems.push(`sip.external.queues.${id}: there is no queue "${id}"`);
  }
  config.routing.priority.forEach((rule, i) => {
    if (rule.when.queue && !queueIds.has(rule.when.queue)) problems.push(`routing.priority.${i}.when.queue: there is no queue "${rule.when.queue}"`);
  });
  return problems;
}
