import { html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { attachmentPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import type { VisitorChatClient } from '../chat/visitor-chat-client.js';
import { UploadError, uploadAttachment, type UploadProblem } from '../chat/attachment-upload.js';
import type {} from '../events/warmline-message-send.js';
import type { WarmlineAttachmentAuthEvent } from '../events/warmline-attachment-auth.js';
import styles from './warmline-attach.styles.js';

/** A paper clip, drawn with a stroke. */
const CLIP = 'M16 6v10a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10a1 1 0 0 1-2 0V7';

/** What the server accepts; the browser's file chooser offers these (the server still decides by the content). */
const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,application/pdf';

/**
 * @summary The chat's "Attach a photo or PDF" button: picks a file, uploads it into the conversation, and sends it.
 *
 * Part of the visitor's chat, loaded when the panel first opens rather than
 * with the chat (whose first bundle has a hard size budget). It says how the
 * upload goes, and why a file was refused (too large, not a photo or PDF),
 * in a line above the composer. It also tells the chat's attachments which
 * server and token to fetch them with (`warmline-attachment-auth`).
 *
 * @event warmline-message-send - A file is about to be uploaded and sent. Cancelable; `detail.file`, `detail.text` empty.
 *
 * @csspart button - The attach button.
 * @csspart note - The line saying how the upload goes, or why it failed.
 */
export class WarmlineAttach extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** The chat's client: the conversation to upload into, and what sends the message. */
  @property({ attribute: false }) client: VisitorChatClient | undefined;

  /** Base URL of the Warmline server. */
  @property() server = '';

  @state() private note: { text: string; error?: boolean } | undefined;
  @state() private busy = false;
  @query('input') private input!: HTMLInputElement;

  private readonly localize = new Localize(this, attachmentPack);
  private root: Node | undefined;

  /** The chat's attachments (in the message list beside this) fetch with this conversation's token. */
  private readonly answerAuth = (event: WarmlineAttachmentAuthEvent) => {
    event.stopPropagation();
    event.detail.auth = { server: this.base, token: this.client?.token };
  };

  override connectedCallback() {
    super.connectedCallback();
    this.root = this.getRootNode();
    this.root.addEventListener('warmline-attachment-auth', this.answerAuth as EventListener);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.root?.removeEventListener('warmline-attachment-auth', this.answerAuth as EventListener);
  }

  override render() {
    const t = this.localize;
    return html`
      <button part="button" type="button" aria-label=${t.term('attach')} title=${t.term('attach')} ?disabled=${this.busy} @click=${this.choose}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${CLIP}></path></svg>
      </button>
      <input type="file" hidden accept=${ACCEPT} @change=${this.onChange} />
      ${this.note
        ? html`<p part="note" class=${this.note.error ? 'note error' : 'note'} role=${this.note.error ? 'alert' : 'status'}>${this.note.text}</p>`
        : nothing}
    `;
  }

  private choose() {
    this.input.click();
  }

  private onChange() {
    const file = this.input.files?.[0];
    // Cleared, so that choosing the same file again is a change too.
    this.input.value = '';
    if (file) void this.attach(file);
  }

  /** Uploads a file into the conversation (starting one if needed) and sends a message carrying it. */
  async attach(file: File) {
    const client = this.client;
    const t = this.localize;
    if (!client || this.busy) return;
    if (this.emit('warmline-message-send', { cancelable: true, detail: { text: '', file } }).defaultPrevented) return;
    this.busy = true;
    this.note = { text: t.term('attachUploading', file.name, 0) };
    try {
      if (!client.token) await client.begin();
      const token = client.token;
      if (!token) throw new UploadError('failed', 'no conversation');
      const attachment = await uploadAttachment({
        server: this.base,
        token,
        file,
        onProgress: (fraction) => (this.note = { text: t.term('attachUploading', file.name, Math.round(fraction * 100)) }),
      });
      client.send('', attachment);
      this.note = undefined;
    } catch (err) {
      this.note = { text: this.problemText(err instanceof UploadError ? err.problem : 'failed', file.name), error: true };
    } finally {
      this.busy = false;
    }
  }

  private get base() {
    return (this.server || location.origin).replace(/\/$/, '');
  }

  private problemText(problem: UploadProblem, name: string): string {
    const t = this.localize;
    if (problem === 'too-large') return t.term('attachTooLarge', name);
    if (problem === 'wrong-type') return t.term('attachWrongType', name);
    if (problem === 'too-many') return t.term('attachTooMany');
    return t.term('attachFailed', name);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-attach': WarmlineAttach;
  }
}
