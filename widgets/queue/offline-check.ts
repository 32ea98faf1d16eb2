/**
 * Whether the chat should offer the offline form: loaded by the chat panel
 * only when it opens without a conversation, so that none of this (nor the
 * form) weighs on the chat's first load.
 *
 * Only outside business hours. Within them, a chat with nobody signed in
 * still takes the visitor's message: the conversation waits in the queue,
 * the visitor is told nobody is there yet, and the first agent to sign in
 * is offered it (a call, which cannot wait that way, gets the form).
 */
import { fetchQueues, type QueueInfo } from './queue-api.js';

/**
 * `offline`: the chat's queue if it is closed now (with the form loaded,
 * ready to show). `language`: the site's default language, which the
 * answer carries too.
 */
export async function offlineChatQueue(server: string, site: string): Promise<{ offline?: QueueInfo; language?: string }> {
  const { chatQueue, queues, language } = await fetchQueues(server, site);
  const queue = queues.find((q) => q.id === chatQueue);
  if (!queue || queue.open) return { language };
  await import('../offline-form/warmline-offline-form.js');
  return { offline: queue, language };
}
