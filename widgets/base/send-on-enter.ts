/**
 * Enter sends a message, Shift+Enter starts a new line — except while an
 * input method (Chinese pinyin or zhuyin, Japanese kana) is composing, when
 * Enter picks the candidate shown and must never send half a word.
 *
 * `isComposing` says so in Chrome and Firefox. Safari ends the composition
 * before the Enter that confirms it, and reports that Enter with the legacy
 * keyCode 229 ("an IME is processing this key", UI Events §7.3) instead;
 * so both are checked. The next Enter, with the composition over, sends.
 */
export function isSendKey(event: KeyboardEvent): boolean {
  return event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229;
}

/** A keydown handler for a composer textarea: submits its form on a send key. */
export function sendOnEnter(event: KeyboardEvent) {
  if (!isSendKey(event)) return;
  event.preventDefault();
  (event.target as HTMLTextAreaElement).form?.requestSubmit();
}
