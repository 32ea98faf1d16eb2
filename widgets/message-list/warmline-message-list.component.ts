import { html, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { visitorPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import type { LogEntry } from '../chat/message-log.js';
import type {} from '../events/warmline-show-earlier.js';
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
 * Long conversations arrive a page at a time: while `earlier` is `more`, a
 * "Show earlier messages" button heads the list and asks the owner for the
 * page before. The reader keeps their place as it arrives, and their focus:
 * on the button, or on the first message once there is no earlier one.
 *
 * @event warmline-show-earlier - Internal: the reader asked for older messages.
 *
 * @csspart base - The scrolling container.
 * @csspart earlier - The "Show earlier messages" button.
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

  /** Whether the conversation has older messages than `entries` (`more`), being read now (`loading`), or none. */
  @property() earlier: 'none' | 'more' | 'loading' = 'none';

  @query('[part~="base"]') private scroller!: HTMLElement;

  private readonly localize = new Localize(this, visitorPack);
  private stickToBottom = true;
  /** While older messages are put in above: the distance from the bottom to keep, so what the reader sees stays put. */
  private keepFromBottom: number | undefined;
  /** The reader pressed "Show earlier": once there is nothing earlier, their focus goes to the first message. */
  private focusFirstWhenDone = false;

  override render() {
    const lastMine = [...this.entries].reverse().find((e) => e.from === this.me)?.key;
    return html`
      <div part="base" @scroll=${this.onScroll}>
        ${this.earlier === 'none'
          ? nothing
          : html`<button
              part="earlier"
              class="earlier"
              type="button"
              aria-disabled=${this.earlier === 'loading' ? 'true' : 'false'}
              @click=${this.onEarlier}
            >
              ${this.localize.term('showEarlier')}
            </button>`}
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

  private onEarlier() {
    // aria-disabled rather than disabled while loading: a disabled button would drop the reader's focus.
    if (this.earlier !== 'more') return;
    this.focusFirstWhenDone = true;
    this.emit('warmline-show-earlier');
  }

  private onScroll() {
    const el = this.scroller;
    this.stickToBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
  }

  override willUpdate(changed: PropertyValues<this>) {
    const before = changed.get('entries') as LogEntry[] | undefined;
    // Older messages put in above the first one shown (the reader asked for them).
    if (before?.length && this.scroller && this.entries.length > before.length && this.entries[0]?.key !== before[0]?.key) {
      this.keepFromBottom = this.scroller.scrollHeight - this.scroller.scrollTop;
    }
  }

  override updated() {
    if (!this.scroller) return;
    if (this.keepFromBottom !== undefined) {
      this.scroller.scrollTop = this.scroller.scrollHeight - this.keepFromBottom;
      this.keepFromBottom = undefined;
    } else if (this.stickToBottom) {
      // Follow new messages unless the reader scrolled up to read older ones.
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }
    if (this.focusFirstWhenDone && this.earlier === 'none') {
      this.focusFirstWhenDone = false;
      const first = this.renderRoot.querySelector<HTMLElement>('li');
      if (first) {
        first.tabIndex = -1;
        first.focus({ preventScroll: true });
      }
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-message-list': WarmlineMessageList;
  }
}
