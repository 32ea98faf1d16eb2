/** Russian terms of attachments; see en-attachment.ts. */
import type { AttachmentTerms } from './en-attachment.js';

const ruAttachment = {
  $code: 'ru',
  $name: 'Русский',

  attach: 'Прикрепить фото или PDF',
  attachUploading: (name: string, percent: number) => `Отправка «${name}»… ${percent}%`,
  attachTooLarge: (name: string) => `Файл «${name}» слишком большой, прикрепить его нельзя.`,
  attachWrongType: (name: string) => `Файл «${name}» нельзя прикрепить: подходят только фото (PNG, JPEG, GIF, WebP) и PDF.`,
  attachTooMany: 'К этому чату больше нельзя прикрепить файлы.',
  attachFailed: (name: string) => `Не удалось прикрепить «${name}». Попробуйте ещё раз.`,
  attachmentLoading: 'Загрузка…',
  attachmentUnavailable: 'Не удаётся показать файл.',
  attachmentOpen: (name: string) => `Открыть «${name}»`,
  attachmentDownload: (name: string) => `Скачать «${name}»`,
  attachmentDownloadButton: 'Скачать',
  attachmentSize: (kb: number) =>
    kb >= 1024 ? `${(kb / 1024).toFixed(1).replace('.', ',')} МБ` : `${Math.max(1, Math.round(kb))} КБ`,
} satisfies AttachmentTerms;

export default ruAttachment;
