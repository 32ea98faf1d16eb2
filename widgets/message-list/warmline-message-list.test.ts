import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineMessageList } from './warmline-message-list.component.js';
import './warmline-message-list.js';
import type { LogEntry } from '../chat/message-log.js';
import type { AttachmentInfo } from '../protocol/wire-common.js';
import type { WarmlineAttachmentAuthEvent } from '../events/warmline-attachment-auth.js';
// The host defines the attachment element (the chat when it opens, the softphone).
import '../attachment/warmline-attachment.js';
import { serverUrl, until } from '../../test/support/browser.js';
import { expectAxeClean } from '../../test/support/axe.js';

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
    await expectAxeClean(el);
  });

  it('shows the typing line in a polite live region', async () => {
    const el = await fixture<WarmlineMessageList>(html`<warmline-message-list me="agent" typing="The visitor is typing…" .entries=${[]}></warmline-message-list>`);
    const typing = el.shadowRoot!.querySelector('[part="typing"]')!;
    expect(typing.getAttribute('aria-live')).to.equal('polite');
    expect(typing.textContent).to.equal('The visitor is typing…');
  });
});

describe('<warmline-message-list> with attachments', () => {
  /** A 1×1 PNG. */
  const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
  const hostile = '<img src=x onerror=alert(1)>.png';
  let server: string;
  let token: string;
  let attachment: AttachmentInfo;

  before(async () => {
    server = await serverUrl();
    const res = await fetch(`${server}/api/v1/interactions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', context: { v: 1, visitor: { id: 'visitor-list-attachments' }, page: { url: 'https://shop.example/', title: 'Shop' } } }),
    });
    token = ((await res.json()) as { token: string }).token;
    const upload = await fetch(`${server}/api/v1/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-filename': encodeURIComponent(hostile) },
      body: PNG,
    });
    expect(upload.status).to.equal(201);
    attachment = ((await upload.json()) as { attachment: AttachmentInfo }).attachment;
  });

  /** The list inside an element that answers for credentials, as the chat and the softphone do. */
  const render = (list: LogEntry[], auth = () => ({ server, token })) =>
    fixture<HTMLDivElement>(html`<div
      @warmline-attachment-auth=${(e: WarmlineAttachmentAuthEvent) => {
        e.stopPropagation();
        e.detail.auth = auth();
      }}
    >
      <warmline-message-list me="agent" .entries=${list}></warmline-message-list>
    </div>`);

  it('shows a photo as a thumbnail from a blob: URL fetched with the token, and its hostile name only as text', async () => {
    const wrapper = await render([{ key: 's1', seq: 1, cid: null, from: 'visitor', text: '', at: Date.now(), attachment }]);
    const listEl = wrapper.querySelector('warmline-message-list')!;
    await listEl.updateComplete;
    const item = await until(() => listEl.shadowRoot!.querySelector('warmline-attachment'), 'the attachment element');
    const img = await until(() => item.shadowRoot?.querySelector<HTMLImageElement>('img[part="thumbnail"]'), 'the thumbnail');
    expect(img.src).to.match(/^blob:/);
    await until(() => img.complete && img.naturalWidth === 1, 'the image to decode');
    // The name: text in the caption (and in the fallback inside the element), never markup.
    expect(item.shadowRoot!.querySelector('[part="name"]')!.textContent).to.equal(hostile);
    expect(item.textContent).to.equal(hostile);
    expect(item.children.length).to.equal(0, 'nothing was parsed out of the name');
    expect(listEl.shadowRoot!.querySelectorAll('img').length).to.equal(0);
    expect(item.shadowRoot!.querySelectorAll('img').length).to.equal(1);
    expect(item.shadowRoot!.querySelector('img[src="x"]')).to.equal(null);
    expect(item.shadowRoot!.querySelector('a')!.getAttribute('aria-label')).to.equal(`Open ${hostile}`);
    await expectAxeClean(listEl);
  });

  it('frees the blob: URL when the message goes away', async () => {
    const revoked: string[] = [];
    const original = URL.revokeObjectURL;
    URL.revokeObjectURL = (url: string) => {
      revoked.push(url);
      original.call(URL, url);
    };
    try {
      const wrapper = await render([{ key: 's1', seq: 1, cid: null, from: 'visitor', text: '', at: Date.now(), attachment }]);
      const listEl = wrapper.querySelector('warmline-message-list')!;
      await listEl.updateComplete;
      const item = await until(() => listEl.shadowRoot!.querySelector('warmline-attachment'), 'the attachment element');
      const img = await until(() => item.shadowRoot?.querySelector<HTMLImageElement>('img'), 'the thumbnail');
      const url = img.src;
      listEl.entries = [];
      await listEl.updateComplete;
      expect(revoked).to.include(url);
    } finally {
      URL.revokeObjectURL = original;
    }
  });

  it('says the file cannot be shown when the token does not open it, still naming it as text', async () => {
    const wrapper = await render([{ key: 's1', seq: 1, cid: null, from: 'visitor', text: 'see photo', at: Date.now(), attachment }], () => ({
      server,
      token: 'not-the-conversation-token-0000000',
    }));
    const listEl = wrapper.querySelector('warmline-message-list')!;
    await listEl.updateComplete;
    const item = await until(() => listEl.shadowRoot!.querySelector('warmline-attachment'), 'the attachment element');
    await until(() => item.shadowRoot?.textContent?.includes('The file cannot be shown.'), 'the failure');
    expect(item.shadowRoot!.querySelector('img')).to.equal(null);
    expect(item.shadowRoot!.querySelector('[part="name"]')!.textContent).to.equal(hostile);
    expect(listEl.shadowRoot!.querySelector('.text')!.textContent).to.equal(`${hostile}see photo`);
  });
});
