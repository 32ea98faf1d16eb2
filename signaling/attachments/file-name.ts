/**
 * A visitor's file name, made fit to keep and show. It is only ever shown as
 * text and never becomes part of a path on disk (files are named by random
 * ids), but it does reach a `Content-Disposition` header and, when someone
 * downloads the file, their file system.
 */
import type { AttachmentType } from '../../widgets/protocol/wire-common.js';
import { EXTENSIONS } from './sniff-type.js';

const MAX_CHARS = 120;

/**
 * Control and invisible formatting characters go (a right-to-left override
 * can make `gpj.exe` look like `exe.jpg`), and so does any folder part, so
 * `../../x` is `x`. The extension is made to fit the sniffed type: a PNG
 * called `page.html` becomes `page.html.png`, so a downloaded copy opens as
 * what it is.
 */
export function sanitizeFileName(raw: string, type: AttachmentType): string {
  const name = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .split(/[/\\]/)
    .pop()!
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const extensions = EXTENSIONS[type];
  const dot = name.lastIndexOf('.');
  const fits = dot > 0 && extensions.includes(name.slice(dot + 1).toLowerCase());
  let stem = fits ? name.slice(0, dot) : name;
  const suffix = fits ? name.slice(dot) : `.${extensions[0]}`;
  // Count code points, not UTF-16 units, so a cut never splits a character.
  const chars = [...stem];
  if (chars.length + suffix.length > MAX_CHARS) stem = chars.slice(0, MAX_CHARS - suffix.length).join('').trimEnd();
  return `${stem || (type === 'application/pdf' ? 'document' : 'photo')}${suffix}`;
}

/** RFC 6266 with RFC 8187's UTF-8 form, plus a plain ASCII fallback for old clients. */
export function contentDisposition(name: string, type: AttachmentType): string {
  // Images open in the browser (inside a sandbox, see the route); a PDF is a download.
  const kind = type.startsWith('image/') ? 'inline' : 'attachment';
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
