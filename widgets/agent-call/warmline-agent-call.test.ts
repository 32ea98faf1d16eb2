import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { serverUrl, TestAgent, until } from '../../test/support/browser.js';
import type { WarmlineAgentCall } from './warmline-agent-call.component.js';
import './warmline-agent-call.js';
import type { AgentCall, AgentSipPhone } from '../telephony/agent-sip-phone.js';
import { agentCall } from '../../test/support/agent-call.js';
import type { ContextEnvelope } from '../protocol/context-envelope.js';
import { expectAxeClean, expectContrastClean } from '../../test/support/axe.js';

/** Records what the bar asks of the phone (the phone itself is tested end to end). */
function recordingPhone() {
  const calls: string[] = [];
  const phone = {
    accept: async (id: string) => void calls.push(`accept:${id}`),
    decline: async (id: string) => void calls.push(`decline:${id}`),
    hangup: async (id: string) => void calls.push(`hangup:${id}`),
    setMuted: (id: string, m: boolean) => void calls.push(`mute:${id}:${m}`),
    setHold: async (id: string, h: boolean) => void calls.push(`hold:${id}:${h}`),
    sendDtmf: async (id: string, d: string) => void calls.push(`dtmf:${id}:${d}`),
    dismiss: (id: string) => void calls.push(`dismiss:${id}`),
    completeTransfer: async (id: string) => void calls.push(`complete:${id}`),
    cancelTransfer: async (id: string) => void calls.push(`cancel:${id}`),
  } as unknown as AgentSipPhone;
  return { phone, calls };
}

const call = agentCall;

const context = {
  v: 1,
  visitor: { id: 'visitor-01', identity: { name: 'Jamie Rivera', verified: false } },
  page: { url: 'https://shop.example/p', title: 'Copper Kettle' },
  topic: 'Help choosing',
} as ContextEnvelope;

const buttonNamed = (el: WarmlineAgentCall, name: string) =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent!.trim()) === name);

