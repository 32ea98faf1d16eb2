/**
 * Loads a Warmline element's module the first time its tag appears in the
 * page (after Shoelace's autoloader), and gives it the site, server,
 * language and theme (`light` or `dark`) the script tag named unless the
 * element says otherwise.
 */
export const TAGS = 'warmline-chat,warmline-call';

/** `attributes`: what to give each element, read at each scan (Warmline.setLanguage changes `lang`). */
export function autoload(attributes: Record<string, string | undefined>, load: (tag: string) => unknown) {
  const scan = () => {
    for (const el of document.querySelectorAll(TAGS)) {
      for (const [name, value] of Object.entries(attributes)) if (value && !el.hasAttribute(name)) el.setAttribute(name, value);
      void load(el.localName);
    }
  };
  scan();
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
}
