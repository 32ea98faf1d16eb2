import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { WarmlineCall } from './warmline-call.component.js';
import './warmline-call.js';
import { clearStorage, serverUrl, until } from '../../test/support/browser.js';

const root = (el: WarmlineCall) => el.shadowRoot!;
const button = (el: WarmlineCall) => root(el).querySelector<HTMLButtonElement>('[part="button"]')!;
const panel = (el: WarmlineCall) => root(el).querySelector<HTMLElement>('[part="panel"]')!;
const byText = (el: WarmlineCall, text: string) => [...root(el).querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim() === text);

describe('<warmline-call>', () => {
  let server: string;
  const realGetUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  before(async () => {
    server = await serverUrl();
  });
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
    expect([...group.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.deep.equal(['Help choosing', 'An order or delivery', 'Returns and refunds']);
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
    expect((await event).detail.topic).to.equal('advice');
    await until(() => panel(el).hidden, 'back to the button');
  });
});
