/** Where the attachment terms come from, in each built-in language (see packs.ts). */
import type { Pack } from './packs.js';
import type { AttachmentTerms } from './en-attachment.js';

export const attachmentPack: Pack<AttachmentTerms> = {
  name: 'attachment',
  load: {
    en: () => import('./en-attachment.js'),
    'zh-Hans': () => import('./zh-hans-attachment.js'),
    'zh-Hant': () => import('./zh-hant-attachment.js'),
    ru: () => import('./ru-attachment.js'),
  },
};
