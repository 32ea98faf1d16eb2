import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { WarmlineCall } from './warmline-call.component.js';
import './warmline-call.js';
import { clearStorage, serverUrl, TestAgent, until } from '../../test/support/browser.js';
import { recordCommerce } from '../context/visitor-state.js';
import type { CallState } from '../telephony/call-state.js';
import type { VisitorCallSnapshot } from '../telephony/visitor-call.js';
import { expectAxeClean, expectContrastClean } from '../../test/support/axe.js';

const root = (el: WarmlineCall) => el.shadowRoot!;
const button = (el: WarmlineCall) => root(el).querySelector<HTMLButtonElement>('[part="button"]')!;
const panel = (el: WarmlineCall) => root(el).querySelector<HTMLElement>('[part="panel"]')!;
const byText = (el: WarmlineCall, text: string) => [...root(el).querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim() === text);
/** The panel's live region: the call's state, or the place in line, in words. */
const liveRegion = (el: WarmlineCall) => root(el).querySelector<HTMLElement>('.body > [role="status"]')!;

/** A call as the phone reports it, to show the panel in each state without placing one (calls themselves are tested end to end). */
const snapshot = (change: Partial<VisitorCallSnapshot>): VisitorCallSnapshot => ({
  state: 'connecting',
  endReason: undefined,
  problem: undefined,
  refusal: undefined,
  muted: false,
  agentName: undefined,
  connectedAt: undefined,
  remoteStream: undefined,
  place: undefined,
  transferring: false,
  callback: undefined,
  callbacks: true,
  ...change,
});

