import type { AgentInteraction, AgentProfile, PriorInteraction } from '../../widgets/protocol/agent-server-messages.js';
import type { AgentRecord } from '../store/agent-store.js';
import type { InteractionService } from '../interactions/interaction-service.js';
import type { InteractionRecord } from '../store/interaction-store.js';
import { toWire } from '../store/message-store.js';
import type { NoteRecord } from '../store/note-store.js';
import type { WorkItemRecord } from '../store/work-item-store.js';

/** Who an agent is, as their console knows them (sign-in, /me, the socket's welcome). */
export function toProfile(agent: AgentRecord): AgentProfile {
  return { id: agent.id, username: agent.username, name: agent.name, ...(agent.language && { language: agent.language }) };
}

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

/** How many earlier conversations, and how many of each one's last messages, the card shows. */
const HISTORY_CONVERSATIONS = 5;
const HISTORY_MESSAGES = 20;

const toNote = (n: NoteRecord) => ({ author: n.author, text: n.body, at: n.createdAt });

/**
 * An interaction as an agent's softphone (or any agent client) receives it:
 * context, the newest page of the transcript after `since` (message-pages.ts), notes, the visitor's receipts, the
 * customer's earlier conversations when their identity is verified, and the
 * kind of work when it is more than a chat.
 */
export async function toAgentInteraction(
  interactions: InteractionService,
  interaction: InteractionRecord,
  options: { since?: number; visitorOnline: boolean; work?: AgentInteraction['work'] },
): Promise<AgentInteraction> {
  // Read at once, in this order: a message stored after this call began is told on its own, not here.
  const [page, notes, history] = await Promise.all([
    interactions.messagePage(interaction.id, { after: options.since ?? 0 }),
    interactions.notesOf(interaction.id),
    historyOf(interactions, interaction),
  ]);
  const view: AgentInteraction = {
    id: interaction.id,
    channel: interaction.channel,
    status: interaction.status,
    context: interaction.context,
    messages: page.messages.map((m) => toWire(m, 'agent')),
    more: page.more,
    notes: notes.map(toNote),
    receipt: interaction.visitorReceipt,
    visitorOnline: options.visitorOnline,
    createdAt: interaction.createdAt,
  };
  if (history.length) view.history = history;
  if (options.work) view.work = options.work;
  return view;
}

/** Earlier conversations of the same verified user on this site; none for an identity that is not verified. */
async function historyOf(interactions: InteractionService, interaction: InteractionRecord): Promise<PriorInteraction[]> {
  const priors = await interactions.verifiedHistory(interaction, HISTORY_CONVERSATIONS);
  return Promise.all(
    priors.map(async (prior) => ({
      id: prior.id,
      createdAt: prior.createdAt,
      status: prior.status,
      ...(prior.context.topic ? { topic: prior.context.topic } : {}),
      pageTitle: prior.context.page.title,
      messages: (await interactions.messagePage(prior.id, { limit: HISTORY_MESSAGES })).messages.map((m) => toWire(m, 'agent')),
      notes: (await interactions.notesOf(prior.id)).map(toNote),
    })),
  );
}
