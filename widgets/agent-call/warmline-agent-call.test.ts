import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineAgentCall } from './warmline-agent-call.component.js';
import './warmline-agent-call.js';
import type { AgentCall, AgentSipPhone } from '../telephony/agent-sip-phone.js';
import type { ContextEnvelope } from '../protocol/context-envelope.js';

/** Records what the bar asks of the phone (the phone itself is tested end to end). */
function recordingPhone() {
  const calls: string[] = [];
  const phone = {
    accept: async () => void calls.push('accept'),
    decline: async () => void calls.push('decline'),
    hangup: async () => void calls.push('hangup'),
    setMuted: (m: boolean) => void calls.push(`mute:${m}`),
    setHold: async (h: boolean) => void calls.push(`hold:${h}`),
    sendDtmf: async (d: string) => void calls.push(`dtmf:${d}`),
    dismiss: () => void calls.push('dismiss'),
  } as unknown as AgentSipPhone;
  return { phone, calls };
}

const call = (change: Partial<AgentCall> = {}): AgentCall => ({
  id: 'c1',
  interactionId: 'in_abcdefgh',
  caller: 'Visitor',
  state: 'ringing',
  muted: false,
  digits: '',
  ringingSince: Date.now(),
  connectedAt: undefined,
  endReason: undefined,
  ...change,
});

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
    await expect(el).shadowDom.to.be.accessible();
    buttonNamed(el, 'Answer')!.click();
    buttonNamed(el, 'Decline')!.click();
    expect(calls).to.deep.equal(['accept', 'decline']);
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
    expect(calls).to.deep.equal(['mute:true', 'hold:true', 'dtmf:5', 'hangup']);
    await expect(el).shadowDom.to.be.accessible();
    el.call = call({ state: 'on-hold', connectedAt: Date.now() });
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('Jamie Rivera is on hold');
    expect(buttonNamed(el, 'Resume')).to.exist;
  });
});
