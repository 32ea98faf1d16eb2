/**
 * English terms of attachments: uploading one from the chat, showing one in
 * a conversation. A separate file so that they load with the attachment
 * code, not in the chat's first bundle.
 */
const enAttachment = {
  $code: 'en',
  $name: 'English',

  attach: 'Attach a photo or PDF',
  attachUploading: (name: string, percent: number) => `Sending ${name}… ${percent}%`,
  attachTooLarge: (name: string) => `${name} is too large to attach.`,
  attachWrongType: (name: string) => `${name} cannot be attached: only photos (PNG, JPEG, GIF, WebP) and PDF files can.`,
  attachTooMany: 'No more files can be attached to this conversation.',
  attachFailed: (name: string) => `${name} could not be attached. Please try again.`,
  attachmentLoading: 'Loading…',
  attachmentUnavailable: 'The file cannot be shown.',
  attachmentOpen: (name: string) => `Open ${name}`,
  attachmentDownload: (name: string) => `Download ${name}`,
  attachmentDownloadButton: 'Download',
  attachmentSize: (kb: number) => (kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(kb))} KB`),
};

export default enAttachment;

/** The attachment terms and their shapes. */
export type AttachmentTerms = typeof enAttachment;
