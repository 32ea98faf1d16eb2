/**
 * Collects Content-Security-Policy violations in every page of a browser
 * context, two ways: the `securitypolicyviolation` event (listened for in
 * each document, shadow roots included, before any page script runs) and
 * Chromium's "Refused to …" console messages. Reports survive navigation.
 */
import type { BrowserContext } from 'playwright-core';

export async function watchCspViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeFunction('__warmlineCspViolation', (line: string) => violations.push(line));
  await context.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const report = (window as unknown as { __warmlineCspViolation(line: string): void }).__warmlineCspViolation;
        void report(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
      },
      true,
    );
  });
  context.on('console', (message) => {
    if (/Refused to|Content Security Policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
  });
  return violations;
}
