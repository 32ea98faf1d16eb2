/**
 * The server's configuration: one JSON file (WARMLINE_CONFIG, default
 * ./warmline.config.json when present) with environment overrides on top.
 * Every field has a default; `loadConfig` validates the result at start and
 * refuses to start with a message naming each wrong field.
 */
import * as v from 'valibot';

const positiveInt = (max: number) =>
  v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(max, `must be at most ${max}`));

export const SiteSchema = v.strictObject({
  /** The public key a page puts in `data-site`. */
  key: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, - or _')),
  name: v.pipe(v.string(), v.maxLength(100)),
  /** Origins allowed to embed the widgets; "*" allows any (fine for a demo, not for a shop). */
  origins: v.optional(v.array(v.string()), ['*']),
  /**
   * What a caller can choose between (a visual IVR). Each topic is a queue,
   * called at sip:<id>@<sip.domain>. Without topics there is one queue, "support".
   */
  topics: v.optional(
    v.array(
      v.strictObject({
        id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or -')),
        label: v.pipe(v.string(), v.minLength(1), v.maxLength(60)),
      }),
    ),
    [],
  ),
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
  sessionTtlMinutes: v.optional(positiveInt(60 * 24 * 30), 12 * 60),
  sites: v.optional(v.array(SiteSchema), []),
  sip: v.optional(
    v.strictObject({
      /** The SIP domain of agents' and queues' addresses (sip:alice@<domain>, sip:support@<domain>). */
      domain: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9.-]{1,253}$/, 'must be a lower-case host name')), 'warmline.invalid'),
      /** How long an agent's phone rings before the call goes to the next agent. */
      ringTimeoutSeconds: v.optional(positiveInt(300), 30),
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
    }),
    {},
  ),
  limits: v.optional(
    v.strictObject({
      bodyBytes: v.optional(positiveInt(10 * 1024 * 1024), 64 * 1024),
      contextBytes: v.optional(positiveInt(1024 * 1024), 32 * 1024),
      messageChars: v.optional(positiveInt(10_000), 4000),
      frameBytes: v.optional(positiveInt(1024 * 1024), 64 * 1024),
    }),
    {},
  ),
  routing: v.optional(
    v.strictObject({
      maxChatsPerAgent: v.optional(positiveInt(50), 4),
      offerTimeoutSeconds: v.optional(positiveInt(600), 30),
    }),
    {},
  ),
});

export type Config = v.InferOutput<typeof ConfigSchema>;
export type SiteConfig = v.InferOutput<typeof SiteSchema>;
