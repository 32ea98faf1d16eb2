import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { WarmlineSoftphone } from './warmline-softphone.component.js';
import './warmline-softphone.js';
import { clearStorage, sampleContext, serverUrl, TestVisitor, until } from '../../test/support/browser.js';

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
    await expect(el).shadowDom.to.be.accessible();
    await signIn(el, 'alice', 'wrong');
    const alert = await until(() => root(el).querySelector('[role="alert"]'), 'the error');
    expect(alert.textContent).to.equal('Wrong username or password.');
  });

  it('takes chats with the context card beside them, two at once, and signs out', async () => {
    const el = await fixture<WarmlineSoftphone>(html`<warmline-softphone server=${server}></warmline-softphone>`);
    const signedIn = oneEvent(el, 'warmline-sign-in');
    await signIn(el, 'bob', 'demo');
    expect((await signedIn).detail.agent.username).to.equal('bob');
    await until(() => root(el).querySelector('select'), 'the console');
    (root(el).querySelector('select') as HTMLSelectElement).value = 'available';
    root(el).querySelector('select')!.dispatchEvent(new Event('change'));

    const first = await TestVisitor.start(server, sampleContext('first'));
    const second = await TestVisitor.start(server, sampleContext('second'));
    try {
      const firstText = `First question ${Math.random().toString(36).slice(2)}`;
      const secondText = `Second question ${Math.random().toString(36).slice(2)}`;
      first.say(firstText);
      second.say(secondText);
      const offerOf = (text: string) =>
        until(() => [...root(el).querySelectorAll('.offer')].find((o) => o.textContent!.includes(text)), `the offer "${text}"`);

      const offer = await offerOf(firstText);
      expect(offer.getAttribute('aria-label')).to.equal('New chat request from Visitor');
      expect(offer.textContent).to.contain('€118.00');
      (offer.querySelector('button.primary') as HTMLButtonElement).click();
      const card = await until(() => root(el).querySelector('warmline-context-card')?.shadowRoot?.querySelector('[role="region"]'), 'the card');
      expect(card.getAttribute('aria-label')).to.equal('Customer context');
      expect(card.textContent).to.contain('https://shop.example/products/first');
      expect(card.textContent).to.contain('Copper Pour-Over Kettle');
      await first.next((f) => f.type === 'status' && f.status === 'active' && f.agent === 'Bob Chen', 'the visitor to see Bob');

      // Reply from the composer.
      const composer = root(el).querySelector('textarea')!;
      composer.value = 'Hi, Bob here.';
      composer.form!.requestSubmit();
      await first.next((f) => f.type === 'message' && f.message.text === 'Hi, Bob here.', 'the reply at the visitor');

      // The second chat, accepted while the first goes on.
      const secondOffer = await offerOf(secondText);
      (secondOffer.querySelector('button.primary') as HTMLButtonElement).click();
      await until(() => root(el).querySelectorAll('.chat-list li').length === 2 && root(el), 'two chats');
      await until(() => root(el).querySelector('warmline-context-card')?.shadowRoot?.textContent?.includes('/products/second'), 'the second card');

      // The context changes during the chat: the card follows.
      first.ws.send(
        JSON.stringify({ type: 'context', context: { ...sampleContext('first'), cart: { currency: 'EUR', items: [{ sku: 'X', name: 'Burr Grinder', qty: 1, price: 129 }], total: 129 } } }),
      );
      (root(el).querySelector('.chat-list li button') as HTMLButtonElement).click();
      await until(() => root(el).querySelector('warmline-context-card')?.shadowRoot?.textContent?.includes('Burr Grinder'), 'the live cart');

      const signedOut = oneEvent(el, 'warmline-sign-out');
      byText(el, 'button', 'Sign out')!.click();
      expect((await signedOut).detail.reason).to.equal('user');
      await until(() => byText(el, 'button', 'Sign in'), 'the sign-in form');
    } finally {
      first.close();
      second.close();
    }
  });
});
