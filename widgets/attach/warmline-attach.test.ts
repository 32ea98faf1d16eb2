import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { WarmlineChat } from '../chat-panel/warmline-chat.component.js';
import '../chat-panel/warmline-chat.js';
import { clearStorage, serverUrl, TestAgent, until } from '../../test/support/browser.js';
import { expectAxeClean } from '../../test/support/axe.js';

/** A 1×1 PNG and a minimal PDF. */
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

const shadow = (el: WarmlineChat) => el.shadowRoot!;
const list = (el: WarmlineChat) => shadow(el).querySelector('warmline-message-list')!;

/** The attach button's element, once the panel has loaded it. */
const attacher = (el: WarmlineChat) =>
  until(() => {
    const a = shadow(el).querySelector('warmline-attach');
    return a?.shadowRoot?.querySelector('button') ? a : undefined;
  }, 'the attach button');

/** Picks a file as the visitor would in the file chooser. */
async function choose(el: WarmlineChat, file: File) {
  const a = await attacher(el);
  const input = a.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change'));
  return a;
}

const note = (a: Element) => a.shadowRoot!.querySelector('[part="note"]')?.textContent ?? '';

describe('<warmline-attach> in <warmline-chat>', () => {
  let server: string;
  /** Alice signed in: the chat's queue takes chats, so the composer shows. */
  let staff: TestAgent;
  before(async () => {
    server = await serverUrl();
    staff = await TestAgent.signIn(server, 'alice');
  });
  after(() => staff.close());
  beforeEach(clearStorage);

  it('shows an "Attach a photo or PDF" button with a hidden file input for images and PDFs, accessibly', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    const a = await attacher(el);
    const button = a.shadowRoot!.querySelector('button')!;
    expect(button.getAttribute('aria-label')).to.contain('Attach');
    const input = a.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input.hidden).to.equal(true);
    expect(input.accept).to.equal('image/png,image/jpeg,image/gif,image/webp,application/pdf');
    await expectAxeClean(el);
  });

  it('uploads a chosen photo, sends it, and the visitor and the agent see it; the host page was asked first', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    const name = `dent ${Math.random().toString(36).slice(2)}.png`;
    const asked = oneEvent(el, 'warmline-message-send');
    await choose(el, new File([PNG], name, { type: 'image/png' }));
    expect((await asked).detail.file.name).to.equal(name);
    const item = await until(() => list(el).shadowRoot!.querySelector('warmline-attachment'), 'the attachment in the conversation');
    const img = await until(() => item.shadowRoot?.querySelector<HTMLImageElement>('img'), 'its thumbnail');
    expect(img.src).to.match(/^blob:/);
    await until(() => list(el).shadowRoot!.textContent!.includes('Sent'), 'the message to be sent');
    await expectAxeClean(el);

    const agent = await TestAgent.signIn(server, 'alice');
    try {
      const interactionId = await agent.acceptOfferFor('[photo]');
      const assigned = agent.frames.find((f) => f.type === 'assigned' && f.interaction.id === interactionId);
      expect(assigned.interaction.messages[0].attachment.name).to.equal(name);
      agent.send({ type: 'close', interactionId });
    } finally {
      agent.close();
    }
  });

  it('refuses what is not a photo or a PDF with a clear message, whether the browser or only the server can tell', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    const a = await choose(el, new File(['hello'], 'notes.txt', { type: 'text/plain' }));
    await until(() => note(a).includes('cannot be attached'), 'the refusal');
    expect(note(a)).to.equal('notes.txt cannot be attached: only photos (PNG, JPEG, GIF, WebP) and PDF files can.');
    expect(a.shadowRoot!.querySelector('[part="note"]')!.getAttribute('role')).to.equal('alert');
    await expectAxeClean(el);
    // HTML that calls itself a PNG: only the server's look at the content tells.
    await choose(el, new File(['<script>alert(1)</script>'], 'photo.png', { type: 'image/png' }));
    await until(() => note(a).startsWith('photo.png cannot be attached'), 'the server’s refusal');
    expect(list(el).shadowRoot!.querySelector('warmline-attachment')).to.equal(null, 'nothing was sent');
  });

  it('says a photo over the server’s limit (5 MB) is too large, though the browser was still sending it', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(PNG);
    const a = await choose(el, new File([big], 'huge.png', { type: 'image/png' }));
    await until(() => note(a).includes('too large'), 'the refusal', 10_000);
    expect(note(a)).to.equal('huge.png is too large to attach.');
    expect(list(el).shadowRoot!.querySelector('warmline-attachment')).to.equal(null, 'nothing was sent');
  });

  it('sends a PDF that the visitor can download again, by the conversation token', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    await choose(el, new File([PDF], 'receipt.pdf', { type: 'application/pdf' }));
    const item = await until(() => list(el).shadowRoot!.querySelector('warmline-attachment'), 'the PDF in the conversation');
    const button = await until(() => item.shadowRoot?.querySelector<HTMLButtonElement>('[part="download"]'), 'its download button');
    expect(button.getAttribute('aria-label')).to.equal('Download receipt.pdf');
    await expectAxeClean(el);
    // Catch the download the button starts.
    const clicked: HTMLAnchorElement[] = [];
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this);
    };
    try {
      button.click();
      const link = await until(() => clicked[0], 'the download');
      expect(link.download).to.equal('receipt.pdf');
      expect(link.href).to.match(/^blob:/);
      const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(0, 8))).to.equal('%PDF-1.4');
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    // Leave the queue empty for the tests after this one.
    const agent = await TestAgent.signIn(server, 'alice');
    try {
      agent.send({ type: 'close', interactionId: await agent.acceptOfferFor('[PDF]') });
    } finally {
      agent.close();
    }
  });
});
