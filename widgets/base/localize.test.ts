import { expect, fixture, html } from '@open-wc/testing';
import { html as litHtml } from 'lit';
import { WarmlineElement, define } from './warmline-element.js';
import { Localize, registerTranslation, setSiteLanguage } from './localize.js';
import { visitorPack } from './translations/packs.js';
import { dateTime, languageName, money, relativeTime } from './formats.js';
import { until } from '../../test/support/browser.js';

/** A component showing one term; it records what each of its renders said. */
class LocalizedThing extends WarmlineElement {
  readonly localize = new Localize(this, visitorPack);
  readonly said: string[] = [];
  override render() {
    this.said.push(this.localize.term('send'));
    return litHtml`<p>${this.localize.term('send')}</p><span>${this.localize.term('queuePlace', 2, 5)}</span>`;
  }
}
define('test-localized', LocalizedThing);

/** A component with the first inside its shadow root, as the chat holds its message list. */
class Outer extends WarmlineElement {
  override render() {
    return litHtml`<test-localized></test-localized>`;
  }
}
define('test-localized-outer', Outer);

const text = (el: LocalizedThing) => el.shadowRoot!.querySelector('p')!.textContent;
let browserLanguages: string[] | undefined;
Object.defineProperty(navigator, 'languages', { configurable: true, get: () => browserLanguages ?? ['en-US', 'en'] });

describe('Localize', () => {
  afterEach(() => {
    document.documentElement.lang = 'en';
    browserLanguages = undefined;
    setSiteLanguage(undefined);
  });

  it("renders first in the page's language, never in English first", async () => {
    document.documentElement.lang = 'ru';
    const el = await fixture<LocalizedThing>(html`<test-localized></test-localized>`);
    expect(text(el)).to.equal('Отправить');
    expect(el.said[0]).to.equal('Отправить');
    expect(el.shadowRoot!.querySelector('span')!.textContent).to.contain('5 минут');
  });

  it("speaks the element's lang over the page's, and switches when it changes", async () => {
    document.documentElement.lang = 'ru';
    const el = await fixture<LocalizedThing>(html`<test-localized lang="zh-TW"></test-localized>`);
    expect(text(el)).to.equal('傳送');
    el.lang = 'zh-CN';
    await until(() => text(el) === '发送', 'Simplified Chinese');
    el.removeAttribute('lang');
    await until(() => text(el) === 'Отправить', "the page's Russian");
    document.documentElement.lang = 'en';
    await until(() => text(el) === 'Send', 'English');
  });

  it("follows an ancestor's lang, through shadow roots", async () => {
    const outer = await fixture<Outer>(html`<div lang="zh-HK"><test-localized-outer></test-localized-outer></div>`);
    const inner = outer.querySelector('test-localized-outer')!.shadowRoot!.querySelector('test-localized') as LocalizedThing;
    await until(() => text(inner) === '傳送', 'Traditional Chinese inside the shadow root');
    outer.setAttribute('lang', 'ru');
    await until(() => text(inner) === 'Отправить', 'Russian after the ancestor changed');
  });

  it("passes over a page language it lacks for the browser's, then the site's, then English", async () => {
    document.documentElement.lang = 'fr';
    browserLanguages = ['fr-FR', 'ru'];
    const el = await fixture<LocalizedThing>(html`<test-localized></test-localized>`);
    expect(text(el)).to.equal('Отправить');
    browserLanguages = ['fr-FR'];
    window.dispatchEvent(new Event('languagechange'));
    await until(() => text(el) === 'Send', 'English, with nothing it speaks');
    setSiteLanguage('zh-Hant');
    await until(() => text(el) === '傳送', "the site's default");
  });

  it('takes terms a site registers (all or some), over the built-in ones, with the rest from the language it falls to', async () => {
    document.documentElement.lang = 'fr-CA';
    const el = await fixture<LocalizedThing>(html`<test-localized></test-localized>`);
    expect(text(el)).to.equal('Send');
    registerTranslation({ $code: 'fr', $name: 'Français', send: 'Envoyer' });
    await until(() => text(el) === 'Envoyer', 'the registered French');
    // What French lacks comes from English.
    expect(el.shadowRoot!.querySelector('span')!.textContent).to.contain('number 2');

    el.lang = 'ru';
    await until(() => text(el) === 'Отправить', 'Russian');
    // The loader hands translations over by an event.
    window.dispatchEvent(new CustomEvent('warmline-translation', { detail: [{ $code: 'ru', $name: 'Русский', send: 'Послать' }] }));
    await until(() => text(el) === 'Послать', 'the overridden Russian term');
    expect(el.shadowRoot!.querySelector('span')!.textContent).to.contain('5 минут');
  });

  it('words dates, relative times and money by the language', async () => {
    const el = await fixture<LocalizedThing>(html`<test-localized lang="ru"></test-localized>`);
    const t = el.localize;
    expect(relativeTime(t.lang, -180)).to.equal('3 минуты назад');
    // A time of day as each language writes it (local time: the message list's times).
    const evening = new Date(2026, 0, 15, 18, 8);
    expect(t.time(evening)).to.equal('18:08');
    expect(money(t.lang, 1234.5, 'RUB').replace(/\s/g, ' ')).to.equal('1 234,50 ₽');
    expect(languageName(t.lang, 'zh-TW')).to.equal('китайский (Тайвань)');
    el.lang = 'en-US';
    await until(() => text(el) === 'Send', 'English');
    expect(t.time(evening).replace(/\s/g, ' ')).to.equal('6:08 PM');
    el.lang = 'zh-CN';
    await until(() => text(el) === '发送', 'Chinese');
    expect(relativeTime(t.lang, 120)).to.equal('2分钟后');
    const opening = dateTime(t.lang, Date.UTC(2026, 11, 7, 1, 0), { weekday: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Shanghai' });
    expect(opening).to.contain('星期一').and.contain('09:00');
  });
});
