import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { attachmentPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import { ATTACHMENT_TYPES, type AttachmentInfo } from '../protocol/wire-common.js';
import type {} from '../events/warmline-attachment-auth.js';
import styles from './warmline-attachment.styles.js';

/** Where attachments are fetched from and with which bearer token (a conversation's, or an agent session's). */
export interface AttachmentAuth {
  server: string;
  token?: string | undefined;
}

const valid = (f: AttachmentInfo | undefined): f is AttachmentInfo =>
  !!f && typeof f.id === 'string' && typeof f.name === 'string' && typeof f.size === 'number' && (ATTACHMENT_TYPES as readonly string[]).includes(f.type);

/**
 * @summary A file in a conversation: a photo as a thumbnail, a PDF as a download; its name always as text.
 *
 * The file is served only with a bearer token, which an `<img src>` cannot
 * send: it is fetched with the token and shown from a `blob:` URL, typed as
 * the server sniffed it (one of the allowed image types, never anything a
 * browser would run). The URL is revoked when the element changes file or
 * leaves the page. Which server and token to use it asks the element around
 * it (`warmline-attachment-auth`), unless `auth` is set.
 *
 * @csspart base - The file's box.
 * @csspart thumbnail - The photo.
 * @csspart name - The file name.
 * @csspart download - The button that downloads a PDF.
 */
export class WarmlineAttachment extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** The file, as a message carries it. */
  @property({ attribute: false }) file: AttachmentInfo | undefined;

  /** How to fetch it; by default, asked of the surrounding chat or softphone. */
  @property({ attribute: false }) auth: AttachmentAuth | undefined;

  @state() private url: string | undefined;
  @state() private status: 'idle' | 'loading' | 'failed' = 'idle';

  private readonly localize = new Localize(this, attachmentPack);
  /** Which file and credentials `url` (or the load under way) is for: a change starts again. */
  private shown = '';
  private abort: AbortController | undefined;
  private downloads: string[] = [];

  override connectedCallback() {
    super.connectedCallback();
    // Back in the page (moved in a list): load again what leaving released.
    this.requestUpdate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.release();
    for (const url of this.downloads) URL.revokeObjectURL(url);
    this.downloads = [];
  }

  override willUpdate(_changed: PropertyValues<this>) {
    const f = this.file;
    const auth = this.credentials();
    const key = valid(f) && f.type.startsWith('image/') && auth?.token ? `${auth.server}|${auth.token}|${f.id}` : '';
    if (key !== this.shown) {
      this.release();
      this.shown = key;
      if (key) void this.loadThumbnail(key);
    }
  }

  override render() {
    const f = this.file;
    if (!valid(f)) return nothing;
    const t = this.localize;
    const name = html`<span class="name" part="name">${f.name}</span>`;
    const size = html`<span class="size">${t.term('attachmentSize', f.size / 1024)}</span>`;
    if (f.type.startsWith('image/')) {
      return html`<figure part="base">
        ${this.url
          ? html`<a href=${this.url} target="_blank" rel="noopener" aria-label=${t.term('attachmentOpen', f.name)}
              ><img part="thumbnail" src=${this.url} alt=""
            /></a>`
          : html`<span class="placeholder" role="img" aria-label=${f.name}
              >${this.status === 'failed' ? t.term('attachmentUnavailable') : t.term('attachmentLoading')}</span
            >`}
        <figcaption>${name} ${size}</figcaption>
      </figure>`;
    }
    return html`<div part="base" class="pdf">
      ${name} ${size}
      <button part="download" type="button" aria-label=${t.term('attachmentDownload', f.name)} @click=${this.download}>
        ${t.term('attachmentDownloadButton')}
      </button>
      ${this.status === 'failed' ? html`<p class="problem" role="alert">${t.term('attachmentUnavailable')}</p>` : nothing}
    </div>`;
  }

  private async loadThumbnail(key: string) {
    const abort = new AbortController();
    this.abort = abort;
    this.status = 'loading';
    try {
      const blob = await this.fetchFile(abort.signal);
      // A newer file or token took over meanwhile: this result is stale.
      if (this.shown !== key) return;
      this.url = URL.createObjectURL(blob);
      this.status = 'idle';
    } catch {
      if (this.shown === key) this.status = 'failed';
    }
  }

  private async download() {
    const f = this.file;
    if (!valid(f)) return;
    try {
      const url = URL.createObjectURL(await this.fetchFile());
      this.downloads.push(url);
      const a = document.createElement('a');
      a.href = url;
      a.download = f.name;
      a.click();
      this.status = 'idle';
    } catch {
      this.status = 'failed';
    }
  }

  /** The bytes, with the bearer token, as a blob of the type the server sniffed (and this widget allows). */
  private async fetchFile(signal?: AbortSignal): Promise<Blob> {
    const f = this.file!;
    const auth = this.credentials();
    if (!auth?.token) throw new Error('no token');
    const res = await fetch(`${auth.server}/api/v1/attachments/${encodeURIComponent(f.id)}`, {
      headers: { authorization: `Bearer ${auth.token}` },
      cache: 'no-store',
      ...(signal ? { signal } : {}),
    });
    if (!res.ok) throw new Error(`attachment ${res.status}`);
    return new Blob([await res.blob()], { type: f.type });
  }

  private credentials(): AttachmentAuth | undefined {
    return this.auth ?? this.emit('warmline-attachment-auth', { detail: {} }).detail.auth;
  }

  private release() {
    this.abort?.abort();
    this.abort = undefined;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
    this.shown = '';
    this.status = 'idle';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-attachment': WarmlineAttachment;
  }
}
