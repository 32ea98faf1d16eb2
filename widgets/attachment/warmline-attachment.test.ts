import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineAttachment } from './warmline-attachment.component.js';
import './warmline-attachment.js';
import type { WarmlineSoftphone } from '../softphone/warmline-softphone.component.js';
import '../softphone/warmline-softphone.js';
import type { AttachmentInfo } from '../protocol/wire-common.js';
import { clearStorage, offerIn, sampleContext, serverUrl, until } from '../../test/support/browser.js';
import { expectAxeClean } from '../../test/support/axe.js';

const button = (el: HTMLElement, text: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim() === text);

const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));

/** A visitor's conversation with a photo uploaded into it, over the real API. */
async function conversationWithPhoto(server: string, label: string, name: string) {
  const res = await fetch(`${server}/api/v1/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'demo', context: sampleContext(label) }),
  });
  const { token } = (await res.json()) as { token: string };
  const upload = await fetch(`${server}/api/v1/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-filename': encodeURIComponent(name) },
    body: PNG,
  });
  const { attachment } = (await upload.json()) as { attachment: AttachmentInfo };
  return { token, attachment };
}

describe('<warmline-attachment>', () => {
  let server: string;
  before(async () => {
    server = await serverUrl();
  });
  beforeEach(clearStorage);

  it('shows a name and never fetches anything for a file of a type it does not show', async () => {
    const fetched: string[] = [];
    const original = window.fetch;
    window.fetch = (input, init) => (fetched.push(String(input)), original(input, init));
    try {
      const file = { id: 'at_xxxxxxxxxxxxxxxx', name: 'page.svg', type: 'image/svg+xml', size: 10 } as unknown as AttachmentInfo;
      const el = await fixture<WarmlineAttachment>(html`<warmline-attachment .file=${file} .auth=${{ server, token: 'x' }}>page.svg</warmline-attachment>`);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect(el.textContent).to.equal('page.svg');
      expect(fetched).to.deep.equal([]);
    } finally {
      window.fetch = original;
    }
  });

  it('shows the visitor’s photo in the agent console, fetched with the agent’s session', async () => {
    const name = `kettle dent ${Math.random().toString(36).slice(2)}.png`;
    const { token, attachment } = await conversationWithPhoto(server, 'attachment-agent', name);
    const visitor = new WebSocket(`${server.replace(/^http/, 'ws')}/ws/v1/visitor?site=demo`);
    await new Promise((resolve) => (visitor.onopen = resolve));
    const statuses: string[] = [];
    visitor.onmessage = (e) => {
      const frame = JSON.parse(String(e.data));
      if (frame.type === 'status') statuses.push(frame.status);
    };
    visitor.send(JSON.stringify({ type: 'hello', token, since: 0 }));
    visitor.send(JSON.stringify({ type: 'send', cid: `photo-${Math.random().toString(36).slice(2, 12)}`, text: '', attachment: attachment.id }));

    const el = await fixture<WarmlineSoftphone>(html`<warmline-softphone server=${server}></warmline-softphone>`);
    const form = el.shadowRoot!.querySelector('form')!;
    (form.querySelector('[name="username"]') as HTMLInputElement).value = 'bob';
    (form.querySelector('[name="password"]') as HTMLInputElement).value = 'demo';
    form.requestSubmit();
    try {
      const select = await until(() => el.shadowRoot!.querySelector('select'), 'the console');
      select.value = 'available';
      select.dispatchEvent(new Event('change'));
      const offer = await offerIn(
        el.shadowRoot!,
        (o) => o.textContent!.includes('/products/attachment-agent') || o.textContent!.includes('[photo]'),
        'the offer',
      );
      expect(offer.textContent).to.contain('[photo]');
      (offer.querySelector('button.primary') as HTMLButtonElement).click();
      const lists = () => [...el.shadowRoot!.querySelectorAll('warmline-message-list')];
      const item = await until(() => lists().map((l) => l.shadowRoot?.querySelector('warmline-attachment')).find(Boolean), 'the attachment in the thread');
      const img = await until(() => item!.shadowRoot?.querySelector<HTMLImageElement>('img'), 'its thumbnail');
      expect(img.src).to.match(/^blob:/);
      expect(item!.shadowRoot!.querySelector('[part="name"]')!.textContent).to.equal(name);
      await expectAxeClean(item!);
      await expectAxeClean(el);
      // Leave the queue as it was for the tests after this one.
      button(el, 'End chat')!.click();
      await until(() => statuses.includes('closed'), 'the chat to end');
    } finally {
      visitor.close();
      button(el, 'Sign out')?.click();
      await until(() => button(el, 'Sign in'), 'signed out');
    }
  });
});
