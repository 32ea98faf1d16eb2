/**
 * Attachments a visitor uploads into their conversation: the checks (size,
 * how many, what the content is), then the row and the file. Every refusal
 * comes before anything is stored. Who may read an attachment is the
 * route's question; sending one in a message is the interaction service's.
 */
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import { newId } from '../ids.js';
import type { Stores } from '../store/stores.js';
import type { AttachmentRecord } from '../store/attachment-store.js';
import type { AttachmentType } from '../../widgets/protocol/wire-common.js';
import { declaredType, sniffType } from './sniff-type.js';
import { sanitizeFileName } from './file-name.js';
import type { AttachmentFiles } from './attachment-files.js';

export interface AttachmentLimits {
  attachmentBytes: number;
  attachmentsPerInteraction: number;
}

export interface NewAttachment {
  interactionId: string;
  /** The request's Content-Type: checked against the content, never trusted for the type. */
  declaredType: string;
  fileName: string;
  bytes: Uint8Array;
}

const LABELS: Record<AttachmentType, string> = {
  'image/png': 'a PNG image',
  'image/jpeg': 'a JPEG image',
  'image/gif': 'a GIF image',
  'image/webp': 'a WebP image',
  'application/pdf': 'a PDF',
};

const inUnits = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Number((bytes / (1024 * 1024)).toFixed(1))} MB` : `${Number((bytes / 1024).toFixed(1))} KB`;

export class AttachmentService {
  constructor(
    private readonly stores: Stores,
    private readonly files: AttachmentFiles,
    private readonly limits: AttachmentLimits,
    private readonly clock: Clock,
  ) {}

  get maxBytes(): number {
    return this.limits.attachmentBytes;
  }

  tooLarge(): AppError {
    return AppError.tooLarge(`An attachment is at most ${inUnits(this.limits.attachmentBytes)}.`, 'attachment_too_large');
  }

  /** Refusals that need no body: called before reading it, so a full conversation does not upload megabytes for nothing. */
  assertRoom(interactionId: string, declaredLength: number | undefined) {
    if (declaredLength !== undefined && declaredLength > this.limits.attachmentBytes) throw this.tooLarge();
    if (this.stores.attachments.countFor(interactionId) >= this.limits.attachmentsPerInteraction) {
      throw new AppError(409, 'too_many_attachments', `A conversation has at most ${this.limits.attachmentsPerInteraction} attachments.`);
    }
  }

  async add(input: NewAttachment): Promise<AttachmentRecord> {
    const { bytes } = input;
    if (bytes.length === 0) throw AppError.badRequest('The file is empty.');
    if (bytes.length > this.limits.attachmentBytes) throw this.tooLarge();
    const type = sniffType(bytes);
    if (!type) throw new AppError(415, 'unsupported_type', 'Only images (PNG, JPEG, GIF, WebP) and PDF files can be attached.');
    const declared = declaredType(input.declaredType);
    if (declared !== 'unspecified' && declared !== type) {
      const said = input.declaredType.split(';')[0]!.trim().slice(0, 80);
      throw new AppError(415, 'unsupported_type', `The file is ${LABELS[type]} but was sent as ${said}.`);
    }
    const record: AttachmentRecord = {
      id: newId('at'),
      interactionId: input.interactionId,
      name: sanitizeFileName(input.fileName, type),
      type,
      size: bytes.length,
      createdAt: this.clock.now(),
    };
    // The count and the row in one step, so two uploads at once cannot both take the last place.
    this.stores.transaction(() => {
      this.assertRoom(input.interactionId, undefined);
      this.stores.attachments.insert(record);
    });
    try {
      await this.files.write(record.id, bytes);
    } catch (err) {
      this.stores.attachments.delete(record.id);
      throw err;
    }
    return record;
  }

  find(id: string): AttachmentRecord | undefined {
    return this.stores.attachments.find(id);
  }

  open(record: AttachmentRecord) {
    return this.files.open(record.id);
  }
}
