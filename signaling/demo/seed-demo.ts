/**
 * Demo mode: the demo shop's site and two agents, alice and bob, password
 * "demo". Only ever called when demo mode is on; a production server starts
 * with no accounts at all (create them with `npm run agents -- add`).
 */
import type { Config } from '../config/config-schema.js';
import type { AgentAuth } from '../auth/agent-auth.js';
import type { Stores } from '../store/stores.js';

export const DEMO_AGENTS = [
  { username: 'alice', name: 'Alice Martin', password: 'demo' },
  { username: 'bob', name: 'Bob Chen', password: 'demo' },
] as const;

export const DEMO_SITE = {
  key: 'demo',
  name: 'Bean & Brew (demo shop)',
  origins: ['*'],
  topics: [
    { id: 'advice', label: 'Help choosing' },
    { id: 'orders', label: 'An order or delivery' },
    { id: 'returns', label: 'Returns and refunds' },
  ],
};

/** Adds the demo site to the configuration unless one with its key is configured. */
export function withDemoSite(config: Config): Config {
  if (config.sites.some((site) => site.key === DEMO_SITE.key)) return config;
  return { ...config, sites: [...config.sites, DEMO_SITE] };
}

export async function seedDemoAgents(stores: Stores, auth: AgentAuth) {
  for (const agent of DEMO_AGENTS) {
    if (!stores.agents.findByUsername(agent.username)) await auth.createAgent(agent);
  }
}
