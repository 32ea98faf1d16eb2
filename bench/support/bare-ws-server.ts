/**
 * The ceiling the benchmarks compare Warmline's sockets with: a bare `ws`
 * server on loopback, run as a worker (its own process, like the real
 * server) and doing the least a chat relay can.
 *
 * - `/agent?i=K` is agent socket K; it is greeted with a welcome.
 * - Any other path is a visitor (`?to=K`, default 0). Its first frame is the
 *   hello (parsed; answered with a welcome); every frame after it is
 *   forwarded as it came, unparsed, to agent K. No validation, no storage,
 *   no ack, no copy back to the visitor.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { serveCommands } from './load-worker.js';

let wss: WebSocketServer | undefined;
const agents: Array<WebSocket | undefined> = [];

const WELCOME = JSON.stringify({ type: 'welcome' });

function start(): Promise<{ port: number; pid: number }> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024, backlog: 4096 });
    wss = server;
    server.once('error', reject);
    server.on('listening', () => resolve({ port: (server.address() as AddressInfo).port, pid: process.pid }));
    server.on('connection', (ws, req) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      ws.on('error', () => {});
      if (url.pathname === '/agent') {
        agents[Number(url.searchParams.get('i') ?? 0)] = ws;
        ws.send(WELCOME);
        return;
      }
      const to = Number(url.searchParams.get('to') ?? 0);
      let greeted = false;
      ws.on('message', (data, isBinary) => {
        if (!greeted) {
          const hello = JSON.parse(String(data)) as { type?: string };
          if (hello.type !== 'hello') return ws.close(4000, 'hello first');
          greeted = true;
          ws.send(WELCOME);
          return;
        }
        agents[to]?.send(data, { binary: isBinary });
      });
    });
  });
}

async function stop() {
  if (!wss) return;
  for (const ws of wss.clients) ws.terminate();
  await new Promise((resolve) => wss!.close(resolve));
  wss = undefined;
}

serveCommands({ start, stop }, stop);
