/**
 * Loads a Warmline element's module the first time its tag appears in the
 * page (after Shoelace's autoloader), and gives it the site and server the
 * script tag named unless the element says otherwise.
 */
const TAGS = 'warmline-chat,warmline-call';

export function autoload(server: string, site: string | undefined, load: (tag: string) => Promise<unknown>) {
  const scan = () => {
    for (const el of document.querySelectorAll(TAGS)) {
      if (!el.hasAttribute('server')) el.setAttribute('server', server);
      if (site && !el.hasAttribute('site')) el.setAttribute('site', site);
      void load(el.localName);
    }
  };
  scan();
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
}
