/**
 * axe-core in the component tests (web-test-runner), the way a site owner
 * would run it on their page: every rule axe runs by default (WCAG 2 A and
 * AA, and the best practices: landmarks, regions, headings), a violation of
 * any impact fails, and what failed is listed rule by rule.
 *
 * chai-a11y-axe's `.accessible()` runs axe on the element alone; this also
 * puts a banner of the host page's own beside it, as a shop's header is, so
 * that a widget adding a second banner landmark fails
 * `landmark-no-duplicate-banner` (a `<header>` in a shadow root is one
 * unless it sits in sectioning content or a region: inside
 * `<section role="dialog">` it is). axe walks open shadow roots, nested
 * ones included.
 */
import 'axe-core/axe.min.js';
import type { AxeResults, Result, RunOptions } from 'axe-core';

declare global {
  interface Window {
    axe: typeof import('axe-core');
  }
}

/** Runs axe on `el` (and its shadow roots); throws, listing them, if it finds any violation. */
export async function expectAxeClean(el: Element, options: RunOptions = {}): Promise<AxeResults> {
  const banner = document.createElement('header');
  banner.textContent = 'The host page’s own header';
  document.body.prepend(banner);
  let results: AxeResults;
  try {
    results = await window.axe.run(el, options);
  } finally {
    banner.remove();
  }
  if (results.violations.length) throw new Error(`axe found ${results.violations.length} violation(s) in <${el.localName}>:\n${results.violations.map(describe).join('\n')}`);
  return results;
}

/**
 * Runs axe's colour contrast rule alone on `el`, and checks that it judged
 * some text and left none undecided (text over an image, a gradient or
 * another element would be): a theme's contrast is then proven, not assumed.
 */
export async function expectContrastClean(el: Element): Promise<AxeResults> {
  const results = await expectAxeClean(el, { runOnly: { type: 'rule', values: ['color-contrast'] } });
  const passes = results.passes.flatMap((r) => r.nodes).length;
  if (!passes) throw new Error(`axe judged the contrast of no text in <${el.localName}>`);
  const undecided = results.incomplete.flatMap((r) => r.nodes.map((n) => `    ${n.target.join(' » ')}: ${n.any.map((c) => c.message).join('; ')}`));
  if (undecided.length) throw new Error(`axe could not judge the contrast of some text in <${el.localName}>:\n${undecided.join('\n')}`);
  return results;
}

function describe(v: Result): string {
  const nodes = v.nodes.map((n) => `    ${n.target.join(' » ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`);
  return `- ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
}
