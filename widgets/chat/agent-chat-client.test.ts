import { expect } from '@open-wc/testing';
import { AgentChatClient } from './agent-chat-client.js';
import { serverUrl, TestAgent, until } from '../../test/support/browser.js';

describe('AgentChatClient', () => {
  it('keeps a presence chosen before the server’s welcome, and sends it once welcomed', async () => {
    const server = await serverUrl();
    // bob is available on the server (presence belongs to the agent, not to one connection).
    const other = await TestAgent.signIn(server, 'bob');
    other.send({ type: 'presence', state: 'available' });
    await other.next((f) => f.type === 'presence' && f.state === 'available');
    const client = new AgentChatClient({ server, token: other.token });
    try {
      client.connect();
      client.setPresence('away');
      await until(() => client.snapshot.agent, 'the welcome');
      expect(client.snapshot.presence).to.equal('away', 'the welcome does not overwrite the choice');
      const presence = async () =>
        ((await fetch(`${server}/api/v1/agent/me`, { headers: { authorization: `Bearer ${other.token}` } }).then((r) => r.json())) as { presence: string }).presence;
      let heard = '';
      for (let i = 0; i < 40 && heard !== 'away'; i++) {
        heard = await presence();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(heard).to.equal('away', 'the server heard it');
    } finally {
      client.disconnect();
      other.close();
    }
  });
});
