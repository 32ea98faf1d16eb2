import { html, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { visitorPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import type { LogEntry } from '../chat/message-log.js';
import styles from './warmline-message-list.styles.js';

/**
 * @summary A conversation's messages, newest at the bottom, announced to screen readers as they arrive.
 *
 * Every message is rendered as text: nothing a visitor or agent writes can
 * become markup. A file's name is text too; its thumbnail or download is
 * `<warmline-attachment>`, which the host defines and answers for (which
 * server, which token: see events/warmline-attachment-auth.ts); until it is
 * defined the name shows, as text.
 *
 * @csspart base - The scrolling container.
 * @csspart message - Each message.
 * @csspart typing - The "is typing" line.
 * @csspart attachment - A file in a message (a thumbnail, or a PDF to download).
 */
export class WarmlineMessageList extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** The messages, as the chat client's log gives them. */
  @property({ attribute: false }) entries: LogEntry[] = [];

  /** Whose view this is: their messages are "mine", shown on the right with delivery state. */
  @property() me: 'visitor' | 'agent' = 'visitor';

  /** Text for the typing line ('' when nobody is typing). */
  @property() typing = '';

  /** Accessible name of the log. */
  @property() label = '';

  @query('[part~="base"]') private scroller!: HTMLElement;

  private readonly localize = new Localize(this, visitorPack);
  private stickToBottom = true;

  override render() {
    const lastMine = [...this.entries].reverse().find((e) => e.from === this.me)?.key;
    return html`
      <div part="base" @scroll=${this.onScroll}>
        <div role="log" aria-label=${this.label || this.localize.term('messages')}>
          <ol>
            ${
              // New messages join at the end (only a message still on its way sits after them), so rendering
              // by position keeps each item's element without the weight of the repeat directive.
              this.entries.map((entry) => this.renderEntry(entry, entry.key === lastMine))
            }
          </ol>
        </div>
        <p part="typing" class="typing" aria-live="polite">${this.typing}</p>
      </div>
    `;
  }

  private renderEntry(entry: LogEntry, showStatus: boolean) {
    if (entry.from === 'system') {
      return html`<li class="system" part="message"><p class="text">${this.systemText(entry)}</p></li>`;
    }
    const mine = entry.from === this.me;
    // A file shows in the bubble before any text with it (on one line in the template: the bubble keeps white space).
    const a = entry.attachment;
    const author = mine ? this.localize.term('you') : entry.from === 'agent' ? (entry.author ?? '') : this.localize.term('visitor');
    return html`
      <li class=${mine ? 'mine' : 'theirs'} part="message">
        <span class=${mine ? 'visually-hidden' : 'author'}>${author}</span>
        <p class="text">${a ? html`<warmline-attachment part="attachment" .file=${a}>${a.name}</warmline-attachment>` : nothing}${entry.text}</p>
        <span class="meta">
          <time datetime=${new Date(entry.at).toISOString()}>${this.localize.time(entry.at)}</time>
          ${mine && showStatus && entry.status ? html` · <span class="status">${this.localize.term(entry.status)}</span>` : nothing}
        </span>
      </li>
    `;
  }

  private systemText(entry: LogEntry): string {
    const name = entry.author ?? '';
    if (entry.event === 'agent-joined') return this.localize.term('agentJoined', name);
    if (entry.event === 'chat-closed') return this.localize.term('chatClosed', name);
    return entry.text;
  }

  private onScroll() {
    const el = this.scroller;
    this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  override updated() {
    // Follow new messages unless the reader scrolled up to read older ones.
    if (this.stickToBottom && this.scroller) this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-message-list': WarmlineMessageList;
  }
}
