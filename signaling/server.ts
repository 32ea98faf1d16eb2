/**
 * The HTTP server: the Koa app plus the WebSocket endpoints, upgraded on
 * their paths. `listen` and `close` are the only places the process touches
 * the network, so tests and `main.ts` start and stop the whole thing alike.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createApp } from './app.js';
import type { Services } from './services.js';
import { VisitorConnection } from './chat/visitor-connection.js';
import { AgentConnection } from './chat/agent-connection.js';
import { CloseCode } from '../widgets/protocol/close-codes.js';
import { SipFlow } from './sip/sip-flow.js';
import { agentOriginAllowed, anyPartyAllows, requestOrigin, siteAllowsOrigin } from './http/origins.js';
import { trustedProxies } from './http/trusted-proxies.js';
import { startHeartbeat } from './heartbeat.js';
import { SerialQueue } from './serial-queue.js';

const HELLO_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 30_000;

interface Connection {
  readonly ready: boolean;
  receive(data: unknown, isBinary: boolean): Promise<void>;
  closed(): void;
}

export interface WarmlineServer {
  http: Server;
  services: Services;
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Closes sockets with "restarting" (clients reconnect at once), then the HTTP server; among several nodes, stops accepting and gives the queue up first. */
  close(): Promise<void>;
}

