import type { Config, QueueConfig, SiteConfig } from './config-schema.js';

/** The queues a site's visitors may call (choose between), in order. */
export function queuesOf(config: Config, site: SiteConfig): QueueConfig[] {
  const ids = site.queues ?? config.queues.map((q) => q.id);
  return ids.map((id) => config.queues.find((q) => q.id === id)!);
}

/** The queue a site's chats go to. */
export function chatQueueOf(config: Config, site: SiteConfig): string {
  return site.chatQueue ?? site.queues?.[0] ?? config.queues[0]!.id;
}
