import type { AgentInteraction } from '../../widgets/protocol/agent-server-messages.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import { toWire, type MessageRecord } from '../store/message-store.js';
import type { NoteRecord } from '../store/note-store.js';
import type { WorkItemRecord } from '../store/work-item-store.js';

/**
 * The work an agent holds beyond a conversation, as the console shows it:
 * an offline message (with how to reach the visitor), a callback (the number
 * left, whether the browser can ring, which try this is). Chats and calls
 * need none.
 */
export function toWorkView(item: Pick<WorkItemRecord, 'kind' | 'details' | 'attempts'>, callbackReachable: () => boolean): AgentInteraction['work'] {
  if (item.kind === 'chat' || item.kind === 'call') return undefined;
  const { phone, contact } = item.details;
  return {
    kind: item.kind,
    ...(phone ? { phone } : {}),
    ...(contact ? { contact } : {}),
    ...(item.kind === 'callback' ? { reachable: callbackReachable(), attempt: item.attempts + 1 } : {}),
  };
}

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