describe('<warmline-agent-call>', () => {
  it('rings with who and where, and answers or declines', async () => {
    const { phone, calls } = recordingPhone();
    const el = await fixture<WarmlineAgentCall>(html`<warmline-agent-call .phone=${phone} .call=${call()} .context=${context}></warmline-agent-call>`);
    const region = el.shadowRoot!.querySelector('[role="region"]')!;
    expect(region.getAttribute('aria-label')).to.equal('Call');
    expect(region.textContent).to.contain('Incoming call from Jamie Rivera');
    expect(region.textContent).to.contain('Copper Kettle · Help choosing');
    await expectAxeClean(el);
    buttonNamed(el, 'Answer')!.click();
    buttonNamed(el, 'Decline')!.click();
    expect(calls).to.deep.equal(['accept:c1', 'decline:c1']);
    // Answered: the Answer button goes, and focus stays on the bar rather than falling to the page.
    buttonNamed(el, 'Answer')!.focus();
    el.call = call({ state: 'connected', connectedAt: Date.now() });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(region);
  });

  it('is readable in dark, ringing and under way', async () => {
    const { phone } = recordingPhone();
    const el = await fixture<WarmlineAgentCall>(html`<warmline-agent-call theme="dark" .phone=${phone} .call=${call()} .context=${context}></warmline-agent-call>`);
    await expectContrastClean(el);
    el.call = call({ state: 'connected', connectedAt: Date.now(), digits: '7' });
    await el.updateComplete;
    await expectContrastClean(el);
    await expectAxeClean(el);
  });

  it('offers mute, hold, keypad and hang-up during the call, and shows the keys the visitor pressed', async () => {
    const { phone, calls } = recordingPhone();
    const el = await fixture<WarmlineAgentCall>(
      html`<warmline-agent-call .phone=${phone} .call=${call({ state: 'connected', connectedAt: Date.now() - 65_000, digits: '12#' })} .context=${context}></warmline-agent-call>`,
    );
    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('On a call with Jamie Rivera');
    expect(text).to.match(/1:0[5-6]/);
    expect(text).to.contain('Keys pressed: 12#');
    buttonNamed(el, 'Mute')!.click();
    buttonNamed(el, 'Hold')!.click();
    buttonNamed(el, 'Keypad')!.click();
    await el.updateComplete;
    buttonNamed(el, 'Key 5')!.click();
    buttonNamed(el, 'Hang up')!.click();
    expect(calls).to.deep.equal(['mute:c1:true', 'hold:c1:true', 'dtmf:c1:5', 'hangup:c1']);
    await expectAxeClean(el);
    el.call = call({ state: 'on-hold', connectedAt: Date.now() });
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('Jamie Rivera is on hold');
    expect(buttonNamed(el, 'Resume')).to.exist;
    await expectAxeClean(el);
  });

  it('offers to transfer a call in progress, and names the target and the note in the event', async () => {
    const { phone } = recordingPhone();
    const el = await fixture<WarmlineAgentCall>(
      html`<warmline-agent-call .phone=${phone} .call=${call({ state: 'connected', connectedAt: Date.now() })} .context=${context}></warmline-agent-call>`,
    );
    // The directory comes from the real server, read with a real agent session.
    const alice = await TestAgent.signIn(await serverUrl(), 'alice');
    el.server = await serverUrl();
    el.token = alice.token;
    el.self = alice.frames.find((f) => f.type === 'welcome').agent.id;
    try {
      buttonNamed(el, 'Transfer')!.click();
      await el.updateComplete;
      const formEl = el.shadowRoot!.querySelector('warmline-transfer-form')!;
      const form = await until(() => formEl.shadowRoot?.querySelector('form option') && formEl.shadowRoot.querySelector('form'), 'the transfer form');
      const options = [...form.querySelectorAll('option')].map((o) => o.textContent!.trim());
      expect(options.some((o) => o.startsWith('Alice'))).to.equal(false, 'not oneself');
      expect(options).to.include.members(['Help choosing', 'An order or delivery', 'Billing and refunds']);
      const bob = [...form.querySelectorAll('option')].find((o) => o.textContent!.startsWith('Bob'))!;
      form.querySelector('select')!.value = bob.value;
      await expectAxeClean(el);
      (form.querySelector('textarea') as HTMLTextAreaElement).value = 'Wants a refund for the kettle';
      const chosen = oneEvent(el, 'warmline-call-transfer');
      const warm = [...form.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Talk to them first')!;
      form.requestSubmit(warm);
      const { detail } = await chosen;
      expect(detail.call.id).to.equal('c1');
      expect(detail.label).to.match(/^Bob/);
      expect(detail.request).to.deep.equal({ to: { agentId: bob.value.slice('agent:'.length) }, note: 'Wants a refund for the kettle', mode: 'warm' });
    } finally {
      alice.close();
    }
  });

  it('while consulting a colleague, offers to complete or cancel the transfer', async () => {
    const { phone, calls } = recordingPhone();
    const el = await fixture<WarmlineAgentCall>(
      html`<warmline-agent-call .phone=${phone} .call=${call({ id: 'c2', direction: 'out', caller: 'Bob Chen', state: 'connected', connectedAt: Date.now(), consultFor: 'c1' })}></warmline-agent-call>`,
    );
    expect(el.shadowRoot!.textContent).to.contain('Consulting Bob Chen');
    buttonNamed(el, 'Complete transfer')!.click();
    buttonNamed(el, 'Cancel transfer')!.click();
    expect(calls).to.deep.equal(['complete:c2', 'cancel:c2']);
    expect(buttonNamed(el, 'Transfer'), 'a consultation is not transferred itself').to.equal(undefined);
    await expectAxeClean(el);
  });

  it('says so when a transfer did not go through, and the call is the agent’s again', async () => {
    const { phone } = recordingPhone();
    const el = await fixture<WarmlineAgentCall>(
      html`<warmline-agent-call .phone=${phone} .call=${call({ state: 'on-hold', connectedAt: Date.now(), transferFailed: true })} .context=${context}></warmline-agent-call>`,
    );
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('The transfer could not be made.');
    expect(buttonNamed(el, 'Resume')!.disabled).to.equal(false);
    expect(buttonNamed(el, 'Transfer')!.disabled).to.equal(false, 'and can try again');
    await expectAxeClean(el);
  });

  it('says why when the server gave a code (a consultation nobody answered), in the agent’s language', async () => {
    const { phone } = recordingPhone();
    const refused = call({ state: 'on-hold', connectedAt: Date.now(), transferFailed: true, transferRefusal: { reason: 'no_answer', who: 'Bob Chen' } });
    for (const [lang, words] of [
      ['en', 'Bob Chen (did not answer): the transfer was not made. The customer is still with you.'],
      ['ru', 'Bob Chen (не ответил(а)): перевод не выполнен. Клиент по-прежнему с вами.'],
      ['zh-Hant', 'Bob Chen（未接聽）：轉接未完成，客戶仍由您服務。'],
    ] as const) {
      const el = await fixture<WarmlineAgentCall>(html`<warmline-agent-call lang=${lang} .phone=${phone} .call=${refused} .context=${context}></warmline-agent-call>`);
      expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal(words);
    }
  });

  it('says whom an outgoing call rings in one term, and closes an ended call with the agent’s own word', async () => {
    const { phone, calls } = recordingPhone();
    for (const [lang, calling, close] of [
      ['en', 'Calling Anna Li…', 'Close'],
      ['ru', 'Вызов: Anna Li…', 'Закрыть'],
      ['zh-Hant', '正在撥打給Anna Li…', '關閉'],
    ] as const) {
      const el = await fixture<WarmlineAgentCall>(
        html`<warmline-agent-call lang=${lang} .phone=${phone} .call=${call({ direction: 'out', caller: 'Anna Li', state: 'ringing' })}></warmline-agent-call>`,
      );
      expect(el.shadowRoot!.querySelector('.title')!.textContent).to.equal(calling);
      el.call = call({ state: 'ended', endReason: 'remote-hangup' });
      await el.updateComplete;
      buttonNamed(el, close)!.click();
    }
    expect(calls).to.deep.equal(['dismiss:c1', 'dismiss:c1', 'dismiss:c1']);
  });

  it('on a path without transfers or keys (LiveKit), offers neither, and says why a call could not go on', async () => {
    const { phone } = recordingPhone();
    const el = await fixture<WarmlineAgentCall>(
      html`<warmline-agent-call no-transfer no-keypad .phone=${phone} .call=${call({ state: 'connected', connectedAt: Date.now() })} .context=${context}></warmline-agent-call>`,
    );
    expect(buttonNamed(el, 'Hold')).to.exist;
    expect(buttonNamed(el, 'Transfer')).to.equal(undefined);
    expect(buttonNamed(el, 'Keypad')).to.equal(undefined);
    el.call = call({ state: 'ended', endReason: 'failed', problem: 'no-mic' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('The microphone is not available.');
    await expectAxeClean(el);
  });
});
