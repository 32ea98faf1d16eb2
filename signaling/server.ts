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
import type { TLSSocket } from 'node:tls';

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
  /** Closes sockets with "restarting" (clients reconnect at once), then the HTTP server. */
  close(): Promise<void>;
}

export function createServer(services: Services): WarmlineServer {
  const app = createApp(services);
  const http = createHttpServer(app.callback());
  const wss = new WebSocketServer({ noServer: true, maxPayload: services.config.limits.frameBytes });
  const alive = new WeakMap<WebSocket, boolean>();
  const log = (line: string, err: unknown) => services.log.error(line, err);

  const endpoints: Record<string, (ws: WebSocket) => Connection> = {
    '/ws/v1/visitor': (ws) =>
      new VisitorConnection(ws, { interactions: services.interactions, hub: services.hub, limits: services.config.limits, log }),
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
    alive.set(ws, true);
    const hello = setTimeout(() => {
      if (!connection.ready) ws.close(CloseCode.HelloTimeout, 'No hello');
    }, HELLO_TIMEOUT_MS);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data, isBinary) => void connection.receive(data, isBinary));
    ws.on('error', (err) => services.log.debug(`websocket error: ${err.message}`));
    ws.on('close', () => {
      clearTimeout(hello);
      connection.closed();
    });
  }

  function refuse(socket: Duplex, status: number, reason: string) {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
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

  function attachSip(ws: WebSocket, req: IncomingMessage) {
    alive.set(ws, true);
    const secure = (req.socket as TLSSocket).encrypted === true || (app.proxy && req.headers['x-forwarded-proto'] === 'https');
    const flow = new SipFlow(ws, secure ? 'WSS' : 'WS');
    services.sip.attach(flow);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data, isBinary) => services.sip.receive(flow, isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data)));
    ws.on('error', (err) => services.log.debug(`sip websocket error: ${err.message}`));
    ws.on('close', () => services.sip.detach(flow));
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/sip') {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!offered.includes('sip')) return refuse(socket, 400, 'Bad Request');
      sipServer.handleUpgrade(req, socket, head, (ws) => attachSip(ws, req));
      return;
    }
    const endpoint = endpoints[path];
    if (!endpoint) return refuse(socket, 404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, endpoint(ws)));
  });

  // Browsers answer pings by themselves; a socket that stops answering is dead (a phone lost its network).
  const heartbeat = setInterval(() => {
    for (const ws of [...wss.clients, ...sipServer.clients]) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

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
      clearInterval(heartbeat);
      services.routing.stop();
      // Let every socket's close handler run while the store is still open.
      const sockets = [...wss.clients, ...sipServer.clients];
      const closing = sockets.map((ws) => new Promise((resolve) => ws.once('close', resolve)));
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
    },
  };
}
