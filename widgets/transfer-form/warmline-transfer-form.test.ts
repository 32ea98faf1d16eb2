import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sampleContext, serverUrl, TestAgent, TestVisitor, until } from '../../test/support/browser.js';
import type { WarmlineTransferForm } from './warmline-transfer-form.component.js';
import './warmline-transfer-form.js';
import { expectAxeClean } from '../../test/support/axe.js';

/** The form's options, once the directory is read: their text, and whether they can be chosen. */
async function optionsOf(el: WarmlineTransferForm) {
  const form = await until(() => el.shadowRoot?.querySelector('form option') && el.shadowRoot.querySelector('form'), 'the directory in the form');
  const options = [...form.querySelectorAll('option')];
  return { form, options, named: (start: string) => options.find((o) => o.textContent!.trim().startsWith(start))! };
}

/** A new offer (after `from` frames) for this interaction, accepted. */
async function acceptAgain(agent: TestAgent, interactionId: string, from: number) {
  await until(() => agent.frames.slice(from).find((f) => f.type === 'offer' && f.offer.interactionId === interactionId), 'the offer again');
  agent.send({ type: 'accept', interactionId });
  await until(() => agent.frames.slice(from).find((f) => f.type === 'assigned' && f.interaction.id === interactionId), 'the assignment');
}

describe('<warmline-transfer-form>', () => {
  it('for a billing chat, shows bob (without the billing skill) and a closed queue disabled, each with why, worded by the server’s code', async () => {
    const server = await serverUrl();
    const alice = await TestAgent.signIn(server, 'alice');
    const bob = await TestAgent.signIn(server, 'bob');
    const visitor = await TestVisitor.start(server, sampleContext('transfer-form'));
    let interactionId = '';
    try {
      visitor.say('A refund, please');
      interactionId = await alice.acceptOfferFor('A refund, please');
      // Bob available only now: else the chat could be offered to him, who never answers.
      bob.send({ type: 'presence', state: 'available' });
      await bob.next((f) => f.type === 'presence' && f.state === 'available');
      // The demo's chats go to "Help choosing"; alice passes it to billing (hers alone) and takes it there.
      const seen = alice.frames.length;
      alice.send({ type: 'transfer', interactionId, to: { queue: 'billing' }, note: '', mode: 'blind' });
      await acceptAgain(alice, interactionId, seen);

      const el = await fixture<WarmlineTransferForm>(
        html`<warmline-transfer-form
          channel="chat"
          server=${server}
          .token=${alice.token}
          .self=${alice.frames.find((f) => f.type === 'welcome').agent.id}
          .interaction=${interactionId}
        ></warmline-transfer-form>`,
      );
      const { form, named } = await optionsOf(el);
      const bobOption = named('Bob Chen');
      expect(bobOption.disabled).to.equal(true);
      expect(bobOption.textContent!.trim()).to.equal('Bob Chen (lacks this queue’s skills)');
      expect(named('Night desk').disabled).to.equal(true);
      expect(named('Night desk').textContent!.trim()).to.equal('Night desk (queue closed now)');
      expect(named('Billing and refunds').disabled).to.equal(false);
      expect(named('Help choosing').disabled).to.equal(false);
      expect(form.querySelector('select')!.value, 'a target that can take it is chosen first').to.equal(named('Help choosing').value);
      await expectAxeClean(el);

      form.querySelector('select')!.value = named('Billing and refunds').value;
      const chosen = oneEvent(el, 'warmline-transfer');
      form.requestSubmit([...form.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Transfer now')!);
      const { detail } = await chosen;
      expect(detail).to.deep.equal({ request: { to: { queue: 'billing' }, note: '', mode: 'blind' }, label: 'Billing and refunds' });
    } finally {
      if (interactionId) alice.send({ type: 'close', interactionId });
      visitor.close();
      bob.close();
      alice.close();
    }
  });

  for (const [lang, closed] of [
    ['ru', 'Night desk (очередь сейчас закрыта)'],
    ['zh-Hant', 'Night desk（佇列目前非服務時間）'],
  ] as const) {
    it(`says why a target cannot take it in the agent’s language, by the server’s code (${lang})`, async () => {
      const server = await serverUrl();
      const alice = await TestAgent.signIn(server, 'alice');
      const visitor = await TestVisitor.start(server, sampleContext(`transfer-form-${lang}`));
      let interactionId = '';
      try {
        const text = `Which grinder? ${Math.random().toString(36).slice(2)}`;
        visitor.say(text);
        interactionId = await alice.acceptOfferFor(text);
        const el = await fixture<WarmlineTransferForm>(
          html`<warmline-transfer-form
            lang=${lang}
            channel="chat"
            server=${server}
            .token=${alice.token}
            .self=${alice.frames.find((f) => f.type === 'welcome').agent.id}
            .interaction=${interactionId}
          ></warmline-transfer-form>`,
        );
        const { named } = await optionsOf(el);
        expect(named('Night desk').disabled).to.equal(true);
        expect(named('Night desk').textContent!.trim()).to.equal(closed);
      } finally {
        if (interactionId) alice.send({ type: 'close', interactionId });
        visitor.close();
        alice.close();
      }
    });
  }

  it('lists every target when who can take it cannot be checked, and says so', async () => {
    const server = await serverUrl();
    const alice = await TestAgent.signIn(server, 'alice');
    try {
      const el = await fixture<WarmlineTransferForm>(
        html`<warmline-transfer-form channel="call" server=${server} .token=${alice.token} .interaction=${'in_not_hers'}></warmline-transfer-form>`,
      );
      const { options } = await optionsOf(el);
      expect(options.every((o) => !o.disabled)).to.equal(true, 'the server judges the transfer itself');
      const alert = await until(() => el.shadowRoot!.querySelector('[role="alert"]'), 'the alert');
      expect(alert.textContent).to.equal('Who can take it now could not be checked: every target is listed, and the transfer is judged when you make it.');
      await expectAxeClean(el);
    } finally {
      alice.close();
    }
  });
});
