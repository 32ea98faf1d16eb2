/**
 * The heartbeat over real `ws` sockets on a free port: pings go out a slice
 * per turn of the event loop (a message waits for one slice, not for all
 * sockets), and a socket that did not answer the last ping is terminated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { startHeartbeat } from '../../signaling/heartbeat.js';

async function sockets(count: number) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const clients = await Promise.all(
    Array.from({ length: count }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    })),
  );
  while (server.clients.size < count) await new Promise((r) => setImmediate(r));
  return { server, clients, close: () => { for (const c of clients) c.terminate(); server.close(); } };
}

test('pings every socket, a slice per turn of the event loop', async (t) => {
  const { server, close } = await sockets(25);
  t.after(close);
  const pinged: WebSocket[] = [];
  /** How many pings went out in the turn of the first one: counted by a microtask, which runs when that turn's code is done. */
  let firstTurn: Promise<number> | undefined;
  for (const ws of server.clients) {
    const ping = ws.ping.bind(ws);
    ws.ping = (...args: Parameters<WebSocket['ping']>) => {
      firstTurn ??= new Promise((resolve) => queueMicrotask(() => resolve(pinged.length)));
      pinged.push(ws);
      ping(...args);
    };
  }
  const heartbeat = startHeartbeat(() => server.clients, 30, 10);
  t.after(() => heartbeat.stop());
  for (const ws of server.clients) heartbeat.alive(ws);
  while (!firstTurn) await new Promise((r) => setTimeout(r, 1));
  assert.equal(await firstTurn, 10, 'one slice in the turn of the tick');
  for (let i = 0; i < 10 && new Set(pinged).size < 25; i++) await new Promise((r) => setImmediate(r));
  assert.equal(new Set(pinged).size, 25, 'the other slices in the next turns');
});

test('terminates a socket that did not answer the last ping, keeps those that did', async (t) => {
  const { server, close } = await sockets(3);
  t.after(close);
  // A client whose network is gone: its pongs are never counted (ws clients answer pings by themselves).
  const [silent] = [...server.clients];
  const heartbeat = startHeartbeat(() => server.clients, 20);
  t.after(() => heartbeat.stop());
  for (const ws of server.clients) {
    heartbeat.alive(ws);
    if (ws !== silent) ws.on('pong', () => heartbeat.alive(ws));
  }
  const closed = new Promise((resolve) => silent!.once('close', resolve));
  await closed;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(server.clients.size, 2);
  assert.ok(!server.clients.has(silent!));
});
