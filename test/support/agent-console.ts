/** An agent signed in with their console connected over the real WebSocket, as the softphone does. */
import { TestSocket } from './test-socket.js';
import { signIn } from './http.js';

export interface ConsoleHandle {
  socket: TestSocket;
  token: string;
  agentId: string;
  welcome: any;
}

export async function agentConsole(server: { url: string; wsUrl: string }, username: string): Promise<ConsoleHandle> {
  const { token, agent } = await signIn(server.url, username);
  const socket = await TestSocket.open(`${server.wsUrl}/ws/v1/agent`);
  socket.send({ type: 'hello', token, since: {} });
  const welcome = await socket.next('welcome');
  return { socket, token, agentId: agent.id, welcome };
}
