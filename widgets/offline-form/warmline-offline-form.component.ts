import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { dateTime } from '../base/formats.js';
import { Localize } from '../base/localize.js';
import { queuePack, visitorPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import { forms } from '../base/forms.js';
import { collectContext } from '../context/collect-context.js';
import { leaveOfflineMessage } from '../queue/queue-api.js';
import { ApiError } from '../net/api-error.js';
import type { ErrorCode, ErrorDetails } from '../protocol/errors.js';
import type {} from '../events/warmline-offline-sent.js';
import styles from './warmline-offline-form.styles.js';

/**
 * The server's refusals the visitor can put right, worded by their code
 * (protocol/errors.ts); any other is "could not be sent".
 */
const REFUSALS: Partial<Record<ErrorCode, (t: Localize, d: ErrorDetails) => string>> = {
  invalid_contact: (t) => t.term('offlineContactInvalid'),
  message_too_long: (t, d) => t.term('messageTooLong', d.limit ?? 4000),
  rate_limited: (t, d) => t.term('rateLimited', d.retryAfter ?? 5),
};

/**
 * @summary The offline form: when a queue is closed or nobody of it is signed in, the visitor leaves a message.
 *
 * Name, a way to reach them and the message become an interaction that the
 * queue's agents are offered when it opens, with the visitor's context.
 * The chat and the call widgets show it (and load it only then).
 *
 * @event warmline-offline-sent - The message was stored; `detail.interactionId`, `detail.token`.
 *
 * @csspart form - The form.
 */
export class WarmlineOfflineForm extends WarmlineElement {
  static override styles = [tokens, controls, forms, styles];
  /** Focusing the element focuses its first field (the call panel does, when it shows the form). */
  static override shadowRootOptions = { ...WarmlineElement.shadowRootOptions, delegatesFocus: true };

  /** Base URL of the Warmline server. */
  @property() server = '';

  @property() site = '';

  /** The queue the message is for; the site's chat queue when empty. */
  @property() queue = '';

  /** Its name, for the explanation. */
  @property({ attribute: 'queue-label' }) queueLabel = '';

  /** Why the form shows: the queue is `closed` (business hours) or `unstaffed`. */
  @property() reason: 'closed' | 'unstaffed' = 'closed';

  /** When a closed queue opens next (ISO 8601). */
  @property({ attribute: 'opens-at' }) opensAt = '';

  /** The IANA time zone the queue keeps its hours in: the opening time is worded in it, with the zone's name. */
  @property() timezone = '';

  /** The visitor's conversation token, to add the message to their conversation. */
  @property({ attribute: false }) token: string | undefined;

  @state() private sending = false;
  @state() private error = '';
  @state() private sentTo = '';

  private readonly localize = new Localize(this, queuePack, visitorPack);

  override render() {
    const t = this.localize;
    if (this.sentTo) {
      // Closed: we answer when it opens; unstaffed: when someone is free, which may be sooner.
      return html`<p class="sent" role="status">${t.term(this.reason === 'closed' ? 'offlineSent' : 'offlineSentUnstaffed', this.sentTo)}</p>`;
    }
    const identity = collectContext().visitor.identity;
    // No sentence at all rather than "We open again ." for a date that cannot be read.
    const opens = this.reason === 'closed' && this.opensAt ? this.when(this.opensAt) : '';
    return html`<form part="form" @submit=${this.onSubmit} aria-describedby="why">
      <p id="why" class="why">
        ${this.whyText()}
        ${opens ? t.term('offlineOpensAt', opens) : nothing}
        ${t.term('offlineIntro')}
      </p>
      <label>${t.term('offlineName')} <input name="name" autocomplete="name" required maxlength="200" .value=${identity?.name ?? ''} /></label>
      <label
        >${t.term('offlineContact')}
        <input name="contact" autocomplete="email" required maxlength="254" .value=${identity?.email ?? identity?.phone ?? ''}
      /></label>
      <label>${t.term('offlineMessage')} <textarea name="message" rows="3" required maxlength="4000"></textarea></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.sending}>${this.sending ? t.term('offlineSending') : t.term('offlineSend')}</button>
    </form>`;
  }

  /** Why the form shows, naming the queue when it has a name. */
  private whyText(): string {
    const t = this.localize;
    const label = this.queueLabel;
    if (this.reason === 'closed') return label ? t.term('offlineClosed', label) : t.term('offlineClosedNoName');
    return label ? t.term('offlineUnstaffed', label) : t.term('offlineUnstaffedNoName');
  }

  /**
   * "Monday 09:00 GMT+3" in the queue's zone, which means the same hour to
   * every visitor wherever they are; with the date when it is more than a
   * week away (a holiday closure), so that the weekday is not ambiguous.
   */
  private when(iso: string): string {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return '';
    const farOff = at.getTime() - Date.now() > 6 * 24 * 3600_000;
    return dateTime(this.localize.lang, at, {
      weekday: 'long',
      ...(farOff && { month: 'long', day: 'numeric' }),
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
      ...(this.timezone && { timeZone: this.timezone }),
    });
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    this.sending = true;
    this.error = '';
    try {
      const sent = await leaveOfflineMessage((this.server || location.origin).replace(/\/$/, ''), {
        site: this.site,
        ...(this.queue ? { queue: this.queue } : {}),
        ...(this.token ? { token: this.token } : {}),
        name: field('name'),
        contact: field('contact'),
        message: field('message'),
        context: collectContext(),
      });
      this.sentTo = field('name');
      this.emit('warmline-offline-sent', { detail: sent });
    } catch (err) {
      // The server's English message is for logs: the visitor reads the words for its code.
      this.error = (err instanceof ApiError && REFUSALS[err.code]?.(this.localize, err.details)) || this.localize.term('offlineFailed');
    } finally {
      this.sending = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-offline-form': WarmlineOfflineForm;
  }
}
