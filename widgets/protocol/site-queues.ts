/**
 * `GET /api/v1/sites/:site/queues`: the site's queues as a visitor sees
 * them (the topics a caller chooses between, the visual IVR), whether each
 * takes work now, and the site's default language. Made by the server
 * (http/visitor-routes.ts), read by the widgets (queue/queue-api.ts).
 */

export interface QueueInfo {
  id: string;
  /** Its name in the site's main language. */
  label: string;
  /** Its name in other languages, by BCP 47 tag (`zh-Hant`, `ru`), when configured. */
  labels?: Record<string, string>;
  /** Within business hours. */
  open: boolean;
  /** An agent of the queue is signed in. */
  staffed: boolean;
  /** When a closed queue opens next (ISO 8601)… */
  opensAt?: string;
  /** …and the IANA time zone its hours are kept in, to word that time in. */
  timezone?: string;
}

export interface SiteQueues {
  /** The queue chats go to. */
  chatQueue: string;
  /** The site's default language (`sites[].language`), when configured. */
  language?: string;
  queues: QueueInfo[];
}
