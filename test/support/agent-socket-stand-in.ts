/**
 * A stand-in for the agent socket (our own server's side of it, not
 * LiveKit's) for browser tests of code above AgentChatClient: give the
 * class as the client's `WebSocket`; what the console sends is recorded in
 * `sent`, and `serverSends` plays the server.
 */
export class AgentSocketStandIn {
  static last: AgentSocketStandIn | undefined;
  readonly sent: any[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  constructor(readonly url: string) {
    AgentSocketStandIn.last = this;
    setTimeout(() => this.onopen?.());
  }

  send(data: string) {
    this.sent.push(JSON.parse(data));
  }

  close() {}

  serverSends(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

/** The server's welcome for alice, with the offers given. */
export const welcomeFrame = (offers: unknown[] = []) => ({
  type: 'welcome',
  agent: { id: 'ag_alice', username: 'alice', name: 'Alice Martin' },
  presence: 'available',
  offers,
  interactions: [],
  messageLimit: 4000,
});
