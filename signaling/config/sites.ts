import type { SiteConfig } from './config-schema.js';

/** The queues a site's visitors may call: one per topic, or "support" when it defines none. */
export const queuesOf = (site: SiteConfig): string[] => (site.topics.length ? site.topics.map((t) => t.id) : ['support']);
