import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { WarmlineCall } from './warmline-call.component.js';
import './warmline-call.js';
import { clearStorage, serverUrl, TestAgent, until } from '../../test/support/browser.js';
import { recordCommerce } from '../context/visitor-state.js';
import type { CallState } from '../telephony/call-state.js';

const root = (el: WarmlineCall) => el.shadowRoot!;
const button = (el: WarmlineCall) => root(el).querySelector<HTMLButtonElement>('[part="button"]')!;
const panel = (el: WarmlineCall) => root(el).querySelector<HTMLElement>('[part="panel"]')!;
const byText = (el: WarmlineCall, text: string) => [...root(el).querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim() === text);

describe('<warmline-call>', () => {
  let server: string;
  /** Bob signed in: the queues he serves (advice, orders) take calls; billing (alice's skill) does not. */
  let staff: TestAgent;
  const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  before(async () => {
    server = await serverUrl();
    staff = await TestAgent.signIn(server, 'bob');
  });
  after(() => staff.close());
  beforeEach(clearStorage);
  afterEach(() => {
    navigator.mediaDevices.getUserMedia = realGetUserMedia;
  });

  it('is a button whose accessible name contains "Call", and accessible', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
    expect(button(el).textContent).to.contain('Call');
    expect(button(el).getAttribute('aria-expanded')).to.equal('false');
    expect(panel(el).hidden).to.equal(true);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('asks for a topic first, without loading sip.js, and Cancel returns to the button', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
    button(el).click();
    const group = await until(() => root(el).querySelector('[role="group"]'), 'the topic choice');
    expect(root(el).getElementById(group.getAttribute('aria-labelledby')!)!.textContent).to.equal('What is your call about?');
    const choices = [...group.querySelectorAll('button')];
    const hint = (b: Element) => b.querySelector('.hint')?.textContent ?? '';
    expect(choices.map((b) => b.textContent!.replace(hint(b), '').trim())).to.deep.equal(['Help choosing', 'An order or delivery', 'Billing and refunds']);
    expect(choices.map(hint)).to.deep.equal(['', '', 'Closed now: leave a message'], 'nobody with the billing skill is signed in');
    expect(panel(el).hidden).to.equal(false);
    await expect(el).shadowDom.to.be.accessible();
    expect(performance.getEntriesByType('resource').some((e) => e.name.includes('sip-call-transport'))).to.equal(false);
    byText(el, 'Cancel')!.click();
    await until(() => panel(el).hidden, 'the panel to close');
    await el.updateComplete;
    expect(root(el).activeElement).to.equal(button(el));
  });

  for (const [name, message] of [
    ['NotAllowedError', 'The microphone is blocked'],
    ['NotFoundError', 'No microphone was found'],
  ] as const) {
    it(`explains a refused microphone (${name}) and offers a way back, without calling`, async () => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', name));
      const calls: string[] = [];
      const realFetch = window.fetch;
      window.fetch = (input, init) => {
        calls.push(String(input));
        return realFetch(input, init);
      };
      try {
        const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
        button(el).click();
        (await until(() => byText(el, 'Help choosing'), 'the topics')).click();
        const alert = await until(() => root(el).querySelector('[role="alert"]'), 'the explanation');
        expect(alert.textContent).to.contain(message);
        expect(byText(el, 'Try again')).to.exist;
        expect(calls.filter((url) => url.includes('/api/v1/calls'))).to.deep.equal([]);
        byText(el, 'Back')!.click();
        await until(() => panel(el).hidden, 'the panel to close');
      } finally {
        window.fetch = realFetch;
      }
    });
  }

  it('lets the host page veto a call (warmline-call-start is cancelable)', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
    el.addEventListener('warmline-call-start', (e) => e.preventDefault());
    button(el).click();
    const event = oneEvent(el, 'warmline-call-start');
    (await until(() => byText(el, 'Help choosing'), 'the topics')).click();
    expect((await event).detail.queue).to.equal('advice');
    await until(() => panel(el).hidden, 'back to the button');
  });

  it('offers the offline form when the queue is closed: clear errors, then the message reaches the queue', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="after-hours"></warmline-call>`);
    button(el).click();
    const form = await until(() => root(el).querySelector('warmline-offline-form')?.shadowRoot?.querySelector('form'), 'the offline form');
    expect(form.textContent).to.contain('Night desk is closed right now.');
    expect(performance.getEntriesByType('resource').some((e) => e.name.includes('sip-call-transport'))).to.equal(false, 'no call, so no sip.js');
    await expect(root(el).querySelector('warmline-offline-form')!).shadowDom.to.be.accessible();
    const fill = (name: string, value: string) => ((form.querySelector(`[name="${name}"]`) as HTMLInputElement).value = value);
    fill('name', 'Robin Night');
    fill('contact', 'not a contact');
    fill('message', 'Please call me about my order 1042.');
    form.requestSubmit();
    const alert = await until(() => form.querySelector('[role="alert"]'), 'the error');
    expect(alert.textContent).to.contain('contact must be an email address or a phone number');
    fill('contact', 'robin@example.com');
    const sent = oneEvent(root(el).querySelector('warmline-offline-form')!, 'warmline-offline-sent');
    form.requestSubmit();
    const { interactionId, token } = (await sent).detail;
    expect(JSON.parse(localStorage.getItem('warmline.chat.after-hours')!).token).to.equal(token, 'kept, so the chat shows the replies');
    await until(() => root(el).querySelector('warmline-offline-form')!.shadowRoot!.textContent!.includes('Thank you, Robin Night'), 'the thanks');
    const res = await fetch(`${server}/api/v1/agent/interactions/${interactionId}`, { headers: { authorization: `Bearer ${staff.token}` } });
    const { interaction } = await res.json();
    expect(interaction.messages.map((m: { text: string }) => m.text)).to.deep.equal(['Please call me about my order 1042.']);
    expect(interaction.context.visitor.identity).to.include({ name: 'Robin Night', email: 'robin@example.com' });
  });

  // Last: it loads sip.js, which the tests above check is not loaded before a call.
  it('keeps the agent’s card live during the call, asks before the page is left, and reports the next page after', async () => {
    const card = async (id: string) => {
      const res = await fetch(`${server}/api/v1/agent/interactions/${id}`, { headers: { authorization: `Bearer ${staff.token}` } });
      return (await res.json()).interaction.context;
    };
    /** Asks the server until `check` holds, for at most `ms`. */
    const within = async (ms: number, what: string, check: () => Promise<boolean>) => {
      const started = Date.now();
      while (!(await check())) {
        if (Date.now() - started > ms) throw new Error(`${what} within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const leaveWarned = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
    const states: CallState[] = [];
    el.addEventListener('warmline-call-state', (e) => states.push(e.detail.state));
    expect(leaveWarned()).to.equal(false, 'no call, no question');
    button(el).click();
    (await until(() => byText(el, 'Help choosing'), 'the topics')).click();
    await until(() => states.includes('waiting') || states.includes('ringing'), 'the call in line');
    const interactionId = JSON.parse(localStorage.getItem('warmline.chat.demo')!).interactionId as string;
    expect(leaveWarned()).to.equal(true, 'leaving would end the call');

    // The shop's own dataLayer, as the loader records it: no chat is open.
    recordCommerce({ kind: 'add', currency: 'EUR', items: [{ item_id: 'GRN-1', item_name: 'Hand Grinder', price: 45, quantity: 1 }] });
    await within(2000, 'the new cart on the card', async () => !!(await card(interactionId)).cart?.items.some((i: { sku: string }) => i.sku === 'GRN-1'));
    expect((await card(interactionId)).topic).to.equal('Help choosing', 'the topic stays');

    // The visitor leaves anyway: the call ends, and the next page with the button says where they went.
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    await until(() => states.includes('ended'), 'the call to end');
    expect(leaveWarned()).to.equal(false, 'no question once the call is over');
    const here = location.href;
    history.replaceState(null, '', `${location.pathname}?after-leaving`);
    try {
      el.remove();
      await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
      await until(() => sessionStorage.getItem('warmline.call-left.demo') === null, 'the mark to be taken');
      await within(2000, 'the next page on the card', async () => (await card(interactionId)).page.url.endsWith('?after-leaving'));
    } finally {
      history.replaceState(null, '', here);
    }
  });
});
