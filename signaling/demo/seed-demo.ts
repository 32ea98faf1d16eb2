/**
 * Demo mode: the demo shop's site, its queues, and two agents, alice and
 * bob, password "demo". Only ever called when demo mode is on; a production
 * server starts with no accounts at all (create them with `npm run agents -- add`).
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
  queues: ['advice', 'orders', 'billing'],
  chatQueue: 'advice',
  // Public on purpose: the demo's identities prove nothing. A real site's secret stays on its backend.
  secret: 'demo-site-secret-do-not-use-in-production',
};

/** The customer the demo shop's "Sign in as Jamie" signs in. */
export const DEMO_CUSTOMER = { id: 'cust-1042', name: 'Jamie Rivera', email: 'jamie@example.com' };

/** The demo's queues, named in each language the widgets speak: anyone can help choosing; orders and billing need those skills. */
export const DEMO_QUEUES = [
  { id: 'advice', label: 'Help choosing', labels: { 'zh-Hans': '选购咨询', 'zh-Hant': '選購諮詢', ru: 'Помощь с выбором' }, skills: [] },
  { id: 'orders', label: 'An order or delivery', labels: { 'zh-Hans': '订单与配送', 'zh-Hant': '訂單與配送', ru: 'Заказ и доставка' }, skills: ['orders'] },
  { id: 'billing', label: 'Billing and refunds', labels: { 'zh-Hans': '账单与退款', 'zh-Hant': '帳單與退款', ru: 'Оплата и возврат' }, skills: ['billing'] },
];

/** alice does billing and orders and supervises (listens in on LiveKit calls); bob does orders only. */
export const DEMO_AGENT_SETTINGS = { alice: { skills: ['billing', 'orders'], supervisor: true }, bob: { skills: ['orders'], supervisor: false } };

/**
 * Adds the demo site, its queues and the demo agents' skills to the
 * configuration, unless a site with the demo's key is configured already.
 * The default "support" queue gives way to the demo's queues.
 */
export function withDemoSite(config: Config): Config {
  if (config.sites.some((site) => site.key === DEMO_SITE.key)) return config;
  const configured = config.queues.filter((q) => !(q.id === 'support' && config.queues.length === 1));
  const ids = new Set(configured.map((q) => q.id));
  return {
    ...config,
    sites: [...config.sites, DEMO_SITE],
    queues: [...configured, ...DEMO_QUEUES.filter((q) => !ids.has(q.id))],
    agents: { ...DEMO_AGENT_SETTINGS, ...config.agents },
  };
}

export async function seedDemoAgents(stores: Stores, auth: AgentAuth) {
  for (const agent of DEMO_AGENTS) {
    if (!(await stores.agents.findByUsername(agent.username))) await auth.createAgent(agent);
  }
}
