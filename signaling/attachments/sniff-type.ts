/**
 * What a file is, from its first bytes (its "magic number"). This alone
 * decides an attachment's type: the name and the Content-Type the browser
 * declares are the visitor's to choose, so a page of HTML named `photo.png`
 * is refused rather than stored and served as something a browser might run.
 */
import type { AttachmentType } from '../../widgets/protocol/wire-common.js';

const ascii = (bytes: Uint8Array, offset: number, text: string) => {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
};

const SIGNATURES: ReadonlyArray<[AttachmentType, (b: Uint8Array) => boolean]> = [
  // PNG §5.2: 89 50 4E 47 0D 0A 1A 0A.
  ['image/png', (b) => b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 'PNG\r\n\x1a\n')],
  // JPEG: SOI (FF D8) followed by a marker (FF).
  ['image/jpeg', (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')],
  // WebP: a RIFF container whose form type is WEBP.
  ['image/webp', (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')],
  // PDF readers accept the header anywhere in the first KB; we want it first, where nothing can hide before it.
  ['application/pdf', (b) => ascii(b, 0, '%PDF-')],
];

/** The allowed type these bytes are, or undefined for anything else. */
export function sniffType(bytes: Uint8Array): AttachmentType | undefined {
  return SIGNATURES.find(([, matches]) => matches(bytes))?.[0];
}

/** File name extensions that fit each type (the first is the one given to a name without one). */
export const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

/** A declared Content-Type as one of ours, if it names one (`image/jpg` is a common misspelling of `image/jpeg`). */
export function declaredType(header: string): AttachmentType | 'unspecified' | 'other' {
  const type = header.split(';')[0]!.trim().toLowerCase();
  if (type === '' || type === 'application/octet-stream') return 'unspecified';
  if (type === 'image/jpg' || type === 'image/pjpeg') return 'image/jpeg';
  return type in EXTENSIONS ? (type as AttachmentType) : 'other';
}
