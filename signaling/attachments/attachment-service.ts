/**
 * Attachments a visitor uploads into their conversation: the checks (size,
 * how many, what the content is), then the row and its bytes, both in the
 * database so every node can serve them (docs/operations.md). Every refusal
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
  async assertRoom(interactionId: string, declaredLength: number | undefined, stores = this.stores) {
    if (declaredLength !== undefined && declaredLength > this.limits.attachmentBytes) throw this.tooLarge();
    if ((await stores.attachments.countFor(interactionId)) >= this.limits.attachmentsPerInteraction) {
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
    // The count and the row in one step, the conversation held, so two uploads at once cannot both take the last place.
    await this.stores.transaction(async (stores) => {
      await stores.interactions.lock(input.interactionId);
      await this.assertRoom(input.interactionId, undefined, stores);
      await stores.attachments.insert(record, bytes);
    });
    return record;
  }

  find(id: string): Promise<AttachmentRecord | undefined> {
    return this.stores.attachments.find(id);
  }

  /** The bytes; undefined when they are missing (a data directory whose files were lost before the upgrade). */
  bytesOf(record: AttachmentRecord): Promise<Uint8Array | undefined> {
    return this.stores.attachments.bytesOf(record.id);
  }
}
