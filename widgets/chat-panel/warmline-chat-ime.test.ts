/**
 * Chinese and Japanese input methods: the Enter that picks a candidate
 * never sends half a message; the next Enter does.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineChat } from './warmline-chat.component.js';
import './warmline-chat.js';
import { clearStorage, serverUrl, TestAgent, until } from '../../test/support/browser.js';

const input = (el: WarmlineChat) => el.shadowRoot!.querySelector('textarea')!;
const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true, ...init });
const composition = (type: string, data: string) => new CompositionEvent(type, { data, bubbles: true, composed: true });

describe('<warmline-chat> with an input method', () => {
  let server: string;
  let staff: TestAgent;
  before(async () => {
    server = await serverUrl();
    staff = await TestAgent.signIn(server, 'alice');
  });
  after(() => staff.close());
  beforeEach(clearStorage);

  it('does not send on the Enter that ends a composition (isComposing, or keyCode 229 as Safari reports it), and sends on the Enter after', async () => {
    const el = await fixture<WarmlineChat>(html`<warmline-chat server=${server} site="demo" lang="zh-CN" open></warmline-chat>`);
    const sent: string[] = [];
    el.addEventListener('warmline-message-send', (e) => sent.push(e.detail.text));
    const box = input(el);
    box.focus();

    box.dispatchEvent(composition('compositionstart', ''));
    box.value = 'nihao';
    box.dispatchEvent(composition('compositionupdate', 'nihao'));
    // Chrome and Firefox: Enter picks 你好 while composing.
    const picking = key({ isComposing: true, keyCode: 229 });
    box.dispatchEvent(picking);
    expect(picking.defaultPrevented, 'the IME keeps its Enter').to.equal(false);
    box.value = '你好';
    box.dispatchEvent(composition('compositionend', '你好'));
    // Safari: the composition has ended when the Enter that confirmed it arrives, marked keyCode 229.
    box.dispatchEvent(key({ keyCode: 229 }));
    await el.updateComplete;
    expect(sent, 'nothing sent while picking').to.deep.equal([]);
    expect(box.value).to.equal('你好');

    // Shift+Enter is a new line, not a send.
    box.dispatchEvent(key({ keyCode: 13, shiftKey: true }));
    await el.updateComplete;
    expect(sent).to.deep.equal([]);

    const sending = key({ keyCode: 13 });
    box.dispatchEvent(sending);
    expect(sending.defaultPrevented, 'Enter sends instead of adding a line').to.equal(true);
    await until(() => sent.length === 1, 'the message sent');
    expect(sent).to.deep.equal(['你好']);
    expect(box.value).to.equal('');
  });
});
