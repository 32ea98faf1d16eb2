import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { Localize } from '../base/localize.js';
import { agentPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import { forms } from '../base/forms.js';
import { fetchDirectory, type Directory, type Eligibility, type TransferRequest } from '../chat/agent-api.js';
import type {} from '../events/warmline-transfer.js';
import { refusalOf } from './transfer-refusals.js';
import styles from './warmline-transfer-form.styles.js';

/**
 * @summary Where to pass a chat or call on: another agent or a queue, with a note that travels with the context.
 *
 * Blind: it goes now. Warm: for a call, the agent talks to the colleague
 * first (the customer hears hold music); for a chat, the agent stays until
 * the colleague accepts.
 *
 * Given the `interaction`, it asks the server who can take it now: a target
 * that cannot (without the queue's skills, away, closed…) is shown disabled,
 * with why, worded by the server's code. The server still judges the
 * transfer itself.
 *
 * @event warmline-transfer - The agent chose; `detail` is the request and the target's name.
 * @event warmline-transfer-cancel - The agent closed the form (Cancel, or Escape).
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

  /** The interaction to transfer: targets that cannot take it now are disabled, with why. */
  @property({ attribute: false }) interaction = '';

  @state() private directory: Directory | undefined;
  @state() private error = '';

  private readonly localize = new Localize(this, agentPack);

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    const t = this.localize;
    const d = this.directory;
    const stateOf = (a: Directory['agents'][number]) => (a.online ? t.term(a.presence === 'available' ? 'available' : 'away') : t.term('stateOffline')).toLowerCase();
    return html`<form part="form" @submit=${this.onSubmit} @keydown=${this.onKeydown} aria-label=${t.term('transferTitle')}>
      <label
        >${t.term('transferTarget')}
        <select name="target" required>
          <optgroup label=${t.term('agentsGroup')}>
            ${(d?.agents ?? [])
              .filter((a) => a.id !== this.self)
              .map((a) => this.renderOption(`agent:${a.id}`, a.name, t.term('agentState', a.name, stateOf(a)), a))}
          </optgroup>
          <optgroup label=${t.term('queuesGroup')}>${(d?.queues ?? []).map((q) => this.renderOption(`queue:${q.id}`, q.label, q.label, q))}</optgroup>
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

  /** A target; one that cannot take the interaction is disabled and says why ("Bob Chen (away)"). */
  private renderOption(value: string, name: string, text: string, target: Eligibility) {
    return target.eligible === false && target.reason
      ? html`<option value=${value} disabled>${refusalOf(this.localize, name, target.reason.code)}</option>`
      : html`<option value=${value}>${text}</option>`;
  }

  /** The directory; for an interaction, with who can take it. If that cannot be judged, every target (the server judges on submit). */
  private async load() {
    const about = this.interaction ? { interaction: this.interaction, channel: this.channel } : undefined;
    try {
      this.directory = await fetchDirectory(this.server, this.token, about);
    } catch {
      if (!about) {
        this.error = this.localize.term('transferFailed');
        return;
      }
      this.error = this.localize.term('transferTargetsUnchecked');
      this.directory = await fetchDirectory(this.server, this.token).catch(() => undefined);
    }
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.emit('warmline-transfer-cancel');
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const [kind, id] = String(data.get('target') ?? '').split(':') as [string, string];
    if (!id) return;
    const d = this.directory;
    const label = (kind === 'agent' ? d?.agents.find((a) => a.id === id)?.name : d?.queues.find((q) => q.id === id)?.label) ?? id;
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