export function createServer(services: Services): WarmlineServer {
  const app = createApp(services);
  const http = createHttpServer(app.callback());
  const wss = new WebSocketServer({ noServer: true, maxPayload: services.config.limits.frameBytes });
  // Both socket servers are made below; the heartbeat reads them when it first ticks.
  const heartbeat = startHeartbeat(() => [...wss.clients, ...sipServer.clients], HEARTBEAT_MS);
  const log = (line: string, err: unknown) => services.log.error(line, err);

  const siteAllows = (key: string, origin: string | undefined) => {
    const site = services.sites.get(key);
    return !!site && siteAllowsOrigin(site, origin);
  };
  const endpoints: Record<string, (ws: WebSocket, opened: { origin: string | undefined; site: string | undefined }) => Connection> = {
    '/ws/v1/visitor': (ws, opened) =>
      new VisitorConnection(
        ws,
        { interactions: services.interactions, hub: services.hub, siteAllows, siteLanguage: (key) => services.sites.get(key)?.language, messages: services.limits.messages, limits: services.config.limits, log },
        opened,
      ),
    '/ws/v1/agent': (ws) =>
      new AgentConnection(ws, {
        auth: services.auth,
        interactions: services.interactions,
        routing: services.routing,
        hub: services.hub,
        clock: services.clock,
        limits: services.config.limits,
        log,
      }),
  };

  function attach(ws: WebSocket, connection: Connection) {
    heartbeat.alive(ws);
    const hello = setTimeout(() => {
      if (!connection.ready) ws.close(CloseCode.HelloTimeout, 'No hello');
    }, HELLO_TIMEOUT_MS);
    ws.on('pong', () => heartbeat.alive(ws));
    // One frame at a time, in the order received: handlers wait on the store, and a visitor's
    // message must be stored (and acked) before the receipt sent after it is looked at.
    const frames = new SerialQueue();
    frames.reportTo((err) => services.log.error('a websocket frame failed', err));
    ws.on('message', (data, isBinary) => frames.push(() => connection.receive(data, isBinary)));
    ws.on('error', (err) => services.log.debug(`websocket error: ${err.message}`));
    ws.on('close', () => {
      clearTimeout(hello);
      // After the frames before it: a hello still being handled is undone, not left behind.
      frames.push(() => connection.closed());
    });
  }

  function refuse(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}) {
    const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
  }

  /**
   * SIP over WebSocket (RFC 7118): the client must offer the "sip"
   * subprotocol and the server selects it (§4.1). One SIP message per
   * WebSocket message.
   */
  const sipServer = new WebSocketServer({
    noServer: true,
    maxPayload: services.config.limits.frameBytes,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });

  // As ctx.ip and ctx.secure in the app: forwarded headers count from the configured proxies only.
  const proxies = trustedProxies(services.config.trustedProxies);

  function attachSip(ws: WebSocket, req: IncomingMessage, origin: SipFlow['origin']) {
    heartbeat.alive(ws);
    const flow = new SipFlow(ws, proxies.secure(req) ? 'WSS' : 'WS', origin);
    services.sip.attach(flow);
    ws.on('pong', () => heartbeat.alive(ws));
    // A flow's messages in the order received (an INVITE may wait on the store; its CANCEL comes after).
    const messages = new SerialQueue();
    messages.reportTo((err) => services.log.error('a SIP message failed', err));
    ws.on('message', (data, isBinary) => messages.push(() => services.sip.receive(flow, isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data))));
    ws.on('error', (err) => services.log.debug(`sip websocket error: ${err.message}`));
    ws.on('close', () => messages.push(() => services.sip.detach(flow)));
  }

  /**
   * Upgrades are checked against the page's Origin before any frame is read
   * (RFC 6455 §10.2): agents' sockets from agent origins only, a visitor's
   * from its site's origins (when it names the site; at hello otherwise).
   */
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Counted from the upgrade to the close; over the limit, refused before anything else.
    const ip = proxies.clientAddress(req);
    if (!services.limits.connections.acquire(ip)) return refuse(socket, 429, 'Too Many Requests', { 'Retry-After': '30' });
    // The socket closes once, whether refused below or at the end of its WebSocket's life.
    socket.once('close', () => services.limits.connections.release(ip));
    upgrade(req, socket, head);
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const origin = req.headers.origin;
    const own = requestOrigin(req.headers, proxies.secure(req));
    if (path === '/sip') {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes('sip')) return refuse(socket, 400, 'Bad Request');
      if (!anyPartyAllows(services.config, origin, own)) return refuse(socket, 403, 'Forbidden');
      const flowOrigin = { value: origin, agentAllowed: agentOriginAllowed(services.config, origin, own) };
      sipServer.handleUpgrade(req, socket, head, (ws) => attachSip(ws, req, flowOrigin));
      return;
    }
    const endpoint = endpoints[path];
    if (!endpoint) return refuse(socket, 404, 'Not Found');
    if (path === '/ws/v1/agent' && !agentOriginAllowed(services.config, origin, own)) return refuse(socket, 403, 'Forbidden');
    const siteKey = url.searchParams.get('site') ?? undefined;
    if (siteKey !== undefined) {
      const site = services.sites.get(siteKey);
      if (!site) return refuse(socket, 404, 'Not Found');
      if (!siteAllowsOrigin(site, origin)) return refuse(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, endpoint(ws, { origin, site: siteKey })));
  }


  return {
    http,
    services,
    listen(port = services.config.port, host = services.config.host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve(http.address() as AddressInfo);
        });
      });
    },
    async close() {
      heartbeat.stop();
      // Among several nodes: no new connection comes here (the balancer sends them to another node, where the
      // sockets closed below reconnect), and the queue moves to another node now rather than when the lease runs out.
      const cluster = services.cluster;
      if (cluster) {
        http.close();
        await cluster.leader.close();
      }
      services.routing.stop();
      // Calls under way outlive the process: their audio is browser to browser, and the next one picks up their dialogs.
      services.sip.shutdown();
      // Let every socket's close handler run while the store is still open.
      const sockets = [...wss.clients, ...sipServer.clients];
      const closing = sockets.map((ws) => new Promise((resolve) => (ws.readyState === ws.CLOSED ? resolve(undefined) : ws.once('close', resolve))));
      for (const ws of sockets) ws.close(CloseCode.Restart, 'Server restarting');
      const grace = new Promise((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([Promise.all(closing), grace]);
      for (const ws of sockets) ws.terminate();
      await Promise.all(closing);
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      wss.close();
      sipServer.close();
      // What the closing sockets set going (routing, store writes) ends before the store closes.
      await services.routing.settled();
      await services.stores.later.settled();
      if (cluster) {
        cluster.relay.close();
        await cluster.node.close();
      }
    },
  };
}
