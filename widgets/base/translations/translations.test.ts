/**
 * Every language has every term English has, in the same shape, and no
 * other; Russian counts in its plural forms; each Chinese file keeps to its
 * script; the loader's launcher names are the chat's.
 */
import { expect } from '@open-wc/testing';
import { BUILT_IN, agentPack, attachmentPack, callPack, queuePack, visitorPack, type Pack } from './packs.js';
import { LAUNCHER_LABELS } from '../../loader/languages.js';
import { simplifiedOnly, traditionalOnly } from '../../../test/support/chinese-script.js';

const PACKS: Pack[] = [visitorPack, callPack, queuePack, attachmentPack, agentPack];
type Terms = Record<string, unknown>;
const load = async (pack: Pack, code: (typeof BUILT_IN)[number]) => (await pack.load[code]()).default as Terms;

/**
 * Every text a language's terms make: strings, and functions called with
 * names and with numbers (each kept where English makes sense of the same
 * values: attachmentSize takes a number, never a name).
 */
function texts(terms: Terms, en: Terms): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(terms)) {
    if (key.startsWith('$')) continue;
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'function') {
      for (const arg of ['安娜', 3, 1, 21]) {
        const args = Array(value.length).fill(arg);
        if (!/undefined|NaN/.test((en[key] as (...a: unknown[]) => string)(...args))) out.push((value as (...a: unknown[]) => string)(...args));
      }
    }
  }
  return out;
}

describe('translations', () => {
  for (const pack of PACKS) {
    it(`${pack.name}: every language has exactly the English terms, in the same shapes`, async () => {
      const en = await load(pack, 'en');
      for (const code of BUILT_IN) {
        const terms = await load(pack, code);
        expect(terms.$code, `${code} $code`).to.equal(code);
        expect(Object.keys(terms).sort(), `${code} ${pack.name} terms`).to.deep.equal(Object.keys(en).sort());
        for (const [key, value] of Object.entries(en)) {
          expect(typeof terms[key], `${code} ${key}`).to.equal(typeof value);
          if (typeof value === 'function') expect((terms[key] as () => string).length, `${code} ${key} arguments`).to.equal(value.length);
        }
        for (const text of texts(terms, en)) {
          expect(text, `${code} ${pack.name}`).to.be.a('string').and.not.match(/undefined|NaN|\[object/);
          expect(text.trim(), `${code} ${pack.name}: an empty term`).to.not.equal('');
        }
      }
    });
  }

  it('Russian waits count in minutes by the plural rules: 1 минута, 2 минуты, 5 минут, 21 минута', async () => {
    const ru = (await load(visitorPack, 'ru')) as { queuePlace: (position: number, minutes: number) => string };
    expect(ru.queuePlace(2, 1)).to.contain('1 минута');
    expect(ru.queuePlace(2, 2)).to.contain('2 минуты');
    expect(ru.queuePlace(2, 5)).to.contain('5 минут');
    expect(ru.queuePlace(2, 5)).to.not.contain('5 минуты');
    expect(ru.queuePlace(2, 21)).to.contain('21 минута');
    expect(ru.queuePlace(2, 11)).to.contain('11 минут');
  });

  it('Traditional Chinese uses no Simplified-only character, and Simplified Chinese no Traditional-only one', async () => {
    for (const pack of PACKS) {
      const en = await load(pack, 'en');
      const hant = texts(await load(pack, 'zh-Hant'), en).join('\n');
      const hans = texts(await load(pack, 'zh-Hans'), en).join('\n');
      expect(simplifiedOnly(hant), `zh-Hant ${pack.name}`).to.deep.equal([]);
      expect(traditionalOnly(hans), `zh-Hans ${pack.name}`).to.deep.equal([]);
    }
    // The check itself tells the scripts apart.
    expect(simplifiedOnly('发送消息')).to.include('发');
    expect(simplifiedOnly('傳送訊息')).to.deep.equal([]);
    expect(traditionalOnly('傳送訊息').length).to.be.greaterThan(0);
  });

  it("the loader names the launcher with each language's openChat", async () => {
    for (const code of BUILT_IN) expect(LAUNCHER_LABELS[code.toLowerCase()], code).to.equal((await load(visitorPack, code)).openChat);
  });
});
