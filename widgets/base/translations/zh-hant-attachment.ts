/** Traditional Chinese terms of attachments; see en-attachment.ts. */
import type { AttachmentTerms } from './en-attachment.js';

const zhHantAttachment = {
  $code: 'zh-Hant',
  $name: '繁體中文',

  attach: '上傳相片或 PDF',
  attachUploading: (name: string, percent: number) => `正在傳送「${name}」… ${percent}%`,
  attachTooLarge: (name: string) => `「${name}」檔案太大，無法上傳。`,
  attachWrongType: (name: string) => `無法上傳「${name}」：僅支援相片（PNG、JPEG、GIF、WebP）和 PDF 檔案。`,
  attachTooMany: '這段對話無法再上傳更多檔案。',
  attachFailed: (name: string) => `「${name}」上傳失敗，請再試一次。`,
  attachmentLoading: '載入中…',
  attachmentUnavailable: '無法顯示這個檔案。',
  attachmentOpen: (name: string) => `開啟「${name}」`,
  attachmentDownload: (name: string) => `下載「${name}」`,
  attachmentDownloadButton: '下載',
  attachmentSize: (kb: number) => (kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(kb))} KB`),
} satisfies AttachmentTerms;

export default zhHantAttachment;
