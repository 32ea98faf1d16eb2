/**
 * Helpers for browser tests (web-test-runner): the URL of the real Warmline
 * server started beside the test page, and quick ways to play the other
 * side of a chat (an agent) over the real HTTP and WebSocket API.
 */
export async function serverUrl(): Promise<string> {
  const res = await fetch('/__warmline');
  return ((await res.json()) as { url: string }).url;
}

export function clearStorage() {
  localStorage.clear();
  sessionStorage.clear();
}

export async function until<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An agent signed in over the real API, speaking the agent protocol on a real WebSocket. */
export class TestAgent {
  readonly frames: any[] = [];
  private constructor(
    readonly ws: WebSocket,
    readonly token: string,
  ) {
    ws.addEventListener('message', (e) => this.frames.push(JSON.parse(String(e.data))));
  }

  static async signIn(server: string, username = 'alice'): Promise<TestAgent> {
    const res = await fetch(`${server}/api/v1/agent/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo' }),
    });
    const { token } = (await res.json()) as { token: string };
    const ws = new WebSocket(`${server.replace(/^http/, 'ws')}/ws/v1/agent`);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const agent = new TestAgent(ws, token);
    agent.send({ type: 'hello', token, since: {} });
    await agent.next((f) => f.type === 'welcome');
    return agent;
  }

  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame));
  }

  next(match: (f: any) => boolean, what = 'a frame'): Promise<any> {
    return until(() => this.frames.find(match), what);
  }

  /**
   * Accepts the offer whose first message is `text` and returns its
   * interaction id. An agent has one offer open at a time: one for a chat an
   * earlier test left waiting (the component tests share one server) is
   * declined, so that the wanted one comes: a declined chat skips this agent
   * for a while (routing.declineCooldownSeconds), and the line is first come,
   * first served, so a test's own chats come after those left earlier.
   */
  async acceptOfferFor(text: string): Promise<string> {
    // Each offer once (by the frame that brought it): a declined chat offered again is declined again.
    const declined = new Set<object>();
    // Offered before this connection opened: it came with the welcome.
    const offer = await until(() => {
      const offers = this.frames.flatMap((f) => (f.type === 'offer' ? [f.offer] : f.type === 'welcome' ? f.offers : []));
      const wanted = offers.find((o: any) => o.preview.firstMessage === text);
      if (wanted) return wanted;
      for (const other of offers) {
        if (declined.has(other)) continue;
        declined.add(other);
        this.send({ type: 'decline', interactionId: other.interactionId });
      }
      return undefined;
    }, `an offer for "${text}"`);
    this.send({ type: 'accept', interactionId: offer.interactionId });
    await this.next((f) => f.type === 'assigned' && f.interaction.id === offer.interactionId, 'the assignment');
    return offer.interactionId;
  }

  close() {
    this.ws.close();
  }
}

/** A visitor over the real API: starts a conversation with a context and writes in it. */
export class TestVisitor {
  readonly frames: any[] = [];
  private constructor(
    readonly ws: WebSocket,
    readonly interactionId: string,
  ) {
    ws.addEventListener('message', (e) => this.frames.push(JSON.parse(String(e.data))));
  }

  static async start(server: string, context: Record<string, unknown>): Promise<TestVisitor> {
    const res = await fetch(`${server}/api/v1/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', context }),
    });
    const { interactionId, token } = (await res.json()) as { interactionId: string; token: string };
    const ws = new WebSocket(`${server.replace(/^http/, 'ws')}/ws/v1/visitor`);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const visitor = new TestVisitor(ws, interactionId);
    visitor.ws.send(JSON.stringify({ type: 'hello', token, since: 0 }));
    await until(() => visitor.frames.find((f) => f.type === 'welcome'), 'welcome');
    return visitor;
  }

  say(text: string) {
    this.ws.send(JSON.stringify({ type: 'send', cid: `v${Math.random().toString(36).slice(2, 12)}`, text }));
  }

  next(match: (f: any) => boolean, what = 'a frame'): Promise<any> {
    return until(() => this.frames.find(match), what);
  }

  close() {
    this.ws.close();
  }
}

/** A context envelope with a recognisable page and cart. */
export function sampleContext(label: string) {
  return {
    v: 1,
    visitor: { id: `visitor-${label}`.slice(0, 64).replace(/[^\w-]/g, '-') },
    page: { url: `https://shop.example/products/${label}`, title: `Product ${label}` },
    cart: { currency: 'EUR', items: [{ sku: 'KET-CU-1', name: 'Copper Pour-Over Kettle', qty: 2, price: 59 }], total: 118 },
    product: { name: 'Copper Pour-Over Kettle', sku: 'KET-CU-1', price: 59, currency: 'EUR' },
    locale: { language: 'en-GB', timezone: 'Europe/London' },
  };
}

/**
 * The offer in a softphone (its shadow root) that `wanted` picks. An agent
 * has one offer open at a time: one for a chat an earlier test left waiting
 * (the component tests share one server) is declined, so that the wanted
 * one comes (as TestAgent.acceptOfferFor does).
 */
export function offerIn(softphone: ShadowRoot, wanted: (offer: Element) => boolean, what = 'the offer'): Promise<Element> {
  const declined = new Set<Element>();
  return until(() => {
    const offers = [...softphone.querySelectorAll('.offer')];
    const found = offers.find(wanted);
    if (found) return found;
    for (const other of offers.filter((o) => !declined.has(o))) {
      declined.add(other);
      other.querySelector<HTMLButtonElement>('button.secondary')?.click();
    }
    return undefined;
  }, what);
}
