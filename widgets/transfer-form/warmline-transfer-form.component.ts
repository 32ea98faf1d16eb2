import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { controls, tokens } from '../base/theme.js';
import { forms } from '../base/forms.js';
import enAgent from '../base/translations/en-agent.js';
import { fetchDirectory, type Directory, type TransferRequest } from '../chat/agent-api.js';
import type {} from '../events/warmline-transfer.js';
import styles from './warmline-transfer-form.styles.js';

/**
 * @summary Where to pass a chat or call on: another agent or a queue, with a note that travels with the context.
 *
 * Blind: it goes now. Warm: for a call, the agent talks to the colleague
 * first (the customer hears hold music); for a chat, the agent stays until
 * the colleague accepts.
 *
 * @event warmline-transfer - The agent chose; `detail` is the request and the target's name.
 * @event warmline-transfer-cancel - The agent closed the form.
 *
 * @csspart form - The form.
 */
export class WarmlineTransferForm extends WarmlineElement {
  static override styles = [tokens, controls, forms, styles];

  @property() server = '';

  /** The agent's session token, to read the directory. */
  @property({ attribute: false }) token = '';

  /** The agent's own id: not a target. */
  @property({ attribute: false }) self = '';

  @property() channel: 'chat' | 'call' = 'chat';

  @state() private directory: Directory | undefined;
  @state() private error = '';

  private readonly localize = new Localize(this, enAgent);

  override connectedCallback() {
    super.connectedCallback();
    fetchDirectory(this.server, this.token)
      .then((d) => (this.directory = d))
      .catch(() => (this.error = this.localize.term('transferFailed')));
  }

  override render() {
    const t = this.localize;
    const d = this.directory;
    const stateOf = (a: Directory['agents'][number]) => (a.online ? t.term(a.presence === 'available' ? 'available' : 'away') : t.term('stateOffline')).toLowerCase();
    return html`<form part="form" @submit=${this.onSubmit} aria-label=${t.term('transferTitle')}>
      <label
        >${t.term('transferTarget')}
        <select name="target" required>
          <optgroup label=${t.term('agentsGroup')}>
            ${(d?.agents ?? [])
              .filter((a) => a.id !== this.self)
              .map((a) => html`<option value=${`agent:${a.id}`}>${t.term('agentState', a.name, stateOf(a))}</option>`)}
          </optgroup>
          <optgroup label=${t.term('queuesGroup')}>${(d?.queues ?? []).map((q) => html`<option value=${`queue:${q.id}`}>${q.label}</option>`)}</optgroup>
        </select>
      </label>
      <label>${t.term('transferNote')} <textarea name="note" rows="3" maxlength="2000"></textarea></label>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="actions">
        <button class="primary" type="submit" value="warm">${t.term(this.channel === 'call' ? 'transferWarmCall' : 'transferWarmChat')}</button>
        <button class="secondary" type="submit" value="blind">${t.term('transferBlind')}</button>
        <button class="secondary" type="button" @click=${() => this.emit('warmline-transfer-cancel')}>${t.term('transferCancel')}</button>
      </div>
    </form>`;
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const [kind, id] = String(data.get('target') ?? '').split(':') as [string, string];
    if (!id) return;
    const label = form.querySelector<HTMLSelectElement>('select')!.selectedOptions[0]?.textContent?.replace(/\s*\(.*\)$/, '') ?? id;
    const request: TransferRequest = {
      to: kind === 'agent' ? { agentId: id } : { queue: id },
      note: String(data.get('note') ?? '').trim(),
      mode: (event.submitter as HTMLButtonElement | null)?.value === 'blind' ? 'blind' : 'warm',
    };
    this.emit('warmline-transfer', { detail: { request, label } });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-transfer-form': WarmlineTransferForm;
  }
}
