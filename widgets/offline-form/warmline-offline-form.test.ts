import { expect, fixture, html } from '@open-wc/testing';
import type { WarmlineOfflineForm } from './warmline-offline-form.component.js';
import './warmline-offline-form.js';
import { clearStorage, serverUrl, until } from '../../test/support/browser.js';

const formOf = (el: WarmlineOfflineForm) => el.shadowRoot!.querySelector('form')!;

/** Fills the form (a contact of the visitor's choosing) and sends it. */
function submit(el: WarmlineOfflineForm, contact: string) {
  const form = formOf(el);
  const fill = (name: string, value: string) => ((form.querySelector(`[name="${name}"]`) as HTMLInputElement).value = value);
  fill('name', 'Robin Night');
  fill('contact', contact);
  fill('message', 'Please call me about my order 1042.');
  form.requestSubmit();
}

const alertOf = (el: WarmlineOfflineForm) => until(() => formOf(el).querySelector('[role="alert"]'), 'the error');

/** The server answers every POST with `status` and `body` (its queue list and anything else pass through). */
function answerPosts(status: number, body: unknown): () => void {
  const real = window.fetch;
  window.fetch = (input, init) =>
    init?.method === 'POST' ? Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })) : real(input, init);
  return () => (window.fetch = real);
}

describe('<warmline-offline-form>', () => {
  let server: string;
  before(async () => {
    server = await serverUrl();
  });
  beforeEach(clearStorage);

  // The real server refuses the contact with `invalid_contact`; the form words that code, never the server's English.
  for (const [lang, words] of [
    ['en', 'Please enter an email address or a phone number.'],
    ['ru', 'Пожалуйста, укажите адрес электронной почты или номер телефона.'],
    ['zh-Hant', '請輸入有效的電子郵件地址或電話號碼。'],
  ] as const) {
    it(`says a contact is neither an email address nor a phone number in the visitor’s language (${lang})`, async () => {
      const el = await fixture<WarmlineOfflineForm>(
        html`<warmline-offline-form lang=${lang} server=${server} site="after-hours" queue="night" queue-label="Night desk"></warmline-offline-form>`,
      );
      submit(el, 'not a contact');
      expect((await alertOf(el)).textContent).to.equal(words);
    });
  }

  for (const [lang, tooMany, tooLong, failed] of [
    ['ru', 'Слишком много попыток. Попробуйте ещё раз через 42 секунды.', 'Максимальная длина сообщения — 500 символов.', 'Не удалось отправить сообщение. Попробуйте ещё раз.'],
    ['zh-Hant', '嘗試次數過多，請於 42 秒後再試一次。', '每則訊息最多 500 個字。', '留言傳送失敗，請再試一次。'],
  ] as const) {
    it(`words a refusal by its code and values, and anything it does not know as "could not be sent" (${lang})`, async () => {
      const el = await fixture<WarmlineOfflineForm>(html`<warmline-offline-form lang=${lang} server=${server} site="after-hours" queue="night"></warmline-offline-form>`);
      // Each case's words differ from the one before, so that each is seen anew.
      const cases: Array<[number, unknown, string]> = [
        [429, { error: { code: 'rate_limited', message: 'Too many new conversations from this address. Try again in 42 seconds.', retryAfter: 42 } }, tooMany],
        // A code newer than this widget.
        [409, { error: { code: 'something_new', message: 'Something new happened.' } }, failed],
        [413, { error: { code: 'message_too_long', message: 'A message has at most 500 characters.', limit: 500 } }, tooLong],
        // A proxy's page, not ours.
        [502, '<html>Bad gateway</html>', failed],
      ];
      for (const [status, body, words] of cases) {
        const restore = answerPosts(status, body);
        try {
          submit(el, 'robin@example.com');
          await until(() => formOf(el).querySelector('[role="alert"]')?.textContent === words, `"${words}"`);
        } finally {
          restore();
        }
      }
    });
  }

  it('thanks the visitor for the reason the form showed: nobody available is not "closed"', async () => {
    const el = await fixture<WarmlineOfflineForm>(
      html`<warmline-offline-form server=${server} site="after-hours" queue="night" queue-label="Night desk" reason="unstaffed"></warmline-offline-form>`,
    );
    submit(el, 'robin@example.com');
    const thanks = await until(() => el.shadowRoot!.querySelector('.sent'), 'the thanks');
    expect(thanks.textContent).to.equal('Thank you, Robin Night. Your message is with us; we will get back to you as soon as someone is available.');
  });

  it('leaves out what it does not know, rather than a broken sentence: an opening it cannot read, a queue without a name', async () => {
    const why = (el: WarmlineOfflineForm) => el.shadowRoot!.querySelector('#why')!.textContent!.replace(/\s+/g, ' ').trim();
    const unreadable = await fixture<WarmlineOfflineForm>(
      html`<warmline-offline-form server=${server} site="after-hours" queue="night" queue-label="Night desk" opens-at="not a date"></warmline-offline-form>`,
    );
    expect(why(unreadable)).to.equal('Night desk is closed right now. Leave a message and we will get back to you.');
    const nameless = await fixture<WarmlineOfflineForm>(html`<warmline-offline-form lang="ru" server=${server} site="after-hours" reason="unstaffed"></warmline-offline-form>`);
    expect(why(nameless)).to.equal('Сейчас нет свободных операторов. Оставьте сообщение, и мы с вами свяжемся.');
  });
});
