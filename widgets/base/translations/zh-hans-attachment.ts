/** Simplified Chinese terms of attachments; see en-attachment.ts. */
import type { AttachmentTerms } from './en-attachment.js';

const zhHansAttachment = {
  $code: 'zh-Hans',
  $name: '简体中文',

  attach: '上传图片或 PDF',
  attachUploading: (name: string, percent: number) => `正在发送“${name}”… ${percent}%`,
  attachTooLarge: (name: string) => `“${name}”太大，无法上传。`,
  attachWrongType: (name: string) => `无法上传“${name}”：仅支持图片（PNG、JPEG、GIF、WebP）和 PDF 文件。`,
  attachTooMany: '此对话无法再上传更多文件。',
  attachFailed: (name: string) => `“${name}”上传失败，请重试。`,
  attachmentLoading: '加载中…',
  attachmentUnavailable: '无法显示此文件。',
  attachmentOpen: (name: string) => `打开“${name}”`,
  attachmentDownload: (name: string) => `下载“${name}”`,
  attachmentDownloadButton: '下载',
  attachmentSize: (kb: number) => (kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(kb))} KB`),
} satisfies AttachmentTerms;

export default zhHansAttachment;
