/**
 * Uploading a file into the visitor's conversation (`POST /api/v1/attachments`),
 * without any DOM. Loaded only when the visitor picks a file.
 *
 * XMLHttpRequest rather than fetch: it reports upload progress, which a
 * photo from a phone on a slow network needs.
 */
import { ATTACHMENT_TYPES, type AttachmentInfo, type AttachmentType } from '../protocol/wire-common.js';

/** What went wrong, for the widget to say in the visitor's language. */
export type UploadProblem = 'too-large' | 'wrong-type' | 'too-many' | 'failed';

export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly problem: UploadProblem,
    message: string,
  ) {
    super(message);
  }
}

const PROBLEMS: Record<string, UploadProblem> = {
  attachment_too_large: 'too-large',
  body_too_large: 'too-large',
  unsupported_type: 'wrong-type',
  too_many_attachments: 'too-many',
};

const isType = (t: unknown): t is AttachmentType => (ATTACHMENT_TYPES as readonly unknown[]).includes(t);

export interface UploadOptions {
  server: string;
  /** The conversation token. */
  token: string;
  file: File;
  /** From 0 to 1, as the bytes leave. */
  onProgress?: (fraction: number) => void;
}

/** Uploads the file; resolves with what a `send` frame names, or rejects with an UploadError. */
export function uploadAttachment({ server, token, file, onProgress }: UploadOptions): Promise<AttachmentInfo> {
  // The server decides by the content; this only spares uploading a video to be told no.
  if (file.type && !isType(file.type) && file.type !== 'image/jpg') {
    return Promise.reject(new UploadError('wrong-type', `${file.type} cannot be attached`));
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${server}/api/v1/attachments`);
    xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    // Headers are not UTF-8: the name goes URL-encoded.
    xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new UploadError('failed', 'the upload did not reach the server'));
    xhr.onload = () => {
      let body: { attachment?: AttachmentInfo; error?: { code?: string; message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // Not JSON (a proxy's error page): failed below.
      }
      const a = body.attachment;
      if (xhr.status === 201 && a && typeof a.id === 'string' && typeof a.name === 'string' && isType(a.type) && typeof a.size === 'number') {
        resolve({ id: a.id, name: a.name, type: a.type, size: a.size });
        return;
      }
      const problem = PROBLEMS[body.error?.code ?? ''] ?? (xhr.status === 413 ? 'too-large' : 'failed');
      reject(new UploadError(problem, body.error?.message ?? `upload failed (${xhr.status})`));
    };
    xhr.send(file);
  });
}
