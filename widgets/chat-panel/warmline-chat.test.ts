import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { WarmlineChat } from './warmline-chat.component.js';
import './warmline-chat.js';
import { clearStorage, sampleContext, serverUrl, TestAgent, TestVisitor, until } from '../../test/support/browser.js';
import { expectAxeClean, expectContrastClean } from '../../test/support/axe.js';
import type { VisitorChatClient } from '../chat/visitor-chat-client.js';

const shadow = (el: WarmlineChat) => el.shadowRoot!;
const launcher = (el: WarmlineChat) => shadow(el).querySelector<HTMLButtonElement>('[part="launcher"]')!;
const panel = (el: WarmlineChat) => shadow(el).querySelector<HTMLElement>('[part="panel"]')!;
const input = (el: WarmlineChat) => shadow(el).querySelector('textarea')!;
const list = (el: WarmlineChat) => shadow(el).querySelector('warmline-message-list')!;
const messages = (el: WarmlineChat) => [...list(el).shadowRoot!.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());

async function send(el: WarmlineChat, text: string) {
  input(el).value = text;
  input(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
  await el.updateComplete;
}

describe('<warmline-chat>', () => {
  let server: string;
  /** Alice signed in: the chat's queue takes chats, so the composer shows (not the offline form). */
  let staff: TestAgent;
  before(async () => {
    server = await serverUrl();
    staff = await TestAgent.signIn(server, 'alice');
  });
  after(() => staff.close());
  beforeEach(clearStorage);

  it('shows a launcher whose accessible name contains "Chat", and a closed panel', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo"></warmline-chat>`);
    expect(launcher(el).getAttribute('aria-label')).to.contain('Chat');
    expect(launcher(el).getAttribute('aria-expanded')).to.equal('false');
    expect(panel(el).hidden).to.equal(true);
    await expectAxeClean(el);
  });

  it('opens on click with focus in the text box, and closes with Escape back to the launcher', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat floating server=${server} site="demo"></warmline-chat>`);
    setTimeout(() => launcher(el).click());
    await oneEvent(el, 'warmline-chat-open');
    await el.updateComplete;
    await el.updateComplete;
    expect(el.open).to.equal(true);
    expect(panel(el).hidden).to.equal(false);
    expect(panel(el).getAttribute('role')).to.equal('dialog');
    expect(launcher(el).getAttribute('aria-expanded')).to.equal('true');
    expect(shadow(el).activeElement).to.equal(input(el));
    // The conversation is a live region (role=log) and the status line is announced (role=status).
    expect(list(el).shadowRoot!.querySelector('[role="log"]')).to.exist;
    expect(shadow(el).querySelector('[role="status"]')!.textContent).to.contain('Ask us anything');
    await expectAxeClean(el);

    setTimeout(() => panel(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true })));
    await oneEvent(el, 'warmline-chat-close');
    await el.updateComplete;
    expect(el.open).to.equal(false);
    expect(shadow(el).activeElement).to.equal(launcher(el));
  });

  it('lets the host page veto opening (warmline-chat-open is cancelable)', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" @warmline-chat-open=${(e: Event) => e.preventDefault()}></warmline-chat>`);
    launcher(el).click();
    await el.updateComplete;
    expect(el.open).to.equal(false);
  });

  it('sends a message (Enter), shows it as sent, and the agent’s reply, typing and read receipt', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    const text = `Component test ${Math.random().toString(36).slice(2)}`;
    const sendEvent = oneEvent(el, 'warmline-message-send');
    await send(el, text);
    expect((await sendEvent).detail.text).to.equal(text);
    expect(input(el).value).to.equal('');
    await until(() => messages(el).some((m) => m.includes(text) && m.includes('Sent')), 'the message to be sent');

    const agent = await TestAgent.signIn(server, 'alice');
    try {
      const interactionId = await agent.acceptOfferFor(text);
      await until(() => shadow(el).querySelector('[role="status"]')!.textContent!.includes('Alice Martin'), 'the agent to join');
      agent.send({ type: 'typing', interactionId, active: true });
      await until(() => list(el).shadowRoot!.querySelector('[part="typing"]')!.textContent!.includes('is typing'), 'the typing line');
      const received = oneEvent(el, 'warmline-message-receive');
      agent.send({ type: 'send', interactionId, cid: 'agent-cid-0001', text: 'Hello from Alice' });
      expect((await received).detail.message.text).to.equal('Hello from Alice');
      await until(() => messages(el).some((m) => m.includes('Hello from Alice')), 'the reply');
      agent.send({ type: 'receipt', interactionId, delivered: 10, read: 10 });
      await until(() => messages(el).some((m) => m.includes(text) && m.includes('Read')), 'the read receipt');
      // The panel is open and visible, so the visitor's side reports the reply as read.
      await agent.next((f) => f.type === 'receipt' && f.interactionId === interactionId && f.read >= 3, 'the visitor’s read receipt');
      agent.send({ type: 'close', interactionId });
    } finally {
      agent.close();
    }
  });

  it('lets the host page veto a message (warmline-message-send is cancelable)', async () => {
    const el = await fixture<WarmlineChat>(
      html`<warmline-chat server=${server} site="demo" open @warmline-message-send=${(e: Event) => e.preventDefault()}></warmline-chat>`,
    );
    await send(el, 'card number 4111 1111 1111 1111');
    expect(messages(el)).to.deep.equal([]);
    const saved = JSON.parse(localStorage.getItem('warmline.chat.demo') ?? '{}');
    expect(saved.token).to.equal(undefined, 'no conversation was started');
    expect(saved.outbox ?? []).to.deep.equal([]);
  });

  it('keeps Shift+Enter for a new line', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    input(el).value = 'line one';
    const event = new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, composed: true, cancelable: true });
    input(el).dispatchEvent(event);
    expect(event.defaultPrevented).to.equal(false);
    expect(input(el).value).to.equal('line one');
  });

  it('renders what the agent writes as text, never as markup', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    const text = `xss test ${Math.random().toString(36).slice(2)}`;
    await send(el, text);
    const agent = await TestAgent.signIn(server, 'alice');
    try {
      const interactionId = await agent.acceptOfferFor(text);
      const payload = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
      agent.send({ type: 'send', interactionId, cid: 'agent-cid-0002', text: payload });
      await until(() => messages(el).some((m) => m.includes('<img src=x')), 'the payload as text');
      const root = list(el).shadowRoot!;
      expect(root.querySelector('img')).to.equal(null);
      expect(root.querySelector('b')).to.equal(null);
      expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
      agent.send({ type: 'close', interactionId });
    } finally {
      agent.close();
    }
  });

  it('leaks no CSS into the page and takes none from it', async () => {
    const styleCount = document.querySelectorAll('style').length;
    const style = document.createElement('style');
    style.textContent = 'button { color: rgb(255, 0, 0) !important; } li { display: none !important; }';
    document.head.append(style);
    const probe = document.createElement('p');
    document.body.append(probe);
    const before = getComputedStyle(probe).cssText || JSON.stringify([...getComputedStyle(probe)].map((k) => getComputedStyle(probe).getPropertyValue(k)));
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    try {
      const after = getComputedStyle(probe).cssText || JSON.stringify([...getComputedStyle(probe)].map((k) => getComputedStyle(probe).getPropertyValue(k)));
      expect(after).to.equal(before);
      expect(document.querySelectorAll('style')).to.have.length(styleCount + 1, 'the widget added no <style> to the page');
      expect(getComputedStyle(launcher(el)).color).not.to.equal('rgb(255, 0, 0)');
    } finally {
      style.remove();
      probe.remove();
    }
  });

  // The real server refuses, for good, a message whose attachment is not in the conversation (`invalid_message`).
  for (const [lang, words] of [
    ['ru', 'Это сообщение не удалось отправить.'],
    ['zh-Hant', '這則訊息無法傳送。'],
  ] as const) {
    it(`says a message the server refused in the visitor’s language, by the refusal’s code (${lang})`, async () => {
      const el = await fixture<WarmlineChat>(html`<warmline-chat lang=${lang} server=${server} site="demo" open></warmline-chat>`);
      const text = `refusal test ${Math.random().toString(36).slice(2)}`;
      await send(el, text);
      // Taken, so that it leaves no one waiting in line ahead of the tests after.
      const interactionId = await staff.acceptOfferFor(text);
      try {
        const client = (el as unknown as { client: VisitorChatClient }).client;
        client.send('', { id: 'at_notinthisconversation', name: 'receipt.png', type: 'image/png', size: 2048 });
        const alert = await until(() => shadow(el).querySelector('.error[role="alert"]'), 'the refusal');
        expect(alert.textContent).to.equal(words);
        expect(client.snapshot.entries.some((e) => e.attachment)).to.equal(false, 'the refused message is taken out');
      } finally {
        staff.send({ type: 'close', interactionId });
      }
    });
  }

  it('shows the place in the queue while the visitor waits', async () => {
    // Another chat first, offered to alice (available) and left unanswered: an agent has one offer at a
    // time, so this one waits in line, and the one being offered is not counted ahead of it.
    const blocker = await TestVisitor.start(server, sampleContext('place-blocker'));
    blocker.say(`place blocker ${Math.random().toString(36).slice(2)}`);
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" open></warmline-chat>`);
    const text = `place test ${Math.random().toString(36).slice(2)}`;
    await send(el, text);
    const line = await until(() => shadow(el).querySelector<HTMLElement>('.subtitle[role="status"]'), 'the status line');
    // Next, or further back if a chat from another test file still waits in the same queue.
    await until(() => /You are (next|number \d+ in line)/.test(line.textContent!), 'the place in line');
    await expectAxeClean(el);
    // The same live region says it in each language.
    for (const [lang, words] of [['ru', /[\u0400-\u04ff]/], ['zh-Hans', /[\u4e00-\u9fff]/], ['zh-Hant', /[\u4e00-\u9fff]/], ['en', /You are (next|number)/]] as const) {
      el.lang = lang;
      await until(() => words.test(line.textContent!), `the place in line in ${lang}`);
      expect(shadow(el).querySelector('.subtitle[role="status"]')).to.equal(line);
    }
    blocker.close();
    const agent = await TestAgent.signIn(server, 'alice');
    try {
      const interactionId = await agent.acceptOfferFor(text);
      await until(() => shadow(el).querySelector('[role="status"]')!.textContent!.includes('Alice Martin'), 'the agent to join');
      agent.send({ type: 'send', interactionId, cid: 'agent-cid-0003', text: 'Hello, how can I help?' });
      await until(() => messages(el).some((m) => m.includes('Hello, how can I help?')), 'the reply');
      await expectAxeClean(el);
      agent.send({ type: 'close', interactionId });
    } finally {
      agent.close();
    }
  });

  it('takes its colours from theme="dark" or "light", in the elements inside it too, with the site’s values first, and stays readable in dark', async () => {
    const colours = (el: WarmlineChat) => ({
      panel: getComputedStyle(panel(el)).backgroundColor,
      messages: getComputedStyle(list(el)).color,
    });
    const light = await fixture<WarmlineChat>(html`<warmline-chat theme="light" server=${server} site="demo" open></warmline-chat>`);
    expect(colours(light)).to.deep.equal({ panel: 'rgb(255, 255, 255)', messages: 'rgb(27, 31, 36)' });
    const dark = await fixture<WarmlineChat>(html`<warmline-chat theme="dark" server=${server} site="demo" open></warmline-chat>`);
    expect(colours(dark)).to.deep.equal({ panel: 'rgb(22, 27, 34)', messages: 'rgb(230, 237, 243)' }, 'the message list, inside the chat, is dark too');
    dark.setAttribute('theme', 'light');
    await dark.updateComplete;
    expect(colours(dark)).to.deep.equal(colours(light), 'switched back');
    dark.setAttribute('theme', 'dark');
    dark.style.setProperty('--warmline-color-surface', 'rgb(1, 2, 3)');
    expect(colours(dark).panel).to.equal('rgb(1, 2, 3)', 'the site owner’s value wins');
    dark.style.removeProperty('--warmline-color-surface');

    // A conversation in dark: both sides' messages, the status line, the composer.
    const text = `dark test ${Math.random().toString(36).slice(2)}`;
    await send(dark, text);
    const agent = await TestAgent.signIn(server, 'alice');
    try {
      const interactionId = await agent.acceptOfferFor(text);
      agent.send({ type: 'send', interactionId, cid: 'agent-cid-0004', text: 'Hello in the dark' });
      await until(() => messages(dark).some((m) => m.includes('Hello in the dark')), 'the reply');
      await expectContrastClean(dark);
      await expectAxeClean(dark);
      agent.send({ type: 'close', interactionId });
    } finally {
      agent.close();
    }
  });

  it('offers the offline form instead of the composer when the chat’s queue is closed, and keeps the conversation', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="after-hours" open></warmline-chat>`);
    const offline = await until(() => shadow(el).querySelector('warmline-offline-form'), 'the offline form');
    const form = await until(() => offline.shadowRoot?.querySelector('form'), 'its form');
    expect(shadow(el).querySelector<HTMLElement>('[part="composer"]')!.hidden).to.equal(true);
    await expectAxeClean(el);
    (form.querySelector('[name="name"]') as HTMLInputElement).value = 'Sam Late';
    (form.querySelector('[name="contact"]') as HTMLInputElement).value = '+44 20 7946 0000';
    (form.querySelector('[name="message"]') as HTMLTextAreaElement).value = 'Do you ship to Norway?';
    form.requestSubmit();
    await until(() => messages(el).some((m) => m.includes('Do you ship to Norway?')), 'the message in the conversation');
    expect(shadow(el).querySelector<HTMLElement>('[part="composer"]')!.hidden).to.equal(false, 'the visitor can add to it');
    expect(JSON.parse(localStorage.getItem('warmline.chat.after-hours')!).token).to.be.a('string');
  });
});
