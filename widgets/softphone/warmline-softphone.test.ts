import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { WarmlineSoftphone } from './warmline-softphone.component.js';
import './warmline-softphone.js';
import { clearStorage, offerIn, sampleContext, serverUrl, TestVisitor, until } from '../../test/support/browser.js';
import { expectAxeClean, expectContrastClean } from '../../test/support/axe.js';
import { agentCall } from '../../test/support/agent-call.js';

import type { AgentCall } from '../telephony/agent-phone.js';

const root = (el: WarmlineSoftphone) => el.shadowRoot!;
const byText = (el: WarmlineSoftphone, selector: string, text: string) =>
  [...root(el).querySelectorAll<HTMLElement>(selector)].find((e) => e.textContent!.trim() === text);

async function signIn(el: WarmlineSoftphone, username: string, password: string) {
  const form = root(el).querySelector('form')!;
  (form.querySelector('[name="username"]') as HTMLInputElement).value = username;
  (form.querySelector('[name="password"]') as HTMLInputElement).value = password;
  form.requestSubmit();
}

describe('<warmline-softphone>', () => {
  let server: string;
  before(async () => {
    server = await serverUrl();
  });
  beforeEach(clearStorage);

  it('asks to sign in with labelled fields, and says so when the password is wrong', async () => {
    const el = await fixture<WarmlineSoftphone>(html`<warmline-softphone server=${server}></warmline-softphone>`);
    const labels = [...root(el).querySelectorAll('label')].map((l) => l.textContent!.trim());
    expect(labels).to.deep.equal(['Username', 'Password']);
    expect(byText(el, 'button', 'Sign in')).to.exist;
    await expectAxeClean(el);
    await signIn(el, 'alice', 'wrong');
    const alert = await until(() => root(el).querySelector('[role="alert"]'), 'the error');
    expect(alert.textContent).to.equal('Wrong username or password.');
    await expectAxeClean(el);
  });

  for (const [lang, wrong, transfer, refused, endChat] of [
    ['ru', 'Неверный логин или пароль.', 'Перевести', 'Night desk (очередь сейчас закрыта): перевод не выполнен. Клиент по-прежнему с вами.', 'Завершить чат'],
    ['zh-Hant', '使用者名稱或密碼錯誤。', '轉接', 'Night desk（佇列目前非服務時間）：轉接未完成，客戶仍由您服務。', '結束對話'],
  ] as const) {
    it(`words the server’s refusals by their codes in the agent’s language: a wrong password, a refused transfer (${lang})`, async () => {
      const el = await fixture<WarmlineSoftphone>(html`<warmline-softphone lang=${lang} server=${server}></warmline-softphone>`);
      await signIn(el, 'bob', 'wrong');
      expect((await until(() => root(el).querySelector('[role="alert"]'), 'the error')).textContent).to.equal(wrong);

      await signIn(el, 'bob', 'demo');
      const presence = await until(() => root(el).querySelector('select'), 'the console');
      presence.value = 'available';
      presence.dispatchEvent(new Event('change'));
      const visitor = await TestVisitor.start(server, sampleContext(`refused-${lang}`));
      try {
        const text = `Transfer me ${Math.random().toString(36).slice(2)}`;
        visitor.say(text);
        const offer = await offerIn(root(el), (o) => o.textContent!.includes(text), `the offer "${text}"`);
        (offer.querySelector('button.primary') as HTMLButtonElement).click();
        // This chat in front of the agent (others of bob's may be open from earlier tests).
        await until(() => root(el).querySelector('.thread warmline-message-list')?.shadowRoot?.textContent?.includes(text), 'the chat');
        byText(el, 'button', transfer)!.click();
        const form = await until(() => root(el).querySelector('warmline-transfer-form'), 'the transfer form');
        // Chosen as the queue closed (the form shows a closed queue disabled): the server refuses it with `closed`.
        form.dispatchEvent(
          new CustomEvent('warmline-transfer', { detail: { request: { to: { queue: 'night' }, note: '', mode: 'warm' }, label: 'Night desk' }, bubbles: true, composed: true }),
        );
        const alert = await until(() => [...root(el).querySelectorAll('[role="alert"]')].find((a) => a.textContent!.includes('Night desk')), 'the refusal');
        expect(alert.textContent).to.equal(refused);
        // Still bob's: he ends it, so that the tests after find only their own chats.
        byText(el, 'button', endChat)!.click();
        await visitor.next((f) => f.type === 'status' && f.status === 'closed', 'the chat to end');
      } finally {
        visitor.close();
        root(el).querySelector<HTMLButtonElement>('.topbar button.secondary')?.click();
      }
    });
  }

  it('takes chats with the context card beside them, two at once, and signs out', async () => {
    const el = await fixture<WarmlineSoftphone>(html`<warmline-softphone server=${server}></warmline-softphone>`);
    const signedIn = oneEvent(el, 'warmline-sign-in');
    await signIn(el, 'bob', 'demo');
    expect((await signedIn).detail.agent.username).to.equal('bob');
    await until(() => root(el).querySelector('select'), 'the console');
    (root(el).querySelector('select') as HTMLSelectElement).value = 'available';
    root(el).querySelector('select')!.dispatchEvent(new Event('change'));

    // Chats of bob's from earlier runs (the other browser's) may come back at sign-in: this test's are told apart by page.
    const run = Math.random().toString(36).slice(2, 8);
    const [firstPage, secondPage] = [`first-${run}`, `second-${run}`];
    const first = await TestVisitor.start(server, sampleContext(firstPage));
    const second = await TestVisitor.start(server, sampleContext(secondPage));
    try {
      const firstText = `First question ${Math.random().toString(36).slice(2)}`;
      const secondText = `Second question ${Math.random().toString(36).slice(2)}`;
      first.say(firstText);
      second.say(secondText);
      const offerOf = (text: string) => offerIn(root(el), (o) => o.textContent!.includes(text), `the offer "${text}"`);

      const offer = await offerOf(firstText);
      expect(offer.getAttribute('aria-label')).to.equal('New chat request from Visitor');
      expect(offer.textContent).to.contain('€118.00');
      await expectAxeClean(el);
      (offer.querySelector('button.primary') as HTMLButtonElement).click();
      // A card may already be up for the other offer: wait for the accepted chat's.
      const card = await until(
        () => [root(el).querySelector('warmline-context-card')?.shadowRoot?.querySelector('[role="region"]')].find((c) => c?.textContent!.includes(`https://shop.example/products/${firstPage}`)),
        "the first chat's card",
      );
      expect(card.getAttribute('aria-label')).to.equal('Customer context');
      expect(card.textContent).to.contain('Copper Pour-Over Kettle');
      await first.next((f) => f.type === 'status' && f.status === 'active' && f.agent === 'Bob Chen', 'the visitor to see Bob');
      await expectAxeClean(el);

      // The transfer form, over the conversation; Escape closes it, back to its button.
      byText(el, 'button', 'Transfer')!.click();
      const option = await until(() => root(el).querySelector('warmline-transfer-form')?.shadowRoot?.querySelector('option'), 'the transfer form');
      await expectAxeClean(el);
      option.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
      await until(() => !root(el).querySelector('warmline-transfer-form'), 'the form to close');
      await until(() => root(el).activeElement === byText(el, 'button', 'Transfer'), 'focus back on Transfer');

      // Reply from the composer.
      const composer = root(el).querySelector('textarea')!;
      composer.value = 'Hi, Bob here.';
      composer.form!.requestSubmit();
      await first.next((f) => f.type === 'message' && f.message.text === 'Hi, Bob here.', 'the reply at the visitor');

      // The second chat, accepted while the first goes on.
      const secondOffer = await offerOf(secondText);
      (secondOffer.querySelector('button.primary') as HTMLButtonElement).click();
      const chatItem = (page: string) => [...root(el).querySelectorAll('.chat-list li button')].find((b) => b.textContent!.includes(`Product ${page}`)) as HTMLButtonElement | undefined;
      await until(() => chatItem(firstPage) && chatItem(secondPage), 'both chats in the list');
      await until(() => root(el).querySelector('warmline-context-card')?.shadowRoot?.textContent?.includes(`/products/${secondPage}`), 'the second card');

      // The context changes during the chat: the card follows.
      first.ws.send(
        JSON.stringify({ type: 'context', context: { ...sampleContext(firstPage), cart: { currency: 'EUR', items: [{ sku: 'X', name: 'Burr Grinder', qty: 1, price: 129 }], total: 129 } } }),
      );
      chatItem(firstPage)!.click();
      await until(() => root(el).querySelector('warmline-context-card')?.shadowRoot?.textContent?.includes('Burr Grinder'), 'the live cart');

      await expectAxeClean(el);
      // Both ended, so that later runs (the other browser's) do not find them still bob's.
      for (const [page, visitor] of [[firstPage, first], [secondPage, second]] as const) {
        chatItem(page)!.click();
        await until(() => chatItem(page)?.getAttribute('aria-current') === 'true', `the chat on ${page}`);
        byText(el, 'button', 'End chat')!.click();
        await visitor.next((f) => f.type === 'status' && f.status === 'closed', 'the chat to end');
      }
      const signedOut = oneEvent(el, 'warmline-sign-out');
      byText(el, 'button', 'Sign out')!.click();
      expect((await signedOut).detail.reason).to.equal('user');
      await until(() => byText(el, 'button', 'Sign in'), 'the sign-in form');
    } finally {
      first.close();
      second.close();
    }
  });

  it('in a call: the call bars, ringing and under way, are axe-clean in the console, light and dark', async () => {
    const el = await fixture<WarmlineSoftphone>(html`<warmline-softphone server=${server}></warmline-softphone>`);
    await signIn(el, 'bob', 'demo');
    const select = await until(() => root(el).querySelector('select'), 'the console');
    select.value = 'away';
    select.dispatchEvent(new Event('change'));
    await until(() => root(el).querySelector('.phone-status')?.textContent === 'Calls off while away', 'the phone off');
    // Away, the console has no phone of its own: it shows the calls it is given (calls themselves are tested end to end).
    // Calls of no interaction: the card has nothing to fetch.
    const call = (change: Partial<AgentCall>) => agentCall({ interactionId: undefined, ...change });
    const phone = (el as unknown as { phone: { snapshot: unknown; stop(): Promise<void> } }).phone;
    // The real phone stopped first: one still registering or unregistering would report over the calls given.
    await phone.stop();
    try {
      phone.snapshot = { registration: 'registered', problem: undefined, calls: [call({ state: 'connected', connectedAt: Date.now() - 30_000, digits: '42' }), call({ id: 'c2' })] };
      el.requestUpdate();
      await until(() => root(el).querySelectorAll('warmline-agent-call').length === 2 && root(el).querySelector('warmline-agent-call')!.shadowRoot?.textContent?.includes('Visitor'), 'the call bars');
      const names = [...root(el).querySelectorAll('warmline-agent-call')].map((bar) => bar.shadowRoot!.querySelector('[role="region"]')!.getAttribute('aria-label'));
      expect(names).to.deep.equal(['Call 1', 'Call 2'], 'each landmark its own name');
      await expectAxeClean(el);
      el.setAttribute('theme', 'dark');
      await expectContrastClean(el);
      await expectAxeClean(el);
    } finally {
      phone.snapshot = undefined;
      el.requestUpdate();
      byText(el, 'button', 'Sign out')?.click();
    }
  });
});
