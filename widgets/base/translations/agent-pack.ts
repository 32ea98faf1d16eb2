/** Where the agent terms come from, in each built-in language (see packs.ts). */
import type { Pack } from './packs.js';
import type { AgentTerms } from './en-agent.js';

export const agentPack: Pack<AgentTerms> = {
  name: 'agent',
  load: {
    en: () => import('./en-agent.js'),
    'zh-Hans': () => import('./zh-hans-agent.js'),
    'zh-Hant': () => import('./zh-hant-agent.js'),
    ru: () => import('./ru-agent.js'),
  },
};
