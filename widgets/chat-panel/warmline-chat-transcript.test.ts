/**
 * A long conversation after a page navigation (issue 14, "Transcripts
 * page"): the reloaded widget has its stored token and nothing in memory.
 * It shows the newest page at once, and "Show earlier messages" reads back
 * to the very first, with none missing, doubled or out of order.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineChat } from './warmline-chat.component.js';
import './warmline-chat.js';
import { clearStorage, sampleContext, serverUrl, TestAgent, until } from '../../test/support/browser.js';
import { expectAxeClean } from '../../test/support/axe.js';
import { MESSAGE_PAGE } from '../protocol/message-pages.js';

const TOTAL = 2500;

const list = (el: WarmlineChat) => el.shadowRoot!.querySelector('warmline-message-list')!;
const texts = (el: WarmlineChat) => [...list(el).shadowRoot!.querySelectorAll('li .text')].map((p) => p.textContent);
const earlierButton = (el: WarmlineChat) => list(el).shadowRoot!.querySelector<HTMLButtonElement>('[part="earlier"]');

/** Starts a conversation over the real API and writes `TOTAL` messages into it, waiting for every ack. */
async function longConversation(server: string): Promise<{ token: string; interactionId: string }> {
  const res = await fetch(`${server}/api/v1/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'demo', context: sampleContext('long-transcript') }),
  });
  const { token, interactionId } = (await res.json()) as { token: string; interactionId: string };
  const ws = new WebSocket(`${server.replace(/^http/, 'ws')}/ws/v1/visitor?site=demo`);
  let acks = 0;
  ws.addEventListener('message', (e) => {
    if ((JSON.parse(String(e.data)) as { type: string }).type === 'ack') acks++;
  });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  ws.send(JSON.stringify({ type: 'hello', token, since: 0 }));
  for (let i = 1; i <= TOTAL; i++) {
    ws.send(JSON.stringify({ type: 'send', cid: `long-${interactionId.slice(3, 11)}-${i}`, text: `message ${i}` }));
    // In batches, each acked before the next: one message after another, as a person writes them.
    if (i % 250 === 0) await until(() => acks === i, `${i} acks`, 20_000);
  }
  ws.close();
  return { token, interactionId };
}

/** Takes the conversation off the queue the server shares with the other test files: alice accepts it and ends it. */
async function endConversation(server: string) {
  const alice = await TestAgent.signIn(server, 'alice');
  try {
    const interactionId = await alice.acceptOfferFor('message 1');
    alice.send({ type: 'close', interactionId });
    await alice.next((f) => f.type === 'interaction' && f.interactionId === interactionId && f.status === 'closed', 'the chat to end');
  } finally {
    alice.close();
  }
}

describe('<warmline-chat> with a long conversation', () => {
  let server: string;
  before(async () => {
    server = await serverUrl();
  });
  beforeEach(clearStorage);

  it('after a reload shows the newest page, and reads back to the first message on "Show earlier messages"', async function () {
    this.timeout(120_000);
    const { token, interactionId } = await longConversation(server);
    // The widget on the next page of the same visitor: its stored token and visitor id, nothing in memory.
    localStorage.setItem('warmline.visitor', sampleContext('long-transcript').visitor.id);
    localStorage.setItem('warmline.chat.demo', JSON.stringify({ token, interactionId, outbox: [], open: true }));
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);

    await until(() => texts(el).length === MESSAGE_PAGE && earlierButton(el), 'the newest page');
    expect(texts(el)[0]).to.equal(`message ${TOTAL - MESSAGE_PAGE + 1}`);
    expect(texts(el).at(-1)).to.equal(`message ${TOTAL}`, 'the newest message is there: nothing skipped');
    expect(earlierButton(el)!.textContent!.trim()).to.equal('Show earlier messages');
    await expectAxeClean(el);

    let shown = texts(el).length;
    while (earlierButton(el)) {
      const button = earlierButton(el)!;
      button.focus();
      button.click();
      await until(() => texts(el).length > shown, 'an earlier page', 10_000);
      shown = texts(el).length;
      await list(el).updateComplete;
      if (earlierButton(el)) expect(list(el).shadowRoot!.activeElement).to.equal(earlierButton(el), 'focus stays on the button');
    }
    expect(texts(el)).to.deep.equal(Array.from({ length: TOTAL }, (_, i) => `message ${i + 1}`), 'all of them, in order, each once');
    const first = list(el).shadowRoot!.querySelector('li');
    expect(list(el).shadowRoot!.activeElement).to.equal(first, 'with nothing earlier, focus goes to the first message');
    await endConversation(server);
  });
});
