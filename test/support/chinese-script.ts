/**
 * Which characters of a text belong to the other Chinese script: written
 * one way in Simplified and another in Traditional, by OpenCC's character
 * tables. A zh-TW page showing 设置 (not 設定), or a zh-CN page showing
 * 訊息, fails. Runs in Node and in the browser.
 */
import * as OpenCC from 'opencc-js';

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/**
 * Characters that are the same in both in Taiwan's usage though OpenCC's
 * tables turn them: 台 (Taiwan writes 台 as often as 臺).
 */
const BOTH = new Set(['台']);

/**
 * A character is of one script only when converting to the other changes
 * it and converting to its own leaves it: 发 (Simplified; 發 in
 * Traditional), 訊 (Traditional; 讯). 么 is both Simplified (什么) and a
 * Traditional variant of 幺, so neither test counts it.
 */
const only = (away: (s: string) => string, home: (s: string) => string, text: string) =>
  [...new Set([...text])].filter((c) => /\p{Script=Han}/u.test(c) && !BOTH.has(c) && away(c) !== c && home(c) === c);

/** Simplified-only characters in `text` (what a Traditional Chinese page must not show). */
export const simplifiedOnly = (text: string) => only(toTraditional, toSimplified, text);

/** Traditional-only characters in `text` (what a Simplified Chinese page must not show). */
export const traditionalOnly = (text: string) => only(toSimplified, toTraditional, text);
