import type { AgentInteraction } from '../../widgets/protocol/agent-server-messages.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import { toWire, type MessageRecord } from '../store/message-store.js';
import type { NoteRecord } from '../store/note-store.js';

/**
 * An interaction as an agent's softphone receives it: context, transcript,
 * notes, the visitor's receipts, and the kind of work when it is more than a chat.
 */
export function toAgentInteraction(
  interaction: InteractionRecord,
  messages: MessageRecord[],
  visitorOnline: boolean,
  notes: NoteRecord[],
  work?: AgentInteraction['work'],
): AgentInteraction {
  const view: AgentInteraction = {
    id: interaction.id,
    channel: interaction.channel,
    status: interaction.status,
    context: interaction.context,
    messages: messages.map((m) => toWire(m, 'agent')),
    notes: notes.map((n) => ({ author: n.author, text: n.body, at: n.createdAt })),
    receipt: interaction.visitorReceipt,
    visitorOnline,
    createdAt: interaction.createdAt,
  };
  if (work) view.work = work;
  return view;
}
