/**
 * The built loader choosing the widgets' language: `data-lang` over the
 * page's and the browser's, `Warmline.setLanguage` switching an open chat,
 * `Warmline.registerTranslation` checked like the rest of the API.
 */
import { expect } from '@open-wc/testing';
import { until } from '../test/support/browser.js';

type Api = { setLanguage(code: unknown): void; registerTranslation(...t: unknown[]): void; open(): void };
const api = () => (window as unknown as { Warmline: Api }).Warmline;
const launcher = () => document.querySelector('[data-warmline-launcher]') as HTMLElement | null;
const chat = () => document.querySelector('warmline-chat') as (HTMLElement & { open: boolean }) | null;
const placeholder = () => chat()?.shadowRoot?.querySelector('textarea')?.getAttribute('placeholder');

describe('the loader and languages', () => {
  before(async () => {
    sessionStorage.clear();
    localStorage.clear();
    // A Russian page, a browser set to English, and a script tag asking for Traditional Chinese.
    document.documentElement.lang = 'ru';
    Object.defineProperty(navigator, 'languages', { configurable: true, get: () => ['en-US', 'en'] });
    await new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/dist/warmline.js';
      s.dataset.site = 'demo';
      s.dataset.lang = 'zh-TW';
      s.onload = () => resolve();
      s.onerror = () => reject(new Error('/dist/warmline.js did not load: run npm run build first'));
      document.head.append(s);
    });
  });

  it("names the launcher in data-lang's language, over the page's and the browser's", async () => {
    await until(() => launcher(), 'the launcher');
    const button = launcher()!.shadowRoot!.querySelector('button')!;
    expect(button.getAttribute('aria-label')).to.equal('線上諮詢');
    expect(launcher()!.lang).to.equal('zh-TW');
  });

  it('opens the chat in that language', async () => {
    api().open();
    await until(() => placeholder(), 'the chat panel');
    expect(chat()!.getAttribute('lang')).to.equal('zh-TW');
    expect(placeholder()).to.equal('輸入訊息…');
  });

  it('switches the open chat with Warmline.setLanguage, and back to the page with null', async () => {
    api().setLanguage('zh-CN');
    await until(() => placeholder() === '输入消息…', 'Simplified Chinese');
    api().setLanguage(null);
    await until(() => placeholder() === 'Сообщение…', "the page's Russian");
    api().setLanguage('en-GB');
    await until(() => placeholder() === 'Write a message…', 'English');
  });

  it('refuses a bad language or translation with a TypeError naming the problem, and changes nothing', async () => {
    expect(() => api().setLanguage('not a language')).to.throw(TypeError, /Warmline\.setLanguage: pass a language tag/);
    expect(() => api().setLanguage(42)).to.throw(TypeError, /setLanguage/);
    expect(() => api().registerTranslation({ $code: 'fr' })).to.throw(TypeError, /Warmline\.registerTranslation: translations\[0\] needs \$code/);
    expect(() => api().registerTranslation({ $code: 'en', $name: 'English', placeholder: 42 })).to.throw(TypeError, /strings or functions/);
    expect(() => api().registerTranslation({ $code: 'ru', $name: 'Русский', send: 'Отправить' }, null)).to.throw(TypeError, /translations\[1\]/);
    await new Promise((r) => setTimeout(r, 50));
    expect(placeholder()).to.equal('Write a message…');
  });

  it('takes a translation the site registers, at once in the open chat', async () => {
    api().registerTranslation({ $code: 'fr', $name: 'Français', placeholder: 'Écrivez un message…' });
    api().setLanguage('fr-FR');
    await until(() => placeholder() === 'Écrivez un message…', 'the registered French');
    api().registerTranslation({ $code: 'fr', $name: 'Français', placeholder: 'Votre question…' });
    await until(() => placeholder() === 'Votre question…', 'the changed French term');
  });
});
