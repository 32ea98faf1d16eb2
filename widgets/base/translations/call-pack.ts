/** Where the call terms come from, in each built-in language (see packs.ts). */
import type { Pack } from './packs.js';
import type { CallTerms } from './en-call.js';

export const callPack: Pack<CallTerms> = {
  name: 'call',
  load: {
    en: () => import('./en-call.js'),
    'zh-Hans': () => import('./zh-hans-call.js'),
    'zh-Hant': () => import('./zh-hant-call.js'),
    ru: () => import('./ru-call.js'),
  },
};
