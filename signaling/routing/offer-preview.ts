import type { OfferPreview } from '../../widgets/protocol/agent-server-messages.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import type { MessageRecord } from '../store/message-store.js';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A message as one line: an attachment is named by its kind (the file name is the visitor's to choose, and not needed to decide). */
function previewText(message: Pick<MessageRecord, 'body' | 'attachment'>): string {
  if (!message.attachment) return message.body;
  const kind = message.attachment.type === 'application/pdf' ? '[PDF]' : '[photo]';
  return message.body ? `${kind} ${message.body}` : kind;
}

/** The few facts an agent needs to decide on an offer, taken from the context and the first message. */
export function buildOfferPreview(interaction: InteractionRecord, first: Pick<MessageRecord, 'body' | 'attachment'> | undefined): OfferPreview {
  const { context } = interaction;
  const preview: OfferPreview = { pageTitle: context.page.title, pageUrl: context.page.url };
  const name = context.visitor.identity?.name;
  if (name) preview.visitorName = name;
  if (context.cart && context.cart.items.length > 0) {
    preview.cartTotal = context.cart.total;
    preview.currency = context.cart.currency;
    preview.cartItems = context.cart.items.reduce((sum, item) => sum + item.qty, 0);
  }
  if (context.product) preview.productName = context.product.name;
  const firstMessage = first && previewText(first);
  if (firstMessage) preview.firstMessage = clip(firstMessage, 200);
  if (context.locale) preview.language = context.locale.language;
  return preview;
}
