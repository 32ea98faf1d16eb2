/**
 * Builds the server's parts from the configuration and an open database,
 * wires them together and loads what they keep (agents, open work, calls
 * kept through a restart). Nothing here listens on a port: `createApp` and
 * `createServer` take the result, and tests build it with a temporary
 * database and a fake clock.
 */
import type { Config, SiteConfig } from './config/config-schema.js';
import { systemClock, type Clock } from './clock.js';
import { createLogger, type Logger } from './log.js';
import type { Database } from './store/database.js';
import { Stores } from './store/stores.js';
import { AgentAuth } from './auth/agent-auth.js';
import { InteractionService } from './interactions/interaction-service.js';
import { RoutingService } from './routing/routing-service.js';
import { ChatHub } from './chat/chat-hub.js';
import { SipProxy } from './sip/sip-proxy.js';
import { LiveKitCalls } from './livekit/livekit-calls.js';
import { liveKitRoomCloser, type RoomCloser } from './livekit/room-closer.js';
import type { LiveKitSettings } from './livekit/livekit-tokens.js';
import { createLimits, type Limits } from './limits/limits.js';
import { AttachmentService } from './attachments/attachment-service.js';
import { importAttachmentFiles } from './attachments/import-attachment-files.js';

export interface Services {
  config: Config;
  sites: ReadonlyMap<string, SiteConfig>;
  stores: Stores;
  auth: AgentAuth;
  interactions: InteractionService;
  routing: RoutingService;
  hub: ChatHub;
  sip: SipProxy;
  /** Calls over LiveKit, when `media` is livekit. */
  livekit: LiveKitCalls | undefined;
  /** Rate limits and connection counts (limits.rate). */
  limits: Limits;
  attachments: AttachmentService;
  clock: Clock;
  log: Logger;
  startedAt: number;
  /** Where the built widgets (dist/) and the demo pages are. */
  rootDir: string;
}

export interface ServiceOptions {
  config: Config;
  database: Database;
  /** Signs agent session tokens. */
  secret: string;
  rootDir: string;
  clock?: Clock;
  log?: Logger;
  /** Closes LiveKit rooms; by default LiveKit's RoomService (tests without a LiveKit server record instead). */
  livekitRooms?: RoomCloser;
}

export async function createServices(options: ServiceOptions): Promise<Services> {
  const { config, database, rootDir } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger();
  const stores = new Stores(database.db, database.dialect);
  stores.later.reportTo((err) => log.error('a write to the store failed', err));
  const imported = await importAttachmentFiles(stores, config.dataDir);
  if (imported) log.info(`moved ${imported} attachment files of an earlier version into the database`);
  const auth = new AgentAuth(stores, options.secret, config.sessionTtlMinutes * 60_000, clock);
  const sites = new Map(config.sites.map((site) => [site.key, site]));
  const interactions = new InteractionService(stores, clock, config.limits, (site) => sites.get(site)?.secret);
  const routing = new RoutingService(config, stores, interactions, clock, log);
  const hub = new ChatHub(stores, interactions, routing);
  await routing.start();
  const sip = new SipProxy({ config, sites, auth, interactions, routing, stores, clock, log });
  await sip.start();
  // On LiveKit the engine's calls ring on consoles and join rooms instead of going through the proxy.
  const livekit =
    config.media === 'livekit' && config.livekit
      ? liveKitCalls(config, config.livekit, stores, routing, hub, clock, log, options.livekitRooms ?? liveKitRoomCloser(config.livekit))
      : undefined;
  auth.on('session-ended', (sessionId) => {
    hub.endSession(sessionId);
    sip.endSession(sessionId);
  });
  auth.on('agent-created', (agent) => routing.defineAgent(agent.id, agent.username, agent.presence));
  const attachments = new AttachmentService(stores, config.limits, clock);
  const limits = createLimits(config, clock);
  return { config, sites, stores, auth, interactions, routing, hub, sip, livekit, limits, attachments, clock, log, startedAt: clock.now(), rootDir };
}

function liveKitCalls(config: Config, settings: LiveKitSettings, stores: Stores, routing: RoutingService, hub: ChatHub, clock: Clock, log: Logger, rooms: RoomCloser) {
  const calls = new LiveKitCalls({ config, settings, stores, routing, rooms, toAgent: (id, frame) => hub.toAgent(id, frame), clock, log });
  routing.attachCalls(calls);
  return calls;
}
