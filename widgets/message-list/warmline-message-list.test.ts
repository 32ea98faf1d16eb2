import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineMessageList } from './warmline-message-list.component.js';
import './warmline-message-list.js';
import type { LogEntry } from '../chat/message-log.js';

const entries: LogEntry[] = [
  { key: 'c1', seq: 1, cid: 'c1', from: 'visitor', text: 'Hi', at: 1_700_000_000_000, status: 'read' },
  { key: 's2', seq: 2, cid: null, from: 'system', text: 'Alice Martin joined the chat.', author: 'Alice Martin', event: 'agent-joined', at: 1_700_000_001_000 },
  { key: 's3', seq: 3, cid: null, from: 'agent', author: 'Alice Martin', text: 'Hello!\nHow can I help?', at: 1_700_000_002_000 },
  { key: 'c4', seq: null, cid: 'c4', from: 'visitor', text: 'Is it in stock?', at: 1_700_000_003_000, status: 'sending' },
];

describe('<warmline-message-list>', () => {
  it('renders a labelled log with mine and theirs, the state of my last message, and system notices', async () => {
    const el = await fixture<WarmlineMessageList>(html`<warmline-message-list me="visitor" .entries=${entries}></warmline-message-list>`);
    const root = el.shadowRoot!;
    expect(root.querySelector('[role="log"]')!.getAttribute('aria-label')).to.equal('Messages');
    const items = [...root.querySelectorAll('li')];
    expect(items.map((li) => li.className)).to.deep.equal(['mine', 'system', 'theirs', 'mine']);
    expect(items[2]!.querySelector('.author')!.textContent).to.equal('Alice Martin');
    expect(items[2]!.querySelector('.text')!.textContent).to.equal('Hello!\nHow can I help?');
    // Only the last of my messages shows its delivery state.
    expect(items[0]!.querySelector('.status')).to.equal(null);
    expect(items[3]!.querySelector('.status')!.textContent).to.equal('Sending');
    expect(items[1]!.textContent!.trim()).to.equal('Alice Martin joined the chat.');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('shows the typing line in a polite live region', async () => {
    const el = await fixture<WarmlineMessageList>(html`<warmline-message-list me="agent" typing="The visitor is typing…" .entries=${[]}></warmline-message-list>`);
    const typing = el.shadowRoot!.querySelector('[part="typing"]')!;
    expect(typing.getAttribute('aria-live')).to.equal('polite');
    expect(typing.textContent).to.equal('The visitor is typing…');
  });
});
