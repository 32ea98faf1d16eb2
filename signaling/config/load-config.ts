import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { ConfigSchema, type Config } from './config-schema.js';

/** Environment variables that override the file, and how each is read. */
const ENV_OVERRIDES: ReadonlyArray<[name: string, path: string[], parse: (raw: string) => unknown]> = [
  ['PORT', ['port'], Number],
  ['HOST', ['host'], String],
  ['WARMLINE_PUBLIC_URL', ['publicUrl'], String],
  ['WARMLINE_DATA_DIR', ['dataDir'], String],
  ['WARMLINE_DEMO', ['demo'], (raw) => /^(1|true|yes|on)$/i.test(raw)],
  ['WARMLINE_SECRET', ['secret'], String],
  ['WARMLINE_AGENT_ORIGINS', ['agentOrigins'], (raw) => raw.split(',').map((o) => o.trim()).filter(Boolean)],
  ['WARMLINE_SIP_DOMAIN', ['sip', 'domain'], String],
  ['WARMLINE_TURN_URLS', ['sip', 'turn', 'urls'], (raw) => raw.split(',').map((u) => u.trim()).filter(Boolean)],
  ['WARMLINE_TURN_SECRET', ['sip', 'turn', 'secret'], String],
  ['WARMLINE_SESSION_TTL_MINUTES', ['sessionTtlMinutes'], Number],
  ['WARMLINE_MAX_CHATS_PER_AGENT', ['routing', 'maxChatsPerAgent'], Number],
  ['WARMLINE_OFFER_TIMEOUT_SECONDS', ['routing', 'offerTimeoutSeconds'], Number],
];

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
  return validateConfig(raw, explicit || existsSync(file) ? file : 'environment');
}

export function validateConfig(raw: unknown, source = 'configuration'): Config {
  const result = v.safeParse(ConfigSchema, raw);
  if (!result.success) {
    const lines = result.issues.map((issue) => `  - ${v.getDotPath(issue) ?? '(top level)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration (${source}):\n${lines.join('\n')}`);
  }
  const config = result.output;
  const keys = new Set<string>();
  for (const site of config.sites) {
    if (keys.has(site.key)) throw new ConfigError(`Invalid configuration (${source}):\n  - sites: the key "${site.key}" appears twice`);
    keys.add(site.key);
  }
  return config;
}
