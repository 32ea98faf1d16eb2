/** Where the visitor terms come from, in each built-in language (see packs.ts). */
import type { Pack } from './packs.js';
import type { VisitorTerms } from './en.js';

export const visitorPack: Pack<VisitorTerms> = {
  name: 'visitor',
  load: {
    en: () => import('./en.js'),
    'zh-Hans': () => import('./zh-hans.js'),
    'zh-Hant': () => import('./zh-hant.js'),
    ru: () => import('./ru.js'),
  },
};
