import { expect } from '@open-wc/testing';
import { resolveLanguage } from './language.js';

const none = new Set<string>();

describe('resolveLanguage', () => {
  it('writes Chinese in the script of the region: Simplified for zh, zh-CN, zh-SG; Traditional for zh-TW, zh-HK, zh-MO', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-HK']) expect(resolveLanguage([tag], none).base, tag).to.equal('zh-Hans');
    for (const tag of ['zh-TW', 'zh-HK', 'zh-MO', 'zh-Hant', 'zh-Hant-CN']) expect(resolveLanguage([tag], none).base, tag).to.equal('zh-Hant');
  });

  it('keeps the tag that matched for dates and numbers, and looks terms up in its language then English', () => {
    expect(resolveLanguage(['zh-HK'], none)).to.deep.equal({ locale: 'zh-HK', chain: ['zh-hant', 'en'], base: 'zh-Hant' });
    expect(resolveLanguage(['ru-RU'], none)).to.deep.equal({ locale: 'ru-RU', chain: ['ru', 'en'], base: 'ru' });
    expect(resolveLanguage(['en-GB'], none)).to.deep.equal({ locale: 'en-GB', chain: ['en'], base: 'en' });
  });

  it('passes over a language it does not speak for the next one, and falls back to English', () => {
    expect(resolveLanguage(['fr', 'de-CH', 'ru'], none).base).to.equal('ru');
    expect(resolveLanguage([undefined, '', 'not a tag!', 'fr'], none)).to.deep.equal({ locale: 'en', chain: ['en'], base: 'en' });
  });

  it('speaks a language the site registered, over the built-in one it falls to', () => {
    expect(resolveLanguage(['fr-CA'], new Set(['fr']))).to.deep.equal({ locale: 'fr-CA', chain: ['fr', 'en'], base: 'en' });
    expect(resolveLanguage(['zh-HK'], new Set(['zh-hk']))).to.deep.equal({ locale: 'zh-HK', chain: ['zh-hk', 'zh-hant', 'en'], base: 'zh-Hant' });
    expect(resolveLanguage(['en-AU'], new Set(['en-au']))).to.deep.equal({ locale: 'en-AU', chain: ['en-au', 'en'], base: 'en' });
  });
});
