/**
 * The server's configuration: one JSON file (WARMLINE_CONFIG, default
 * ./warmline.config.json when present) with environment overrides on top.
 * Every field has a default; `loadConfig` validates the result at start and
 * refuses to start with a message naming each wrong field.
 */
import * as v from 'valibot';
import proxyaddr from 'proxy-addr';

const positiveInt = (max: number) =>
  v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(max, `must be at most ${max}`));

/** What proxy-addr matches: an address, a CIDR range (10.0.0.0/8, fd00::/8), or loopback, linklocal, uniquelocal. */
function isProxyAddress(entry: string): boolean {
  try {
    proxyaddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

const QueueIdSchema = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or -'));
const TimeSchema = v.pipe(v.string(), v.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time such as 09:00 (24:00 for midnight)'));
/** A BCP 47 language tag (en, zh-Hans, zh-TW, ru), checked by Intl and kept in its canonical form. */
export const LanguageSchema = v.pipe(
  v.string('must be a language tag such as en, zh-Hans, zh-TW or ru'),
  v.check((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  }, 'must be a language tag such as en, zh-Hans, zh-TW or ru'),
  v.transform((tag) => Intl.getCanonicalLocales(tag)[0]!),
);

const RangesSchema = v.array(v.tuple([TimeSchema, TimeSchema], 'must be ["from", "to"]'));

/** Opening hours of a queue, in its time zone (see routing/business-hours.ts). */
export const HoursSchema = v.strictObject({
  timezone: v.string('must be an IANA time zone such as Europe/Paris'),
  weekly: v.strictObject({
    mon: v.optional(RangesSchema),
    tue: v.optional(RangesSchema),
    wed: v.optional(RangesSchema),
    thu: v.optional(RangesSchema),
    fri: v.optional(RangesSchema),
    sat: v.optional(RangesSchema),
    sun: v.optional(RangesSchema),
  }),
  closedOn: v.optional(v.array(v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-12-25'))), []),
});

/** A queue: what a visitor picks (a topic), which skills its agents need, when it is open. */
export const QueueSchema = v.strictObject({
  id: QueueIdSchema,
  label: v.pipe(v.string(), v.minLength(1), v.maxLength(60)),
  /**
   * The label in other languages, by language tag: { "zh-Hans": "技术支持",
   * "zh-Hant": "技術支援", "ru": "Поддержка" }. A visitor sees the one
   * closest to the language their widget speaks, else `label`.
   */
  labels: v.optional(v.record(LanguageSchema, v.pipe(v.string(), v.minLength(1), v.maxLength(60)))),
  skills: v.optional(v.array(v.pipe(v.string(), v.maxLength(40))), []),
  /** Without hours the queue is always open. */
  hours: v.optional(HoursSchema),
});

export const SiteSchema = v.strictObject({
  /** The public key a page puts in `data-site`. */
  key: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, - or _')),
  name: v.pipe(v.string(), v.maxLength(100)),
  /** Origins allowed to embed the widgets; "*" allows any (fine for a demo, not for a shop). */
  origins: v.optional(v.array(v.string()), ['*']),
  /**
   * The queues this site's visitors choose between when they call (a visual
   * IVR), called at sip:<queue>@<sip.domain>. Default: every queue.
   */
  queues: v.optional(v.array(QueueIdSchema)),
  /**
   * The language the widgets speak when neither the page (`<html lang>`,
   * `data-lang`) nor the visitor's browser names one they have. Default: English.
   */
  language: v.optional(LanguageSchema),
  /** The queue chats go to. Default: the site's first queue. */
  chatQueue: v.optional(QueueIdSchema),
  /**
   * Shared with the site's backend, which signs visitors' identities with it
   * (HMAC-SHA256 of the user id, or an HS256 JWT): only a signed identity is
   * shown to agents as verified. Without one, no identity is ever verified.
   * Also `WARMLINE_SITE_SECRET_<KEY>` (the key upper-cased, - as _).
   */
  secret: v.optional(v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters'))),
});

const CapacitySchema = v.strictObject({
  chats: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50))),
  calls: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1, 'must be 0 or 1 (one call at a time)'))),
  chatsDuringCall: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50))),
});

const PriorityRuleSchema = v.strictObject({
  when: v.strictObject({
    verified: v.optional(v.boolean()),
    cartTotalAtLeast: v.optional(v.pipe(v.number(), v.minValue(0))),
    queue: v.optional(QueueIdSchema),
    kind: v.optional(v.picklist(['chat', 'call', 'callback', 'offline'])),
    custom: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
  }),
  add: v.pipe(v.number(), v.integer(), v.minValue(-1000), v.maxValue(1000)),
});

const IceServerSchema = v.strictObject({
  urls: v.union([v.string(), v.array(v.string())]),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});

