import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { controls, tokens } from '../base/theme.js';
import { forms } from '../base/forms.js';
import enQueue from '../base/translations/en-queue.js';
import { collectContext } from '../context/collect-context.js';
import { leaveOfflineMessage, QueueApiError } from '../queue/queue-api.js';
import type {} from '../events/warmline-offline-sent.js';
import styles from './warmline-offline-form.styles.js';

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

  /** The visitor's conversation token, to add the message to their conversation. */
  @property({ attribute: false }) token: string | undefined;

  @state() private sending = false;
  @state() private error = '';
  @state() private sentTo = '';

  private readonly localize = new Localize(this, enQueue);

  override render() {
    const t = this.localize;
    if (this.sentTo) return html`<p class="sent" role="status">${t.term('offlineSent', this.sentTo)}</p>`;
    const identity = collectContext().visitor.identity;
    const label = this.queueLabel || t.term('chatTitle');
    return html`<form part="form" @submit=${this.onSubmit} aria-describedby="why">
      <p id="why" class="why">
        ${this.reason === 'closed' ? t.term('offlineClosed', label) : t.term('offlineUnstaffed', label)}
        ${this.reason === 'closed' && this.opensAt ? t.term('offlineOpensAt', this.when(this.opensAt)) : nothing}
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

  private when(iso: string): string {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return '';
    return new Intl.DateTimeFormat(this.localize.lang, { weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(at);
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
      // The server's words are for people (e.g. "contact must be an email address or a phone number").
      this.error = err instanceof QueueApiError && err.status < 500 ? err.message : this.localize.term('offlineFailed');
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
