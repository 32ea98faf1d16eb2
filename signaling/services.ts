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
import { joinCluster, type ClusterNode } from './cluster/cluster-node.js';
import { EventRelay } from './cluster/event-relay.js';
import { RoutingLeader } from './cluster/routing-leader.js';

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
  /** This node among several (config `cluster.redisUrl`); undefined on one node. */
  cluster: { node: ClusterNode; leader: RoutingLeader; relay: EventRelay } | undefined;
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
  const cluster = config.cluster.redisUrl ? clusterParts(config, stores, interactions, joinCluster(config.cluster.redisUrl, clock, log), clock, log) : undefined;
  const routing = cluster?.leader.asRoutingService() ?? new RoutingService(config, stores, interactions, clock, log);
  const hub = new ChatHub(stores, interactions, routing, cluster?.relay);
  await routing.start();
  const sip = new SipProxy({ config, sites, auth, interactions, routing, stores, clock, log });
  await sip.start();
  // On LiveKit the engine's calls ring on consoles and join rooms instead of going through the proxy.
  const livekit =
    config.media === 'livekit' && config.livekit
      ? liveKitCalls(config, config.livekit, stores, routing, hub, clock, log, options.livekitRooms ?? liveKitRoomCloser(config.livekit))
      : undefined;
  const endSession = (sessionId: string) => {
    hub.endSession(sessionId);
    sip.endSession(sessionId);
  };
  if (cluster) shareAcrossNodes(cluster, stores, hub, endSession, auth);
  else auth.on('session-ended', endSession);
  auth.on('agent-created', (agent) => routing.defineAgent(agent.id, agent.username, agent.presence));
  const attachments = new AttachmentService(stores, config.limits, clock);
  const limits = createLimits(config, clock, cluster?.node.limit);
  cluster?.leader.start();
  return { config, sites, stores, auth, interactions, routing, hub, sip, livekit, limits, attachments, cluster, clock, log, startedAt: clock.now(), rootDir };
}

/** The parts of a node among several: interactions' events from every node, and the routing engine of the lease holder. */
function clusterParts(config: Config, stores: Stores, interactions: InteractionService, node: ClusterNode, clock: Clock, log: Logger) {
  const relay = new EventRelay(node.bus, interactions, log);
  const leader = new RoutingLeader({
    config,
    stores,
    bus: node.bus,
    lease: node.lease,
    relay,
    create: (statusEvents) => new RoutingService(config, stores, interactions, clock, log, statusEvents),
    holder: async () => (await node.lease.holder())?.nodeId,
    clock,
    log,
  });
  return { node, relay, leader };
}

/** What one node's sockets must hear from the others: typing, and sign-outs (checked against the store after a gap). */
function shareAcrossNodes(cluster: NonNullable<Services['cluster']>, stores: Stores, hub: ChatHub, endSession: (sessionId: string) => void, auth: AgentAuth) {
  const { bus } = cluster.node;
  cluster.relay.interested = (interactionId) => hub.hasSockets(interactionId);
  hub.shareTyping = (notice) => bus.publish('typing', notice);
  bus.subscribe('typing', (notice) => hub.deliverTyping(notice));
  auth.on('session-ended', (sessionId) => bus.publish('session-ended', { sessionId }));
  bus.subscribe('session-ended', ({ sessionId }) => endSession(sessionId));
  bus.on('gap', () => {
    void (async () => {
      for (const sessionId of hub.sessionIds()) {
        const session = await stores.sessions.find(sessionId);
        if (!session || session.revokedAt !== null) endSession(sessionId);
      }
    })();
  });
}

function liveKitCalls(config: Config, settings: LiveKitSettings, stores: Stores, routing: RoutingService, hub: ChatHub, clock: Clock, log: Logger, rooms: RoomCloser) {
  const calls = new LiveKitCalls({ config, settings, stores, routing, rooms, toAgent: (id, frame) => hub.toAgent(id, frame), clock, log });
  routing.attachCalls(calls);
  return calls;
}