export const ConfigSchema = v.strictObject({
  port: v.optional(v.pipe(v.number('must be a number'), v.integer(), v.minValue(0), v.maxValue(65535)), 8080),
  host: v.optional(v.string(), '127.0.0.1'),
  /** The URL visitors reach this server at; used in printed URLs and the embed snippet. */
  publicUrl: v.optional(v.pipe(v.string(), v.url('must be an absolute URL'))),
  dataDir: v.optional(v.string(), './data'),
  /**
   * Where the store is. `url` postgres://… (WARMLINE_DATABASE_URL): PostgreSQL,
   * which several nodes share; absent: SQLite in `dataDir` (one node).
   */
  database: v.optional(
    v.strictObject({
      url: v.optional(v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'))),
    }),
    {},
  ),
  /**
   * Several nodes: `redisUrl` redis://… (WARMLINE_REDIS_URL) joins this node
   * to the others on that Redis (docs/operations.md, "Several nodes"). It
   * needs `database.url` (PostgreSQL, which the nodes share) and `secret`
   * (the same on every node, so any node accepts any node's sessions).
   */
  cluster: v.optional(
    v.strictObject({
      redisUrl: v.optional(v.pipe(v.string(), v.regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'))),
    }),
    {},
  ),
  /** Seeds the demo site and the agents alice and bob (password "demo"). Never in production. */
  demo: v.optional(v.boolean(), false),
  /** Key that signs agent session tokens; generated into the data directory when absent. */
  secret: v.optional(v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters'))),
  /**
   * Other origins whose pages may call the agent API from a browser (a CRM
   * that embeds <warmline-softphone>). Empty: only the agent console served
   * by this server. Agents always authenticate with a bearer token.
   */
  agentOrigins: v.optional(v.array(v.string()), []),
  /**
   * The reverse proxies and load balancers in front of this server. From
   * these peers only, X-Forwarded-For (read from the right) names the client
   * and X-Forwarded-Proto says whether it used HTTPS; from any other peer
   * both are ignored. Empty: the socket's peer is the client.
   */
  trustedProxies: v.optional(
    v.array(v.pipe(v.string(), v.check(isProxyAddress, 'must be an IP address, a CIDR range such as 10.0.0.0/8, or loopback, linklocal or uniquelocal'))),
    [],
  ),
  sessionTtlMinutes: v.optional(positiveInt(60 * 24 * 30), 12 * 60),
  sites: v.optional(v.array(SiteSchema), []),
  queues: v.optional(v.array(QueueSchema), [{ id: 'support', label: 'Support', skills: [], hours: undefined }]),
  /** Agents' skills and capacity, by username (agents themselves are created with `npm run agents`). */
  agents: v.optional(
    v.record(
      v.string(),
      v.strictObject({
        skills: v.optional(v.array(v.pipe(v.string(), v.maxLength(40))), []),
        capacity: v.optional(CapacitySchema),
        /** May listen in on, whisper to and join other agents' calls (LiveKit media only). */
        supervisor: v.optional(v.boolean(), false),
      }),
    ),
    {},
  ),
  sip: v.optional(
    v.strictObject({
      /** The SIP domain of agents' and queues' addresses (sip:alice@<domain>, sip:support@<domain>). */
      domain: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9.-]{1,253}$/, 'must be a lower-case host name')), 'warmline.invalid'),
      /**
       * How long an answered call waits for a phone whose connection dropped
       * (a network change, a server restart: every phone) to come back before
       * the call is ended in its name. The audio goes on meanwhile. 0 ends it at once.
       */
      recoverySeconds: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be at least 0'), v.maxValue(600, 'must be at most 600')), 30),
      /** STUN/TURN servers for both ends of a call. None by default (one machine or a LAN needs none). */
      iceServers: v.optional(v.array(IceServerSchema), []),
      /** A TURN server with a shared secret (coturn `use-auth-secret`): credentials are minted per call and expire. */
      turn: v.optional(
        v.strictObject({
          urls: v.array(v.string()),
          secret: v.pipe(v.string(), v.minLength(16, 'must be at least 16 characters')),
          ttlSeconds: v.optional(positiveInt(86400), 3600),
        }),
      ),
      /**
       * An existing SIP-over-WebSocket platform (Kamailio, Asterisk, FreeSWITCH)
       * instead of the embedded proxy: the widgets and softphones register and
       * call there, with credentials this server mints (auth_ephemeral), and
       * this server still issues interactions and holds context and chat.
       * See docs/external-sip.md and deploy/kamailio/.
       */
      external: v.optional(
        v.strictObject({
          /** The platform's WebSocket URL, e.g. wss://sip.example.com. */
          wsUrl: v.pipe(v.string(), v.regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')),
          /** Shared with the platform (Kamailio: modparam("auth_ephemeral", "secret", …)). */
          secret: v.pipe(v.string(), v.minLength(16, 'must be at least 16 characters')),
          /** The SIP address each queue is called at; by default sip:<queue id>@<sip.domain>. */
          queues: v.optional(v.record(QueueIdSchema, v.pipe(v.string(), v.regex(/^sips?:[^\s@]+@[^\s]+$/, 'must be a SIP address such as sip:support@pbx.example'))), {}),
          /** How long a visitor's credentials to place a call stay valid. Agents' last as long as their session. */
          visitorCredentialSeconds: v.optional(positiveInt(86400), 600),
        }),
      ),
    }),
    {},
  ),
  /**
   * What carries calls' media: `sip` (WebRTC set up over SIP: the embedded
   * proxy, or `sip.external`) or `livekit` (a LiveKit room per call, for
   * supervisors listening in, whispering or joining). See docs/livekit.md.
   */
  media: v.optional(v.picklist(['sip', 'livekit'], 'must be sip or livekit'), 'sip'),
  livekit: v.optional(
    v.strictObject({
      /** The LiveKit server browsers connect to, e.g. wss://livekit.example.com. */
      url: v.pipe(v.string('must be a string'), v.regex(/^(wss?|https?):\/\/[^\s]+$/, 'must be a ws://, wss://, http:// or https:// URL')),
      apiKey: v.pipe(v.string('must be a string'), v.minLength(1, 'is required')),
      apiSecret: v.pipe(v.string('must be a string'), v.minLength(16, 'must be at least 16 characters')),
      /** How long a token stays valid for joining; a participant already in the room stays. */
      tokenTtlSeconds: v.optional(positiveInt(86400), 600),
      /** How long LiveKit keeps a room nobody is in. */
      emptyTimeoutSeconds: v.optional(positiveInt(86400), 60),
    }),
  ),
  limits: v.optional(
    v.strictObject({
      bodyBytes: v.optional(positiveInt(10 * 1024 * 1024), 64 * 1024),
      contextBytes: v.optional(positiveInt(1024 * 1024), 32 * 1024),
      messageChars: v.optional(positiveInt(10_000), 4000),
      frameBytes: v.optional(positiveInt(1024 * 1024), 64 * 1024),
      /** One attachment (an image or a PDF). */
      attachmentBytes: v.optional(positiveInt(50 * 1024 * 1024), 5 * 1024 * 1024),
      /** Attachments per conversation. */
      attachmentsPerInteraction: v.optional(positiveInt(1000), 20),
      /**
       * Rates (per minute, with bursts of a quarter minute's worth, at least 5) and
       * connection counts. Over them: 429 with Retry-After, or an error frame with
       * `retryAfter`. Per IP address: behind a reverse proxy, name it in `trustedProxies`.
       */
      rate: v.optional(
        v.strictObject({
          /** HTTP API requests per IP. */
          requestsPerMinute: v.optional(positiveInt(1_000_000), 600),
          /** New conversations (chats, calls, offline messages) per IP. */
          conversationsPerMinute: v.optional(positiveInt(1_000_000), 60),
          /** Chat messages per conversation. */
          messagesPerMinute: v.optional(positiveInt(10_000), 60),
          /** Agent sign-in attempts per username (password guessing on one account). */
          signInsPerMinute: v.optional(positiveInt(10_000), 10),
          /** Agent sign-in attempts per IP (a whole office may share one address). */
          signInsPerMinutePerIp: v.optional(positiveInt(100_000), 60),
          /** Open WebSockets (chat and SIP) per IP. */
          connectionsPerIp: v.optional(positiveInt(1_000_000), 200),
        }),
        {},
      ),
    }),
    {},
  ),
  routing: v.optional(
    v.strictObject({
      /** How long an offer (a chat request, a ringing call) waits for its agent before going to the next. */
      offerTimeoutSeconds: v.optional(positiveInt(600), 30),
      /** Offers an agent may miss in a row before being set away. */
      awayAfterMissedOffers: v.optional(positiveInt(100), 3),
      /** How long an agent who declined (or missed) an offer is not offered it again. */
      declineCooldownSeconds: v.optional(positiveInt(3600), 60),
      capacity: v.optional(
        v.strictObject({
          chats: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50)), 4),
          calls: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1)), 1),
          chatsDuringCall: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(50)), 1),
        }),
        {},
      ),
      /** Rules that raise (or lower) an interaction's priority; the sum of the rules that hold. */
      priority: v.optional(v.array(PriorityRuleSchema), []),
      /** Handling time assumed for wait estimates until a queue has history. */
      defaultHandleSeconds: v.optional(positiveInt(3600), 180),
      /** A waiting chat whose visitor has been gone this long is removed and counted abandoned. */
      abandonAfterSeconds: v.optional(positiveInt(86400), 120),
      /** A caller waits at most this long on the line, then hears 480 ("ask for a callback"); while waiting, the widget offers the callback. */
      maxCallWaitSeconds: v.optional(positiveInt(7200), 900),
      callback: v.optional(
        v.strictObject({
          /** Wait before each new try of a callback that did not reach the visitor. */
          retryAfterSeconds: v.optional(v.array(positiveInt(86400)), [300, 900]),
          /** Tries in all, after which the callback closes as unreached. */
          maxAttempts: v.optional(positiveInt(20), 3),
        }),
        {},
      ),
    }),
    {},
  ),
});

export type Config = v.InferOutput<typeof ConfigSchema>;
export type SiteConfig = v.InferOutput<typeof SiteSchema>;
export type QueueConfig = v.InferOutput<typeof QueueSchema>;
