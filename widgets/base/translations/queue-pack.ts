/** Where the queue terms come from, in each built-in language (see packs.ts). */
import type { Pack } from './packs.js';
import type { QueueTerms } from './en-queue.js';

export const queuePack: Pack<QueueTerms> = {
  name: 'queue',
  load: {
    en: () => import('./en-queue.js'),
    'zh-Hans': () => import('./zh-hans-queue.js'),
    'zh-Hant': () => import('./zh-hant-queue.js'),
    ru: () => import('./ru-queue.js'),
  },
};
