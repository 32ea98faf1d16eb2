import type { AgentInteraction } from '../../widgets/protocol/agent-server-messages.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import { toWire, type MessageRecord } from '../store/message-store.js';

/** An interaction as an agent's softphone receives it: context, transcript, the visitor's receipts. */
export function toAgentInteraction(interaction: InteractionRecord, messages: MessageRecord[], visitorOnline: boolean): AgentInteraction {
  return {
    id: interaction.id,
    channel: interaction.channel,
    status: interaction.status,
    context: interaction.context,
    messages: messages.map((m) => toWire(m, 'agent')),
    receipt: interaction.visitorReceipt,
    visitorOnline,
    createdAt: interaction.createdAt,
  };
}