/** Shows `el`'s panel at `step` with the call `snap` (its private state: what the phone would have set). */
async function show(el: WarmlineCall, step: string, snap: VisitorCallSnapshot | undefined) {
  Object.assign(el, { step, snap });
  await el.updateComplete;
}

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
    await expectAxeClean(el);
  });

  it('opens its panel on the screen, whichever side of the page the button is on', async () => {
    for (const side of ['left', 'right']) {
      const el = await fixture<HTMLDivElement>(html`<div style="display: flex; justify-content: ${side === 'left' ? 'flex-start' : 'flex-end'}">
        <warmline-call server=${server} site="demo"></warmline-call>
      </div>`).then((wrapper) => wrapper.querySelector<WarmlineCall>('warmline-call')!);
      button(el).click();
      await until(() => !panel(el).hidden && root(el).querySelector('[role="group"]'), 'the topic choice');
      const box = panel(el).getBoundingClientRect();
      expect(box.left, `the panel's left edge, button on the ${side}`).to.be.at.least(0);
      expect(box.right, `the panel's right edge, button on the ${side}`).to.be.at.most(document.documentElement.clientWidth);
      byText(el, 'Cancel')!.click();
    }
  });

  it('asks for a topic first, without loading sip.js, and Cancel returns to the button', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="demo"></warmline-call>`);
    button(el).click();
    const group = await until(() => root(el).querySelector('[role="group"]'), 'the topic choice');
    expect(root(el).getElementById(group.getAttribute('aria-labelledby')!)!.textContent).to.equal('What is your call about?');
    const choices = [...group.querySelectorAll('button')];
    const hint = (b: Element) => b.querySelector('.hint')?.textContent ?? '';
    expect(choices.map((b) => b.textContent!.replace(hint(b), '').trim())).to.deep.equal(['Help choosing', 'An order or delivery', 'Billing and refunds']);
    expect(choices.map(hint)).to.deep.equal(['', '', 'Nobody is available right now: leave a message'], 'open, but nobody with the billing skill is signed in: not "closed"');
    expect(panel(el).hidden).to.equal(false);
    await until(() => root(el).activeElement === choices[0], 'focus on the first topic');
    await expectAxeClean(el);
    expect(performance.getEntriesByType('resource').some((e) => e.name.includes('sip-call-transport'))).to.equal(false);
    byText(el, 'Cancel')!.click();
    await until(() => panel(el).hidden, 'the panel to close');
    await el.updateComplete;
    expect(root(el).activeElement).to.equal(button(el));
  });

  it('in every state of a call: one live region says the state or the place in line, and axe finds nothing', async () => {
    // No site: the element makes no call of its own, and shows what it is given.
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server}></warmline-call>`);
    await show(el, 'microphone', snapshot({ state: 'idle' }));
    const live = liveRegion(el);
    expect(live.getAttribute('aria-live')).to.equal('polite');
    expect(live.textContent).to.contain('Allow the microphone');
    await expectAxeClean(el);
    const states: Array<[Partial<VisitorCallSnapshot>, string]> = [
      [{ state: 'connecting' }, 'Connecting…'],
      [{ state: 'waiting' }, 'Waiting for an agent…'],
      [{ state: 'waiting', place: { position: 2, waitSeconds: 120 } }, 'You are number 2 in line'],
      [{ state: 'ringing' }, 'Ringing…'],
      [{ state: 'connected', agentName: 'Alice Martin', connectedAt: Date.now() - 5000 }, 'Connected with Alice Martin'],
      [{ state: 'on-hold', agentName: 'Alice Martin', connectedAt: Date.now() - 5000 }, 'On hold. Please stay on the line.'],
      [{ state: 'connected', agentName: 'Alice Martin', connectedAt: Date.now() - 5000, transferring: true }, 'Transferring your call'],
      [{ state: 'reconnecting', connectedAt: Date.now() - 5000 }, 'Reconnecting…'],
      [{ state: 'ended', endReason: 'remote-hangup' }, 'Call ended'],
    ];
    for (const [change, words] of states) {
      await show(el, 'call', snapshot(change));
      expect(liveRegion(el)).to.equal(live, `the same live region in state ${change.state}, so that the change is announced`);
      expect(live.textContent).to.contain(words);
      await expectAxeClean(el);
    }

    // Connected, with the keypad open.
    await show(el, 'call', snapshot({ state: 'connected', agentName: 'Alice Martin', connectedAt: Date.now() }));
    byText(el, 'Keypad')!.click();
    await el.updateComplete;
    expect(root(el).querySelector('[role="group"][aria-label="Keypad"]')).to.exist;
    await expectAxeClean(el);

    // Hang up goes away with the call: focus stays in the panel (not on the page's <body>), and Escape closes it.
    byText(el, 'Hang up')!.focus();
    await show(el, 'call', snapshot({ state: 'ended', endReason: 'local-hangup' }));
    expect(root(el).activeElement).to.equal(panel(el));
    panel(el).dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await until(() => panel(el).hidden, 'the panel to close');
    await until(() => root(el).activeElement === button(el), 'focus back on the button');

    // Waiting: "call me back instead", its form, then the callback waiting its turn, then ringing.
    await show(el, 'call', snapshot({ state: 'waiting', place: { position: 1, waitSeconds: 30 } }));
    byText(el, 'Call me back instead')!.click();
    await el.updateComplete;
    expect(root(el).querySelector('input[type="tel"]')).to.exist;
    await expectAxeClean(el);
    await show(el, 'callback', snapshot({ state: 'idle', callback: { state: 'waiting', place: { position: 3, waitSeconds: 300 } } }));
    expect(liveRegion(el)).to.equal(live);
    expect(live.textContent).to.contain('You are number 3 in line');
    await expectAxeClean(el);
    await show(el, 'call', snapshot({ state: 'ringing', agentName: 'Alice Martin', callback: { state: 'ringing' } }));
    expect(root(el).querySelector('[role="alert"]')!.textContent).to.contain('Alice Martin is calling you back');
    await expectAxeClean(el);
  });

  it('announces the call state and the place in line in the same live region in every language', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server}></warmline-call>`);
    await show(el, 'call', snapshot({ state: 'waiting', place: { position: 2, waitSeconds: 120 } }));
    const live = liveRegion(el);
    // Each language by its script (English: Latin letters and punctuation only).
    const scripts = { en: /^[\u0000-\u024f\u2000-\u206f]+$/, ru: /[\u0400-\u04ff]/, 'zh-Hans': /[\u4e00-\u9fff]/, 'zh-Hant': /[\u4e00-\u9fff]/ };
    for (const [lang, words] of Object.entries(scripts)) {
      el.lang = lang;
      await until(() => words.test(live.textContent!), `the place in line in ${lang}`);
      expect(live.textContent).to.match(/2/, `the place itself in ${lang}`);
      await show(el, 'call', snapshot({ state: 'ringing' }));
      await until(() => words.test(live.textContent!) && !/2/.test(live.textContent!), `ringing in ${lang}`);
      expect(liveRegion(el)).to.equal(live, 'the same live region');
      await show(el, 'call', snapshot({ state: 'waiting', place: { position: 2, waitSeconds: 120 } }));
    }
  });

  it('takes its colours from theme="dark" or "light", and stays readable in dark in every state of a call', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call theme="light" server=${server}></warmline-call>`);
    await show(el, 'call', snapshot({ state: 'connected', agentName: 'Alice Martin', connectedAt: Date.now() }));
    const colours = () => [getComputedStyle(panel(el)).backgroundColor, getComputedStyle(byText(el, 'Hang up')!).backgroundColor];
    expect(colours()).to.deep.equal(['rgb(255, 255, 255)', 'rgb(180, 35, 24)']);
    el.setAttribute('theme', 'dark');
    expect(colours()).to.deep.equal(['rgb(22, 27, 34)', 'rgb(255, 107, 97)']);
    for (const change of [
      { state: 'waiting', place: { position: 2, waitSeconds: 120 } },
      { state: 'connected', agentName: 'Alice Martin', connectedAt: Date.now(), muted: true },
      { state: 'on-hold', agentName: 'Alice Martin', connectedAt: Date.now() },
      { state: 'ended', endReason: 'no-agent' },
    ] as Array<Partial<VisitorCallSnapshot>>) {
      await show(el, 'call', snapshot(change));
      await expectContrastClean(el);
      await expectAxeClean(el);
    }
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
        await expectAxeClean(el);
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

  for (const [lang, tooMany, badPhone] of [
    ['ru', 'Слишком много попыток. Попробуйте ещё раз через 30 секунд.', 'Пожалуйста, проверьте номер телефона.'],
    ['zh-Hant', '嘗試次數過多，請於 30 秒後再試一次。', '請輸入有效的電話號碼。'],
  ] as const) {
    it(`words a call the server refuses by the refusal’s code, in the visitor’s language (${lang})`, async () => {
      navigator.mediaDevices.getUserMedia = () => Promise.resolve(new MediaStream());
      const realFetch = window.fetch;
      // Too many new conversations from this address: the server's English message must not show.
      window.fetch = (input, init) =>
        String(input).endsWith('/api/v1/calls')
          ? Promise.resolve(
              new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'Too many new conversations from this address. Try again in 30 seconds.', retryAfter: 30 } }), {
                status: 429,
                headers: { 'content-type': 'application/json' },
              }),
            )
          : realFetch(input, init);
      try {
        const el = await fixture<WarmlineCall>(html`<warmline-call lang=${lang} server=${server} site="demo"></warmline-call>`);
        button(el).click();
        (await until(() => root(el).querySelector<HTMLButtonElement>('.choice'), 'the topics')).click();
        const alert = await until(() => root(el).querySelector('[role="alert"]'), 'the refusal');
        expect(alert.textContent).to.equal(tooMany);
      } finally {
        window.fetch = realFetch;
      }
    });

    it(`words a refused callback number (invalid_phone) in the visitor’s language (${lang})`, async () => {
      // The server checks the number before the conversation: any token reaches that check.
      localStorage.setItem('warmline.chat.demo', JSON.stringify({ token: 'checked-after-the-number', outbox: [] }));
      const el = await fixture<WarmlineCall>(html`<warmline-call lang=${lang} server=${server} site="demo"></warmline-call>`);
      await show(el, 'call', snapshot({ state: 'waiting', place: { position: 1, waitSeconds: 30 } }));
      root(el).querySelector<HTMLButtonElement>('.body .secondary')!.click();
      await el.updateComplete;
      const form = root(el).querySelector<HTMLFormElement>('form.callback')!;
      form.querySelector('input')!.value = 'call me maybe';
      form.requestSubmit();
      const alert = await until(() => form.querySelector('[role="alert"]'), 'the refusal');
      expect(alert.textContent).to.equal(badPhone);
    });
  }

  it('offers the offline form when the queue is closed: clear errors, then the message reaches the queue', async () => {
    const el = await fixture<WarmlineCall>(html`<warmline-call server=${server} site="after-hours"></warmline-call>`);
    button(el).click();
    const form = await until(() => root(el).querySelector('warmline-offline-form')?.shadowRoot?.querySelector('form'), 'the offline form');
    expect(form.textContent).to.contain('Night desk is closed right now.');
    await until(() => root(el).querySelector('warmline-offline-form')!.shadowRoot!.activeElement === form.querySelector('[name="name"]'), 'focus in its first field');
    expect(performance.getEntriesByType('resource').some((e) => e.name.includes('sip-call-transport'))).to.equal(false, 'no call, so no sip.js');
    await expectAxeClean(el);
    const fill = (name: string, value: string) => ((form.querySelector(`[name="${name}"]`) as HTMLInputElement).value = value);
    fill('name', 'Robin Night');
    fill('contact', 'not a contact');
    fill('message', 'Please call me about my order 1042.');
    form.requestSubmit();
    const alert = await until(() => form.querySelector('[role="alert"]'), 'the error');
    expect(alert.textContent).to.contain('Please enter an email address or a phone number.', 'the words for invalid_contact, not the server’s English');
    fill('contact', 'robin@example.com');
    const sent = oneEvent(root(el).querySelector('warmline-offline-form')!, 'warmline-offline-sent');
    form.requestSubmit();
    const { interactionId, token } = (await sent).detail;
    expect(JSON.parse(localStorage.getItem('warmline.chat.after-hours')!).token).to.equal(token, 'kept, so the chat shows the replies');
    await until(() => root(el).querySelector('warmline-offline-form')!.shadowRoot!.textContent!.includes('Thank you, Robin Night'), 'the thanks');
    await expectAxeClean(el);
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
