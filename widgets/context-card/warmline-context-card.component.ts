import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { WarmlineElement } from '../base/warmline-element.js';
import { dateTime, languageName, money, relativeTime } from '../base/formats.js';
import { Localize } from '../base/localize.js';
import { agentPack, visitorPack } from '../base/translations/packs.js';
import { controls, tokens } from '../base/theme.js';
import type { ContextEnvelope } from '../protocol/context-envelope.js';
import type { Note, PriorInteraction } from '../protocol/agent-server-messages.js';
import styles from './warmline-context-card.styles.js';

/** Only http(s) URLs become links; anything else is shown as text. */
const safeHref = (url: string | undefined) => (url && /^https?:\/\//i.test(url) ? url : undefined);

/**
 * @summary What the agent knows about the visitor at a glance: who, where, what is in the cart, what they did.
 *
 * Everything shown comes from the visitor's browser and is rendered as text;
 * links are only made of http(s) URLs. Identity is marked "Not verified"
 * unless the server verified it.
 *
 * @csspart base - The card (a region labelled "Customer context").
 */
export class WarmlineContextCard extends WarmlineElement {
  static override styles = [tokens, controls, styles];

  /** The interaction's context envelope, as the server stored it. */
  @property({ attribute: false }) context: ContextEnvelope | undefined;

  /** Notes agents wrote about the interaction (with a transfer), oldest first. */
  @property({ attribute: false }) notes: Note[] = [];

  /** The customer's earlier conversations, newest first (the server joins them only on a verified identity). */
  @property({ attribute: false }) history: PriorInteraction[] = [];

  private readonly localize = new Localize(this, agentPack, visitorPack);

  override render() {
    const c = this.context;
    const t = this.localize;
    if (!c) return nothing;
    return html`
      <section part="base" role="region" aria-label=${t.term('customerContext')}>
        ${this.notes.length
          ? html`<section class="notes">
              <h3>${t.term('notes')}</h3>
              ${this.notes.map(
                (n) => html`<blockquote>
                  <p>${n.text}</p>
                  <footer class="muted">${t.term('noteByAt', n.author, t.time(n.at))}</footer>
                </blockquote>`,
              )}
            </section>`
          : nothing}
        ${this.renderIdentity(c)}
        <section>
          <h3>${t.term('currentPage')}</h3>
          ${this.link(c.page.url, c.page.title || c.page.url)}
          <p class="muted">${c.page.url}</p>
          ${c.page.referrer ? html`<p class="muted">${t.term('fieldLabel', t.term('referrer'))}${c.page.referrer}</p>` : nothing}
        </section>
        ${this.renderCart(c)} ${this.renderProduct(c)}
        ${c.topic || c.reason
          ? html`<section>
              <h3>${t.term('topic')}</h3>
              <p>${c.topic ?? ''}</p>
              ${c.reason ? html`<p class="muted">${c.reason}</p>` : nothing}
            </section>`
          : nothing}
        ${c.steps?.length
          ? html`<section>
              <h3>${t.term('steps')}</h3>
              <ul>
                ${c.steps.map((s) => html`<li>${s.name}${s.detail ? html` <span class="muted">— ${s.detail}</span>` : nothing}</li>`)}
              </ul>
            </section>`
          : nothing}
        ${c.journey?.length
          ? html`<section>
              <h3>${t.term('journey')}</h3>
              <ol>
                ${c.journey.map(
                  (p) => html`<li>${this.link(p.url, p.title || p.url)} <span class="muted">${this.localize.time(p.at)}</span></li>`,
                )}
              </ol>
            </section>`
          : nothing}
        ${this.renderDetails(c)} ${this.renderHistory()}
      </section>
    `;
  }

  private renderHistory() {
    const t = this.localize;
    if (!this.history.length) return nothing;
    return html`<section class="history">
      <h3>${t.term('earlierConversations')}</h3>
      ${this.history.map(
        (prior) => html`<details>
          <summary>${dateTime(t.lang, prior.createdAt)} (${relativeTime(t.lang, (prior.createdAt - Date.now()) / 1000)}) · ${prior.topic ?? prior.pageTitle}</summary>
          ${prior.notes.map((n) => html`<blockquote><p>${n.text}</p><footer class="muted">${t.term('noteBy', n.author)}</footer></blockquote>`)}
          <ol class="transcript">
            ${prior.messages.map(
              (m) => html`<li class=${m.from}><span class="muted">${t.term('fieldLabel', m.from === 'visitor' ? t.term('visitor') : m.author ?? '')}</span>${m.text}</li>`,
            )}
          </ol>
        </details>`,
      )}
    </section>`;
  }

  private renderIdentity(c: ContextEnvelope) {
    const identity = c.visitor.identity;
    const t = this.localize;
    return html`<section>
      <h3>${t.term('identity')}</h3>
      ${identity && !identity.verified ? html`<p class="unverified-note">${t.term('notVerifiedHint')}</p>` : nothing}
      <p>
        <span class="name">${identity?.name || identity?.email || t.term('anonymousVisitor')}</span>
        ${identity
          ? identity.verified
            ? html`<span class="badge verified">${t.term('verified')}</span>`
            : html`<span class="badge unverified">${t.term('notVerified')}</span>`
          : nothing}
      </p>
      ${identity?.email ? html`<p class="muted">${identity.email}</p>` : nothing}
      ${identity?.phone ? html`<p class="muted">${identity.phone}</p>` : nothing}
    </section>`;
  }

  private renderCart(c: ContextEnvelope) {
    const t = this.localize;
    const cart = c.cart;
    return html`<section>
      <h3>${t.term('cart')}</h3>
      ${cart && cart.items.length
        ? html`<table>
            <thead>
              <tr>
                <th scope="col">${t.term('item')}</th>
                <th scope="col" class="num">${t.term('quantity')}</th>
                <th scope="col" class="num">${t.term('price')}</th>
              </tr>
            </thead>
            <tbody>
              ${cart.items.map(
                (item) => html`<tr>
                  <td>${this.link(item.url, item.name)}</td>
                  <td class="num">${item.qty}</td>
                  <td class="num">${money(t.lang, item.price, cart.currency)}</td>
                </tr>`,
              )}
            </tbody>
            <tfoot>
              <tr>
                <td colspan="2">${t.term('total')}</td>
                <td class="num cart-total">${money(t.lang, cart.total, cart.currency)}</td>
              </tr>
            </tfoot>
          </table>`
        : html`<p class="muted">${t.term('cartEmpty')}</p>`}
    </section>`;
  }

  private renderProduct(c: ContextEnvelope) {
    const product = c.product;
    if (!product) return nothing;
    const t = this.localize;
    return html`<section>
      <h3>${t.term('viewedProduct')}</h3>
      <p>${this.link(product.url, product.name)}</p>
      <p class="muted">
        ${product.price !== undefined && product.currency ? money(t.lang, product.price, product.currency) : nothing}
        ${product.sku ? html` · ${product.sku}` : nothing} ${product.availability ? html` · ${product.availability}` : nothing}
      </p>
    </section>`;
  }

  private renderDetails(c: ContextEnvelope) {
    const t = this.localize;
    const custom = Object.entries(c.custom ?? {});
    const location = c.location ? [c.location.city, c.location.region, c.location.country].filter(Boolean).join(', ') : '';
    return html`<section>
      <dl>
        ${c.locale
          ? html`<dt>${t.term('locale')}</dt>
              <dd>${[c.locale.language && languageName(t.lang, c.locale.language), c.locale.timezone].filter(Boolean).join(' · ')}</dd>`
          : nothing}
        ${c.device
          ? html`<dt>${t.term('device')}</dt>
              <dd>${c.device.class}${c.device.screen ? ` · ${c.device.screen.width}×${c.device.screen.height}` : ''}</dd>`
          : nothing}
        ${location
          ? html`<dt>${t.term('location')}</dt>
              <dd>${location}</dd>`
          : nothing}
        ${custom.map(
          ([key, value]) => html`<dt>${key}</dt>
            <dd>${value === null ? '—' : String(value)}</dd>`,
        )}
      </dl>
    </section>`;
  }

  private link(url: string | undefined, label: string) {
    const href = safeHref(url);
    return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${label}</a>` : html`<span>${label}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'warmline-context-card': WarmlineContextCard;
  }
}
